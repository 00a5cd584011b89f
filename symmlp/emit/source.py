"""Assembling a derivation's equations into the source of array functions.

Backend-neutral: the equations' code is written in NumPy's spelling, and
each emitter (NumPy here; JAX, PyTorch) decides the module it stands for.
This module lays the code out: unpacking ``theta`` by the model's layout,
one commented statement per equation, freeing each batch intermediate after
its last use, and concatenating the gradient blocks in layout order.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Sequence

from ..derive.equations import MatrixEquation
from ..models.layout import Layout

__all__ = ["unpack_lines", "gradient_expression", "equation_lines", "function_source"]

_ASSIGNED = re.compile(r"^(\w+) = ")
_NAME = re.compile(r"[A-Za-z_]\w*")


def unpack_lines(layout: Layout, theta: str = "theta", prefix: str = "") -> list[str]:
    """``W1 = theta[0:6].reshape(3, 2)`` for every block, from the layout.

    Examples
    ========

    >>> from symmlp import MLP
    >>> from symmlp.emit.source import unpack_lines
    >>> unpack_lines(MLP([2, 1]).layout)
    ['W1 = theta[0:2].reshape(1, 2)', 'b1 = theta[2:3]']
    """
    lines = []
    for b in layout:
        view = f"{theta}[{b.offset}:{b.offset + b.size}]"
        shaped = f"{view}.reshape({', '.join(map(str, b.shape))})" if len(b.shape) > 1 else view
        lines.append(f"{prefix}{b.name} = {shaped}")
    return lines


def gradient_expression(layout: Layout, prefix: str = "d") -> str:
    """``np.concatenate([dW1.ravel(), db1, ...])`` in layout order."""
    parts = [f"{prefix}{b.name}.ravel()" if len(b.shape) > 1 else f"{prefix}{b.name}" for b in layout]
    return f"np.concatenate([{', '.join(parts)}])"


def equation_lines(eqs: Sequence[MatrixEquation]) -> list[str]:
    """Each equation's code under a comment with its text."""
    out = []
    for e in eqs:
        out.append(f"# {e.lhs} = {e.rhs}")
        out.extend(e.code.splitlines())
    return out


def _free_dead_arrays(lines: list[str], result: list[str], keep: set[str]) -> list[str]:
    """Add ``del`` after the last use of each intermediate not in ``keep``.

    Keeping every (B, width) array alive to the end makes large batches miss
    the allocator's reuse; freeing them as a hand-written version would is
    worth a fifth of the run time at batch 1024.
    """
    code = [(k, line) for k, line in enumerate([*lines, *result]) if not line.startswith("#")]
    assigned = {m[1] for _, line in code if (m := _ASSIGNED.match(line))} - keep
    last_use: dict[str, int] = {}
    for k, line in code:
        for name in _NAME.findall(line):
            if name in assigned:
                last_use[name] = k
    dead: dict[int, list[str]] = {}
    for name, k in last_use.items():
        if k < len(lines):
            dead.setdefault(k, []).append(name)
    out = []
    for k, line in enumerate(lines):
        out.append(line)
        if k in dead:
            out.append("del " + ", ".join(sorted(dead[k])))
    return out


def function_source(name: str, args: str, setup: list[str], lines: list[str], result: list[str],
                    keep: set[str]) -> str:
    """``def name(args):`` with ``setup``, then ``lines`` (freeing dead arrays), then ``result``."""
    body = [*setup, *_free_dead_arrays(lines, result, keep), *result]
    return f"def {name}({args}):\n" + textwrap.indent("\n".join(body), "    ") + "\n"
