"""Generated code in tracebacks: each emitted source is registered with ``linecache`` under its own name.

Every emitter (NumPy, JAX, PyTorch) compiles its source with the file name
:func:`register_source` returns, so a traceback through generated code (and
JAX's) shows the generated lines.  At most :data:`SOURCES_KEPT` sources are
kept, the least recently registered dropped first.
"""

from __future__ import annotations

import hashlib
import linecache
from collections import OrderedDict

__all__ = ["SOURCES_KEPT", "register_source"]

SOURCES_KEPT = 64
"""Generated sources kept in ``linecache`` at once, over all emitters."""

_REGISTERED: OrderedDict[str, None] = OrderedDict()


def register_source(source: str, tag: str) -> str:
    """A file name for ``source`` in ``linecache``, one per distinct source and ``tag``.

    Parameters
    ==========

    source : str
        Generated Python code.
    tag : str
        Who generated it (``"compiled"`` for NumPy, the backend's name otherwise).

    Returns
    =======

    str
        ``<symmlp-TAG-HASH>``, to pass to ``compile``.

    Examples
    ========

    >>> import linecache
    >>> from symmlp.emit.tracebacks import register_source
    >>> name = register_source("y = 1\\n", "example")
    >>> name.startswith("<symmlp-example-"), linecache.getline(name, 1)
    (True, 'y = 1\\n')
    """
    filename = f"<symmlp-{tag}-{hashlib.sha1(source.encode()).hexdigest()[:12]}>"
    _REGISTERED[filename] = None
    _REGISTERED.move_to_end(filename)
    while len(_REGISTERED) > SOURCES_KEPT:
        linecache.cache.pop(_REGISTERED.popitem(last=False)[0], None)
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    return filename
