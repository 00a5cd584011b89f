"""Save and load trained models as JSON: the spec, the loss and the parameters.

Parameters are written as strings so the round trip is exact: integers and
Rationals as ``"3"`` or ``"-1/3"``, floats as ``repr(float)`` (``"0.1"``,
``"1e-05"``).  Loading parses those strings with ``fractions.Fraction`` and
``float`` only; nothing in the file is ever evaluated, and anything unexpected
raises :class:`CorruptFileError`.  Files are replaced atomically.
"""

from __future__ import annotations

import json
import math
import numbers
import os
import re
import tempfile
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np
import sympy as sp

from .activations import activation_names
from .losses import get_loss, loss_names
from .mlp import MLP
from .polynomial import Polynomial, SeparablePolynomial
from .train import TrainResult

__all__ = ["CorruptFileError", "FORMAT", "VERSION", "load", "save"]

FORMAT = "symmlp-model"
VERSION = 1
_KINDS = {"MLP": MLP, "Polynomial": Polynomial, "SeparablePolynomial": SeparablePolynomial}
_KEYS = {"format", "version", "kind", "spec", "loss", "theta", "losses"}
_SPEC_KEYS = {
    "MLP": ({"widths", "activation", "output_activation"}, set()),
    "Polynomial": ({"n_inputs", "degree"}, {"n_outputs"}),
    "SeparablePolynomial": ({"n_inputs", "degree"}, set()),
}
_LIMITS = {"widths": 100_000, "n_inputs": 10_000, "degree": 1_000, "n_outputs": 100_000}
_MAX_LAYERS = 1_000
_RATIONAL = re.compile(r"-?[0-9]{1,4000}(?:/[0-9]{1,4000})?")
_FLOAT = re.compile(r"-?(?:[0-9]+\.[0-9]*(?:e[+-]?[0-9]+)?|[0-9]+e[+-]?[0-9]+)")


class CorruptFileError(ValueError):
    """The file is not a valid symmlp model file (corrupt, truncated or tampered).

    A subclass of ``ValueError``, raised by :func:`load`.

    Examples
    ========

    >>> import os, tempfile
    >>> from symmlp.saving import CorruptFileError, load
    >>> issubclass(CorruptFileError, ValueError)
    True
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     path = os.path.join(tmp, "bad.json")
    ...     with open(path, "w") as f:
    ...         _ = f.write("{not json")
    ...     load(path)
    Traceback (most recent call last):
    ...
    symmlp.saving.CorruptFileError: ...bad.json: not a valid symmlp model file: invalid JSON (...)
    """


def _number_text(value: Any, i: int) -> str:
    if isinstance(value, bool | str | bytes):
        raise TypeError(f"theta[{i}] must be a number, got {value!r}")
    if isinstance(value, sp.Basic):
        if isinstance(value, sp.Rational):
            return str(value)
        if isinstance(value, sp.Float):
            value = float(value)
        else:
            raise TypeError(
                f"theta[{i}] = {value} is not a Rational or a float; only those can be saved "
                f"exactly (use float(...) or sympy.nsimplify first)"
            )
    if isinstance(value, numbers.Integral):
        return str(int(value))
    if isinstance(value, Fraction):
        return f"{value.numerator}/{value.denominator}" if value.denominator != 1 else str(value.numerator)
    if isinstance(value, numbers.Real):
        x = float(value)
        if not math.isfinite(x):
            raise ValueError(f"theta[{i}] is {x}; only finite numbers can be saved")
        return repr(x)
    raise TypeError(f"theta[{i}] must be a number, got {value!r}")


def _unpack(obj: Any) -> tuple[Any, Any, str, list[float]]:
    if isinstance(obj, TrainResult):
        return obj.model, obj.theta, obj.loss, [float(v) for v in obj.losses]
    if isinstance(obj, tuple) and len(obj) in (2, 3):
        model, theta = obj[:2]
        loss = obj[2] if len(obj) == 3 else "mse"
        return model, theta, loss, []
    raise TypeError(
        f"save needs a TrainResult or a tuple (model, theta[, loss]), got {type(obj).__name__}"
    )


def save(obj: Any, path: str | os.PathLike) -> None:
    """Write a trained model to ``path`` as JSON, replacing any file there atomically.

    Parameters
    ==========

    obj : TrainResult or tuple
        A :class:`~symmlp.train.TrainResult`, or ``(model, theta)`` or
        ``(model, theta, loss)`` with ``theta`` in ``model.params`` order
        (ints, Fractions, SymPy Rationals or floats).
    path : str or path-like

    Returns
    =======

    None

    Examples
    ========

    >>> import os, tempfile
    >>> from fractions import Fraction
    >>> from symmlp.polynomial import Polynomial
    >>> from symmlp.saving import load, save
    >>> path = os.path.join(tempfile.mkdtemp(), "p.json")
    >>> save((Polynomial(1, 1), [Fraction(1, 3), 0.1]), path)
    >>> list(load(path).theta)
    [1/3, 0.1]
    """
    model, theta, loss, losses = _unpack(obj)
    kind = type(model).__name__
    if kind not in _KINDS or type(model) is not _KINDS[kind]:
        raise TypeError(f"can only save {', '.join(_KINDS)} models, got {kind}")
    loss = get_loss(loss).name
    get_loss(loss).check_model(model)
    values = list(theta)
    if len(values) != model.num_params:
        raise ValueError(f"theta must have {model.num_params} entries, got {len(values)}")
    document = {
        "format": FORMAT,
        "version": VERSION,
        "kind": kind,
        "spec": model.spec(),
        "loss": loss,
        "theta": [_number_text(v, i) for i, v in enumerate(values)],
        "losses": losses,
    }
    text = json.dumps(document, indent=1, allow_nan=False) + "\n"
    _atomic_write(Path(path), text)


def _atomic_write(path: Path, text: str) -> None:
    directory = path.parent if str(path.parent) else Path(".")
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, os.stat(path).st_mode & 0o777 if path.exists() else 0o644)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def _bad(message: str, path) -> CorruptFileError:
    return CorruptFileError(f"{path}: not a valid symmlp model file: {message}")


def _refuse_constant(name: str):
    raise ValueError(f"non-finite number {name} is not allowed")


def _parse_number(text: Any, i: int, path) -> sp.Expr | float:
    if not isinstance(text, str):
        raise _bad(f"theta[{i}] must be a string such as \"1/3\" or \"0.25\", got {text!r}", path)
    if _RATIONAL.fullmatch(text):
        denominator = text.partition("/")[2]
        if denominator and int(denominator) == 0:
            raise _bad(f"theta[{i}] = {text!r} divides by zero", path)
        value = Fraction(text)
        return sp.Rational(value.numerator, value.denominator)
    if _FLOAT.fullmatch(text):
        x = float(text)
        if math.isfinite(x):
            return x
        raise _bad(f"theta[{i}] = {text!r} overflows to {x}", path)
    raise _bad(f"theta[{i}] = {text[:40]!r} is not a number (allowed: integers, p/q, decimals)", path)


def _int_field(spec: dict, key: str, path, minimum: int = 1) -> int:
    value = spec[key]
    if isinstance(value, bool) or not isinstance(value, int) or not minimum <= value <= _LIMITS[key]:
        raise _bad(f"spec.{key} must be an integer in {minimum}..{_LIMITS[key]}, got {value!r}", path)
    return value


def _model_from(kind: Any, spec: Any, path):
    if not isinstance(kind, str) or kind not in _KINDS:
        raise _bad(f"kind must be one of {', '.join(_KINDS)}, got {kind!r}", path)
    if not isinstance(spec, dict):
        raise _bad(f"spec must be an object, got {type(spec).__name__}", path)
    required, optional = _SPEC_KEYS[kind]
    keys = set(spec)
    if not required <= keys or not keys <= required | optional:
        raise _bad(f"spec of a {kind} needs keys {sorted(required)} (optional {sorted(optional)}), "
                   f"got {sorted(keys)}", path)
    if kind != "MLP":
        args = {key: _int_field(spec, key, path, minimum=0 if key == "degree" else 1) for key in spec}
        return _KINDS[kind](**args)
    widths = spec["widths"]
    if not isinstance(widths, list) or not 2 <= len(widths) <= _MAX_LAYERS:
        raise _bad(f"spec.widths must be a list of 2..{_MAX_LAYERS} integers, got {widths!r}", path)
    for w in widths:
        _int_field({"widths": w}, "widths", path)
    names = activation_names()
    hidden = spec["activation"]
    listed = hidden if isinstance(hidden, list) else [hidden]
    for name in [*listed, spec["output_activation"]]:
        if not isinstance(name, str) or name not in names:
            raise _bad(f"unknown activation {name!r}; known: {', '.join(names)}", path)
    if isinstance(hidden, list) and len(hidden) != len(widths) - 2:
        raise _bad(f"spec.activation lists {len(hidden)} names for {len(widths) - 2} hidden layers", path)
    return MLP(widths, activation=hidden, output_activation=spec["output_activation"])


def load(path: str | os.PathLike) -> TrainResult:
    """Read a model file written by :func:`save`.

    Parameters
    ==========

    path : str or path-like

    Returns
    =======

    TrainResult
        ``theta`` is a float64 array when the file holds only floats; else an
        object array of exact SymPy Rationals (and floats), so the round trip
        is exact.

    Raises
    ======

    CorruptFileError
        (a ValueError) if the file is not valid JSON, was truncated, or
        anything in it is missing, of the wrong type, unknown or inconsistent.

    Examples
    ========

    >>> import os, tempfile
    >>> import sympy as sp
    >>> from symmlp.polynomial import Polynomial
    >>> from symmlp.saving import load, save
    >>> theta = [sp.Rational(1, 3), -2, sp.Rational(5, 7)]
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     path = os.path.join(tmp, "p.json")
    ...     save((Polynomial(1, 2), theta), path)
    ...     r = load(path)
    >>> r
    TrainResult(Polynomial(n_inputs=1, degree=2), loss='mse', 0 steps)
    >>> list(r.theta)
    [1/3, -2, 5/7]
    >>> list(r.theta) == theta, 3 * r.theta[0] == 1
    (True, True)
    >>> r.to_symbolic()[0]
    5*x_1**2/7 - 2*x_1 + 1/3
    """
    try:
        raw = Path(path).read_bytes()
        document = json.loads(raw.decode("utf-8"), parse_constant=_refuse_constant)
    except UnicodeDecodeError as exc:
        raise _bad(f"not UTF-8 text ({exc.reason})", path) from None
    except ValueError as exc:  # JSONDecodeError, NaN/Infinity, oversized integers
        raise _bad(f"invalid JSON ({exc})", path) from None
    except RecursionError:
        raise _bad("invalid JSON (nested too deeply)", path) from None
    if not isinstance(document, dict):
        raise _bad(f"expected a JSON object, got {type(document).__name__}", path)
    if set(document) != _KEYS:
        missing, extra = sorted(_KEYS - set(document)), sorted(set(document) - _KEYS)
        raise _bad(f"keys missing {missing}, unexpected {extra}", path)
    if document["format"] != FORMAT:
        raise _bad(f"format must be {FORMAT!r}, got {document['format']!r}", path)
    if document["version"] != VERSION or isinstance(document["version"], bool):
        raise _bad(f"unsupported version {document['version']!r}; this symmlp reads version {VERSION}",
                   path)
    model = _model_from(document["kind"], document["spec"], path)
    loss = document["loss"]
    if not isinstance(loss, str) or loss not in loss_names():
        raise _bad(f"unknown loss {loss!r}; known: {', '.join(loss_names())}", path)
    try:
        get_loss(loss).check_model(model)
    except ValueError as exc:
        raise _bad(str(exc), path) from None
    theta = document["theta"]
    if not isinstance(theta, list) or len(theta) != model.num_params:
        got = len(theta) if isinstance(theta, list) else type(theta).__name__
        raise _bad(f"theta must be a list of {model.num_params} numbers for {model!r}, got {got}", path)
    values = [_parse_number(t, i, path) for i, t in enumerate(theta)]
    losses = document["losses"]
    if not isinstance(losses, list) or not all(
        isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v) for v in losses
    ):
        raise _bad("losses must be a list of finite numbers", path)
    if all(isinstance(v, float) for v in values):
        array = np.array(values, dtype=np.float64)
    else:
        array = np.empty(len(values), dtype=object)
        array[:] = values
    return TrainResult(model, array, losses, loss)
