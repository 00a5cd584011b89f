"""Save and load trained models as JSON (the format is in :mod:`symmlp.training.fileformat`).

Files are replaced atomically, never through a symbolic link, and only when
the file there is a symmlp model file already.
"""

from __future__ import annotations

import os
from typing import Any

import numpy as np

from ..core.files import write_file
from .fileformat import CorruptFileError, decode, encode, is_model_file, read_document
from .result import TrainResult

__all__ = ["CorruptFileError", "load", "save"]


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
    """Write a trained model to ``path`` as JSON, atomically.

    Parameters
    ==========

    obj : TrainResult or tuple
        A :class:`~symmlp.TrainResult`, or ``(model, theta)`` or
        ``(model, theta, loss)`` with ``theta`` in ``model.params`` order
        (ints, Fractions, SymPy Rationals or floats).
    path : str or path-like
        A new file, or a symmlp model file to replace; never a symbolic link.

    Returns
    =======

    None

    Examples
    ========

    >>> import os, tempfile
    >>> from fractions import Fraction
    >>> from symmlp import Polynomial, load, save
    >>> path = os.path.join(tempfile.mkdtemp(), "p.json")
    >>> save((Polynomial(1, 1), [Fraction(1, 3), 0.1]), path)
    >>> list(load(path).theta)
    [1/3, 0.1]
    """
    from ..models.chain import check_model

    model, theta, loss, losses = _unpack(obj)
    check_model(model)
    write_file(path, encode(model, theta, loss, losses), "save", is_model_file)


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
        (a ValueError) if the file is not a regular file of at most
        ``MAX_FILE_BYTES``, not valid JSON, truncated, or anything in it is
        missing, of the wrong type, out of range, unknown or inconsistent.

    Examples
    ========

    >>> import os, tempfile
    >>> import sympy as sp
    >>> from symmlp import Polynomial, load, save
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
    model, values, loss, losses = decode(read_document(path), path)
    if all(isinstance(v, float) for v in values):
        array = np.array(values, dtype=np.float64)
    else:
        array = np.empty(len(values), dtype=object)
        array[:] = values
    return TrainResult(model, array, losses, loss)
