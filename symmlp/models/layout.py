"""Where every parameter lives in a flat ``theta``: computed once from the chain.

A model's :class:`Layout` lists its parameter blocks (``W1``, ``b1``, ...)
with their shapes and offsets, stage by stage.  It is the only code that
knows offsets: ``model.unflatten(theta)`` and ``model.flatten(arrays)`` go
through it, and every consumer (compile, check, train, save, ...) reads
names, shapes and slices from here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from math import prod
from typing import Any

import numpy as np

__all__ = ["Block", "Layout"]


@dataclass(frozen=True)
class Block:
    """One parameter block: its name, shape and place in ``theta``.

    ``role`` is ``"weight"``, ``"bias"`` or ``"coefficient"``; ``fan_in`` is
    the number of inputs a weight row sees (``None`` for other roles).
    """

    name: str
    shape: tuple[int, ...]
    offset: int
    stage: int
    role: str
    fan_in: int | None = None

    @property
    def size(self) -> int:
        return prod(self.shape)

    @property
    def slice(self) -> slice:
        return slice(self.offset, self.offset + self.size)


class Layout:
    """The parameter blocks of a model, in ``theta`` order.

    Examples
    ========

    >>> from symmlp import MLP
    >>> layout = MLP([2, 3, 1]).layout
    >>> [(b.name, b.shape, b.offset) for b in layout]
    [('W1', (3, 2), 0), ('b1', (3,), 6), ('W2', (1, 3), 9), ('b2', (1,), 12)]
    >>> layout.size
    13
    """

    def __init__(self, blocks: Sequence[Block]) -> None:
        self.blocks = tuple(blocks)
        self.size = sum(b.size for b in self.blocks)
        self._by_name = {b.name: b for b in self.blocks}
        assert len(self._by_name) == len(self.blocks), "block names must be unique"

    @classmethod
    def from_shapes(cls, per_stage: Sequence[Sequence[tuple[str, tuple[int, ...], str, int | None]]]
                    ) -> Layout:
        """Blocks from each stage's ``(name, shape, role, fan_in)`` list, offsets in order."""
        blocks, offset = [], 0
        for stage, shapes in enumerate(per_stage):
            for name, shape, role, fan_in in shapes:
                blocks.append(Block(name, tuple(shape), offset, stage, role, fan_in))
                offset += prod(shape)
        return cls(blocks)

    def __iter__(self):
        return iter(self.blocks)

    def __len__(self) -> int:
        return len(self.blocks)

    def __getitem__(self, name: str) -> Block:
        try:
            return self._by_name[name]
        except KeyError:
            raise KeyError(f"no parameter block {name!r}; blocks: {', '.join(self._by_name)}") from None

    def names(self) -> tuple[str, ...]:
        return tuple(self._by_name)

    def of_stage(self, stage: int) -> tuple[Block, ...]:
        return tuple(b for b in self.blocks if b.stage == stage)

    def unflatten(self, theta: Any) -> dict[str, np.ndarray]:
        """``{name: array of the block's shape}``; views into ``theta`` when it is an array."""
        t = np.asarray(theta) if not isinstance(theta, np.ndarray) else theta
        if t.ndim != 1 or t.shape[0] != self.size:
            raise ValueError(f"theta must be a flat array of {self.size} entries (one per parameter, in "
                             f"model.params order), got shape {t.shape}")
        return {b.name: t[b.slice].reshape(b.shape) for b in self.blocks}

    def flatten(self, arrays: Mapping[str, Any] | Sequence[Any]) -> np.ndarray:
        """The flat ``theta`` from ``{name: array}`` (or arrays in block order)."""
        if isinstance(arrays, Mapping):
            missing = [n for n in self._by_name if n not in arrays]
            extra = [n for n in arrays if n not in self._by_name]
            if missing or extra:
                raise ValueError(f"flatten needs exactly the blocks {', '.join(self._by_name)}; "
                                 f"missing {missing}, unknown {extra}")
            parts = [arrays[b.name] for b in self.blocks]
        else:
            parts = list(arrays)
            if len(parts) != len(self.blocks):
                raise ValueError(f"flatten needs {len(self.blocks)} arrays "
                                 f"({', '.join(self._by_name)}), got {len(parts)}")
        out = []
        for b, part in zip(self.blocks, parts):
            a = np.asarray(part)
            if a.shape != b.shape:
                raise ValueError(f"block {b.name} must have shape {b.shape}, got {a.shape}")
            out.append(a.reshape(-1))
        if not out:
            return np.zeros(0)
        return np.concatenate(out)
