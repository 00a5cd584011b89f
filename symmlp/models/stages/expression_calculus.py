"""The derivatives of a user's expressions, symbolic and compiled, for
:class:`~symmlp.models.stages.expression.ExpressionStage`.

Everything is differentiated over real copies of the declared symbols with
:func:`~symmlp.models.expression_rules.diff_kink` (the project's convention at
kinks), then put back in the user's symbols:

- the total derivatives ``D[o][j] = d f_o / d theta_j`` and ``J[o][i] = d f_o / d a_i``
  (the compiled gradient and the exact face);
- the common-subexpression-eliminated form ``u_k = ...``, ``f_o = ...`` with the
  partials of each piece (the index form's reverse accumulation);
- the tangent ``s_o = sum_j D[o][j] v_j + sum_i J[o][i] r_i`` and its partials
  (the R-operator's second order), built on first use.

:meth:`ExpressionCalculus.numeric` turns lists of these into one function per
backend through ``sympy.lambdify(cse=True)``.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cached_property
from itertools import count

import sympy as sp

from ..expression_rules import ExpressionError, diff_kink
from ..symbols import indexed

__all__ = ["ExpressionCalculus"]


def _not_differentiable(e: sp.Expr) -> bool:
    return e.has(sp.Derivative, sp.Subs, sp.DiracDelta)


class ExpressionCalculus:
    """The symbolic derivatives of ``exprs`` in ``inputs`` and ``params`` (see the module docstring)."""

    def __init__(self, exprs: Sequence[sp.Expr], inputs: Sequence[sp.Symbol], params: Sequence[sp.Symbol],
                 layer: int) -> None:
        self.exprs, self.inputs, self.params, self.layer = tuple(exprs), tuple(inputs), tuple(params), layer
        self.real = {s: sp.Dummy(s.name, real=True) for s in (*self.inputs, *self.params)}
        self.back = {r: s for s, r in self.real.items()}
        self.xr = [self.real[s] for s in self.inputs]
        self.pr = [self.real[s] for s in self.params]
        self.er = [e.xreplace(self.real) for e in self.exprs]
        self.D = self._derivatives(self.er, self.pr, "parameter")
        self.J = self._derivatives(self.er, self.xr, "input")

    def _derivatives(self, exprs, wrt, what: str) -> list[list[sp.Expr]]:
        """``[[d e / d w for w in wrt] for e in exprs]``, back in the user's symbols."""
        rows = []
        for o, e in enumerate(exprs, 1):
            row = []
            for w in wrt:
                d = diff_kink(e, w)
                if _not_differentiable(d):
                    raise ExpressionError(f"output {o} is not differentiable in the {what} {self.back[w]}: "
                                          f"sympy.diff leaves {d}")
                row.append(d.xreplace(self.back))
            rows.append(row)
        return rows

    # ------------------------------------------------------------------ the cse'd form
    @cached_property
    def cse(self) -> tuple[list[tuple[sp.Symbol, sp.Expr]], list[sp.Expr], dict]:
        """``(pieces, outputs, names)``: ``u_k = rhs_k`` and ``f_o`` over real dummies, and
        ``names``: each dummy (declared or intermediate) -> the user's or the index form's symbol."""
        temps = (sp.Dummy(f"u{k}", real=True) for k in count(1))
        found, outputs = sp.cse(self.er, symbols=temps)
        pieces, inline = [], {}
        for u, rhs in found:  # conditions go back into their Piecewise, and -x back where it was
            rhs = rhs.xreplace(inline)
            trivial = rhs.is_Mul and len(rhs.args) == 2 and rhs.args[0].is_Number and rhs.args[1].is_Symbol
            if isinstance(rhs, sp.Expr) and not trivial:
                pieces.append((u, rhs))
            else:
                inline[u] = rhs
        outputs = [e.xreplace(inline) for e in outputs]
        names = dict(self.back)
        names.update({u: indexed("u", self.layer, k) for k, (u, _) in enumerate(pieces, 1)})
        return pieces, list(outputs), names

    def partial(self, e: sp.Expr, w: sp.Symbol) -> sp.Expr:
        """``d e / d w`` with the other pieces held fixed, named for the index form."""
        return diff_kink(e, w).xreplace(self.cse[2])

    # ------------------------------------------------------------------ second order
    @cached_property
    def directions(self) -> tuple[list[sp.Dummy], list[sp.Dummy]]:
        """Real dummies for the direction ``v`` (one per parameter) and ``R{a}`` (one per input)."""
        return ([sp.Dummy(f"v{j}", real=True) for j in range(len(self.params))],
                [sp.Dummy(f"r{i}", real=True) for i in range(len(self.inputs))])

    @cached_property
    def tangent(self) -> list[sp.Expr]:
        """``s_o = sum_j D[o][j] v_j + sum_i J[o][i] r_i`` over real dummies."""
        v, r = self.directions
        Dr = [[d.xreplace(self.real) for d in row] for row in self.D]
        Jr = [[d.xreplace(self.real) for d in row] for row in self.J]
        return [sp.Add(*(d * vj for d, vj in zip(Drow, v)), *(d * ri for d, ri in zip(Jrow, r)))
                for Drow, Jrow in zip(Dr, Jr)]

    @cached_property
    def second(self) -> tuple[list[list[sp.Expr]], list[list[sp.Expr]]]:
        """``(T, K)``: ``T[o][j] = d s_o / d theta_j`` and ``K[o][i] = d s_o / d a_i`` (real dummies)."""
        T = [[diff_kink(s, p) for p in self.pr] for s in self.tangent]
        K = [[diff_kink(s, x) for x in self.xr] for s in self.tangent]
        return T, K

    def direction_values(self, v: Sequence[sp.Expr], ra: Sequence[sp.Expr] | None) -> dict:
        """The substitution putting a direction (and ``R{a}``, 0 when None) into the tangent."""
        vs, rs = self.directions
        ra = [0] * len(rs) if ra is None else list(ra)
        return {**dict(zip(vs, v)), **dict(zip(rs, ra))}

    # ------------------------------------------------------------------ compiled
    def numeric(self, exprs: Sequence[sp.Expr], backend, extra: Sequence[sp.Dummy] = ()):
        """``f(xs, thetas, extras) -> list`` of ``exprs`` (over real dummies or the user's symbols)
        compiled by ``sympy.lambdify(cse=True)`` for ``backend``."""
        args = [*self.xr, *self.pr, *extra]
        body = [sp.sympify(e, strict=True).xreplace(self.real) for e in exprs]
        return sp.lambdify(args, body, modules=backend.lambdify_modules, printer=backend.lambdify_printer, cse=True)
