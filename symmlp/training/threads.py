"""How many BLAS threads the array code runs with.

Measured on this project's 2-core shared machine (``symmlp bench`` prints the
setting it ran with): for the small matrices of these models one thread is
as fast as two when the machine is idle and 2-3x faster when another process
holds a core, because OpenBLAS threads spin and contend.  Only large products
(about 2^24 multiply-adds and up) gain from threads on an idle machine, so
``"auto"`` uses one thread below that and the library's default above it.
"""

from __future__ import annotations

import contextlib
from functools import lru_cache
from typing import Any

from threadpoolctl import ThreadpoolController, threadpool_info

__all__ = ["blas_threads", "blas_settings", "AUTO_WORK"]

AUTO_WORK = 1 << 24


@lru_cache(maxsize=1)
def _controller() -> ThreadpoolController:
    """The loaded thread pools, looked up once (a lookup costs about a millisecond)."""
    return ThreadpoolController()


def blas_threads(threads: Any, work: int = 0):
    """A context that limits BLAS threads: ``"auto"`` (1 below ``AUTO_WORK``
    multiply-adds per product, else the default), an int >= 1, or None (no limit).

    Examples
    ========

    >>> from symmlp.training.threads import blas_threads, blas_settings
    >>> with blas_threads(1):
    ...     all(n == 1 for n in blas_settings().values())
    True
    """
    if threads == "auto":
        threads = 1 if work < AUTO_WORK else None
    if threads is None:
        return contextlib.nullcontext()
    if isinstance(threads, bool) or not isinstance(threads, int) or threads < 1:
        raise ValueError(f"threads must be 'auto', None or an int >= 1, got {threads!r}")
    return _controller().limit(limits=threads, user_api="blas")


def blas_settings() -> dict[str, int]:
    """``{library: threads}`` of the BLAS libraries loaded now."""
    return {f"{i['internal_api']} ({i.get('prefix', '')})": i["num_threads"]
            for i in threadpool_info() if i.get("user_api") == "blas"}
