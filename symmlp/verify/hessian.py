"""Certified Hessians: the R-operator's ``hvp`` equations evaluated in ball arithmetic.

Column ``j`` of the Hessian of the batch-mean loss is ``H e_j``, the
derivation's ``hvp`` (forward R-pass, then backward R-pass) along the basis
direction ``e_j``; here every column is evaluated in balls (or exactly), a
block of directions at a time (:func:`symmlp.emit.arb.basis_blocks`).  What is
then checked:

- symmetry, certified: ``H_ij`` (direction ``j``) and ``H_ji`` (direction ``i``) come
  out of different passes through the R-equations and must overlap;
- each activation's ``second_source`` against ``sympy.diff`` of its form, twice
  (:mod:`symmlp.verify.faces`, ``order=2``);
- for small models, route C: ``sympy.diff`` twice of the expanded output,
  assembled with the loss's own second derivatives;
- the compiled NumPy Hessian within its float64 bound of the enclosure.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from functools import cached_property

import numpy as np
import sympy as sp

from ..core.validate import check_int
from ..derive.derivation import Derivation, backprop
from ..derive.grad import kink_convention, real_symbols
from ..emit.arb import ARB, FMPQ, ArbArray, NotRational, basis_blocks, evaluate
from ..emit.arb.array import agreeing
from ..emit.arb.field import ARB_FIELD, QQ_FIELD, working_precision
from ..emit.arb.sympy_ball import lambdify_ball
from ..models.chain import check_model
from .limits import float_bound, precision_bits, route_c_size
from .points import CheckPoint, draw_point
from .report import digits_of, midpoints, radii
from .routes import directions_per_block, loss_in_outputs, sample_columns

__all__ = ["CertifiedHessian", "hessian_enclosure", "certified_hessian", "certified_hessian_check", "point_from"]

#: route C of the Hessian (sympy.diff twice) runs below this size x parameters^2
HESSIAN_C_MAX = 20_000


@dataclass(frozen=True, eq=False)
class CertifiedHessian:
    """The Hessian of the batch-mean loss at ``point``: an ``n x n`` object array of balls (or
    exact rationals) in ``model.params`` order, and what was checked about it."""

    model: object
    loss: str
    point: CheckPoint
    enclosure: np.ndarray
    exact: bool
    seconds: float
    routes: tuple[str, ...] = ("hvp",)
    numpy_error: float | None = None
    failures: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.failures

    def midpoints(self) -> np.ndarray:
        """The enclosures' midpoints as float64."""
        return self._mid_rad[0]

    @cached_property
    def _mid_rad(self) -> tuple[np.ndarray, np.ndarray]:
        return midpoints(self.enclosure), radii(self.enclosure)

    @property
    def min_digits(self) -> float:
        """The fewest significant digits certified among the entries not enclosing 0."""
        return digits_of(*self._mid_rad)

    def __str__(self) -> str:
        n = self.enclosure.shape[0]
        digits = "exact" if self.exact else f"at least {self.min_digits:.0f} digits on non-zero entries"
        numpy = "" if self.numpy_error is None else f"; compiled NumPy max |error| {self.numpy_error:.1e}"
        verdict = "OK" if self.ok else "FAILED: " + "; ".join(self.failures)
        return (f"Hessian {n} x {n} certified by {' and '.join(self.routes)} in {self.seconds:.2f} s "
                f"({digits}){numpy}: {verdict}")


def hessian_enclosure(derivation: Derivation, point: CheckPoint, prec: int, exact: bool | None = None,
                      progress: Callable[[str], None] | None = None) -> tuple[np.ndarray, bool]:
    """Every column ``H e_j`` of the Hessian at ``point`` by the ``hvp`` equations in balls (exactly
    when ``exact``; ``None`` tries exact first).  Returns the matrix and whether it is exact."""
    if exact is None:
        try:
            return hessian_enclosure(derivation, point, prec, True, progress)
        except NotRational:
            exact = False
    layout, n = derivation.model.layout, derivation.model.num_params
    H = np.empty((n, n), dtype=object)
    per = max(1, directions_per_block(derivation, point.batch) // 2)
    t0, done = time.perf_counter(), 0
    for v in basis_blocks(layout, per, QQ_FIELD if exact else ARB_FIELD):
        columns = evaluate("hvp", derivation, point.theta, v, point.X, point.Y, prec=prec, exact=exact)
        H[:, v.theta_indices()] = columns.data.T
        done += v.stack_size
        if progress is not None:
            progress(f"Hessian: {done}/{n} columns ({time.perf_counter() - t0:.1f} s)")
    return H, exact


def _route_c(derivation: Derivation, point: CheckPoint, prec: int, exact: bool) -> np.ndarray:
    """``sympy.diff`` twice of the expanded output, assembled with the loss's second derivatives:
    ``H = mean_b [Jᵀ ∇²ℓ J + Σ_k ∂ℓ/∂w_k ∇²w_k]``."""
    model = derivation.model
    real, _ = real_symbols(model)
    w, y, ell, expanded = loss_in_outputs(derivation)
    outputs = [e.xreplace(real) for e in expanded]
    params, n, m = [real[p] for p in model.params], model.num_params, len(outputs)
    jac = [[sp.diff(o, p) for p in params] for o in outputs]
    second = [[kink_convention(sp.diff(jac[k][i], params[j])) for i in range(n) for j in range(i, n)]
              for k in range(m)]
    loss_d = [kink_convention(sp.diff(ell, v)) for v in w]
    loss_dd = [kink_convention(sp.diff(ell, a, b)) for a in w for b in w]
    backend = FMPQ if exact else ARB
    exprs = [*outputs, *(kink_convention(e) for row in jac for e in row), *(e for row in second for e in row)]
    f_out = lambdify_ball([*params, *(real[s] for s in model.inputs)], exprs, backend, cse=True)
    f_loss = lambdify_ball([*w, *y], [*loss_d, *loss_dd], backend)
    with working_precision(prec):
        ones = backend.np.ones_like(ArbArray.from_values(point.X[:, 0], backend.field))
        theta = [ArbArray.from_values(v, backend.field) for v in point.theta]
        values = [backend.np.asarray(v) * ones for v in f_out(*theta, *sample_columns(point.X, backend))]
        out, J, S = values[:m], values[m:m + m * n], values[m + m * n:]
        dl = [backend.np.asarray(v) * ones for v in f_loss(*out, *sample_columns(point.Y, backend))]
        H = np.empty((n, n), dtype=object)
        pairs = [(i, j) for i in range(n) for j in range(i, n)]
        for p, (i, j) in enumerate(pairs):
            total = sum((dl[m + a * m + b] * J[a * n + i] * J[b * n + j] for a in range(m) for b in range(m)),
                        start=0 * ones)
            total = total + sum((dl[k] * S[k * len(pairs) + p] for k in range(m)), start=0 * ones)
            H[i, j] = H[j, i] = (backend.np.sum(total) / point.batch).item()
    return H


def certified_hessian_check(derivation: Derivation, point: CheckPoint, prec: int, compiled=None,
                            progress: Callable[[str], None] | None = None) -> CertifiedHessian:
    """The certified Hessian at ``point`` with its symmetry, route C (small models) and the compiled
    NumPy Hessian (``compiled``, optional) checked against it."""
    t0, model, failures = time.perf_counter(), derivation.model, []
    H, exact = hessian_enclosure(derivation, point, prec, None, progress)
    routes = ["hvp"]
    n = model.num_params
    with working_precision(prec):
        upper = np.triu_indices(n, 1)
        asymmetric = int((~agreeing(H[upper], H.T[upper])).sum())
        if asymmetric:
            failures.append(f"the certified Hessian is not symmetric in {asymmetric} pairs (H_ij vs H_ji)")
        if route_c_size(model) * n <= HESSIAN_C_MAX:
            C = _route_c(derivation, point, prec, exact)
            routes.append("sympy.diff twice")
            wrong = int((~agreeing(H, C)).sum())
            if wrong:
                failures.append(f"hvp and sympy.diff twice disagree on {wrong} Hessian entries")
    numpy_error = None
    if compiled is not None:
        Hn = compiled.hessian(*point.floats())
        mids, rad = midpoints(H), radii(H)
        errors = np.abs(Hn - mids)
        numpy_error = float(errors.max(initial=0.0))
        allowed = rad + float_bound(model, point.batch, 2.0**-53) * (np.abs(mids) + np.abs(mids).max(initial=0.0))
        if (errors > allowed).any():
            failures.append(f"{int((errors > allowed).sum())} entries of the compiled NumPy Hessian are outside "
                            f"their float64 bound (worst {numpy_error:.2e})")
    return CertifiedHessian(model, derivation.loss.name, point, H, exact, time.perf_counter() - t0, tuple(routes),
                            numpy_error, tuple(failures))


def point_from(model, at) -> CheckPoint:
    """``at = (theta, X, Y)`` (numbers: ints, floats, Fractions, SymPy Rationals; floats are taken
    exactly) as an exact :class:`~symmlp.verify.points.CheckPoint`."""
    if isinstance(at, CheckPoint):
        return at
    if not isinstance(at, tuple | list) or len(at) != 3:
        raise TypeError(f"at must be (theta, X, Y) or a CheckPoint, got {at!r:.60}")

    def exact(values, shape: tuple[int, ...], what: str) -> np.ndarray:
        array = np.array(values, dtype=object)
        if array.shape != shape:
            raise ValueError(f"at: {what} must have shape {shape}, got {array.shape}")
        return np.vectorize(lambda v: Fraction(str(v)) if isinstance(v, sp.Rational) else Fraction(v),
                            otypes=[object])(array)

    theta, X, Y = at
    batch = len(X)
    return CheckPoint(exact(theta, (model.num_params,), "theta"), exact(X, (batch, model.n_inputs), "X"),
                      exact(Y, (batch, model.n_outputs), "Y"), seed=-1)


def certified_hessian(model, loss="mse", at=None, *, seed: int = 0, batch: int = 8, digits: int = 30,
                      progress: Callable[[str], None] | None = None) -> CertifiedHessian:
    """The certified Hessian of the batch-mean loss at ``at``, or at a point worth checking.

    Parameters
    ==========

    model : any symmlp model
    loss : str or Loss
    at : (theta, X, Y), optional
        The point (exact numbers; floats are taken exactly).  Default: drawn as
        :func:`symmlp.check` draws it from ``seed`` and ``batch``.
    seed, batch : int
    digits : int
        Certified digits wanted (the working precision follows from them).

    Returns
    =======

    CertifiedHessian
        ``.enclosure`` (``n x n`` balls or rationals), ``.midpoints()``, ``.ok``.

    Examples
    ========

    >>> from symmlp import MLP
    >>> from symmlp.verify.hessian import certified_hessian
    >>> H = certified_hessian(MLP([2, 3, 1], activation="relu"))
    >>> H.exact, H.enclosure.shape, H.ok
    (True, (13, 13), True)
    >>> H = certified_hessian(MLP([1, 1], output_activation="tanh"), at=([0.5, 0], [[1]], [[0]]), digits=20)
    >>> H.enclosure[0, 0]
    [0.28260464412988... +/- ...]
    """
    check_model(model)
    seed, batch = check_int(seed, "seed", 0), check_int(batch, "batch", 1, 4096)
    digits = check_int(digits, "digits", 1, 1000)
    derivation = backprop(model, loss)
    point = draw_point(derivation, seed, batch) if at is None else point_from(model, at)
    return certified_hessian_check(derivation, point, precision_bits(digits, model), None, progress)
