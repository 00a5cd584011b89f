"""SymPy expressions evaluated on balls, with every constant exact.

:func:`sympy.lambdify`'s NumPy printer writes ``Rational(1, 3)`` as ``1/3`` (a
float) and ``pi`` as a float: fine for NumPy, but a ball built from them
would enclose the float, not the number.  :class:`BallPrinter` writes them as
calls evaluated at run time at the working precision (``mpq(1, 3)``,
``const_pi()``), so :func:`lambdify_ball` gives functions whose balls contain
the exact values.  The ball backends hand this printer to ``lambdify`` for a
user's activation too (``Backend.lambdify_printer``).
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from typing import Any

import sympy as sp
from flint import arb
from sympy.printing.numpy import NumPyPrinter

from .array import ArbArray, wrap
from .field import Field, NotRational

__all__ = ["BallPrinter", "BALL_PRINTER", "constants", "lambdify_ball"]


class BallPrinter(NumPyPrinter):
    """NumPy's spelling with exact constants (see the module docstring)."""

    def _print_Rational(self, expr) -> str:
        return f"mpq({expr.p}, {expr.q})"

    _print_Half = _print_Rational

    def _print_Integer(self, expr) -> str:
        return str(expr.p)  # a Python int: exact already, and ** keeps it an integer power

    def _print_Float(self, expr) -> str:
        r = sp.Rational(expr)  # the Float's exact binary value
        return f"mpq({r.p}, {r.q})"

    def _print_Pi(self, expr) -> str:
        return "const_pi()"

    def _print_Exp1(self, expr) -> str:
        return "exp(1)"


BALL_PRINTER = BallPrinter({"fully_qualified_modules": False, "inline": True, "allow_unknown_functions": True})


def constants(field: Field) -> dict:
    """The names :class:`BallPrinter` writes, for ``field``."""

    def mpq(p: int, q: int) -> ArbArray:
        return ArbArray(wrap(field.const(Fraction(p, q))), field)

    def const_pi() -> ArbArray:
        if field.exact:
            raise NotRational("pi has no exact rational value")
        return ArbArray(wrap(arb.pi()), field)

    return {"mpq": mpq, "const_pi": const_pi}


def lambdify_ball(args: Sequence[sp.Symbol], exprs: Any, backend, cse: bool = False):
    """``sympy.lambdify(args, exprs)`` for a ball backend (``symmlp.emit.arb.ARB`` or ``FMPQ``).

    Examples
    ========

    >>> import sympy as sp
    >>> from symmlp.emit.arb import ARB, ArbArray, working_precision
    >>> from symmlp.emit.arb.sympy_ball import lambdify_ball
    >>> z = sp.Symbol("z")
    >>> f = lambdify_ball([z], z / 3 + sp.pi, ARB)
    >>> with working_precision(100):
    ...     print(f(ArbArray.from_values([1])).data[0].str(25))
    [3.474925986923126571795977 +/- 2.84e-25]
    """
    return sp.lambdify(list(args), exprs, modules=backend.lambdify_modules, printer=backend.lambdify_printer,
                       cse=cse)
