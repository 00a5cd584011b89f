"""A user's SymPy expressions as a stage: ``out_o = f_o(a; theta)``.

The parameters are one block, ``theta<layer>``, in the order the user declared
them.  The matrix form calls functions compiled from the expressions and their
derivatives by ``sympy.lambdify(cse=True)`` (see
:mod:`~symmlp.models.stages.expression_calculus`); the index form is the
common-subexpression-eliminated form ``u_k = ...``, ``f_o = ...`` and its
reverse accumulation ``ubar_k = ...``, every partial taken by ``sympy.diff``
with the project's convention at kinks (derivative 0 there).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cached_property

import numpy as np
import sympy as sp

from ...derive.equations import IndexEquation, MatrixEquation, Term, Var
from ..symbols import indexed
from .base import Stage, r_var
from .expression_calculus import ExpressionCalculus

__all__ = ["ExpressionStage"]

_KINKS = (sp.Abs, sp.sign, sp.floor, sp.ceiling, sp.Max, sp.Min, sp.Heaviside, sp.Piecewise)


class _Tex(sp.Symbol):
    """A symbol that prints as the LaTeX it is named with (the documents' input names)."""

    def _latex(self, printer) -> str:
        return self.name


class ExpressionStage(Stage):
    """``out = [f_1(a; theta), ..., f_m(a; theta)]`` for checked SymPy expressions.

    Build it through :class:`symmlp.Expression`, which checks the expressions.

    Examples
    ========

    >>> import sympy as sp
    >>> from symmlp.models.stages.expression import ExpressionStage
    >>> from symmlp.derive.equations import Var
    >>> x, a, b = sp.symbols("x a b")
    >>> stage = ExpressionStage([a * sp.exp(b * x)], [x], [a, b])
    >>> stage.param_shapes()
    [('theta1', (2,), 'coefficient', None)]
    >>> print(stage.forward(Var.layered("A", 0, 1))[0])
    F1 = f(A0; θ1), each column
    >>> stage.calculus.D
    [[exp(b*x), a*x*exp(b*x)]]
    """

    def __init__(self, exprs: Sequence[sp.Expr], inputs: Sequence[sp.Symbol], params: Sequence[sp.Symbol], *,
                 layer: int = 1) -> None:
        self.exprs, self.inputs, self.params = tuple(exprs), tuple(inputs), tuple(params)
        self.n_in, self.n_out, self.layer = len(self.inputs), len(self.exprs), layer
        self.block = f"theta{layer}"
        self.tex = rf"\theta^{{({layer})}}"
        self.out = Var.layered("F", layer, self.n_out)
        self.calculus = ExpressionCalculus(self.exprs, self.inputs, self.params, layer)
        self.prefix = f"expr{layer}"

    # ---------------------------------------------------------------- parameters
    def param_shapes(self):
        return [(self.block, (len(self.params),), "coefficient", None)]

    def symbols(self, name: str) -> sp.Matrix:
        if name != self.block:
            raise KeyError(name)
        return sp.Matrix(self.params)

    def init(self, name: str, scheme: str, rng: np.random.Generator) -> np.ndarray:
        """``U(-1, 1)`` for every parameter under both schemes (pass ``init=`` an array to train for others)."""
        return rng.uniform(-1.0, 1.0, len(self.params))

    # ---------------------------------------------------------------- exact face
    def _values(self, a, values) -> dict:
        return {**dict(zip(self.inputs, a)), **dict(zip(self.params, values[self.block]))}

    def exact(self, a, values):
        sub = self._values(a, values)
        return [e.xreplace(sub) for e in self.exprs]

    def jacobian(self, a, values) -> sp.Matrix:
        sub = self._values(a, values)
        return sp.Matrix([[d.xreplace(sub) for d in row] for row in self.calculus.J])

    def expanded_size(self, size_in: int) -> int:
        return int(sum(sp.count_ops(e) for e in self.exprs) + 1) * (size_in + 1)

    # ---------------------------------------------------------------- matrix form
    def _direction(self) -> Var:
        return Var(f"V{self.block}", f"V_{self.block}", f"V_{{{self.tex}}}", 0)

    def forward(self, x: Var) -> list[MatrixEquation]:
        return [MatrixEquation.assign("forward", self.layer, self.out, Term(
            f"f({x.text}; θ{self.layer}), each column", rf"f\!\left({x.tex};\, {self.tex}\right)",
            f"{self.prefix}({x.code}, {self.block})"))]

    def backward(self, g: Term, x: Var, need_input: bool):
        eqs = [MatrixEquation("gradient", self.layer, f"∂L/∂{self.block}",
                              f"Σ_b (∂f/∂θ{self.layer})(a_b)ᵀ [{g.text}]_b",
                              rf"\frac{{\partial L}}{{\partial {self.tex}}}",
                              rf"\sum_{{b=1}}^{{B}} \Bigl(\frac{{\partial f}}{{\partial {self.tex}}}(a_b)"
                              rf"\Bigr)^{{\top}} \left[{g.tex}\right]_b",
                              f"d{self.block} = {self.prefix}_grad({g.code}, {x.code}, {self.block})",
                              f"{len(self.params)}")]
        if not need_input:
            return eqs, None
        return eqs, Term(f"(∂f/∂a)ᵀ {g.text}, each column",
                         rf"\Bigl(\frac{{\partial f}}{{\partial a}}\Bigr)^{{\top}} {g.tex}",
                         f"{self.prefix}_grad_input({g.code}, {x.code}, {self.block})")

    def rforward(self, x: Var, rx: Var | None):
        V, r = self._direction(), r_var(self.out)
        text, tex = f"(∂f/∂θ{self.layer}) {V.text}", rf"\frac{{\partial f}}{{\partial {self.tex}}} {V.tex}"
        if rx is not None:
            text, tex = f"{text} + (∂f/∂a) {rx.text}", rf"{tex} + \frac{{\partial f}}{{\partial a}} {rx.tex}"
        code = f"{self.prefix}_tangent({x.code}, {self.block}, {V.code}, {rx.code if rx else None})"
        return [MatrixEquation.assign("rforward", self.layer, r, Term(text, tex, code))], r

    def rbackward(self, g: Term, rg: Term, x: Var, rx: Var | None, need_input: bool):
        V = self._direction()
        args = f"{g.code}, {rg.code}, {x.code}, {self.block}, {V.code}, {rx.code if rx else None}"
        t = self.tex
        eqs = [MatrixEquation("hvp", self.layer, f"R{{∂L/∂{self.block}}}",
                              "Σ_b (∂f/∂θ)ᵀ R{G}_b + (∂²f/∂θ² V + ∂²f/∂θ∂a R{a})ᵀ G_b",
                              rf"\mathcal{{R}}\left\{{\frac{{\partial L}}{{\partial {t}}}\right\}}",
                              rf"\sum_{{b}} \Bigl(\frac{{\partial f}}{{\partial {t}}}\Bigr)^{{\top}} "
                              rf"\mathcal{{R}}\{{G\}}_b + \Bigl(\mathcal{{R}}\Bigl\{{\frac{{\partial f}}"
                              rf"{{\partial {t}}}\Bigr\}}\Bigr)^{{\top}} G_b",
                              f"h{self.block} = {self.prefix}_hvp({args})", f"{len(self.params)}")]
        if not need_input:
            return eqs, None
        return eqs, Term("(∂f/∂a)ᵀ R{G} + (R{∂f/∂a})ᵀ G",
                         r"\Bigl(\frac{\partial f}{\partial a}\Bigr)^{\top} \mathcal{R}\{G\} + "
                         r"\Bigl(\mathcal{R}\Bigl\{\frac{\partial f}{\partial a}\Bigr\}\Bigr)^{\top} G",
                         f"{self.prefix}_hvp_input({args})")

    # ---------------------------------------------------------------- index form
    @cached_property
    def _names(self) -> tuple[list, list]:
        l = self.layer
        pieces = self.calculus.cse[0]
        return ([indexed("f", l, o) for o in range(1, self.n_out + 1)],
                [indexed("ubar", l, k) for k in range(1, len(pieces) + 1)])

    def index_forward(self, a):
        pieces, outputs, names = self.calculus.cse
        to_a = dict(zip(self.inputs, a))
        eqs = [IndexEquation("feature", names[u], rhs.xreplace(names).xreplace(to_a)) for u, rhs in pieces]
        f = self._names[0]
        eqs += [IndexEquation("pre", s, e.xreplace(names).xreplace(to_a)) for s, e in zip(f, outputs)]
        return eqs, f

    def index_backward(self, g, a, need_input):
        calc, (_, ubar) = self.calculus, self._names
        pieces, outputs, names = calc.cse
        eqs = []
        if not all(isinstance(v, sp.Symbol) for v in g):
            d = [indexed("delta", self.layer, o) for o in range(1, self.n_out + 1)]
            eqs += [IndexEquation("delta", s, v) for s, v in zip(d, g)]
            g = d
        to_a = dict(zip(self.inputs, a))

        def adjoint(w: sp.Symbol, upto: int) -> sp.Expr:
            """dl/dw through the outputs and the pieces after ``upto``, pieces held fixed."""
            terms = [go * calc.partial(e, w) for go, e in zip(g, outputs)]
            terms += [bar[k] * calc.partial(rhs, w) for k, (_, rhs) in enumerate(pieces) if k >= upto]
            return sp.Add(*terms).xreplace(to_a)

        # pieces of the inputs alone need no adjoint unless dl/da is asked for
        moves = set(self.params) if not need_input else set(self.params) | set(self.inputs)
        carries: list[bool] = []
        for _, rhs in pieces:
            syms = rhs.xreplace(names).free_symbols
            carries.append(bool(syms & moves) or any(names[u] in syms for (u, _), c in zip(pieces, carries) if c))
        bar: dict[int, sp.Expr] = {}
        for k in reversed(range(len(pieces))):
            value = adjoint(pieces[k][0], k + 1) if carries[k] else sp.Integer(0)
            bar[k] = ubar[k] if value != 0 else sp.Integer(0)
            if value != 0:
                eqs.append(IndexEquation("delta", ubar[k], value))
        eqs += [IndexEquation("gradient", p, adjoint(calc.real[p], 0)) for p in self.params]
        if not need_input:
            return eqs, None
        return eqs, [adjoint(calc.real[x], 0) for x in self.inputs]

    def _direction_sub(self, a, ra, v) -> dict:
        calc = self.calculus
        return {**calc.back, **{calc.real[s]: t for s, t in zip(self.inputs, a)},
                **calc.direction_values(list(v[self.block]), ra)}

    def index_rforward(self, a, ra, v):
        sub = self._direction_sub(a, ra, v)
        rf = [indexed("rf", self.layer, o) for o in range(1, self.n_out + 1)]
        return [IndexEquation("rpre", s, t.xreplace(sub)) for s, t in zip(rf, self.calculus.tangent)], rf

    def index_rbackward(self, g, rg, a, ra, v, need_input):
        calc, sub = self.calculus, self._direction_sub(a, ra, v)
        to_a = dict(zip(self.inputs, a))
        T, K = calc.second

        def total(first, second, col):
            return sp.Add(*(r * first[o][col].xreplace(to_a) + go * second[o][col].xreplace(sub)
                            for o, (go, r) in enumerate(zip(g, rg))))

        eqs = [IndexEquation("hvp", p, total(calc.D, T, j)) for j, p in enumerate(self.params)]
        if not need_input:
            return eqs, None
        return eqs, [total(calc.J, K, i) for i in range(self.n_in)]

    # ---------------------------------------------------------------- code
    def helpers(self, backend) -> dict:
        from .expression_numeric import expression_helpers

        return expression_helpers(self, backend)

    # ---------------------------------------------------------------- LaTeX, spec
    def row_latex(self, i: int, names, keep: int) -> str:
        named = {x: _Tex(n) for x, n in zip(self.inputs, names)}
        tex = sp.latex(self.exprs[i].xreplace(named))
        return tex if len(tex) <= 240 else rf"f_{{{i + 1}}}\bigl({', '.join(names)};\, {self.tex}\bigr)"

    def formula_latex(self, inner: str) -> str:
        return rf"f\left({inner};\, {self.tex}\right)"

    def count_latex(self) -> str:
        shown = [sp.latex(p) for p in self.params[:4]]
        if len(self.params) > 4:
            shown = [*shown[:3], r"\ldots", sp.latex(self.params[-1])]
        return rf"|\{{{', '.join(shown)}\}}|"

    def describe_latex(self) -> tuple[str, str]:
        kinks = any(e.has(*_KINKS) for e in self.exprs)
        note = " (derivative 0 at its kinks)" if kinks else ""
        return (f"SymPy expression, ${len(self.params)}$ parameters{note}",
                rf"f\left(a;\, {self.tex}\right)")

    def index_rules_latex(self) -> list[str]:
        l = self.layer
        return [rf"\bar{{u}}^{{({l})}}_k &= \sum_{{m > k}} \bar{{u}}^{{({l})}}_m \frac{{\partial u_m}}"
                rf"{{\partial u_k}} + \sum_o \delta^{{({l})}}_o \frac{{\partial f_o}}{{\partial u_k}}",
                rf"\frac{{\partial \ell}}{{\partial \theta_j}} &= \sum_o \delta^{{({l})}}_o \frac{{\partial f_o}}"
                rf"{{\partial \theta_j}} + \sum_k \bar{{u}}^{{({l})}}_k \frac{{\partial u_k}}{{\partial \theta_j}}"]

    def key(self) -> object:
        return ("expression", tuple(map(sp.srepr, self.exprs)), tuple(map(sp.srepr, self.inputs)),
                tuple(map(sp.srepr, self.params)), self.layer)

    def __repr__(self) -> str:
        return f"ExpressionStage({len(self.inputs)} -> {self.n_out}, {len(self.params)} parameters)"
