"""The elementwise activation ``a = sigma(z)``, with no parameters."""

from __future__ import annotations

import sympy as sp

from ...derive.equations import IndexEquation, MatrixEquation, Term, Var
from ...ops.activations import Activation, get_activation
from ..symbols import indexed
from .base import Stage, r_var

__all__ = ["Elementwise"]


class Elementwise(Stage):
    """``A = sigma(Z)`` entry by entry; its backward names ``Δ = G ⊙ sigma'(Z)``.

    Examples
    ========

    >>> from symmlp.models.stages.elementwise import Elementwise
    >>> from symmlp.derive.equations import Var, Term
    >>> s = Elementwise(3, 1, "tanh")
    >>> print(s.forward(Var.layered("Z", 1, 3))[0])
    A1 = tanh(Z1)
    >>> eqs, d = s.backward(Term("W2ᵀ Δ2", "", "D2 @ W2"), Var.layered("Z", 1, 3), True)
    >>> print(eqs[0]); print(eqs[0].code)
    Δ1 = (W2ᵀ Δ2) ⊙ tanh′(Z1)
    D1 = (D2 @ W2) * (1.0 - A1**2)
    """

    def __init__(self, n: int, layer: int, activation: str | Activation) -> None:
        self.n_in = self.n_out = n
        self.layer = layer
        self.activation = get_activation(activation)
        self.out = Var.layered("A", layer, n)
        self.delta = Var.layered("D", layer, n)

    def exact(self, a, values):
        return [self.activation(v) for v in a]

    def jacobian(self, a, values) -> sp.Matrix:
        return sp.diag(*[self.activation.derivative(v) for v in a])

    def _sigma_prime(self, x: Var) -> Term:
        s = self.activation
        return Term(f"{s.name}′({x.text})", rf"{s.latex_name}'\!\left({x.tex}\right)",
                    s.derivative_source.format(z=x.code, a=self.out.code))

    def forward(self, x: Var) -> list[MatrixEquation]:
        s = self.activation
        if s.is_identity:
            rhs = x.term()
        else:
            rhs = Term(f"{s.name}({x.text})", rf"{s.latex_name}\!\left({x.tex}\right)",
                       s.source.format(z=x.code))
        return [MatrixEquation.assign("forward", self.layer, self.out, rhs)]

    def backward(self, g: Term, x: Var, need_input: bool):
        if self.activation.is_identity:
            rhs = g
        else:
            gw, ds = g.wrapped(), self._sigma_prime(x)
            rhs = Term(f"{gw.text} ⊙ {ds.text}", rf"{gw.tex} \odot {ds.tex}", f"{gw.code} * ({ds.code})")
        return [MatrixEquation.assign("delta", self.layer, self.delta, rhs)], self.delta.term()

    def _sigma_second(self, x: Var) -> Term:
        s = self.activation
        return Term(f"{s.name}″({x.text})", rf"{s.latex_name}''\!\left({x.tex}\right)",
                    s.second_source.format(z=x.code, a=self.out.code))

    def rforward(self, x: Var, rx: Var | None):
        r = r_var(self.out)
        if rx is None:
            return [], None
        if self.activation.is_identity:
            return [MatrixEquation.assign("rforward", self.layer, r, rx.term())], r
        ds = self._sigma_prime(x)
        return [MatrixEquation.assign("rforward", self.layer, r, Term(
            f"{ds.text} ⊙ {rx.text}", rf"{ds.tex} \odot {rx.tex}", f"({ds.code}) * {rx.code}"))], r

    def rbackward(self, g: Term, rg: Term, x: Var, rx: Var | None, need_input: bool):
        rd = r_var(self.delta)
        if self.activation.is_identity:
            return [MatrixEquation.assign("rdelta", self.layer, rd, rg)], rd.term()
        rgw, ds = rg.wrapped(), self._sigma_prime(x)
        text, tex, code = f"{rgw.text} ⊙ {ds.text}", rf"{rgw.tex} \odot {ds.tex}", f"{rgw.code} * ({ds.code})"
        if self.activation.second_source != "0.0" and rx is not None:
            gw, d2 = g.wrapped(), self._sigma_second(x)
            text += f" + {gw.text} ⊙ {d2.text} ⊙ {rx.text}"
            tex += rf" + {gw.tex} \odot {d2.tex} \odot {rx.tex}"
            code += f" + {gw.code} * ({d2.code}) * {rx.code}"
        return [MatrixEquation.assign("rdelta", self.layer, rd, Term(text, tex, code))], rd.term()

    def index_rforward(self, z, rz, v):
        if rz is None:
            return [], None
        ra = [indexed("ra", self.layer, i) for i in range(1, self.n_out + 1)]
        rhs = rz if self.activation.is_identity else [
            self.activation.derivative(zi) * r for zi, r in zip(z, rz)]
        return [IndexEquation("ract", s, e) for s, e in zip(ra, rhs)], ra

    def index_rbackward(self, g, rg, z, rz, v, need_input):
        rd = [indexed("rdelta", self.layer, i) for i in range(1, self.n_out + 1)]
        s = self.activation
        if s.is_identity:
            rhs = list(rg)
        else:
            rhs = [r * s.derivative(zi) + (gi * s.second_derivative(zi) * rzi if rz is not None else 0)
                   for r, gi, zi, rzi in zip(rg, g, z, rz if rz is not None else z)]
        return [IndexEquation("rdelta", a, e) for a, e in zip(rd, rhs)], rd

    def index_forward(self, z):
        a = [indexed("a", self.layer, i) for i in range(1, self.n_out + 1)]
        return [IndexEquation("act", s, self.activation(v)) for s, v in zip(a, z)], a

    def index_backward(self, g, z, need_input):
        d = [indexed("delta", self.layer, i) for i in range(1, self.n_out + 1)]
        rhs = g if self.activation.is_identity else [
            v * self.activation.derivative(zi) for v, zi in zip(g, z)]
        return [IndexEquation("delta", s, v) for s, v in zip(d, rhs)], d

    def helpers(self, backend) -> dict:
        return self.activation.helpers(backend)

    def row_latex(self, i: int, names, keep: int) -> str:
        if self.activation.is_identity:
            return names[i]
        return rf"{self.activation.latex_name}\bigl({names[i]}\bigr)"

    def formula_latex(self, inner: str) -> str:
        if self.activation.is_identity:
            return inner
        return rf"{self.activation.latex_name}\left({inner}\right)"

    def spec(self) -> dict:
        return {"stage": "elementwise", "n": self.n_in, "layer": self.layer, "activation": self.activation.name}

    def key(self) -> object:
        return ("elementwise", self.n_in, self.layer, self.activation)

    def __repr__(self) -> str:
        return f"Elementwise({self.n_in}, layer={self.layer}, {self.activation.name!r})"

    def describe_latex(self) -> tuple[str, str]:
        return f"elementwise ${self.activation.latex_name}$", rf"{self.activation.latex_name}(z)"

    def index_rules_latex(self) -> list[str]:
        l, s = self.layer, self.activation
        return [rf"\delta^{{({l})}}_j &= {s.latex_name}'\bigl(z^{{({l})}}_j\bigr)\, "
                rf"\frac{{\partial \ell}}{{\partial a^{{({l})}}_j}}"]
