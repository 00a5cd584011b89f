"""The optional extras (JAX, PyTorch): imported only by the functions that need them.

``import symmlp`` never imports JAX or PyTorch; :func:`require` imports one
when a function asks for it, or says how to install it.
"""

from __future__ import annotations

import importlib
import importlib.util
from types import ModuleType

__all__ = ["EXTRAS", "require", "available"]

EXTRAS = {"jax": "jax", "torch": "torch"}
"""Each extra's name and the module it provides."""


def available(extra: str) -> bool:
    """Whether ``extra``'s module imports (without importing it when it is absent).

    Examples
    ========

    >>> from symmlp.core.extras import available
    >>> available("numpy-of-the-future")
    False
    """
    if extra not in EXTRAS:
        return False
    return importlib.util.find_spec(EXTRAS[extra]) is not None


def require(extra: str, what: str) -> ModuleType:
    """The module of ``extra`` (``"jax"`` or ``"torch"``), or an ImportError with the install command.

    Parameters
    ==========

    extra : str
        ``"jax"`` or ``"torch"``.
    what : str
        What needs it, for the message (``"backend='jax'"``, ``"from_torch"``).

    Returns
    =======

    module

    Examples
    ========

    >>> from symmlp.core.extras import require
    >>> require("tensorflow", "nothing")
    Traceback (most recent call last):
    ...
    ValueError: extra must be one of jax, torch; got 'tensorflow'
    """
    if extra not in EXTRAS:
        raise ValueError(f"extra must be one of {', '.join(EXTRAS)}; got {extra!r}")
    try:
        return importlib.import_module(EXTRAS[extra])
    except ImportError as exc:
        raise ImportError(f"{what} needs {EXTRAS[extra]}, which is not installed: "
                          f'pip install "symmlp[{extra}]"') from exc
