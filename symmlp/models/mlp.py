"""The multilayer perceptron ``sigma_L(W_L ... sigma_1(W_1 x + b_1) ... + b_L)``:
a chain of affine maps and elementwise activations."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cached_property

import sympy as sp

from ..ops.activations import Activation, get_activation
from .layered import LayeredModel, check_widths
from .stages import Affine, Elementwise

__all__ = ["MLP", "check_widths"]


class MLP(LayeredModel):
    """A multilayer perceptron with exact symbolic parameters.

    Layer ``l`` (``1 .. L``) computes ``A_l = sigma_l(W_l A_{l-1} + b_l)`` with
    ``W_l`` of shape ``(widths[l], widths[l-1])``: row ``i`` is output unit ``i``,
    as in PyTorch's ``Linear.weight``.  ``params`` lists, layer by layer, ``W_l``
    row-major, then ``b_l``.  As a chain: ``Affine(1), Elementwise(1), ...,
    Affine(L), Elementwise(L)``.

    Parameters
    ==========

    widths : sequence of int
        Layer widths from inputs to outputs, e.g. ``[2, 3, 1]``.
    activation : str or list of str
        The hidden layers' activation, or one name per hidden layer.
    output_activation : str
        The last layer's activation (``"identity"`` by default).

    Examples
    ========

    >>> from symmlp import MLP
    >>> net = MLP([2, 2, 1], activation="relu")
    >>> net
    MLP([2, 2, 1], activation='relu', output_activation='identity')
    >>> net.num_params
    9
    >>> net.params[:6]
    (W1_1_1, W1_1_2, W1_2_1, W1_2_2, b1_1, b1_2)
    >>> net.output[0]
    W2_1_1*Max(0, W1_1_1*x_1 + W1_1_2*x_2 + b1_1) + W2_1_2*Max(0, W1_2_1*x_1 + W1_2_2*x_2 + b1_2) + b2_1
    >>> net.subs(range(9), x=[1, -1])
    Matrix([[54]])
    """

    kind = "MLP"

    def __init__(
        self,
        widths: Sequence[int],
        activation: str | Sequence[str] = "tanh",
        output_activation: str = "identity",
    ) -> None:
        widths = check_widths(widths)
        n_hidden = len(widths) - 2
        if isinstance(activation, str | Activation):
            hidden = [activation] * n_hidden
        elif isinstance(activation, Sequence):
            hidden = list(activation)
            if len(hidden) != n_hidden:
                raise ValueError(
                    f"activation list has {len(hidden)} entries but widths {list(widths)} has "
                    f"{n_hidden} hidden layer(s); give one name per hidden layer or a single name"
                )
        else:
            raise TypeError(f"activation must be a name or a list of names, got {activation!r}")
        sigmas = tuple(get_activation(a) for a in [*hidden, output_activation])
        self._init(widths=widths, sigmas=sigmas)

    def _build_stages(self):
        for l, (n_in, n_out, sigma) in enumerate(zip(self.widths, self.widths[1:], self.sigmas), 1):
            yield Affine(n_in, n_out, l)
            yield Elementwise(n_out, l, sigma)

    @property
    def activation_names(self) -> tuple[str, ...]:
        """One activation name per layer, the output layer's last."""
        return tuple(s.name for s in self.sigmas)

    def sigma(self, layer: int) -> Activation:
        """The activation of ``layer`` (1-based)."""
        return self.sigmas[self._check_layer(layer) - 1]

    def _check_layer(self, layer: int, first: int = 1) -> int:
        if isinstance(layer, bool) or not isinstance(layer, int) or not (
            first <= layer <= self.n_layers
        ):
            raise ValueError(f"layer must be an int in {first}..{self.n_layers}, got {layer!r}")
        return layer

    @cached_property
    def weights(self) -> tuple[sp.Matrix, ...]:
        """``W_1 .. W_L``, each ``widths[l] x widths[l-1]`` of symbols ``Wl_i_j``."""
        return tuple(self.block_symbols(f"W{l}") for l in range(1, self.n_layers + 1))

    @cached_property
    def biases(self) -> tuple[sp.Matrix, ...]:
        """``b_1 .. b_L``, each a column of symbols ``bl_i``."""
        return tuple(self.block_symbols(f"b{l}") for l in range(1, self.n_layers + 1))

    def weight(self, layer: int) -> sp.Matrix:
        """``W`` of ``layer`` (1-based)."""
        return self.weights[self._check_layer(layer) - 1]

    def bias(self, layer: int) -> sp.Matrix:
        """``b`` of ``layer`` (1-based)."""
        return self.biases[self._check_layer(layer) - 1]

    def preactivation(self, layer: int) -> sp.Matrix:
        """``Z_l = W_l A_{l-1} + b_l`` as explicit expressions of x and theta."""
        return sp.Matrix(self._symbolic_outputs[2 * self._check_layer(layer) - 2])

    def activation(self, layer: int) -> sp.Matrix:
        """``A_l = sigma_l(Z_l)``; ``activation(0)`` is the input column."""
        if self._check_layer(layer, first=0) == 0:
            return sp.Matrix(self.inputs)
        return sp.Matrix(self._symbolic_outputs[2 * layer - 1])

    def layer_slices(self) -> tuple[tuple[slice, slice], ...]:
        """Where each layer's ``W`` (row-major) and ``b`` sit in a flat ``theta`` (from the layout).

        Examples
        ========

        >>> from symmlp import MLP
        >>> MLP([2, 3, 1]).layer_slices()
        ((slice(0, 6, None), slice(6, 9, None)), (slice(9, 12, None), slice(12, 13, None)))
        """
        return tuple((self.layout[f"W{l}"].slice, self.layout[f"b{l}"].slice)
                     for l in range(1, self.n_layers + 1))

    def _key(self) -> tuple:
        return (self.widths, self.sigmas)

    def spec(self) -> dict:
        """A JSON-ready description from which ``MLP(**spec)`` rebuilds the model."""
        hidden = list(self.activation_names[:-1])
        same = len(set(hidden)) <= 1
        return {
            "widths": list(self.widths),
            "activation": (hidden[0] if hidden else "tanh") if same else hidden,
            "output_activation": self.activation_names[-1],
        }

    def __repr__(self) -> str:
        s = self.spec()
        hidden = f"activation={s['activation']!r}, " if self.n_layers > 1 else ""
        return f"MLP({s['widths']}, {hidden}output_activation={s['output_activation']!r})"

    def _latex_formula(self, printer) -> str:
        text = "x"
        for l, sigma in enumerate(self.sigmas, start=1):
            affine = f"W^{{({l})}} {text} + b^{{({l})}}"
            text = affine if sigma.name == "identity" else rf"{sigma.latex_name}\left({affine}\right)"
        return text
