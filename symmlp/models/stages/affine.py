"""The affine map ``z = W a + b``: every MLP layer, the output layer of a polynomial."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from functools import cached_property

import numpy as np
import sympy as sp

from ...derive.equations import IndexEquation, MatrixEquation, Term, Var
from ..symbols import indexed
from .base import Stage, r_var

__all__ = ["Affine", "Label"]


class Label:
    """A parameter block's names: code (``W1``), text (``W1``) and LaTeX (``W^{(1)}``)."""

    def __init__(self, base: str, layer: int | None) -> None:
        self.code = f"{base}{'' if layer is None else layer}"
        self.tex = base if layer is None else f"{base}^{{({layer})}}"


class Affine(Stage):
    """``z = W a + b`` with ``W`` of shape ``(n_out, n_in)``, row-major in theta, then ``b``.

    Parameters
    ==========

    n_in, n_out : int
    layer : int
        Numbers the stage's names (``Z1``, ``Δ1``).
    weight, bias : Label
        The blocks' names; ``bias=None`` for a map without bias.
    weight_symbol : callable, optional
        ``(i, j) -> Symbol`` (0-based); default ``W<layer>_<i+1>_<j+1>``.
    bias_symbol : callable, optional
        ``i -> Symbol``; default ``b<layer>_<i+1>``.
    zero_init : bool
        Start from zeros (models linear in their parameters).

    Examples
    ========

    >>> from symmlp.models.stages.affine import Affine
    >>> from symmlp.derive.equations import Var
    >>> stage = Affine(2, 3, 1)
    >>> print(stage.forward(Var.layered("A", 0, 2))[0])
    Z1 = W1 A0 + b1 1ᵀ
    >>> stage.exact([1, 2], {"W1": stage.symbols("W1"), "b1": stage.symbols("b1")})[0]
    W1_1_1 + 2*W1_1_2 + b1_1
    """

    def __init__(self, n_in: int, n_out: int, layer: int, *, weight: Label | None = None,
                 bias: Label | None | bool = True,
                 weight_symbol: Callable[[int, int], sp.Symbol] | None = None,
                 bias_symbol: Callable[[int], sp.Symbol] | None = None, zero_init: bool = False) -> None:
        self.n_in, self.n_out, self.layer = n_in, n_out, layer
        self.weight = weight or Label("W", layer)
        self.bias = Label("b", layer) if bias is True else (bias or None)
        self._weight_symbol = weight_symbol or (lambda i, j: indexed("W", layer, i + 1, j + 1))
        self._bias_symbol = bias_symbol or (lambda i: indexed("b", layer, i + 1))
        self.zero_init = zero_init
        self._default_names = weight is None and bias in (True, None, False) and weight_symbol is None \
            and bias_symbol is None and not zero_init
        self.out = Var.layered("Z", layer, n_out)
        self.delta = Var.layered("D", layer, n_out)

    # ---------------------------------------------------------------- parameters
    def param_shapes(self):
        shapes = [(self.weight.code, (self.n_out, self.n_in), "weight", self.n_in)]
        if self.bias is not None:
            shapes.append((self.bias.code, (self.n_out,), "bias", None))
        return shapes

    @cached_property
    def _W(self) -> sp.Matrix:
        return sp.Matrix(self.n_out, self.n_in, self._weight_symbol)

    @cached_property
    def _b(self) -> sp.Matrix:
        return sp.Matrix(self.n_out, 1, lambda i, _: self._bias_symbol(i))

    def symbols(self, name: str) -> sp.Matrix:
        if name == self.weight.code:
            return self._W
        if self.bias is not None and name == self.bias.code:
            return self._b
        raise KeyError(name)

    def init(self, name: str, scheme: str, rng: np.random.Generator) -> np.ndarray:
        if self.zero_init:
            return np.zeros((self.n_out, self.n_in) if name == self.weight.code else self.n_out)
        if name == self.weight.code:
            if scheme == "xavier":
                a = math.sqrt(6.0 / (self.n_in + self.n_out))
                return rng.uniform(-a, a, self.n_out * self.n_in).reshape(self.n_out, self.n_in)
            return rng.normal(0.0, math.sqrt(2.0 / self.n_in), self.n_out * self.n_in).reshape(
                self.n_out, self.n_in)
        bound = 1.0 / math.sqrt(self.n_in)
        return rng.uniform(-bound, bound, self.n_out)

    # ---------------------------------------------------------------- exact face
    def exact(self, a: Sequence[sp.Expr], values: Mapping[str, sp.Matrix]) -> list[sp.Expr]:
        W = values[self.weight.code]
        b = values[self.bias.code] if self.bias is not None else None
        # sp.Add directly: Matrix products query assumptions on every entry (15x slower)
        return [sp.Add(*(W[i, j] * a[j] for j in range(self.n_in)), *([b[i]] if b is not None else []))
                for i in range(self.n_out)]

    def expanded_size(self, size_in: int) -> int:
        return self.n_in * (size_in + 2) + 1

    def jacobian(self, a, values) -> sp.Matrix:
        return sp.Matrix(values[self.weight.code])

    # ---------------------------------------------------------------- matrix form
    def forward(self, x: Var) -> list[MatrixEquation]:
        W, b = self.weight, self.bias
        text, tex, code = f"{W.code} {x.text}", f"{W.tex} {x.tex}", f"{x.code} @ {W.code}.T"
        if b is not None:
            text, tex, code = (f"{text} + {b.code} 1ᵀ", rf"{tex} + {b.tex} \mathbf{{1}}^\top",
                               f"{code} + {b.code}")
        return [MatrixEquation.assign("forward", self.layer, self.out, Term(text, tex, code))]

    def named_delta(self, g: Term, kind: str = "delta", var: Var | None = None
                    ) -> tuple[list[MatrixEquation], Var]:
        """``g`` as a named ``Δ`` (an equation only when it is not named yet)."""
        if g.var is not None:
            return [], g.var
        var = var or self.delta
        return [MatrixEquation.assign(kind, self.layer, var, g)], var

    def backward(self, g: Term, x: Var, need_input: bool):
        eqs, d = self.named_delta(g)
        W, b = self.weight, self.bias
        eqs.append(MatrixEquation("gradient", self.layer, f"∂L/∂{W.code}", f"{d.text} {x.text}ᵀ",
                                  rf"\frac{{\partial L}}{{\partial {W.tex}}}",
                                  rf"{d.tex} {{{x.tex}}}^{{\top}}", f"d{W.code} = {d.code}.T @ {x.code}",
                                  f"{self.n_out} × {self.n_in}"))
        if b is not None:
            eqs.append(MatrixEquation("gradient", self.layer, f"∂L/∂{b.code}", f"{d.text} 1",
                                      rf"\frac{{\partial L}}{{\partial {b.tex}}}", rf"{d.tex} \mathbf{{1}}",
                                      f"d{b.code} = np.sum({d.code}, axis=0)", f"{self.n_out}"))
        if not need_input:
            return eqs, None
        return eqs, Term(f"{W.code}ᵀ {d.text}", rf"{{{W.tex}}}^{{\top}} {d.tex}", f"{d.code} @ {W.code}")

    # ---------------------------------------------------------------- second order
    def direction(self, label: Label) -> Var:
        """The direction's block of ``label``: ``VW1`` / ``V_W1`` / ``V_{W^{(1)}}``."""
        return Var(f"V{label.code}", f"V_{label.code}", f"V_{{{label.tex}}}", 0)

    def rforward(self, x: Var, rx: Var | None):
        W, b, out = self.weight, self.bias, self.out
        VW = self.direction(W)
        text, tex, code = [f"{VW.text} {x.text}"], [f"{VW.tex} {x.tex}"], [f"{x.code} @ {VW.code}.T"]
        if rx is not None:
            text.append(f"{W.code} {rx.text}")
            tex.append(f"{W.tex} {rx.tex}")
            code.append(f"{rx.code} @ {W.code}.T")
        if b is not None:
            Vb = self.direction(b)
            text.append(f"{Vb.text} 1ᵀ")
            tex.append(rf"{Vb.tex} \mathbf{{1}}^\top")
            code.append(Vb.code)
        r = r_var(out)
        return [MatrixEquation.assign("rforward", self.layer, r, Term(" + ".join(text), " + ".join(tex),
                                                                     " + ".join(code)))], r

    def rbackward(self, g: Term, rg: Term, x: Var, rx: Var | None, need_input: bool):
        _, d = self.named_delta(g)
        eqs, rd = self.named_delta(rg, "rdelta", r_var(self.delta))
        W, b = self.weight, self.bias
        text, tex, code = f"{rd.text} {x.text}ᵀ", rf"{rd.tex} {{{x.tex}}}^{{\top}}", f"{rd.code}.T @ {x.code}"
        if rx is not None:
            text, tex = f"{text} + {d.text} {rx.text}ᵀ", rf"{tex} + {d.tex} {{{rx.tex}}}^{{\top}}"
            code = f"{code} + {d.code}.T @ {rx.code}"
        eqs.append(MatrixEquation("hvp", self.layer, f"R{{∂L/∂{W.code}}}", text,
                                  rf"\mathcal{{R}}\left\{{\frac{{\partial L}}{{\partial {W.tex}}}\right\}}", tex,
                                  f"h{W.code} = {code}", f"{self.n_out} × {self.n_in}"))
        if b is not None:
            eqs.append(MatrixEquation("hvp", self.layer, f"R{{∂L/∂{b.code}}}", f"{rd.text} 1",
                                      rf"\mathcal{{R}}\left\{{\frac{{\partial L}}{{\partial {b.tex}}}\right\}}",
                                      rf"{rd.tex} \mathbf{{1}}", f"h{b.code} = np.sum({rd.code}, axis=0)",
                                      f"{self.n_out}"))
        if not need_input:
            return eqs, None
        VW = self.direction(W)
        return eqs, Term(f"{VW.text}ᵀ {d.text} + {W.code}ᵀ {rd.text}",
                         rf"{{{VW.tex}}}^{{\top}} {d.tex} + {{{W.tex}}}^{{\top}} {rd.tex}",
                         f"{d.code} @ {VW.code} + {rd.code} @ {W.code}")

    def index_rforward(self, a, ra, v):
        W, VW = self._W, v[self.weight.code]
        rz = [indexed("rz", self.layer, i) for i in range(1, self.n_out + 1)]
        eqs = []
        for i in range(self.n_out):
            terms = [VW[i, j] * a[j] for j in range(self.n_in)]
            if ra is not None:
                terms += [W[i, j] * ra[j] for j in range(self.n_in)]
            if self.bias is not None:
                terms.append(v[self.bias.code][i])
            eqs.append(IndexEquation("rpre", rz[i], sp.Add(*terms)))
        return eqs, rz

    def index_rbackward(self, g, rg, a, ra, v, need_input):
        d = list(g) if all(isinstance(s, sp.Symbol) for s in g) else \
            [indexed("delta", self.layer, i) for i in range(1, self.n_out + 1)]
        eqs = []
        if not all(isinstance(s, sp.Symbol) for s in rg):
            rd = [indexed("rdelta", self.layer, i) for i in range(1, self.n_out + 1)]
            eqs += [IndexEquation("rdelta", s, e) for s, e in zip(rd, rg)]
        else:
            rd = list(rg)
        W = self._W
        eqs += [IndexEquation("hvp", W[i, j], rd[i] * a[j] + (d[i] * ra[j] if ra is not None else 0))
                for i in range(self.n_out) for j in range(self.n_in)]
        if self.bias is not None:
            eqs += [IndexEquation("hvp", self._b[i], rd[i]) for i in range(self.n_out)]
        if not need_input:
            return eqs, None
        VW = v[self.weight.code]
        return eqs, [sp.Add(*(VW[i, j] * d[i] + W[i, j] * rd[i] for i in range(self.n_out)))
                     for j in range(self.n_in)]

    # ---------------------------------------------------------------- index form
    def index_forward(self, a):
        W, b = self._W, (self._b if self.bias is not None else None)
        z = [indexed("z", self.layer, i) for i in range(1, self.n_out + 1)]
        eqs = [IndexEquation("pre", z[i], sp.Add(*(W[i, j] * a[j] for j in range(self.n_in)))
                             + (b[i] if b is not None else 0)) for i in range(self.n_out)]
        return eqs, z

    def index_backward(self, g, a, need_input):
        eqs = []
        if not all(isinstance(v, sp.Symbol) for v in g):
            d = [indexed("delta", self.layer, i) for i in range(1, self.n_out + 1)]
            eqs += [IndexEquation("delta", s, v) for s, v in zip(d, g)]
            g = d
        W = self._W
        eqs += [IndexEquation("gradient", W[i, j], g[i] * a[j])
                for i in range(self.n_out) for j in range(self.n_in)]
        if self.bias is not None:
            eqs += [IndexEquation("gradient", self._b[i], g[i]) for i in range(self.n_out)]
        if not need_input:
            return eqs, None
        return eqs, [sp.Add(*(W[i, j] * g[i] for i in range(self.n_out))) for j in range(self.n_in)]

    # ---------------------------------------------------------------- LaTeX
    def row_latex(self, i: int, names, keep: int) -> str:
        cols = list(range(self.n_in)) if self.n_in <= keep else [*range(keep - 1), None, self.n_in - 1]
        terms = [r"\cdots" if j is None else
                 sp.latex(self._weight_symbol(i, j)) + ("" if names[j] == "1" else f" {names[j]}")
                 for j in cols]
        if self.bias is not None:
            terms.append(sp.latex(self._bias_symbol(i)))
        return " + ".join(terms)

    def formula_latex(self, inner: str) -> str:
        atomic = inner in ("x", "a") or (inner.startswith("\\") and inner.endswith(r"\right)"))
        inner = inner if atomic else rf"\left({inner}\right)"
        return f"{self.weight.tex} {inner}" + (f" + {self.bias.tex}" if self.bias is not None else "")

    def spec(self) -> dict | None:
        if not self._default_names:
            return None
        return {"stage": "affine", "n_in": self.n_in, "n_out": self.n_out, "layer": self.layer,
                "bias": self.bias is not None}

    def __repr__(self) -> str:
        bias = "" if self.bias is not None else ", bias=False"
        return f"Affine({self.n_in}, {self.n_out}, layer={self.layer}{bias})"

    def count_latex(self) -> str:
        return (f"({self.n_in} + 1) \\cdot {self.n_out}" if self.bias is not None
                else f"{self.n_in} \\cdot {self.n_out}")

    def describe_latex(self) -> tuple[str, str]:
        b = self.bias
        formula = f"{self.weight.tex} a" + (f" + {b.tex}" if b is not None else "")
        shapes = rf"{self.weight.tex} \in \mathbb{{R}}^{{{self.n_out} \times {self.n_in}}}"
        if b is not None:
            shapes += rf",\ {b.tex} \in \mathbb{{R}}^{{{self.n_out}}}"
        return f"affine map, ${shapes}$", formula

    def index_rules_latex(self) -> list[str]:
        l, W, b = self.layer, self.weight, self.bias
        rows = [rf"\frac{{\partial \ell}}{{\partial {W.tex}_{{ij}}}} &= \delta^{{({l})}}_i a_j"]
        if b is not None:
            rows.append(rf"\frac{{\partial \ell}}{{\partial {b.tex}_{{i}}}} &= \delta^{{({l})}}_i")
        return rows
