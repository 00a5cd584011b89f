"""Rebuilding a model from its family name and JSON-ready spec, checking every field.

Saved files store ``model.kind`` and ``model.spec()``; :func:`model_from_spec`
is their only way back to a model.  Every field is checked for type and
range before anything is built, so a tampered file can neither build a huge
model nor reach any code but the constructors.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..ops.activations import activation_names
from .chain import Model
from .expression import Expression, expression_from_spec
from .kan import KAN
from .mlp import MLP
from .polynomial import Polynomial, SeparablePolynomial
from .serial import Serial, serial_from_spec

__all__ = ["FAMILIES", "model_from_spec", "register_family"]

FAMILIES: dict[str, type[Model]] = {"MLP": MLP, "Polynomial": Polynomial,
                                    "SeparablePolynomial": SeparablePolynomial, "Serial": Serial, "KAN": KAN,
                                    "Expression": Expression}
LIMITS = {"width": 100_000, "layers": 1_000, "n_inputs": 10_000, "degree": 1_000, "n_outputs": 100_000}


def _int(spec: dict, key: str, lo: int, hi: int) -> int:
    value = spec[key]
    if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi:
        raise ValueError(f"spec.{key} must be an integer in {lo}..{hi}, got {value!r}")
    return value


def _keys(kind: str, spec: Any, required: set[str], optional: set[str] = frozenset()) -> dict:
    if not isinstance(spec, dict):
        raise ValueError(f"spec must be an object, got {type(spec).__name__}")
    keys = set(spec)
    if not required <= keys or not keys <= required | optional:
        raise ValueError(f"spec of a {kind} needs keys {sorted(required)} (optional {sorted(optional)}), "
                         f"got {sorted(map(str, keys))}")
    return spec


def _activation(name: Any, where: str) -> str:
    if not isinstance(name, str) or name not in activation_names():
        raise ValueError(f"{where}: unknown activation {name!r}; known: {', '.join(activation_names())}")
    return name


def _widths(spec: dict) -> list[int]:
    widths = spec["widths"]
    if not isinstance(widths, list) or not 2 <= len(widths) <= LIMITS["layers"]:
        raise ValueError(f"spec.widths must be a list of 2..{LIMITS['layers']} integers, got {widths!r:.80}")
    for i, w in enumerate(widths):
        _int({f"widths[{i}]": w}, f"widths[{i}]", 1, LIMITS["width"])
    return widths


def _mlp(spec: Any) -> MLP:
    spec = _keys("MLP", spec, {"widths", "activation", "output_activation"})
    widths = _widths(spec)
    hidden = spec["activation"]
    listed = hidden if isinstance(hidden, list) else [hidden]
    for name in listed:
        _activation(name, "spec.activation")
    _activation(spec["output_activation"], "spec.output_activation")
    if isinstance(hidden, list) and len(hidden) != len(widths) - 2:
        raise ValueError(f"spec.activation lists {len(hidden)} names for {len(widths) - 2} hidden layers")
    return MLP(widths, activation=hidden, output_activation=spec["output_activation"])


def _polynomial(spec: Any) -> Polynomial:
    spec = _keys("Polynomial", spec, {"n_inputs", "degree"}, {"n_outputs"})
    return Polynomial(_int(spec, "n_inputs", 1, LIMITS["n_inputs"]), _int(spec, "degree", 0, LIMITS["degree"]),
                      _int(spec, "n_outputs", 1, LIMITS["n_outputs"]) if "n_outputs" in spec else 1)


def _separable(spec: Any) -> SeparablePolynomial:
    spec = _keys("SeparablePolynomial", spec, {"n_inputs", "degree"})
    return SeparablePolynomial(_int(spec, "n_inputs", 1, LIMITS["n_inputs"]),
                               _int(spec, "degree", 0, LIMITS["degree"]))


def _kan(spec: Any) -> KAN:
    spec = _keys("KAN", spec, {"widths", "degree", "activation", "output_activation"})
    widths = _widths(spec)
    degree = _int(spec, "degree", 1, LIMITS["degree"])
    return KAN(widths, degree, _activation(spec["activation"], "spec.activation"),
               _activation(spec["output_activation"], "spec.output_activation"))


_BUILDERS: dict[str, Callable[[Any], Model]] = {
    "MLP": _mlp, "Polynomial": _polynomial, "SeparablePolynomial": _separable, "Serial": serial_from_spec,
    "KAN": _kan, "Expression": expression_from_spec}


def register_family(kind: str, cls: type[Model], builder: Callable[[Any], Model]) -> None:
    """Make ``kind`` loadable: ``builder(spec)`` checks the spec and builds the model."""
    FAMILIES[kind] = cls
    _BUILDERS[kind] = builder


def model_from_spec(kind: Any, spec: Any) -> Model:
    """The model of family ``kind`` described by ``spec`` (``model.spec()``).

    Raises
    ======

    ValueError
        Naming the field that is missing, unknown, of the wrong type or out of range.

    Examples
    ========

    >>> from symmlp.models import model_from_spec
    >>> model_from_spec("MLP", {"widths": [2, 3, 1], "activation": "relu", "output_activation": "identity"})
    MLP([2, 3, 1], activation='relu', output_activation='identity')
    >>> model_from_spec("Polynomial", {"n_inputs": 2, "degree": -1})
    Traceback (most recent call last):
    ...
    ValueError: spec.degree must be an integer in 0..1000, got -1
    """
    if not isinstance(kind, str) or kind not in _BUILDERS:
        raise ValueError(f"kind must be one of {', '.join(_BUILDERS)}, got {kind!r:.80}")
    return _BUILDERS[kind](spec)
