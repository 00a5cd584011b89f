"""A model built from stages directly: ``serial(Affine(...), Elementwise(...), ...)``."""

from __future__ import annotations

from typing import Any

from ..ops.activations import get_activation
from .chain import Model
from .stages import Affine, Elementwise, Powers
from .stages.base import Stage

__all__ = ["Serial", "serial"]


def _stage_spec(stage: Stage) -> dict:
    spec = stage.spec()
    if spec is None:
        raise ValueError(f"{stage!r} has custom names and cannot be described by a spec")
    return spec


class Serial(Model):
    """A chain of stages given one by one, as in ``jax.example_libraries.stax.serial``.

    Parameters
    ==========

    stages : Stage
        Each stage's ``n_in`` must equal the previous stage's ``n_out``; the
        names the stages give their blocks and matrices (``W1``, ``Z1``, ...)
        must not repeat.

    Examples
    ========

    >>> from symmlp.models.serial import serial
    >>> from symmlp.models.stages import Affine, Elementwise
    >>> net = serial(Affine(2, 3, 1), Elementwise(3, 1, "tanh"), Affine(3, 1, 2), Elementwise(1, 2, "sigmoid"))
    >>> net  # doctest: +NORMALIZE_WHITESPACE
    serial(Affine(2, 3, layer=1), Elementwise(3, layer=1, 'tanh'),
           Affine(3, 1, layer=2), Elementwise(1, layer=2, 'sigmoid'))
    >>> net.num_params, net.output_activation.name
    (13, 'sigmoid')
    """

    kind = "Serial"

    def __init__(self, *stages: Stage) -> None:
        if not stages:
            raise ValueError("serial needs at least one stage")
        for i, s in enumerate(stages):
            if not isinstance(s, Stage):
                raise TypeError(f"stage {i} must be a Stage (Affine, Elementwise, Powers, ...), got {s!r:.60}")
        for i, (a, b) in enumerate(zip(stages, stages[1:]), start=1):
            if a.n_out != b.n_in:
                raise ValueError(f"stage {i} takes {b.n_in} inputs but stage {i - 1} gives {a.n_out}")
        names = [name for s in stages for name, *_ in s.param_shapes()] + [s.out.code for s in stages]
        repeated = sorted({n for n in names if names.count(n) > 1})
        if repeated:
            raise ValueError(f"the stages' names repeat: {', '.join(repeated)}; number the layers apart")
        self._init(chain=tuple(stages), n_inputs=stages[0].n_in, n_outputs=stages[-1].n_out)

    chain: tuple[Stage, ...]

    def _build_stages(self):
        return self.chain

    def _key(self) -> tuple:
        return tuple(s.key() for s in self.chain)

    def spec(self) -> dict:
        return {"stages": [_stage_spec(s) for s in self.chain]}

    def __repr__(self) -> str:
        return f"serial({', '.join(map(repr, self.chain))})"

    def _latex_formula(self, printer) -> str:
        text = "x"
        for s in self.chain:
            text = s.formula_latex(text)
        return text


def serial(*stages: Stage) -> Serial:
    """A model from stages given in order (see :class:`Serial`)."""
    return Serial(*stages)


def serial_from_spec(spec: Any) -> Serial:
    """The :class:`Serial` model of ``spec`` (``model.spec()``), every field checked."""
    if not isinstance(spec, dict) or set(spec) != {"stages"} or not isinstance(spec["stages"], list) \
            or not 1 <= len(spec["stages"]) <= 2000:
        raise ValueError("spec of a Serial needs the key 'stages': a list of 1..2000 stage specs")
    return Serial(*(_stage_from_spec(s, i) for i, s in enumerate(spec["stages"])))


def _int(d: dict, key: str, i: int, lo: int, hi: int) -> int:
    v = d.get(key)
    if isinstance(v, bool) or not isinstance(v, int) or not lo <= v <= hi:
        raise ValueError(f"spec.stages[{i}].{key} must be an integer in {lo}..{hi}, got {v!r:.40}")
    return v


def _stage_from_spec(d: Any, i: int) -> Stage:
    kinds = {"affine": {"stage", "n_in", "n_out", "layer", "bias"},
             "elementwise": {"stage", "n", "layer", "activation"},
             "powers": {"stage", "n_in", "degree", "layer", "constant"}}
    if not isinstance(d, dict) or d.get("stage") not in kinds or set(d) != kinds[d["stage"]]:
        raise ValueError(f"spec.stages[{i}] must be one of {sorted(kinds)} with keys "
                         f"{ {k: sorted(v) for k, v in kinds.items()} }")
    layer = _int(d, "layer", i, 0, 10_000)
    if d["stage"] == "affine":
        if not isinstance(d["bias"], bool):
            raise ValueError(f"spec.stages[{i}].bias must be true or false")
        return Affine(_int(d, "n_in", i, 1, 100_000), _int(d, "n_out", i, 1, 100_000), layer, bias=d["bias"])
    if d["stage"] == "elementwise":
        name = d["activation"]
        if not isinstance(name, str):
            raise ValueError(f"spec.stages[{i}].activation must be a name")
        return Elementwise(_int(d, "n", i, 1, 100_000), layer, get_activation(name))
    if not isinstance(d["constant"], bool):
        raise ValueError(f"spec.stages[{i}].constant must be true or false")
    return Powers(_int(d, "n_in", i, 1, 10_000), _int(d, "degree", i, 1, 100), constant=d["constant"],
                  layer=layer, name="P")

