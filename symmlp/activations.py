"""The activation registry: name -> SymPy form, derivative, NumPy form, LaTeX name.

Each entry keeps its exact face (SymPy) and its fast face (NumPy) side by side,
so the two can never drift apart unnoticed; ``tests/test_activations.py`` checks
them against each other.

ReLU convention: ``relu'(0) = 0``, in both faces (``Heaviside(z, 0)`` in SymPy,
``z > 0`` in NumPy).  Note that ``sympy.diff(Max(0, z), z)`` gives
``Heaviside(z)``, which is ``1/2`` at 0; the two differ only where a
pre-activation is exactly zero.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import sympy as sp

__all__ = ["Activation", "get_activation", "activation_names", "np_sigmoid", "np_softplus"]


def np_sigmoid(z: np.ndarray) -> np.ndarray:
    """Logistic sigmoid without overflow, accurate in both tails."""
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0, e) / (1.0 + e)


def np_softplus(z: np.ndarray) -> np.ndarray:
    """``log(1 + exp(z))`` without overflow."""
    return np.logaddexp(0.0, z)


def np_relu(z: np.ndarray) -> np.ndarray:
    return np.maximum(z, 0.0)


def _sigmoid(z: sp.Expr) -> sp.Expr:
    return 1 / (1 + sp.exp(-z))


@dataclass(frozen=True)
class Activation:
    r"""One entry of the registry.

    ``numpy_source`` and ``numpy_derivative_source`` are the templates the NumPy
    code generator writes (``{z}`` is the pre-activation, ``{a}`` the
    activation); ``numpy`` and ``numpy_derivative`` are the same formulas as
    callables.

    Examples
    ========

    >>> import sympy as sp
    >>> from symmlp.activations import get_activation
    >>> tanh = get_activation("tanh")
    >>> z = sp.Symbol("z")
    >>> tanh(z), tanh.derivative(z)
    (tanh(z), 1 - tanh(z)**2)
    >>> print(tanh.latex_name)
    \tanh
    """

    name: str
    latex_name: str
    sympy_form: Callable[[sp.Expr], sp.Expr]
    sympy_derivative: Callable[[sp.Expr], sp.Expr]
    numpy: Callable[[np.ndarray], np.ndarray]
    numpy_derivative: Callable[[np.ndarray, np.ndarray], np.ndarray]
    numpy_source: str
    numpy_derivative_source: str
    polynomial_degree: int | None = None

    def __call__(self, z: sp.Expr) -> sp.Expr:
        return self.sympy_form(sp.sympify(z, strict=True))

    def derivative(self, z: sp.Expr) -> sp.Expr:
        """The exact derivative ``sigma'(z)``."""
        return self.sympy_derivative(sp.sympify(z, strict=True))

    @property
    def is_polynomial(self) -> bool:
        return self.polynomial_degree is not None

    def __repr__(self) -> str:
        return f"Activation({self.name!r})"


_REGISTRY: dict[str, Activation] = {
    a.name: a
    for a in [
        Activation(
            "identity", r"\operatorname{id}",
            lambda z: z, lambda z: sp.Integer(1),
            lambda z: z, lambda z, a: np.ones_like(z),
            "{z}", "1.0", polynomial_degree=1,
        ),
        Activation(
            "relu", r"\operatorname{ReLU}",
            lambda z: sp.Max(0, z), lambda z: sp.Heaviside(z, 0),
            np_relu, lambda z, a: (z > 0).astype(z.dtype),
            "np.maximum({z}, 0.0)", "{z} > 0",
        ),
        Activation(
            "sigmoid", r"\sigma",
            _sigmoid, lambda z: _sigmoid(z) * (1 - _sigmoid(z)),
            np_sigmoid, lambda z, a: a * (1.0 - a),
            "sigmoid({z})", "{a} * (1.0 - {a})",
        ),
        Activation(
            "tanh", r"\tanh",
            sp.tanh, lambda z: 1 - sp.tanh(z) ** 2,
            np.tanh, lambda z, a: 1.0 - a**2,
            "np.tanh({z})", "1.0 - {a}**2",
        ),
        Activation(
            "softplus", r"\operatorname{softplus}",
            lambda z: sp.log(1 + sp.exp(z)), _sigmoid,
            np_softplus, lambda z, a: np_sigmoid(z),
            "softplus({z})", "sigmoid({z})",
        ),
        Activation(
            "square", r"\operatorname{sq}",
            lambda z: z**2, lambda z: 2 * z,
            lambda z: z**2, lambda z, a: 2.0 * z,
            "{z}**2", "2.0 * {z}", polynomial_degree=2,
        ),
        Activation(
            "cube", r"\operatorname{cube}",
            lambda z: z**3, lambda z: 3 * z**2,
            lambda z: z**3, lambda z, a: 3.0 * z**2,
            "{z}**3", "3.0 * {z}**2", polynomial_degree=3,
        ),
    ]
}


def activation_names() -> tuple[str, ...]:
    """The names of every registered activation, sorted.

    Returns
    =======

    tuple of str
        Each accepted by :func:`get_activation` and as an MLP ``activation``.

    Examples
    ========

    >>> from symmlp.activations import activation_names
    >>> activation_names()
    ('cube', 'identity', 'relu', 'sigmoid', 'softplus', 'square', 'tanh')
    """
    return tuple(sorted(_REGISTRY))


def get_activation(name: str | Activation) -> Activation:
    """Look up an activation by name.

    Parameters
    ==========

    name : str or Activation
        One of :func:`activation_names`; an ``Activation`` is returned as is.

    Returns
    =======

    Activation

    Raises
    ======

    ValueError
        For an unknown name, listing the valid ones.

    Examples
    ========

    >>> from symmlp.activations import get_activation
    >>> get_activation("relu").numpy_source
    'np.maximum({z}, 0.0)'
    >>> get_activation("gelu")
    Traceback (most recent call last):
    ...
    ValueError: unknown activation 'gelu'; valid names: cube, identity, relu, sigmoid, softplus, square, tanh
    """
    if isinstance(name, Activation):
        return name
    if not isinstance(name, str) or name not in _REGISTRY:
        raise ValueError(
            f"unknown activation {name!r}; valid names: {', '.join(activation_names())}"
        )
    return _REGISTRY[name]
