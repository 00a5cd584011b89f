"""Points worth checking: a batch, exact, unsaturated, and on both sides of every kink.

A check at a point where every ReLU is dead compares 0 with 0 and proves
nothing.  :func:`draw_point` therefore draws

- a batch of ``B`` samples (default 8), so the batch-averaging path runs;
- dyadic rationals (``k / 2^e``): exact in float64, so the compiled code and a
  user's function see exactly the point the balls see;
- weights scaled by their block's fan-in (``model.layout``), so wide or deep
  tanh nets are not saturated (a saturated unit has gradients near 0 that pass
  any comparison);
- for every activation with kinks (``Activation.kinks``, ReLU's 0), the bias
  feeding it moved so that each unit sits on one side of the kink for about
  half of the samples and on the other side for the rest, between two samples,
  never on the kink.

:func:`coverage` then certifies, from the balls of the pre-activations, that
each unit really is on both sides and that every ball keeps clear of the kink;
a check that cannot certify this fails instead of passing vacuously.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from fractions import Fraction

import numpy as np
import sympy as sp

from ..derive.derivation import Derivation
from ..emit.arb import ArbArray, evaluate, to_arb

__all__ = ["CheckPoint", "draw_point", "kinked_stages", "gradient_rows", "StageCoverage", "Coverage", "coverage",
           "small_rational", "rational_parameters"]

WEIGHT_BITS = 10
INPUT_BITS = 8
ATTEMPTS = 20


@dataclass(frozen=True)
class CheckPoint:
    """An exact point: ``theta`` (num_params,), ``X`` (B, n_inputs), ``Y`` (B, n_outputs) as
    object arrays of Fractions; :meth:`floats` gives them as float64 (exact when dyadic)."""

    theta: np.ndarray
    X: np.ndarray
    Y: np.ndarray
    seed: int

    @property
    def batch(self) -> int:
        return self.X.shape[0]

    def floats(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        return tuple(a.astype(np.float64) for a in (self.theta, self.X, self.Y))

    def dyadic(self) -> bool:
        """Whether every value is exactly a float64 (then float code sees exactly this point)."""
        return all(Fraction(float(v)) == v for a in (self.theta, self.X, self.Y) for v in a.ravel())


def small_rational(rng: random.Random) -> sp.Rational:
    """A nonzero ``k / (2 m)`` with ``1 <= |k| <= 9`` and ``1 <= m <= 9``: a small exact value for
    symbolic routes (SymPy's arithmetic on it stays cheap; it need not be exact in float64).

    Examples
    ========

    >>> import random
    >>> from symmlp.verify.points import small_rational
    >>> values = [small_rational(random.Random(s)) for s in range(50)]
    >>> all(v != 0 and abs(v) <= sp.Rational(9, 2) and v.is_Rational for v in values)
    True
    """
    return sp.Rational(rng.choice([k for k in range(-9, 10) if k]), rng.randint(1, 9)) / 2


def rational_parameters(model, rng: random.Random) -> list[sp.Rational]:
    """One :func:`small_rational` per parameter, each weight divided by its block's fan-in
    (``model.layout``) so that wide or deep tanh nets are not saturated.

    Examples
    ========

    >>> import random
    >>> from symmlp import MLP
    >>> from symmlp.verify.points import rational_parameters
    >>> theta = rational_parameters(MLP([4, 1]), random.Random(0))
    >>> len(theta), all(abs(v) <= sp.Rational(9, 8) for v in theta[:4])
    (5, True)
    """
    theta = [small_rational(rng) for _ in model.params]
    for block in model.layout:
        if block.fan_in:
            theta[block.slice] = [v / block.fan_in for v in theta[block.slice]]
    return theta


def _dyadic(rng: random.Random, bound: float, bits: int) -> Fraction:
    """A nonzero ``k / 2^bits`` with ``|k / 2^bits| <= bound``."""
    top = max(1, math.floor(bound * 2**bits))
    k = rng.choice([-1, 1]) * rng.randint(1, top)
    return Fraction(k, 2**bits)


def _between(lo: float, hi: float) -> Fraction:
    """The dyadic rational with the fewest bits in the middle half of ``(lo, hi)``."""
    a, b = lo + (hi - lo) / 4, hi - (hi - lo) / 4
    for e in range(0, 64):
        k = math.ceil(a * 2**e)
        if k / 2**e <= b:
            return Fraction(k, 2**e)
    return Fraction((lo + hi) / 2)


def kinked_stages(derivation: Derivation) -> list[tuple[int, str, tuple[float, ...]]]:
    """``(stage index, name of its input, kinks)`` for each activation with kinks."""
    return [(k, x.code, stage.activation.kinks)
            for k, (stage, x) in enumerate(zip(derivation.model.stages, derivation.inputs))
            if stage.activation is not None and stage.activation.kinks]


def _mids(values: ArbArray) -> np.ndarray:
    return np.vectorize(lambda e: float(to_arb(e).mid()), otypes=[float])(values.data)


def _pre_activations(derivation: Derivation, theta, X, names: list[str]) -> dict[str, np.ndarray]:
    values = evaluate("forward", derivation, theta, X, prec=64, outputs=names)
    return {n: _mids(values[n]) for n in names}


def _split_kinks(derivation: Derivation, theta: np.ndarray, X: np.ndarray) -> bool:
    """Move the bias feeding each kinked activation so its units change side across the batch;
    False when some unit's samples cannot be separated (all equal)."""
    layout, ok = derivation.model.layout, True
    for k, name, kinks in kinked_stages(derivation):
        bias = [b for b in layout.of_stage(k - 1) if b.role == "bias"] if k > 0 else []
        if not bias:
            continue
        block = bias[0]
        Z = _pre_activations(derivation, theta, X, [name])[name]
        for i in range(Z.shape[1]):
            without = np.sort(Z[:, i] - float(theta[block.offset + i]))
            gaps = np.diff(without)
            if not gaps.size or gaps.max() <= 0:
                ok = False
                continue
            middle = len(without) // 2 - 1
            order = sorted(np.flatnonzero(gaps > 0), key=lambda j: abs(j - middle))
            j = order[0]
            t = _between(float(without[j]), float(without[j + 1]))
            theta[block.offset + i] = Fraction(kinks[0]) - t
    return ok


def _draw(model, loss, rng: random.Random, batch: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    theta = np.empty(model.num_params, dtype=object)
    for block in model.layout:
        bound = math.sqrt(3 / block.fan_in) if block.fan_in else 1.0
        theta[block.slice] = [_dyadic(rng, bound, WEIGHT_BITS) for _ in range(block.size)]
    X = np.array([[_dyadic(rng, 1.0, INPUT_BITS) for _ in range(model.n_inputs)] for _ in range(batch)],
                 dtype=object)
    rows = [loss.random_targets(rng, model.n_outputs) for _ in range(batch)]
    Y = np.array([[Fraction(int(v.p), int(v.q)) for v in row] for row in rows], dtype=object)
    return theta, X, _dyadic_targets(loss, Y)


def _dyadic_targets(loss, Y: np.ndarray) -> np.ndarray:
    """``Y`` rounded to ``WEIGHT_BITS`` dyadics when the loss accepts the rounded targets unchanged
    (so float code sees exactly the point); else ``Y`` as drawn."""
    rounded = np.vectorize(lambda v: Fraction(round(v * 2**WEIGHT_BITS), 2**WEIGHT_BITS), otypes=[object])(Y)
    floats = rounded.astype(np.float64)
    try:
        accepted = loss.prepare_targets(floats, *Y.shape)
    except ValueError:
        return Y
    return rounded if np.array_equal(accepted, floats) else Y


def _worth_checking(derivation: Derivation, point: CheckPoint) -> bool:
    """Every kinked unit on both sides and every gradient row non-zero, judged in 64-bit balls (the
    check then certifies it)."""
    names = [name for _, name, _ in kinked_stages(derivation)]
    out = evaluate("loss_and_grad", derivation, point.theta, point.X, point.Y, prec=64, outputs=[*names, "grad"])
    for name in names:
        signs = np.sign(_mids(out[name]))
        if not (np.any(signs > 0, axis=0) & np.any(signs <= 0, axis=0)).all():
            return False
    grad = _mids(out["grad"])
    return all(r.any() for r in gradient_rows(derivation.model.layout, grad != 0))


def gradient_rows(layout, values: np.ndarray) -> list[np.ndarray]:
    """``values`` (laid out like theta) cut into rows: a matrix block's rows (a unit's incoming
    weights), each entry of a vector block."""
    rows = []
    for block in layout:
        part = values[block.slice]
        rows += list(part.reshape(block.shape[0], -1)) if len(block.shape) > 1 else [part[i:i + 1]
                                                                                   for i in range(block.size)]
    return rows


def draw_point(derivation: Derivation, seed: int, batch: int) -> CheckPoint:
    """A point for ``derivation`` (see the module docstring), reproducible from ``seed``; up to
    20 draws are tried for one where every kinked unit changes side and no gradient row is 0
    (the last is returned otherwise, and the check's coverage fails).

    Examples
    ========

    >>> from symmlp import MLP, backprop
    >>> from symmlp.verify.points import draw_point
    >>> p = draw_point(backprop(MLP([2, 3, 1], activation="relu")), seed=0, batch=8)
    >>> p.theta.shape, p.X.shape, p.Y.shape
    ((13,), (8, 2), (8, 1))
    """
    rng = random.Random(seed)
    for _ in range(ATTEMPTS):
        theta, X, Y = _draw(derivation.model, derivation.loss, rng, batch)
        _split_kinks(derivation, theta, X)
        point = CheckPoint(theta, X, Y, seed)
        if _worth_checking(derivation, point):
            break
    return point


@dataclass(frozen=True)
class StageCoverage:
    """How one kinked activation's units sit at the point: ``covered`` units have samples on two
    sides of a kink; ``touching`` values have a ball that meets a kink (uncertified)."""

    layer: int
    activation: str
    units: int
    covered: int
    touching: int

    def __str__(self) -> str:
        return (f"layer {self.layer} {self.activation}: {self.covered}/{self.units} units on both sides of "
                f"the kink, {self.touching} pre-activations touching it")


@dataclass(frozen=True)
class Coverage:
    """What the point exercises: kinked units on both sides of their kink, and gradient rows
    (a unit's incoming weights, each bias) and entries certified non-zero."""

    stages: tuple[StageCoverage, ...]
    nonzero_rows: int
    rows: int
    nonzero: int
    total: int

    @property
    def complete(self) -> bool:
        return self.nonzero_rows == self.rows and all(s.covered == s.units and not s.touching
                                                      for s in self.stages)

    def __str__(self) -> str:
        lines = [str(s) for s in self.stages]
        lines.append(f"{self.nonzero_rows}/{self.rows} gradient rows and {self.nonzero}/{self.total} entries "
                     "certified non-zero")
        return "\n".join(lines)

    def problems(self) -> list[str]:
        out = [f"vacuous draw: only {s.covered} of {s.units} units of layer {s.layer} ({s.activation}) are on "
               f"both sides of the kink" for s in self.stages if s.covered < s.units]
        out += [f"{s.touching} pre-activations of layer {s.layer} are not certified clear of the kink"
                for s in self.stages if s.touching]
        if self.nonzero_rows < self.rows:
            out.append(f"vacuous draw: {self.rows - self.nonzero_rows} of {self.rows} gradient rows are (or "
                       "cannot be told from) 0")
        return out


def _side(value, kinks: tuple[float, ...]) -> int | None:
    """Which piece between the kinks a ball lies in, or None when it meets a kink."""
    ball = to_arb(value)
    side = 0
    for c in kinks:
        if ball.overlaps(to_arb(c)):
            return None
        side += int(ball > c)
    return side


def coverage(derivation: Derivation, values: dict[str, ArbArray], grad: np.ndarray) -> Coverage:
    """Certified coverage from the pre-activations' balls ``values`` and the gradient's ``grad``."""
    stages = []
    for k, name, kinks in kinked_stages(derivation):
        Z = values[name].data
        sides = [[_side(v, kinks) for v in Z[:, i]] for i in range(Z.shape[1])]
        covered = sum(1 for s in sides if None not in s and len(set(s)) > 1)
        touching = sum(s.count(None) for s in sides)
        stage = derivation.model.stages[k]
        stages.append(StageCoverage(stage.layer, stage.activation.name, len(sides), covered, touching))
    nonzero = np.array([not to_arb(g).contains(0) for g in grad])
    rows = gradient_rows(derivation.model.layout, nonzero)
    return Coverage(tuple(stages), sum(1 for r in rows if r.any()), len(rows), int(nonzero.sum()), len(grad))
