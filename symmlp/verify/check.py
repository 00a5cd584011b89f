"""Symbolic vs numeric agreement: one report, three independent comparisons.

For every parameter, at a random exact point:

1. backprop vs direct: the chain-rule gradient against ``sympy.diff`` of the
   expanded loss, compared exactly (Rational) or to 40 significant digits;
2. compiled NumPy vs the exact gradient evaluated at the same point;
3. compiled NumPy vs central finite differences of the compiled loss.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

import numpy as np
import sympy as sp

from ..derive.derivation import backprop
from ..derive.grad import kink_convention, real_symbols
from ..emit.numpy import compile_model
from ..models.chain import check_model
from ..ops.losses import Loss

__all__ = ["check", "CheckReport", "CheckRow"]

DIGITS = 50
EXACT_TOL = sp.Float(10) ** -40
NUMPY_RTOL = 1e-9
FD_RTOL = 1e-5
KINK_MARGIN = 1e-3


@dataclass(frozen=True)
class CheckRow:
    """One parameter's comparisons (errors are absolute; ``None`` when skipped)."""

    param: sp.Symbol
    exact: float
    direct_error: float | None
    numpy_error: float
    fd_error: float
    ok: bool


@dataclass(frozen=True)
class CheckReport:
    """The result of :func:`check`; ``ok`` is True when every row agrees."""

    model: object
    loss: str
    rows: tuple[CheckRow, ...]
    direct_skipped: str | None

    @property
    def ok(self) -> bool:
        return all(r.ok for r in self.rows)

    def max_error(self, column: str) -> float:
        values = [getattr(r, column) for r in self.rows if getattr(r, column) is not None]
        return max(values, default=0.0)

    def __str__(self) -> str:
        head = f"check({self.model!r}, loss={self.loss!r}): {'OK' if self.ok else 'DISAGREE'}"
        lines = [head,
                 f"{'parameter':>12} {'dl/dθ (exact)':>22} {'|bp − direct|':>14} "
                 f"{'|numpy − exact|':>16} {'|numpy − fd|':>13}  ok"]
        for r in self.rows:
            direct = "skipped" if r.direct_error is None else f"{r.direct_error:.1e}"
            lines.append(f"{str(r.param):>12} {r.exact:>22.15g} {direct:>14} "
                         f"{r.numpy_error:>16.1e} {r.fd_error:>13.1e}  {'yes' if r.ok else 'NO'}")
        lines.append(
            f"max errors: backprop vs direct {self.max_error('direct_error'):.1e} (exact: 0 or "
            f"< 1e-40 relative), numpy vs exact {self.max_error('numpy_error'):.1e}, "
            f"numpy vs finite differences {self.max_error('fd_error'):.1e}"
        )
        if self.direct_skipped:
            lines.append(self.direct_skipped)
        return "\n".join(lines)

    __repr__ = __str__


def _rational(rng: random.Random, lo: int = -9, hi: int = 9) -> sp.Rational:
    """A nonzero Rational: a zero weight would make whole gradient rows trivially 0."""
    numerator = rng.choice([k for k in range(lo, hi + 1) if k])
    return sp.Rational(numerator, rng.randint(1, 9)) / 2


def draw_theta(model, rng: random.Random) -> list[sp.Rational]:
    """Random nonzero Rationals for ``model.params``; weights of layer ``l`` are
    divided by its fan-in, so deep or wide tanh nets are not saturated (a
    saturated unit has gradients near 0 that would pass any comparison)."""
    theta = [_rational(rng) for _ in model.params]
    for block in model.layout:
        if block.fan_in:
            theta[block.slice] = [v / block.fan_in for v in theta[block.slice]]
    return theta


def _evaluate(exprs: dict, point: dict) -> dict:
    """Each expression at ``point``: an exact Rational where the model keeps it one
    (ReLU, polynomial activations, mse), else a number with ``DIGITS + 10`` digits.

    Substituting high-precision Floats lets SymPy evaluate as it goes; asking
    ``sympy.N`` for an exact but unevaluated nest of ``tanh`` afterwards takes minutes.
    """
    floats = {s: sp.Float(v, DIGITS + 10) for s, v in point.items()}
    out = {}
    for p, e in exprs.items():
        value = e.xreplace(point)
        out[p] = value if value.is_Rational else e.xreplace(floats)
    return out


def _agree_exactly(a: sp.Expr, b: sp.Expr) -> float:
    """``|a - b|``: exact for Rationals, else from 50-digit values (0.0 below 1e-40 relative).

    The values are compared, not the symbolic difference, which SymPy may try to simplify."""
    if a.is_Rational and b.is_Rational:
        return float(abs(a - b))
    fa, fb = sp.N(a, DIGITS), sp.N(b, DIGITS)
    value = abs(fa - fb)
    return float(value) if value > EXACT_TOL * max(abs(fa), 1) else 0.0


def _near_kink(model, theta, x) -> bool:
    """True when an activation's input is within ``KINK_MARGIN`` of one of its kinks (ReLU at 0),
    where its derivative jumps and finite differences straddle both sides."""
    if not any(s.activation is not None and s.activation.kinks for s in model.stages):
        return False
    blocks = model.exact_blocks([sp.Float(float(v), 20) for v in theta])
    outs = model.stage_outputs(blocks, [sp.Float(float(v), 20) for v in x])
    ins = [list(x), *outs[:-1]]
    for stage, a in zip(model.stages, ins):
        kinks = stage.activation.kinks if stage.activation is not None else ()
        if any(abs(float(v) - k) < KINK_MARGIN for v in a for k in kinks):
            return True
    return False


def check(model, loss: str | Loss = "mse", *, seed: int = 0, direct_max_params: int = 120,
          fd_step: float = 1e-6, max_params: int = 400) -> CheckReport:
    """Compare the symbolic gradient with the direct, compiled and numeric ones.

    Parameters
    ==========

    model : any symmlp model
    loss : str or Loss
    seed : int
        Chooses the random Rational point (parameters, inputs, targets); a point
        where a ReLU pre-activation lies within 1e-3 of 0 is drawn again.
    direct_max_params : int
        ``sympy.diff`` of the expanded loss is quadratic in size; above this
        many parameters that column is skipped (and the report says so).
    fd_step : float
        The central finite-difference step.
    max_params : int
        Larger models are refused: the exact column costs time linear in the
        model's expanded size.

    Returns
    =======

    CheckReport
        ``.ok``, ``.rows`` (one per parameter) and a readable ``str``.

    Examples
    ========

    >>> from symmlp import MLP, check
    >>> report = check(MLP([2, 2, 1], activation="relu"))
    >>> report.ok, len(report.rows)
    (True, 9)
    >>> report.max_error("direct_error")
    0.0
    """
    check_model(model)
    if model.num_params > max_params:
        raise ValueError(
            f"check evaluates every parameter's exact gradient; the model has {model.num_params} "
            f"parameters, allowed up to max_params={max_params}: check a narrower net of the same depth"
        )
    derivation = backprop(model, loss)
    compiled = compile_model(model, derivation.loss)
    rng = random.Random(seed)
    for _ in range(100):
        theta = draw_theta(model, rng)
        x = [_rational(rng) for _ in model.inputs]
        if not _near_kink(model, theta, x):
            break
    else:
        raise RuntimeError(f"100 random points of {model!r} all sit on a ReLU kink; try another seed")
    y = derivation.loss.random_targets(rng, model.n_outputs)
    point = {**dict(zip(model.params, theta)), **dict(zip(model.inputs, x)),
             **dict(zip(model.targets, y))}

    exact = _evaluate(derivation.expand(), point)
    skipped = None
    if model.num_params <= direct_max_params:
        real, _ = real_symbols(model)
        ell = derivation.loss_expression().xreplace(real)
        at = {real[s]: v for s, v in point.items()}
        direct = _evaluate({p: kink_convention(sp.diff(ell, real[p])) for p in model.params}, at)
    else:
        direct = None
        skipped = (f"backprop vs direct skipped: {model.num_params} parameters > "
                   f"direct_max_params={direct_max_params}")

    t = np.array([float(v) for v in theta])
    X = np.array([[float(v) for v in x]])
    Y = np.array([[float(v) for v in y]])
    _, g_numpy = compiled.loss_and_grad(t, X, Y)

    g_fd = np.empty_like(t)
    for i in range(t.size):
        step = np.zeros_like(t)
        step[i] = fd_step
        plus = compiled.loss_and_grad(t + step, X, Y)[0]
        minus = compiled.loss_and_grad(t - step, X, Y)[0]
        g_fd[i] = (plus - minus) / (2 * fd_step)

    rows = []
    for i, p in enumerate(model.params):
        value = float(sp.N(exact[p], DIGITS))
        d_err = None if direct is None else _agree_exactly(exact[p], direct[p])
        n_err = abs(g_numpy[i] - value)
        f_err = abs(g_numpy[i] - g_fd[i])
        ok = ((d_err is None or d_err == 0.0)
              and n_err <= NUMPY_RTOL * max(1.0, abs(value))
              and f_err <= FD_RTOL * max(1.0, abs(value)))
        rows.append(CheckRow(p, value, d_err, n_err, f_err, ok))
    return CheckReport(model, derivation.loss.name, tuple(rows), skipped)

