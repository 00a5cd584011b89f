"""Kolmogorov–Arnold networks with polynomial edges: a chain of existing stages.

Layer ``l`` maps ``a ∈ R^n`` to ``z ∈ R^m`` by

    z_q = sum_{p=1}^{n} phi_{q,p}(a_p) + b_q,    phi_{q,p}(t) = sum_{k=1}^{d} c^{(l)}_{q,p,k} t^k,

every edge ``(q, p)`` with its own polynomial.  The edge constants are
redundant (they only ever add up per output) and are the bias ``b^{(l)}_q``.
As stages: per-coordinate powers (:class:`~symmlp.models.stages.features.Powers`
without the constant) → an affine map whose weights are the ``c^{(l)}_{q,p,k}``
→ an elementwise ``sigma`` (the identity by default).  A one-layer KAN is the
separable polynomial; two layers hold ``x_1 x_2`` exactly (see
:func:`symmlp.explore.blind_spot.kan_product`).
"""

from __future__ import annotations

from collections.abc import Sequence

from ..core.validate import check_int
from ..ops.activations import Activation, get_activation
from .counting import kan_count
from .layered import LayeredModel, check_widths
from .stages import Affine, Elementwise, Label, Powers
from .symbols import indexed

__all__ = ["KAN", "MAX_DEGREE"]

MAX_DEGREE = 1000  # each edge's polynomial; a higher degree only builds huge feature maps


class KAN(LayeredModel):
    r"""A Kolmogorov–Arnold network whose edge functions are polynomials of degree ``degree``.

    Parameters
    ==========

    widths : sequence of int
        Layer widths from inputs to outputs, e.g. ``[2, 2, 1]``.
    degree : int
        The degree ``d >= 1`` of every edge polynomial (no constant term; the
        constants are the layer's bias).
    activation : str
        The elementwise ``sigma`` between layers (``"identity"`` by default:
        a pure KAN, itself a polynomial of degree ``d^L``).
    output_activation : str
        The last layer's activation (``"identity"`` by default).

    Layer ``l``'s blocks are ``C<l>`` (shape ``(widths[l], widths[l-1] * d)``,
    row ``q`` holding ``c^{(l)}_{q,p,k}`` input-major: ``p`` then ``k``) and
    ``b<l>``.

    Examples
    ========

    >>> import sympy as sp
    >>> from symmlp import KAN
    >>> kan = KAN([2, 1], degree=2)
    >>> kan
    KAN([2, 1], degree=2)
    >>> kan.num_params, kan.params
    (5, (c1_1_1_1, c1_1_1_2, c1_1_2_1, c1_1_2_2, b1_1))
    >>> kan.output[0]
    b1_1 + c1_1_1_1*x_1 + c1_1_1_2*x_1**2 + c1_1_2_1*x_2 + c1_1_2_2*x_2**2
    >>> sp.latex(kan.params[1])
    'c^{(1)}_{1,1,2}'
    >>> KAN([3, 4, 1], degree=3, activation="tanh").num_params
    53
    """

    kind = "KAN"

    def __init__(self, widths: Sequence[int], degree: int = 3, activation: str | Activation = "identity",
                 output_activation: str | Activation = "identity") -> None:
        widths = check_widths(widths)
        degree = check_int(degree, "degree", 1, MAX_DEGREE)
        sigmas = tuple(get_activation(a) for a in [activation] * (len(widths) - 2) + [output_activation])
        self._init(widths=widths, degree=degree, hidden=get_activation(activation), sigmas=sigmas)

    degree: int
    hidden: Activation

    def _build_stages(self):
        d = self.degree
        for l, (n, m, sigma) in enumerate(zip(self.widths, self.widths[1:], self.sigmas), 1):
            yield Powers(n, d, constant=False, layer=l, name="P")
            yield Affine(n * d, m, l, weight=Label("C", l), bias=Label("b", l),
                         weight_symbol=lambda q, j, l=l: indexed("c", l, q + 1, j // d + 1, j % d + 1),
                         bias_symbol=lambda q, l=l: indexed("b", l, q + 1))
            yield Elementwise(m, l, sigma)

    @property
    def num_params(self) -> int:
        return kan_count(self.widths, self.degree)

    def _key(self) -> tuple:
        return (self.widths, self.degree, self.sigmas)

    def spec(self) -> dict:
        """A JSON-ready description from which ``KAN(**spec)`` rebuilds the model."""
        return {"widths": list(self.widths), "degree": self.degree, "activation": self.hidden.name,
                "output_activation": self.sigmas[-1].name}

    def __repr__(self) -> str:
        extra = ""
        if self.n_layers > 1 and not self.hidden.is_identity:
            extra += f", activation={self.hidden.name!r}"
        if not self.sigmas[-1].is_identity:
            extra += f", output_activation={self.sigmas[-1].name!r}"
        return f"KAN({list(self.widths)}, degree={self.degree}{extra})"

    def _latex_formula(self, printer) -> str:
        r"""``\Phi^{(L)} \circ \sigma \circ \cdots \circ \Phi^{(1)}(x)`` with the layer map spelled out."""
        text = "x"
        for l, sigma in enumerate(self.sigmas, start=1):
            text = rf"\Phi^{{({l})}}\left({text}\right)"
            if not sigma.is_identity:
                text = rf"{sigma.latex_name}\left({text}\right)"
        d = self.degree
        return (rf"{text},\quad \Phi^{{(l)}}(a)_q = \sum_{{p}} \sum_{{k=1}}^{{{d}}} c^{{(l)}}_{{q,p,k}}\, "
                r"a_p^{k} + b^{(l)}_q")
