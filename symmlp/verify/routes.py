"""Three independent routes to the gradient at a point, each giving enclosures.

- **Route A**, reverse mode: the derivation's backward equations (``Δ`` and
  ``∂L/∂W = Δ Aᵀ``) evaluated in ball arithmetic (``loss_and_grad``).
- **Route B**, forward mode: the forward R-pass equations (``R{Z} = V_W A +
  W R{A} + V_b 1ᵀ``, ``R{A} = σ′(Z) ⊙ R{Z}``) and ``R{L}`` (``loss_and_jvp``),
  with the direction ``V`` running over the basis of ``theta`` in stacked
  blocks (:class:`~symmlp.emit.arb.directions.Directions`).  It shares no
  backward equation with route A.
- **Route C**, small models only: ``sympy.diff`` of the expanded model output for
  each parameter (the Jacobian, no derivation involved) times ``sympy.diff`` of the
  per-sample loss in the outputs, evaluated in the same balls (with exact
  constants), averaged over the batch.

Each route is exact (``fmpq``) when every value stays rational (ReLU, square,
polynomials, mse), else ``arb`` at the working precision.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import sympy as sp

from ..derive.derivation import Derivation
from ..derive.grad import kink_convention, real_symbols
from ..emit.arb import ARB, FMPQ, ArbArray, NotRational, basis_blocks, evaluate
from ..emit.arb.array import LazyStack
from ..emit.arb.field import ARB_FIELD, QQ_FIELD, working_precision
from ..emit.arb.sympy_ball import lambdify_ball
from .limits import directions_per_evaluation
from .points import CheckPoint

__all__ = ["RouteResult", "route_a", "route_b", "route_c", "TITLES", "directions_per_block", "loss_in_outputs",
           "sample_columns"]

TITLES = {"A": "reverse mode: the backward equations in balls",
          "B": "forward mode: the R-pass equations, basis directions in blocks",
          "C": "sympy.diff of the expanded output and of the loss, in balls"}


@dataclass
class RouteResult:
    """One route's enclosures of the loss and of the gradient (an object array in theta order)."""

    name: str
    exact: bool
    loss: object
    grad: np.ndarray
    seconds: float
    values: dict = field(default_factory=dict, repr=False)

    @property
    def title(self) -> str:
        return TITLES[self.name]


def _exact_first(run: Callable[[bool], tuple], prefer_exact: bool) -> tuple[bool, tuple]:
    if prefer_exact:
        try:
            return True, run(True)
        except NotRational:
            pass
    return False, run(False)


def route_a(derivation: Derivation, point: CheckPoint, prec: int, names: list[str] = (),
            prefer_exact: bool = True) -> RouteResult:
    """Route A, returning also the intermediates ``names`` (pre-activations for coverage and faces)."""
    t0 = time.perf_counter()
    outputs = [*dict.fromkeys([*names, "loss", "grad"])]

    def run(exact: bool):
        out = evaluate("loss_and_grad", derivation, point.theta, point.X, point.Y, prec=prec, exact=exact,
                       outputs=outputs)
        return (out,)

    exact, (out,) = _exact_first(run, prefer_exact)
    return RouteResult("A", exact, out["loss"].item(), out["grad"].data, time.perf_counter() - t0, out)


def directions_per_block(derivation: Derivation, batch: int) -> int:
    """How many directions one stacked evaluation of route B takes (bounded memory)."""
    return directions_per_evaluation(derivation.model, batch)


def _stacked_values(RL, count: int) -> np.ndarray:
    """``R{L}`` of each direction of a block (a direction that leaves the loss alone gives 0)."""
    if isinstance(RL, LazyStack):
        RL = RL.materialize()
    if not isinstance(RL, ArbArray):
        return np.broadcast_to(np.asarray(RL, dtype=object), (count,))
    return RL.data if RL.stack else np.broadcast_to(RL.data, (count,))


def route_b(derivation: Derivation, point: CheckPoint, prec: int, prefer_exact: bool = True,
            progress: Callable[[str], None] | None = None) -> RouteResult:
    """Route B: ``R{L}`` along every basis direction, a block of directions per evaluation."""
    t0 = time.perf_counter()
    layout, n = derivation.model.layout, derivation.model.num_params
    per = directions_per_block(derivation, point.batch)
    last_report = [t0]

    def run(exact: bool):
        f = QQ_FIELD if exact else ARB_FIELD
        grad, loss, done = np.empty(n, dtype=object), None, 0
        for v in basis_blocks(layout, per, f):
            loss, RL = evaluate("loss_and_jvp", derivation, point.theta, v, point.X, point.Y, prec=prec,
                                exact=exact)
            grad[v.theta_indices()] = _stacked_values(RL, v.stack_size)
            done += v.stack_size
            if progress is not None and time.perf_counter() - last_report[0] > 1.0:
                last_report[0] = time.perf_counter()
                progress(f"route B: {done}/{n} directions ({time.perf_counter() - t0:.1f} s)")
        return grad, loss

    exact, (grad, loss) = _exact_first(run, prefer_exact)
    loss = loss.item() if isinstance(loss, ArbArray) else loss
    return RouteResult("B", exact, loss, grad, time.perf_counter() - t0)


def sample_columns(values: np.ndarray, backend) -> list[ArbArray]:
    """Each column of a ``(B, n)`` array of exact numbers as an array over the batch."""
    return [ArbArray.from_values(values[:, k], backend.field) for k in range(values.shape[1])]


def loss_in_outputs(derivation: Derivation):
    """The per-sample loss in fresh symbols for the outputs (``w``, the logits when the loss is fused)
    and targets, and the expanded expressions of ``w`` in the inputs and parameters."""
    model, loss = derivation.model, derivation.loss
    m = model.n_outputs
    w = [sp.Symbol(f"w{k}", real=True) for k in range(m)]
    y = [sp.Symbol(f"t{k}", real=True) for k in range(m)]
    if loss.fused and derivation.ends_in_activation:
        ell = loss.sample([model.output_activation(v) for v in w], y, w)
        expanded = list(model.logits)
    else:
        ell = loss.sample(w, y, w if derivation.logits.code == derivation.output.code else list(model.logits))
        expanded = list(model.output)
    return w, y, ell, expanded


def route_c(derivation: Derivation, point: CheckPoint, prec: int, prefer_exact: bool = True) -> RouteResult:
    """Route C: ``sympy.diff`` of the expanded model output for each parameter, times ``sympy.diff`` of
    the per-sample loss in the outputs, evaluated sample by sample and averaged."""
    t0 = time.perf_counter()
    model = derivation.model
    real, _ = real_symbols(model)
    w, y, ell, expanded = loss_in_outputs(derivation)
    outputs = [e.xreplace(real) for e in expanded]
    params = [real[p] for p in model.params]
    jac = [kink_convention(sp.diff(o, p)) for p in params for o in outputs]
    loss_grad = [kink_convention(sp.diff(ell, v)) for v in w]
    inputs = [real[s] for s in model.inputs]

    def run(exact: bool):
        backend = FMPQ if exact else ARB
        f_out = lambdify_ball([*params, *inputs], [*outputs, *jac], backend, cse=True)
        f_loss = lambdify_ball([*w, *y], [ell, *loss_grad], backend)
        with working_precision(prec):
            theta = [ArbArray.from_values(v, backend.field) for v in point.theta]
            ones = backend.np.ones_like(ArbArray.from_values(point.X[:, 0], backend.field))
            values = [backend.np.asarray(v) * ones for v in f_out(*theta, *sample_columns(point.X, backend))]
            m = len(outputs)
            out, J = values[:m], values[m:]
            dl = [backend.np.asarray(v) * ones for v in f_loss(*out, *sample_columns(point.Y, backend))]
            grads = [sum((J[i * m + k] * dl[1 + k] for k in range(m)), start=0 * ones) for i in range(len(params))]
            means = [backend.np.sum(v) / point.batch for v in [dl[0], *grads]]
        return tuple(v.item() for v in means)

    exact, means = _exact_first(run, prefer_exact)
    return RouteResult("C", exact, means[0], np.array(means[1:], dtype=object), time.perf_counter() - t0)
