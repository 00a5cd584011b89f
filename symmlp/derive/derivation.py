"""The derivation: an ordered tape of named equations built by the chain rule.

It is assembled from the model's stages, each contributing its own
equations, and from the loss.  It has two faces.

- **Matrix form** (:attr:`Derivation.matrix`): ``Z1 = W1 A0 + b1 1ᵀ``,
  ``A1 = tanh(Z1)``, ..., ``Δ1 = (W2ᵀ Δ2) ⊙ tanh′(Z1)``, ``∂L/∂W1 = Δ1 A0ᵀ``.
  Columns are samples; its size does not depend on the widths.  Each equation
  carries its text, its LaTeX and the array code that computes it (arrays are
  batch-first, the transposes of the matrices here).
- **Index form** (:attr:`Derivation.index`): scalar SymPy equations for one
  sample (``z1_2 = W1_2_1 x_1 + ... + b1_2``, ``delta1_2 = ...``,
  ``dl/dW1_2_1 = delta1_2 x_1``), built on first access.  Substituting them in
  order (:meth:`Derivation.expand`) gives the explicit gradient in x, y and
  theta.
"""

from __future__ import annotations

from functools import cached_property, lru_cache

import sympy as sp

from ..models.chain import check_model
from ..models.symbols import indexed
from ..ops.losses import Loss, get_loss
from .equations import IndexEquation, IndexForm, MatrixEquation, Term, Var, substitute

__all__ = ["Derivation", "MatrixEquation", "IndexEquation", "backprop", "clear_cache"]


class Derivation:
    """The chain-rule derivation of a model's loss gradient.

    Build it with :func:`backprop`.  Printing shows the matrix form;
    ``sympy.latex`` gives it as an ``aligned`` block.

    Attributes
    ==========

    model, loss
    matrix : tuple of MatrixEquation
    inputs : tuple of Var
        The input of each stage.
    output, logits : Var
        The model's output, and the logits the loss reads (the input of the
        last activation).
    """

    def __init__(self, model, loss: str | Loss = "mse") -> None:
        check_model(model)
        self.model = model
        self.loss = get_loss(loss)
        self.loss.check_model(model)
        stages = model.stages
        x, inputs = model.input_var, []
        for stage in stages:
            inputs.append(x)
            x = stage.out
        self.inputs = tuple(inputs)
        self.output = x
        self.ends_in_activation = stages[-1].activation is not None
        self.logits = inputs[-1] if self.ends_in_activation else x
        self.matrix = self._matrix_form()

    # ------------------------------------------------------------------ matrix form
    def forward_equations(self) -> list[MatrixEquation]:
        x = self.model.input_var
        eqs = [] if x.code == "X" else [MatrixEquation.assign("forward", 0, x, Term("X", "X", "X", True))]
        for stage, x in zip(self.model.stages, self.inputs):
            eqs += stage.forward(x)
        return eqs

    def backward_stages(self) -> tuple[int, ...]:
        """Indices of the stages the backward pass runs through (a fused loss skips the last)."""
        n = len(self.model.stages)
        return tuple(range(n - 1 if self.loss.fused and self.ends_in_activation else n))

    def output_delta(self) -> Var:
        """The name of ``∂L/∂Z`` at the logits when the loss is fused."""
        return Var.layered("D", self.model.stages[-1].layer, self.logits.rows)

    def _matrix_form(self) -> tuple[MatrixEquation, ...]:
        eqs = self.forward_equations()
        layer = self.model.stages[-1].layer
        t = self.loss.matrix_loss(self.output, self.logits)
        eqs.append(MatrixEquation("loss", layer, "L", t.text, "L", t.tex, t.code, "scalar"))
        eqs += self.backward_equations(self.loss.matrix_gradient(self.output, self.logits))
        return tuple(eqs)

    def backward_equations(self, g: Term) -> list[MatrixEquation]:
        """The backward pass from ``g``, a term at the model's output (the loss's gradient; the
        Gauss-Newton product starts from the loss curvature): named ``D`` at the logits first when the
        loss is fused, then carried back through every stage."""
        eqs = []
        if self.loss.fused and self.ends_in_activation:
            d = self.output_delta()
            eqs.append(MatrixEquation.assign("delta", self.model.stages[-1].layer, d, g))
            g = d.term()
        for k in reversed(self.backward_stages()):
            back, g = self.model.stages[k].backward(g, self.inputs[k], need_input=k > 0)
            eqs += back
        return eqs

    # ------------------------------------------------------------------- index form
    @property
    def index(self) -> IndexForm:
        """The scalar equations for one sample, in evaluation order (built on first use).

        A tuple of :class:`IndexEquation` that Jupyter and ``sympy.latex`` show
        as one ``aligned`` block (slice it to show a part)."""
        return self._index_pass[0]

    @property
    def index_inputs(self) -> tuple[list[sp.Expr], ...]:
        """The index form's names for each stage's input (the inputs ``x_i``, then ``z1_i``, ``a1_i``, ...)."""
        return self._index_pass[1]

    @property
    def index_output(self) -> list[sp.Expr]:
        """The index form's names for the model's output (``a<L>_k``)."""
        return self._index_pass[3]

    @property
    def index_pending(self) -> dict[int, list[sp.Expr]]:
        """``{k: dl/d(output of stage k)}`` as the index form's backward pass hands it to stage ``k``."""
        return self._index_pass[2]

    @cached_property
    def _index_pass(self) -> tuple[IndexForm, tuple, dict, list]:
        eqs: list[IndexEquation] = []
        a, ins = list(self.model.inputs), []
        for stage in self.model.stages:
            ins.append(a)
            forward, a = stage.index_forward(a)
            eqs += forward
        y = list(self.model.targets)
        logits = ins[-1] if self.ends_in_activation else a
        eqs.append(IndexEquation("loss", sp.Symbol("ell"), self.loss.sample(a, y, logits)))
        g = self.loss.gradient(a, y, logits)
        if self.loss.fused and self.ends_in_activation:
            d = [indexed("delta", self.model.stages[-1].layer, i) for i in range(1, len(g) + 1)]
            eqs += [IndexEquation("delta", s, v) for s, v in zip(d, g)]
            g = d
        pending = {}
        for k in reversed(self.backward_stages()):
            pending[k] = g
            back, g = self.model.stages[k].index_backward(g, ins[k], need_input=k > 0)
            eqs += back
        return IndexForm(eqs), tuple(ins), pending, a

    def expand(self) -> dict[sp.Symbol, sp.Expr]:
        """The explicit gradient: substitute the index form, in order.

        Returns
        =======

        dict
            ``{parameter: dl/dparameter}`` in ``model.params`` order, each an
            expression in the inputs, targets and parameters.
        """
        values = substitute(self.index, {})
        return {p: values[("g", p)] for p in self.model.params}

    def loss_expression(self) -> sp.Expr:
        """The explicit per-sample loss ``l(x, y; theta)``."""
        return self.loss.sample(list(self.model.output), list(self.model.targets),
                                list(self.model.logits), expanded=True)

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
        """The index form as LaTeX equations ``lhs = rhs``, one per equation."""
        return [e._latex() for e in self.index]


@lru_cache(maxsize=128)
def _cached(model, loss: Loss) -> Derivation:
    return Derivation(model, loss)


def clear_cache() -> None:
    """Forget the cached derivations."""
    _cached.cache_clear()


def backprop(model, loss: str | Loss = "mse") -> Derivation:
    """The chain-rule derivation of ``model``'s loss gradient.

    Parameters
    ==========

    model : any symmlp model (MLP, Polynomial, SeparablePolynomial, ...)
    loss : str or Loss
        One of :func:`symmlp.ops.losses.loss_names` (``"mse"``, ``"bce"`` on a
        sigmoid output, ``"softmax_ce"`` on logits, ``"huber"``, ``"logcosh"``).

    Returns
    =======

    Derivation
        Its matrix form is built at once (its size does not depend on the
        widths); its index form on first use.  Derivations are cached by
        ``(model, loss)``.

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
    check_model(model)
    return _cached(model, get_loss(loss))

