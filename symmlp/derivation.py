"""The derivation: an ordered tape of named equations built by the chain rule.

It has two faces.

- **Matrix form** (:attr:`Derivation.matrix`): ``Z1 = W1 A0 + b1 1ᵀ``,
  ``A1 = tanh(Z1)``, ..., ``Δ1 = (W2ᵀ Δ2) ⊙ tanh′(Z1)``, ``∂L/∂W1 = Δ1 A0ᵀ``.
  Columns are samples; its size does not depend on the widths.  Each equation
  carries its text, its LaTeX and the NumPy statement that computes it (NumPy
  arrays are batch-first, the transposes of the matrices here).
- **Index form** (:attr:`Derivation.index`): scalar SymPy equations for one
  sample of a concrete model (``z1_2 = W1_2_1 x_1 + ... + b1_2``,
  ``delta1_2 = ...``, ``dl/dW1_2_1 = delta1_2 x_1``), built on first access.
  Substituting them in order (:meth:`Derivation.expand`) gives the explicit
  gradient in x, y and theta.

A polynomial is the one-layer case with monomial features ``Φ`` and no bias.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import sympy as sp

from .activations import Activation, get_activation
from .losses import Loss, get_loss
from .symbols import indexed

__all__ = ["Derivation", "MatrixEquation", "IndexEquation", "backprop"]


@dataclass(frozen=True)
class MatrixEquation:
    """One line of the matrix form: ``text``/``latex`` of both sides, its NumPy code."""

    kind: str  # "forward", "loss", "delta" or "gradient"
    layer: int
    lhs: str
    rhs: str
    lhs_latex: str
    rhs_latex: str
    code: str
    shape: str

    def __str__(self) -> str:
        return f"{self.lhs} = {self.rhs}"


@dataclass(frozen=True)
class IndexEquation:
    """One scalar equation for one sample: ``lhs = rhs``.

    ``kind`` is ``"pre"``, ``"act"``, ``"loss"``, ``"delta"`` or ``"gradient"``;
    for a gradient ``lhs`` is the parameter and the equation reads
    ``dl/d(lhs) = rhs``.
    """

    kind: str
    lhs: sp.Symbol
    rhs: sp.Expr

    def lhs_latex(self, printer=None) -> str:
        p = printer._print if printer is not None else sp.latex
        if self.kind == "gradient":
            return rf"\frac{{\partial \ell}}{{\partial {p(self.lhs)}}}"
        return r"\ell" if self.kind == "loss" else p(self.lhs)

    def __str__(self) -> str:
        lhs = f"dl/d{self.lhs}" if self.kind == "gradient" else str(self.lhs)
        return f"{lhs} = {self.rhs}"


@dataclass(frozen=True)
class _Layer:
    index: int
    n_in: int
    n_out: int
    sigma: Activation
    w_code: str
    w_tex: str
    has_bias: bool


def _tex(code: str) -> str:
    """LaTeX for a code name: ``W2`` -> ``W^{(2)}``, ``D1`` -> ``\\Delta^{(1)}``."""
    base, layer = code.rstrip("0123456789"), code[len(code.rstrip("0123456789")):]
    base = {"D": r"\Delta", "Phi": r"\Phi"}.get(base, base)
    return f"{base}^{{({layer})}}" if layer else base


class Derivation:
    """The chain-rule derivation of a model's loss gradient.

    Build it with :func:`backprop`.  Printing shows the matrix form;
    ``sympy.latex`` gives it as an ``aligned`` block.
    """

    def __init__(self, model, loss: str | Loss = "mse") -> None:
        self.model = model
        self.loss = get_loss(loss)
        self.loss.check_model(model)
        self.is_polynomial = hasattr(model, "exponents")
        if self.is_polynomial:
            n_feat = len(model.exponents)
            self.layers = (_Layer(1, n_feat, model.n_outputs, get_activation("identity"),
                                  "C", "C", False),)
            self.feature_code = "Phi"
        else:
            self.layers = tuple(
                _Layer(l, n_in, n_out, sigma, f"W{l}", f"W^{{({l})}}", True)
                for l, (n_in, n_out, sigma) in enumerate(
                    zip(model.widths, model.widths[1:], model.sigmas), start=1)
            )
            self.feature_code = "A0"
        self.matrix = self._matrix_form()

    # ------------------------------------------------------------------ matrix form
    def _input_code(self, layer: _Layer) -> str:
        return self.feature_code if layer.index == 1 else f"A{layer.index - 1}"

    def _dsig(self, layer: _Layer) -> tuple[str, str, str] | None:
        s = layer.sigma
        if s.name == "identity":
            return None
        l = layer.index
        return (f"{s.name}′(Z{l})", rf"{s.latex_name}'\!\left(Z^{{({l})}}\right)",
                s.numpy_derivative_source.format(z=f"Z{l}", a=f"A{l}"))

    def _matrix_form(self) -> tuple[MatrixEquation, ...]:
        eqs: list[MatrixEquation] = []

        def add(kind, layer, lhs, rhs, lhs_tex, rhs_tex, code, shape):
            eqs.append(MatrixEquation(kind, layer, lhs, rhs, lhs_tex, rhs_tex, code, shape))

        if self.is_polynomial:
            add("forward", 0, "Phi", "φ(X), the monomials x^k of each sample", r"\Phi",
                r"\left[x^{k}\right]_{k \in K}", "Phi = monomials(X)",
                f"{self.layers[0].n_in} × B")
        else:
            add("forward", 0, "A0", "X", "A^{(0)}", "X", "A0 = X", f"{self.model.n_inputs} × B")
        for layer in self.layers:
            l, W, A_in = layer.index, layer.w_code, self._input_code(layer)
            bias = (f" + b{l} 1ᵀ", rf" + b^{{({l})}} \mathbf{{1}}^\top", f" + b{l}") \
                if layer.has_bias else ("", "", "")
            shape = f"{layer.n_out} × B"
            add("forward", l, f"Z{l}", f"{W} {A_in}{bias[0]}", f"Z^{{({l})}}",
                f"{layer.w_tex} {_tex(A_in)}{bias[1]}", f"Z{l} = {A_in} @ {W}.T{bias[2]}", shape)
            s = layer.sigma
            if s.name == "identity":
                add("forward", l, f"A{l}", f"Z{l}", f"A^{{({l})}}", f"Z^{{({l})}}",
                    f"A{l} = Z{l}", shape)
            else:
                add("forward", l, f"A{l}", f"{s.name}(Z{l})", f"A^{{({l})}}",
                    rf"{s.latex_name}\!\left(Z^{{({l})}}\right)",
                    f"A{l} = {s.numpy_source.format(z=f'Z{l}')}", shape)

        last = self.layers[-1]
        L = last.index
        A, Z = (f"A{L}", f"A^{{({L})}}"), (f"Z{L}", f"Z^{{({L})}}")
        text, tex, code = self.loss.matrix_loss(A, Z)
        add("loss", L, "L", text.split(" = ", 1)[1], "L", tex, code, "scalar")
        text, tex, code = self.loss.matrix_delta(A, Z, f"D{L}", self._dsig(last))
        add("delta", L, f"Δ{L}", text.split(" = ", 1)[1], rf"\Delta^{{({L})}}", tex, code,
            f"{last.n_out} × B")
        for layer in reversed(self.layers):
            l, A_in = layer.index, self._input_code(layer)
            if l < L:
                nxt = self.layers[l]
                back = (f"W{l + 1}ᵀ Δ{l + 1}", rf"{{{nxt.w_tex}}}^{{\top}} \Delta^{{({l + 1})}}",
                        f"D{l + 1} @ W{l + 1}")
                dsig = self._dsig(layer)
                if dsig is None:
                    rhs = back
                else:
                    rhs = (f"({back[0]}) ⊙ {dsig[0]}", rf"\left({back[1]}\right) \odot {dsig[1]}",
                           f"({back[2]}) * ({dsig[2]})")
                add("delta", l, f"Δ{l}", rhs[0], rf"\Delta^{{({l})}}", rhs[1],
                    f"D{l} = {rhs[2]}", f"{layer.n_out} × B")
            W = layer.w_code
            add("gradient", l, f"∂L/∂{W}", f"Δ{l} {A_in}ᵀ",
                rf"\frac{{\partial L}}{{\partial {layer.w_tex}}}",
                rf"\Delta^{{({l})}} {{{_tex(A_in)}}}^{{\top}}", f"d{W} = D{l}.T @ {A_in}",
                f"{layer.n_out} × {layer.n_in}")
            if layer.has_bias:
                add("gradient", l, f"∂L/∂b{l}", f"Δ{l} 1", rf"\frac{{\partial L}}{{\partial b^{{({l})}}}}",
                    rf"\Delta^{{({l})}} \mathbf{{1}}", f"db{l} = D{l}.sum(axis=0)",
                    f"{layer.n_out}")
        return tuple(eqs)

    # ------------------------------------------------------------------- index form
    def _weights(self, layer: _Layer) -> tuple[sp.Matrix, sp.Matrix | None]:
        if self.is_polynomial:
            return sp.Matrix(layer.n_out, layer.n_in, self.model.params), None
        return self.model.weight(layer.index), self.model.bias(layer.index)

    def _features(self) -> list[sp.Expr]:
        return list(self.model.monomials if self.is_polynomial else self.model.inputs)

    @cached_property
    def index(self) -> tuple[IndexEquation, ...]:
        """The scalar equations for one sample, in evaluation order (built on first use)."""
        eqs: list[IndexEquation] = []
        a_prev = self._features()
        zs, as_, dsigs = [], [], []
        for layer in self.layers:
            W, b = self._weights(layer)
            l = layer.index
            z = [indexed("z", l, i) for i in range(1, layer.n_out + 1)]
            a = [indexed("a", l, i) for i in range(1, layer.n_out + 1)]
            for i in range(layer.n_out):
                rhs = sp.Add(*(W[i, j] * a_prev[j] for j in range(layer.n_in)))
                eqs.append(IndexEquation("pre", z[i], rhs + (b[i] if b is not None else 0)))
            for i in range(layer.n_out):
                eqs.append(IndexEquation("act", a[i], layer.sigma(z[i])))
            zs.append(z)
            as_.append(a)
            dsigs.append([layer.sigma.derivative(v) for v in z])
            a_prev = a
        y = list(self.model.targets)
        eqs.append(IndexEquation("loss", sp.Symbol("ell"), self.loss.sample(zs[-1], as_[-1], y)))
        deltas = self.loss.output_delta(zs[-1], as_[-1], y, dsigs[-1])
        inputs = [self._features(), *as_[:-1]]
        for k in range(len(self.layers) - 1, -1, -1):
            layer = self.layers[k]
            l = layer.index
            d = [indexed("delta", l, i) for i in range(1, layer.n_out + 1)]
            for i in range(layer.n_out):
                eqs.append(IndexEquation("delta", d[i], deltas[i]))
            W, b = self._weights(layer)
            for i in range(layer.n_out):
                for j in range(layer.n_in):
                    eqs.append(IndexEquation("gradient", W[i, j], d[i] * inputs[k][j]))
            if b is not None:
                for i in range(layer.n_out):
                    eqs.append(IndexEquation("gradient", b[i], d[i]))
            if k > 0:
                deltas = [
                    sp.Add(*(W[i, j] * d[i] for i in range(layer.n_out))) * dsigs[k - 1][j]
                    for j in range(layer.n_in)
                ]
        return tuple(eqs)

    def expand(self) -> dict[sp.Symbol, sp.Expr]:
        """The explicit gradient: substitute the index form, in order.

        Returns
        =======

        dict
            ``{parameter: dl/dparameter}`` in ``model.params`` order, each an
            expression in the inputs, targets and parameters.
        """
        env: dict[sp.Symbol, sp.Expr] = {}
        grads: dict[sp.Symbol, sp.Expr] = {}
        for eq in self.index:
            if eq.kind == "loss":
                continue
            value = eq.rhs.xreplace(env)
            if eq.kind == "gradient":
                grads[eq.lhs] = value
            else:
                env[eq.lhs] = value
        return {p: grads[p] for p in self.model.params}

    def loss_expression(self) -> sp.Expr:
        """The explicit per-sample loss ``l(x, y; theta)``."""
        out = self.model.output
        z = out if self.is_polynomial else self.model.preactivation(self.model.n_layers)
        return self.loss.sample(list(z), list(out), list(self.model.targets), expand_square=True)

    # --------------------------------------------------------------------- printing
    def __str__(self) -> str:
        width = max(len(e.lhs) for e in self.matrix)
        lines = [f"backprop({self.model!r}, loss={self.loss.name!r})"]
        lines += [f"  {e.lhs.rjust(width)} = {e.rhs}    [{e.shape}]" for e in self.matrix]
        return "\n".join(lines)

    __repr__ = __str__

    def _latex(self, printer=None) -> str:
        rows = [f"{e.lhs_latex} &= {e.rhs_latex}" for e in self.matrix]
        return "\\begin{aligned}\n" + " \\\\\n".join(rows) + "\n\\end{aligned}"

    def _repr_latex_(self) -> str:
        return f"$\\displaystyle {self._latex()}$"

    def index_latex(self) -> list[str]:
        """The index form as LaTeX lines ``lhs &= rhs`` (one per equation)."""
        return [f"{e.lhs_latex()} &= {sp.latex(e.rhs)}" for e in self.index]


def backprop(model, loss: str | Loss = "mse") -> Derivation:
    """The chain-rule derivation of ``model``'s loss gradient.

    Parameters
    ==========

    model : MLP, Polynomial or SeparablePolynomial
    loss : str
        ``"mse"``, ``"bce"`` (sigmoid output) or ``"softmax_ce"`` (logits).

    Returns
    =======

    Derivation
        Its matrix form is built at once (its size does not depend on the
        widths); its index form on first use.

    Examples
    ========

    >>> from symmlp import MLP, backprop
    >>> d = backprop(MLP([2, 3, 1], activation="tanh"))
    >>> print(d)
    backprop(MLP([2, 3, 1], activation='tanh', output_activation='identity'), loss='mse')
          A0 = X    [2 × B]
          Z1 = W1 A0 + b1 1ᵀ    [3 × B]
          A1 = tanh(Z1)    [3 × B]
          Z2 = W2 A1 + b2 1ᵀ    [1 × B]
          A2 = Z2    [1 × B]
           L = ‖A2 − Y‖² / 2B    [scalar]
          Δ2 = (A2 − Y) / B    [1 × B]
      ∂L/∂W2 = Δ2 A1ᵀ    [1 × 3]
      ∂L/∂b2 = Δ2 1    [1]
          Δ1 = (W2ᵀ Δ2) ⊙ tanh′(Z1)    [3 × B]
      ∂L/∂W1 = Δ1 A0ᵀ    [3 × 2]
      ∂L/∂b1 = Δ1 1    [3]
    >>> d.index[0]
    IndexEquation(kind='pre', lhs=z1_1, rhs=W1_1_1*x_1 + W1_1_2*x_2 + b1_1)
    """
    return Derivation(model, loss)
