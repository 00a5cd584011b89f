"""Elementwise activations, each owning all its forms side by side.

An :class:`Activation` holds its exact face (SymPy form, first and second
derivative), its fast face (NumPy source templates written into compiled code,
and the same formulas as callables) and its LaTeX (the name and the defining
lines the documents print).  ``tests/test_activations.py`` checks the faces
against each other.

ReLU convention: ``relu'(0) = 0`` and ``relu'' = 0`` in every face
(``Heaviside(z, 0)`` in SymPy, ``z > 0`` in NumPy; no ``DiracDelta``).  Note
that ``sympy.diff(Max(0, z), z)`` gives ``Heaviside(z)``, which is ``1/2`` at 0.

:func:`register_activation` adds a user's activation from its SymPy form; its
derivatives are derived and its NumPy form generated when not given.
"""

from __future__ import annotations

import keyword
import re
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import sympy as sp

__all__ = ["Activation", "get_activation", "activation_names", "register_activation",
           "unregister_activation",
           "np_sigmoid", "np_softplus"]


def np_sigmoid(z: np.ndarray) -> np.ndarray:
    """Logistic sigmoid without overflow, accurate in both tails."""
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0, e) / (1.0 + e)


def np_softplus(z: np.ndarray) -> np.ndarray:
    """``log(1 + exp(z))`` without overflow."""
    return np.logaddexp(0.0, z)


def _sigmoid(z: sp.Expr) -> sp.Expr:
    return 1 / (1 + sp.exp(-z))


@dataclass(frozen=True)
class Activation:
    r"""One activation: every face of ``sigma`` in one place.

    ``source``, ``derivative_source`` and ``second_source`` are the templates
    written into compiled code (``{z}`` is the pre-activation, ``{a}`` the
    activation); ``numpy`` and ``numpy_derivative`` are the same formulas as
    callables; :meth:`Activation.helpers` gives the functions the templates call.

    Examples
    ========

    >>> import sympy as sp
    >>> from symmlp.ops.activations import get_activation
    >>> tanh = get_activation("tanh")
    >>> z = sp.Symbol("z")
    >>> tanh(z), tanh.derivative(z), tanh.second_derivative(z)
    (tanh(z), 1 - tanh(z)**2, -2*(1 - tanh(z)**2)*tanh(z))
    >>> print(tanh.latex_name)
    \tanh
    """

    name: str
    latex_name: str
    form: Callable[[sp.Expr], sp.Expr]
    first: Callable[[sp.Expr], sp.Expr]
    second: Callable[[sp.Expr], sp.Expr]
    numpy: Callable[[np.ndarray], np.ndarray]
    numpy_derivative: Callable[[np.ndarray, np.ndarray], np.ndarray]
    source: str
    derivative_source: str
    second_source: str
    latex_form: str = ""
    latex_derivative: str = ""
    polynomial_degree: int | None = None
    kinks: tuple[float, ...] = ()
    lambdas: tuple = field(default=(), compare=False, repr=False)

    def helpers(self, backend) -> dict:
        """The functions this activation's templates call, for ``backend`` (none for built-ins;
        a user's activation gets ``act_<name>``, ``_d1``, ``_d2`` from :func:`sympy.lambdify`)."""
        if not self.lambdas:
            return {}
        z, forms = self.lambdas
        out = {}
        for suffix, expr in zip(("", "_d1", "_d2"), forms):
            f = sp.lambdify(z, expr, modules=backend.lambdify_modules, printer=backend.lambdify_printer)
            out[f"act_{self.name}{suffix}"] = _elementwise(f) if backend.name == "numpy" else f
        return out

    def __call__(self, z: sp.Expr) -> sp.Expr:
        return self.form(sp.sympify(z, strict=True))

    def derivative(self, z: sp.Expr) -> sp.Expr:
        """The exact derivative ``sigma'(z)``."""
        return self.first(sp.sympify(z, strict=True))

    def second_derivative(self, z: sp.Expr) -> sp.Expr:
        """The exact second derivative ``sigma''(z)`` (0 for ReLU, by convention)."""
        return self.second(sp.sympify(z, strict=True))

    @property
    def is_polynomial(self) -> bool:
        return self.polynomial_degree is not None

    @property
    def is_identity(self) -> bool:
        return self.name == "identity"

    def definition_latex(self) -> tuple[str, str]:
        """The documents' lines ``sigma(z) = ...`` and ``sigma'(z) = ...``."""
        z = sp.Symbol("z")
        form = self.latex_form or f"{self.latex_name}(z) = {sp.latex(self(z))}"
        deriv = self.latex_derivative or f"{self.latex_name}'(z) = {sp.latex(self.derivative(z))}"
        return form, deriv

    def __repr__(self) -> str:
        return f"Activation({self.name!r})"


def _elementwise(f):
    """``f`` made to return an array of its argument's shape (a constant derivative returns a scalar)."""
    return lambda v: np.broadcast_to(np.asarray(f(v), dtype=np.float64), np.shape(v)) + 0.0


def _builtins() -> list[Activation]:
    zero = sp.Integer(0)
    return [
        Activation("identity", r"\operatorname{id}", lambda z: z, lambda z: sp.Integer(1),
                   lambda z: zero, lambda z: z, lambda z, a: np.ones_like(z),
                   "{z}", "1.0", "0.0",
                   r"\operatorname{id}(z) = z", r"\operatorname{id}'(z) = 1", polynomial_degree=1),
        Activation("relu", r"\operatorname{ReLU}", lambda z: sp.Max(0, z),
                   lambda z: sp.Heaviside(z, 0), lambda z: zero,
                   lambda z: np.maximum(z, 0.0), lambda z, a: (z > 0).astype(z.dtype),
                   "np.maximum({z}, 0.0)", "{z} > 0", "0.0",
                   r"\operatorname{ReLU}(z) = \max(0, z)",
                   r"\operatorname{ReLU}'(z) = \begin{cases} 1 & z > 0 \\ 0 & z \le 0 \end{cases}",
                   kinks=(0.0,)),
        Activation("sigmoid", r"\sigma", _sigmoid, lambda z: _sigmoid(z) * (1 - _sigmoid(z)),
                   lambda z: _sigmoid(z) * (1 - _sigmoid(z)) * (1 - 2 * _sigmoid(z)),
                   np_sigmoid, lambda z, a: a * (1.0 - a),
                   "sigmoid({z})", "{a} * (1.0 - {a})", "{a} * (1.0 - {a}) * (1.0 - 2.0 * {a})",
                   r"\sigma(z) = \frac{1}{1 + e^{-z}}",
                   r"\sigma'(z) = \sigma(z)\bigl(1 - \sigma(z)\bigr)"),
        Activation("tanh", r"\tanh", sp.tanh, lambda z: 1 - sp.tanh(z) ** 2,
                   lambda z: -2 * sp.tanh(z) * (1 - sp.tanh(z) ** 2),
                   np.tanh, lambda z, a: 1.0 - a**2,
                   "np.tanh({z})", "1.0 - {a}**2", "-2.0 * {a} * (1.0 - {a}**2)",
                   r"\tanh(z) = \frac{e^{z} - e^{-z}}{e^{z} + e^{-z}}",
                   r"\tanh'(z) = 1 - \tanh^{2}(z)"),
        Activation("softplus", r"\operatorname{softplus}", lambda z: sp.log(1 + sp.exp(z)), _sigmoid,
                   lambda z: _sigmoid(z) * (1 - _sigmoid(z)),
                   np_softplus, lambda z, a: np_sigmoid(z),
                   "softplus({z})", "sigmoid({z})", "sigmoid({z}) * (1.0 - sigmoid({z}))",
                   r"\operatorname{softplus}(z) = \log\bigl(1 + e^{z}\bigr)",
                   r"\operatorname{softplus}'(z) = \sigma(z) = \frac{1}{1 + e^{-z}}"),
        Activation("square", r"\operatorname{sq}", lambda z: z**2, lambda z: 2 * z,
                   lambda z: sp.Integer(2), lambda z: z**2, lambda z, a: 2.0 * z,
                   "{z}**2", "2.0 * {z}", "2.0", polynomial_degree=2),
        Activation("cube", r"\operatorname{cube}", lambda z: z**3, lambda z: 3 * z**2,
                   lambda z: 6 * z, lambda z: z**3, lambda z, a: 3.0 * z**2,
                   "{z}**3", "3.0 * {z}**2", "6.0 * {z}", polynomial_degree=3),
    ]


_REGISTRY: dict[str, Activation] = {a.name: a for a in _builtins()}
_BUILTIN_NAMES = frozenset(_REGISTRY)
_NAME = re.compile(r"[a-z][a-z0-9_]{0,30}")


def activation_names() -> tuple[str, ...]:
    """The names of every registered activation, sorted.

    Returns
    =======

    tuple of str
        Each accepted by :func:`get_activation` and as an MLP ``activation``.

    Examples
    ========

    >>> from symmlp.ops.activations import activation_names
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

    >>> from symmlp.ops.activations import get_activation
    >>> get_activation("relu").source
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


def _as_function(rule: Callable | sp.Lambda | None, what: str, z: sp.Symbol) -> sp.Expr | None:
    """``rule(z)`` checked to be a SymPy expression in ``z`` alone."""
    if rule is None:
        return None
    if not callable(rule):
        raise TypeError(f"{what} must be a function of one SymPy expression (e.g. a lambda or "
                        f"sympy.Lambda), got {rule!r}")
    expr = rule(z)
    if not isinstance(expr, sp.Expr):
        raise TypeError(f"{what}(z) must return a SymPy expression, got {expr!r}")
    if expr.free_symbols - {z}:
        raise ValueError(f"{what}(z) = {expr} depends on {sorted(map(str, expr.free_symbols - {z}))}; "
                         "an activation may depend on z only")
    return expr


def register_activation(name: str, form: Callable[[sp.Expr], sp.Expr], *,
                        derivative: Callable[[sp.Expr], sp.Expr] | None = None,
                        second_derivative: Callable[[sp.Expr], sp.Expr] | None = None,
                        latex_name: str | None = None, replace: bool = False) -> Activation:
    r"""Register a user's activation so every model, emitter and document can use it.

    Parameters
    ==========

    name : str
        Lower-case letters, digits and ``_``, starting with a letter; not a
        built-in name.
    form : callable
        ``form(z)`` returns the SymPy expression of ``sigma(z)``.
    derivative, second_derivative : callable, optional
        Derived with ``sympy.diff`` when not given.
    latex_name : str, optional
        Defaults to ``\operatorname{name}``.
    replace : bool
        Allow replacing an activation registered earlier under ``name``.

    Returns
    =======

    Activation
        Its NumPy forms are generated from the SymPy ones by ``lambdify``.

    Examples
    ========

    >>> import sympy as sp
    >>> from symmlp.ops.activations import register_activation
    >>> silu = register_activation("silu", lambda z: z / (1 + sp.exp(-z)), replace=True)
    >>> z = sp.Symbol("z")
    >>> sp.simplify(silu.derivative(z) - sp.diff(z / (1 + sp.exp(-z)), z))
    0
    >>> float(silu.numpy(__import__("numpy").array([1.0]))[0])  # doctest: +ELLIPSIS
    0.7310585...
    >>> unregister_activation("silu")
    """
    if not isinstance(name, str):
        raise TypeError(f"activation name must be a str such as 'silu', got {name!r:.60}")
    if not _NAME.fullmatch(name) or keyword.iskeyword(name):
        raise ValueError(f"activation name must be lower-case letters, digits and _ (starting with a "
                         f"letter, at most 31 characters), got {name!r}")
    if name in _BUILTIN_NAMES or (name in _REGISTRY and not replace):
        raise ValueError(f"activation {name!r} is already registered; choose another name"
                         + ("" if name in _BUILTIN_NAMES else " or pass replace=True"))
    z = sp.Dummy("z", real=True)
    expr = _as_function(form, "form", z)
    first = _as_function(derivative, "derivative", z)
    first = sp.diff(expr, z) if first is None else first
    second = _as_function(second_derivative, "second_derivative", z)
    second = sp.diff(first, z) if second is None else second
    numpy_form = _elementwise(sp.lambdify(z, expr, modules="numpy"))
    numpy_first = _elementwise(sp.lambdify(z, first, modules="numpy"))
    activation = Activation(
        name, latex_name or rf"\operatorname{{{name}}}",
        sp.Lambda(z, expr), sp.Lambda(z, first), sp.Lambda(z, second),
        numpy_form, lambda v, a: numpy_first(v),
        f"act_{name}({{z}})", f"act_{name}_d1({{z}})", f"act_{name}_d2({{z}})",
        lambdas=(z, (expr, first, second)),
    )
    _REGISTRY[name] = activation
    return activation


def unregister_activation(name: str) -> None:
    """Remove an activation added by :func:`register_activation` (built-ins stay).

    Examples
    ========

    >>> from symmlp.ops.activations import unregister_activation
    >>> unregister_activation("tanh")
    Traceback (most recent call last):
    ...
    ValueError: 'tanh' is not a registered user activation; built-ins cannot be removed
    """
    if name in _BUILTIN_NAMES or name not in _REGISTRY:
        raise ValueError(f"{name!r} is not a registered user activation; built-ins cannot be removed")
    del _REGISTRY[name]
