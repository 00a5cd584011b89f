"""The model file format: a JSON document with the family, spec, loss and parameters.

Parameters are written as strings so the round trip is exact: integers and
Rationals as ``"3"`` or ``"-1/3"``, floats as ``repr(float)`` (``"0.1"``,
``"1e-05"``).  Reading parses those strings with ``fractions.Fraction`` and
``float`` only; nothing in a file is ever evaluated.  Reading is bounded
before it starts (file size, digits per number), and every field is checked
for type and range; anything unexpected raises :class:`CorruptFileError`
naming the field.
"""

from __future__ import annotations

import json
import math
import numbers
import os
import re
import stat
from fractions import Fraction
from pathlib import Path
from typing import Any

import sympy as sp

from ..models import model_from_spec
from ..ops.losses import get_loss, loss_names

__all__ = ["CorruptFileError", "FORMAT", "VERSION", "MAX_FILE_BYTES", "MAX_DIGITS", "encode", "decode",
           "read_document"]

FORMAT = "symmlp-model"
VERSION = 1
MAX_FILE_BYTES = 1 << 28
MAX_DIGITS = 300
_KEYS = {"format", "version", "kind", "spec", "loss", "theta", "losses"}
_RATIONAL = re.compile(rf"-?[0-9]{{1,{MAX_DIGITS}}}(?:/[0-9]{{1,{MAX_DIGITS}}})?")
_FLOAT = re.compile(r"-?(?:[0-9]{1,400}\.[0-9]{0,400}(?:e[+-]?[0-9]{1,4})?|[0-9]{1,400}e[+-]?[0-9]{1,4})")


class CorruptFileError(ValueError):
    """The file is not a valid symmlp model file (corrupt, truncated or tampered).

    A subclass of ``ValueError``, raised by :func:`symmlp.load`.

    Examples
    ========

    >>> import os, tempfile
    >>> from symmlp import CorruptFileError, load
    >>> issubclass(CorruptFileError, ValueError)
    True
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     path = os.path.join(tmp, "bad.json")
    ...     with open(path, "w") as f:
    ...         _ = f.write("{not json")
    ...     load(path)
    Traceback (most recent call last):
    ...
    symmlp.training.fileformat.CorruptFileError: ...bad.json: not a valid symmlp model file: invalid JSON (...)
    """


def _number_text(value: Any, i: int) -> str:
    if isinstance(value, bool | str | bytes):
        raise TypeError(f"theta[{i}] must be a number, got {value!r}")
    if isinstance(value, sp.Basic):
        if isinstance(value, sp.Rational):
            value = Fraction(int(value.p), int(value.q))
        elif isinstance(value, sp.Float):
            value = float(value)
        else:
            raise TypeError(
                f"theta[{i}] = {value} is not a Rational or a float; only those can be saved "
                f"exactly (use float(...) or sympy.nsimplify first)"
            )
    if isinstance(value, numbers.Integral):
        value = Fraction(int(value))
    if isinstance(value, Fraction):
        text = f"{value.numerator}/{value.denominator}" if value.denominator != 1 else str(value.numerator)
        if not _RATIONAL.fullmatch(text):
            raise ValueError(f"theta[{i}] has more than {MAX_DIGITS} digits; round it or save floats")
        return text
    if isinstance(value, numbers.Real):
        x = float(value)
        if not math.isfinite(x):
            raise ValueError(f"theta[{i}] is {x}; only finite numbers can be saved")
        return repr(x)
    raise TypeError(f"theta[{i}] must be a number, got {value!r}")


def encode(model, theta, loss, losses) -> str:
    """The file's text for ``model`` with parameters ``theta`` trained on ``loss``."""
    loss = get_loss(loss)
    loss.check_model(model)
    values = list(theta)
    if len(values) != model.num_params:
        raise ValueError(f"theta must have {model.num_params} entries, got {len(values)}")
    losses = [float(v) for v in losses]
    if not all(math.isfinite(v) for v in losses):
        raise ValueError("losses must be finite numbers")
    document = {"format": FORMAT, "version": VERSION, "kind": model.kind, "spec": model.spec(),
                "loss": loss.name, "theta": [_number_text(v, i) for i, v in enumerate(values)],
                "losses": losses}
    return json.dumps(document, indent=1, allow_nan=False) + "\n"


def _bad(message: str, path) -> CorruptFileError:
    return CorruptFileError(f"{path}: not a valid symmlp model file: {message}")


def _parse_number(text: Any, i: int, path) -> sp.Expr | float:
    if not isinstance(text, str):
        raise _bad(f"theta[{i}] must be a string such as \"1/3\" or \"0.25\", got {text!r:.40}", path)
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
    raise _bad(f"theta[{i}] = {text[:40]!r} is not a number (allowed: integers and p/q of up to "
               f"{MAX_DIGITS} digits, decimals)", path)


def _refuse_constant(name: str):
    raise ValueError(f"non-finite number {name} is not allowed")


def _finite_float(text: str) -> float:
    x = float(text)
    if not math.isfinite(x):
        raise ValueError(f"number {text[:40]} overflows")
    return x


def _bounded_int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_DIGITS:
        raise ValueError(f"an integer with more than {MAX_DIGITS} digits")
    return int(text)


def read_document(path: str | os.PathLike) -> dict:
    """The JSON object in ``path``, read only if it is a regular file of at most ``MAX_FILE_BYTES``."""
    if not isinstance(path, str | os.PathLike):
        raise TypeError(f"path must be a str or path-like naming a model file, got {path!r:.60}")
    if str(path) == "":
        raise ValueError("path is empty; give the model file's name")
    try:
        # O_NONBLOCK: opening a FIFO must not wait for a writer before it is refused below
        with os.fdopen(os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0)), "rb") as f:
            info = os.fstat(f.fileno())
            if not stat.S_ISREG(info.st_mode):
                raise _bad("not a regular file", path)
            if info.st_size > MAX_FILE_BYTES:
                raise _bad(f"{info.st_size} bytes, more than the {MAX_FILE_BYTES} a model file may have",
                           path)
            raw = f.read(MAX_FILE_BYTES + 1)
    except IsADirectoryError:
        raise _bad("it is a directory", path) from None
    if len(raw) > MAX_FILE_BYTES:
        raise _bad(f"more than {MAX_FILE_BYTES} bytes", path)
    try:
        document = json.loads(raw.decode("utf-8"), parse_constant=_refuse_constant,
                              parse_float=_finite_float, parse_int=_bounded_int)
    except UnicodeDecodeError as exc:
        raise _bad(f"not UTF-8 text ({exc.reason})", path) from None
    except ValueError as exc:  # JSONDecodeError, NaN/Infinity, oversized numbers
        raise _bad(f"invalid JSON ({exc})", path) from None
    except RecursionError:
        raise _bad("invalid JSON (nested too deeply)", path) from None
    if not isinstance(document, dict):
        raise _bad(f"expected a JSON object, got {type(document).__name__}", path)
    return document


def decode(document: dict, path) -> tuple[Any, list, str, list[float]]:
    """``(model, theta values, loss name, losses)`` from a file's JSON object, every field checked."""
    if set(document) != _KEYS:
        missing, extra = sorted(_KEYS - set(document)), sorted(set(document) - _KEYS)
        raise _bad(f"keys missing {missing}, unexpected {extra[:5]}", path)
    if document["format"] != FORMAT:
        raise _bad(f"format must be {FORMAT!r}, got {document['format']!r:.40}", path)
    if type(document["version"]) is not int or document["version"] != VERSION:
        raise _bad(f"version must be the integer {VERSION}, got {document['version']!r:.40}", path)
    try:
        model = model_from_spec(document["kind"], document["spec"])
    except (ValueError, TypeError) as exc:
        raise _bad(str(exc), path) from None
    loss = document["loss"]
    if not isinstance(loss, str) or loss not in loss_names():
        raise _bad(f"unknown loss {loss!r:.40}; known: {', '.join(loss_names())}", path)
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
    if not isinstance(losses, list):
        raise _bad(f"losses must be a list of numbers, got {type(losses).__name__}", path)
    for i, v in enumerate(losses):
        if isinstance(v, bool) or not isinstance(v, int | float) or not (
                math.isfinite(float(v)) and v >= 0):
            raise _bad(f"losses[{i}] must be a finite number >= 0, got {v!r:.40}", path)
    return model, values, loss, [float(v) for v in losses]


def is_model_file(path: Path) -> bool:
    """Whether ``path`` holds a symmlp model file (so that saving may replace it)."""
    try:
        return read_document(path).get("format") == FORMAT
    except (OSError, CorruptFileError):
        return False
