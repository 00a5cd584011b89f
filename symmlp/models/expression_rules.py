"""What a user's expression may contain, and how it is differentiated.

One allowlist serves two readers: :func:`check_expressions` refuses an
expression that uses anything else, and :mod:`symmlp.models.safe_srepr` builds
only these classes when it reads a saved file back.

The convention at kinks is the project's (``ReLU'(0) = 0``): the derivative is
0 where the function has a kink or a jump.  :func:`diff_kink` gives

- ``Max``, ``Min``, ``Heaviside``: ``Heaviside(z, 0)`` steps, 0 at the tie;
- ``Abs``: ``sign``, 0 at 0; ``sign``, ``floor``, ``ceiling``: 0 everywhere;
- ``Piecewise``: the derivative of the piece that holds, and 0 on every
  boundary between pieces (where a condition holds with equality).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import sympy as sp
from sympy.core.function import AppliedUndef

from .symbols import IndexedSymbol

__all__ = ["ALLOWED", "ATOMS", "MAX_OPS", "MAX_NODES", "check_expressions", "check_symbols", "diff_kink",
           "ExpressionError"]

MAX_OPS = 4000
"""The most operations (``sympy.count_ops``) all outputs of an expression model may have together."""
MAX_NODES = 50_000
"""The most nodes walked before ``count_ops`` is asked (it is linear, but not free)."""

FUNCTIONS: dict[str, type] = {f.__name__: f for f in (
    sp.exp, sp.log, sp.sin, sp.cos, sp.tan, sp.cot, sp.sec, sp.csc, sp.asin, sp.acos, sp.atan, sp.atan2,
    sp.sinh, sp.cosh, sp.tanh, sp.asinh, sp.acosh, sp.atanh, sp.erf, sp.Abs, sp.sign, sp.floor, sp.ceiling,
    sp.Max, sp.Min, sp.Heaviside)}
OPERATORS: dict[str, type] = {"Add": sp.Add, "Mul": sp.Mul, "Pow": sp.Pow, "Piecewise": sp.Piecewise,
                              "ExprCondPair": sp.functions.elementary.piecewise.ExprCondPair}
CONDITIONS: dict[str, type] = {c.__name__: c for c in (
    sp.StrictLessThan, sp.LessThan, sp.StrictGreaterThan, sp.GreaterThan, sp.Equality, sp.Unequality,
    sp.And, sp.Or, sp.Not)}
ATOMS: dict[str, sp.Basic] = {"pi": sp.pi, "E": sp.E, "true": sp.true, "false": sp.false}
"""The constants, by the name ``srepr`` writes them with."""
ALLOWED: dict[str, type] = {**FUNCTIONS, **OPERATORS, **CONDITIONS}
"""Every class an expression may use besides symbols, numbers and :data:`ATOMS`, by name."""

_NUMBERS = (sp.Integer, sp.Rational, sp.Float)
_CONSTANTS = (type(sp.pi), type(sp.E), type(sp.true), type(sp.false))
_COMPLEX = ("re", "im", "arg", "conjugate", "polar_lift", "exp_polar", "ImaginaryUnit")
_RESERVED = re.compile(r"(u|ubar|f|rf|delta|rdelta|a|ra|z|rz)\d+(_\d+)+|ell|y_\d+|v_.*")


class ExpressionError(ValueError):
    """An expression or its declared symbols are refused; the message says why and what is allowed."""


def _allowed_text() -> str:
    return ("allowed: symbols, numbers, pi, E, + - * / **, " + ", ".join(FUNCTIONS)
            + ", Piecewise (conditions with < <= > >= == != and, or, not)")


def _node_error(node: sp.Basic, where: str) -> ExpressionError:
    name = type(node).__name__
    if name in _COMPLEX or node is sp.I:
        why = f"{node} is complex-valued; a model's output must be real"
    elif node in (sp.oo, -sp.oo, sp.zoo, sp.nan):
        why = f"{node} is an infinite or undefined constant"
    elif isinstance(node, AppliedUndef):
        why = f"{node} is an undefined function; write it out in SymPy functions"
    elif isinstance(node, sp.Derivative | sp.Integral | sp.Subs):
        why = f"{name} is unevaluated; evaluate it (doit()) or write the result out"
    else:
        why = f"{name} ({str(node)[:60]}) is not allowed"
    return ExpressionError(f"{where}: {why}; {_allowed_text()}")


def _walk(expr: sp.Basic, where: str, budget: list[int]) -> None:
    """Refuse any node outside the allowlist; count nodes against ``budget``."""
    for node in sp.preorder_traversal(expr):
        budget[0] -= 1
        if budget[0] < 0:
            raise ExpressionError(f"{where}: more than {MAX_NODES} nodes; an expression model may have at "
                                  f"most {MAX_OPS} operations (sympy.count_ops)")
        if isinstance(node, (sp.Symbol, *_CONSTANTS)):
            continue
        if isinstance(node, _NUMBERS):
            if isinstance(node, sp.Float) and not node.is_finite:
                raise _node_error(node, where)
            continue
        if type(node).__name__ in ALLOWED and type(node) is ALLOWED[type(node).__name__]:
            continue
        raise _node_error(node, where)


def check_symbols(symbols: Sequence[sp.Symbol], what: str) -> tuple[sp.Symbol, ...]:
    """``symbols`` as a tuple of distinct, plainly named SymPy Symbols, or a clear error."""
    if isinstance(symbols, sp.Symbol):
        symbols = [symbols]
    if isinstance(symbols, str | bytes) or not isinstance(symbols, Sequence | sp.Matrix):
        raise TypeError(f"{what} must be a sequence of SymPy Symbols, e.g. sympy.symbols('a b'), "
                        f"got {symbols!r:.60}")
    out = tuple(symbols)
    for s in out:
        if not isinstance(s, sp.Symbol) or isinstance(s, sp.Dummy | sp.Wild):
            raise TypeError(f"{what} must hold SymPy Symbols (not Dummy, Wild or other objects), got {s!r:.60}")
        if type(s) not in (sp.Symbol, IndexedSymbol):
            raise TypeError(f"{what}: {s} is a {type(s).__name__}; use sympy.Symbol")
        if _RESERVED.fullmatch(s.name):
            raise ExpressionError(f"{what}: the name {s.name!r} is reserved for the derivation's own symbols "
                                  "(ell, y_k, v_..., u1_k, delta1_k, ...); rename it")
    return out


def check_expressions(exprs: Sequence[sp.Expr], inputs: tuple[sp.Symbol, ...], params: tuple[sp.Symbol, ...]
                      ) -> None:
    """Refuse what a model's expressions may not be, each with a message naming the problem.

    Undeclared free symbols, declared parameters that occur nowhere, classes
    outside :data:`ALLOWED` (complex-valued, undefined or unevaluated ones
    included), and more than :data:`MAX_OPS` operations.

    Examples
    ========

    >>> import sympy as sp
    >>> from symmlp.models.expression_rules import check_expressions
    >>> x, a, b = sp.symbols("x a b")
    >>> check_expressions([a * x], (x,), (a, b))
    Traceback (most recent call last):
    ...
    symmlp.models.expression_rules.ExpressionError: the parameter b occurs in no output; ...
    >>> check_expressions([a * sp.re(x)], (x,), (a,))
    Traceback (most recent call last):
    ...
    symmlp.models.expression_rules.ExpressionError: output 1: re(x) is complex-valued; ...
    """
    names = [s.name for s in (*inputs, *params)]
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        raise ExpressionError(f"the symbol name(s) {', '.join(repeated)} are declared twice; inputs and "
                              "parameters need distinct names")
    budget = [MAX_NODES]
    for i, e in enumerate(exprs, 1):
        _walk(e, f"output {i}", budget)
    declared = set(inputs) | set(params)
    free = set().union(*(e.free_symbols for e in exprs))
    undeclared = sorted(map(str, free - declared))
    if undeclared:
        raise ExpressionError(f"the expression uses {', '.join(undeclared)}, declared neither as an input "
                              f"nor as a parameter; inputs: {', '.join(map(str, inputs)) or 'none'}, "
                              f"parameters: {', '.join(map(str, params))}")
    unused = [str(p) for p in params if p not in free]
    if unused:
        raise ExpressionError(f"the parameter {', '.join(unused)} occurs in no output; remove it from params "
                              "(its gradient would be 0 forever)")
    ops = sum(sp.count_ops(e) for e in exprs)
    if ops > MAX_OPS:
        raise ExpressionError(f"the expression has {ops} operations (sympy.count_ops), more than the "
                              f"{MAX_OPS} an expression model may have")


# ------------------------------------------------------------------------- differentiation


def _outermost(expr: sp.Basic, kinds: tuple[type, ...]) -> list[sp.Basic]:
    """The subexpressions of ``kinds`` not inside another one, in order."""
    if isinstance(expr, kinds):
        return [expr]
    found = []
    for arg in expr.args:
        found += [p for p in _outermost(arg, kinds) if p not in found]
    return found


def _boundary(cond: sp.Basic) -> sp.Basic:
    """Where a condition holds with equality: every relational's ``lhs == rhs``."""
    rels = [cond] if isinstance(cond, sp.core.relational.Relational) else list(cond.atoms(
        sp.core.relational.Relational))
    return sp.Or(*(sp.Eq(r.lhs, r.rhs) for r in rels)) if rels else sp.false


def _diff_piecewise(p: sp.Piecewise, s: sp.Symbol) -> sp.Expr:
    pieces = [(diff_kink(e, s), c) for e, c in p.args]
    edge = sp.Or(*(_boundary(c) for _, c in p.args))
    if edge is sp.false or all(d == 0 for d, _ in pieces):
        return sp.Piecewise(*pieces)
    return sp.Piecewise((0, edge), *pieces)


def diff_kink(expr: sp.Expr, s: sp.Symbol) -> sp.Expr:
    """``d expr / d s`` with the project's convention at kinks (see the module docstring).

    Differentiate over real symbols: for others ``Abs`` has no simple derivative.

    Examples
    ========

    >>> import sympy as sp
    >>> from symmlp.models.expression_rules import diff_kink
    >>> x = sp.Symbol("x", real=True)
    >>> diff_kink(sp.Abs(x), x), diff_kink(sp.floor(3 * x), x), diff_kink(sp.Max(0, x), x).subs(x, 0)
    (sign(x), 0, 0)
    >>> d = diff_kink(sp.Piecewise((x, x < 0), (x**2 + x, True)), x)
    >>> [d.subs(x, v) for v in (-1, 0, 1)]
    [1, 0, 3]
    """
    from ..derive.grad import kink_convention  # the project's one convention (derive imports models)

    steps = _outermost(expr, (sp.floor, sp.ceiling))  # locally constant: derivative 0
    pieces = [p for p in _outermost(expr, (sp.Piecewise,)) if p not in steps]
    holes = {node: sp.Dummy(f"h{i}", real=True) for i, node in enumerate([*steps, *pieces])}
    outer = expr.xreplace(holes) if holes else expr
    result = sp.diff(outer, s)
    for p in pieces:
        slope = sp.diff(outer, holes[p])
        if slope != 0:
            result += slope * _diff_piecewise(p, s)
    if holes:
        result = result.xreplace({h: node for node, h in holes.items()})
    return kink_convention(result)
