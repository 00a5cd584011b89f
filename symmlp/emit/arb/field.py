"""The numbers ball-arithmetic arrays hold: ``arb`` balls or exact ``fmpq`` rationals.

A :class:`Field` says how to make an element from a Python number, which
python-flint matrix type multiplies them, and how to apply the elementary
functions.  Rationals have no ``tanh``: asking for one raises
:class:`NotRational`, and the caller evaluates in ``arb`` instead.

Comparisons are *certified*: :meth:`Field.decide` answers ``x > 0`` only when
the ball lies entirely on one side (or is exactly the threshold, where the
code's own convention decides); a ball that straddles the threshold raises
:class:`KinkError`.  Keeping a margin from a kink is the points' business
(:mod:`symmlp.verify.points`), not the comparison's.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import flint
from flint import arb, arb_mat, fmpq, fmpq_mat

__all__ = ["Field", "ARB_FIELD", "QQ_FIELD", "KinkError", "NotRational", "working_precision", "to_arb",
           "can_equal"]


class KinkError(ArithmeticError):
    """A comparison the balls cannot decide: a value sits on (or too near) a kink."""


class NotRational(ArithmeticError):
    """A function with no exact rational value (``tanh``, ``exp``, ...) was asked for in ``fmpq``."""


@contextmanager
def working_precision(bits: int):
    """Set ``flint.ctx.prec`` to ``bits`` inside the block, restoring it after."""
    old = flint.ctx.prec
    flint.ctx.prec = int(bits)
    try:
        yield
    finally:
        flint.ctx.prec = old


def _fmpq(x: Any) -> fmpq:
    if isinstance(x, fmpq):
        return x
    if isinstance(x, bool):
        return fmpq(int(x))
    if isinstance(x, int):
        return fmpq(x)
    num, den = Fraction(x).as_integer_ratio()  # floats are dyadic rationals: exact
    return fmpq(num, den)


def to_arb(x: Any) -> arb:
    """``x`` as a ball: exact for ints, floats and dyadic rationals, else rounded at the working
    precision (the ball then contains ``x``)."""
    if isinstance(x, arb):
        return x
    if isinstance(x, fmpq):
        return arb(x)
    if isinstance(x, Fraction):
        return arb(fmpq(x.numerator, x.denominator))
    if isinstance(x, bool):
        return arb(int(x))
    return arb(x)


def can_equal(p: Any, q: Any) -> bool:
    """Whether two enclosures may hold the same number: equal rationals, or overlapping balls."""
    if isinstance(p, fmpq) and isinstance(q, fmpq):
        return p == q
    return to_arb(p).overlaps(to_arb(q))


def _arb_max(x: arb, y: arb) -> arb:
    return x.max(y)


def _arb_min(x: arb, y: arb) -> arb:
    return x.min(y)


@dataclass(frozen=True)
class Field:
    """One kind of element: ``arb`` balls or exact ``fmpq``."""

    name: str
    element: type
    matrix: type
    const: Callable[[Any], Any]
    exact: bool

    @property
    def zero(self):
        return self.const(0)

    @property
    def one(self):
        return self.const(1)

    def function(self, name: str) -> Callable[[Any], Any]:
        """The elementwise function ``name`` (``"tanh"``, ``"exp"``, ``"log"``, ...)."""
        if self.exact:
            raise NotRational(f"{name} has no exact rational value")
        return operator.methodcaller(name)

    def maximum(self, x, y):
        if self.exact:
            return x if x >= y else y
        return _arb_max(x, y)

    def minimum(self, x, y):
        if self.exact:
            return x if x <= y else y
        return _arb_min(x, y)

    def decide(self, x, op: str, y) -> bool:
        """The certified truth of ``x op y`` (``op`` one of ``> >= < <= == !=``)."""
        if self.exact:
            return (x == y) == (op == "==") if op in ("==", "!=") else _COMPARE[op](x, y)
        if op in ("==", "!="):
            if x.is_exact() and to_arb(y).is_exact():
                return (x == y) == (op == "==")
            if not x.overlaps(to_arb(y)):
                return op == "!="
            raise KinkError(f"the ball {x.str(5, radius=True)} overlaps {y}: {op} is undecided")
        holds, fails = _COMPARE[op](x, y), _COMPARE[_NEGATION[op]](x, y)
        if holds == fails:
            raise KinkError(f"the ball {x.str(5, radius=True)} straddles {y}: {op} is undecided")
        return bool(holds)


_COMPARE = {">": operator.gt, ">=": operator.ge, "<": operator.lt, "<=": operator.le}
_NEGATION = {">": "<=", ">=": "<", "<": ">=", "<=": ">"}

ARB_FIELD = Field("arb", arb, arb_mat, to_arb, exact=False)
QQ_FIELD = Field("fmpq", fmpq, fmpq_mat, _fmpq, exact=True)
