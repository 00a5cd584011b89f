"""Run the derivation's Function recipes on balls: the same code the NumPy emitter writes.

:func:`evaluate` takes a Function's name (``"loss_and_grad"``, ``"forward"``,
and the second-order ones as the derivation provides them), lays its source
out exactly as every emitter does (:func:`~symmlp.emit.source.function_source`),
and executes it with ``np`` bound to a ball-arithmetic backend.  Inputs are
converted exactly (ints, dyadic floats) or into enclosing balls (other
Fractions); the results are :class:`~symmlp.emit.arb.array.ArbArray` values
whose balls contain the exact values.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from ...derive.derivation import Derivation
from ..programs import Function, programs, second_order_programs
from ..source import function_source
from .array import ArbArray, LazyStack
from .backend import ARB, FMPQ, BallBackend
from .directions import Directions
from .field import working_precision

__all__ = ["evaluate", "function_recipe", "ball_source"]

DEFAULT_PREC = 200


FIRST_ORDER = ("forward", "loss_and_grad")


def function_recipe(derivation: Derivation, name: str) -> Function:
    """The derivation's :class:`~symmlp.emit.programs.Function` called ``name``: ``forward``,
    ``loss_and_grad``, or a second-order one (``hvp``, ``gnvp``, ``loss_and_jvp``), whose
    equations are built only when asked for."""
    recipes = programs(derivation) if name in FIRST_ORDER else second_order_programs(derivation)
    for f in recipes:
        if f.name == name:
            return f
    names = [*FIRST_ORDER, *(f.name for f in recipes if f.name not in FIRST_ORDER)]
    raise ValueError(f"no generated function {name!r}; the derivation provides {', '.join(names)}")


def ball_source(derivation: Derivation, name: str, outputs: Sequence[str] | None = None) -> str:
    """The source :func:`evaluate` runs: the recipe as the NumPy emitter lays it out, returning
    ``outputs`` (a dict of those names, which may include its result's names such as ``grad``)
    instead of its usual result when they are given."""
    f = function_recipe(derivation, name)
    if outputs is None:
        return function_source(f.name, f.args, f.setup, f.body, f.result, f.keep)
    result = [line for line in f.result if not line.startswith("return")]
    result.append("return {" + ", ".join(f"{n!r}: {n}" for n in outputs) + "}")
    return function_source(f.name, f.args, f.setup, f.body, result, f.keep | set(outputs))


@lru_cache(maxsize=64)
def _compiled(derivation: Derivation, name: str, outputs: tuple[str, ...] | None, backend_name: str):
    backend = {"arb": ARB, "fmpq": FMPQ}[backend_name]
    source = ball_source(derivation, name, outputs)
    return backend.execute(source, derivation.model, f"{backend_name}-{name}")[name]


def _convert(value: Any, backend: BallBackend):
    if isinstance(value, ArbArray | LazyStack | Directions) or value is None:
        return value
    if isinstance(value, int | float):
        return value
    return ArbArray.from_values(value, backend.field)


def evaluate(function_name: str, derivation: Derivation, *args: Any, prec: int = DEFAULT_PREC,
             exact: bool = False, outputs: Sequence[str] | None = None) -> Any:
    """Run one of the derivation's generated functions in ball arithmetic (or exactly).

    Parameters
    ==========

    function_name : str
        ``"loss_and_grad"``, ``"forward"``, or a second-order recipe's name.
    derivation : Derivation
        From :func:`symmlp.backprop`.
    *args
        The function's arguments in order (``theta, X, Y`` and for the
        R-operator recipes a direction ``v``): numbers, arrays of ints, floats
        or Fractions, :class:`~symmlp.emit.arb.array.ArbArray`, or a
        :class:`~symmlp.emit.arb.directions.Directions` block of basis directions.
    prec : int
        Working precision in bits (``flint.ctx.prec``) for ``arb``.
    exact : bool
        Evaluate in exact rationals (``fmpq``); raises
        :class:`~symmlp.emit.arb.field.NotRational` when the code needs a
        transcendental function.
    outputs : sequence of str, optional
        Return ``{name: value}`` for these intermediates instead of the function's result.

    Returns
    =======

    What the function returns, with :class:`ArbArray` in place of arrays.

    Examples
    ========

    >>> from fractions import Fraction
    >>> from symmlp import MLP, backprop
    >>> from symmlp.emit.arb import evaluate
    >>> d = backprop(MLP([1, 1], output_activation="relu"))
    >>> loss, grad = evaluate("loss_and_grad", d, [Fraction(1, 3), 1], [[3]], [[1]], exact=True)
    >>> loss.item(), grad.tolist()
    (1/2, [3, 1])
    >>> loss, grad = evaluate("loss_and_grad", backprop(MLP([1, 1], output_activation="tanh")),
    ...                       [0.5, 0], [[1]], [[0]], prec=100)
    >>> grad[1].item()
    [0.36343099069179... +/- ...]
    """
    backend = FMPQ if exact else ARB
    key = tuple(outputs) if outputs is not None else None
    f = _compiled(derivation, function_name, key, backend.name)
    with working_precision(prec):
        return f(*(_convert(a, backend) for a in args))
