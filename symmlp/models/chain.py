"""A model is a chain of stages plus a name; this is what every consumer talks to.

:class:`Model` computes, once, from its stages: the parameter
:attr:`~Model.layout` (names, shapes, offsets in ``theta``), the parameter
symbols in canonical order, and the exact output.  Models are immutable
specs; symbols and expressions are built on first access and cached, so
building a model is always cheap.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import cached_property
from typing import Any

import numpy as np
import sympy as sp

from ..core.validate import exact_number
from ..derive.equations import Var
from ..ops.activations import Activation, get_activation
from .layout import Layout
from .stages.base import Stage

__all__ = ["Model", "check_model"]


class Model:
    """Base of every model: a serial chain of :class:`~symmlp.models.stages.base.Stage`.

    Subclasses set ``n_inputs`` and ``n_outputs`` and define ``_build_stages()``,
    ``spec()``, ``_key()``, ``__repr__`` and ``_latex_formula(printer)``.

    Examples
    ========

    >>> from symmlp import MLP
    >>> net = MLP([2, 3, 1])
    >>> [type(s).__name__ for s in net.stages]
    ['Affine', 'Elementwise', 'Affine', 'Elementwise']
    >>> parts = net.unflatten(range(13))
    >>> parts["W1"].shape, parts["b2"].tolist()
    ((3, 2), [12])
    >>> net.flatten(parts).tolist() == list(range(13))
    True
    """

    n_inputs: int
    n_outputs: int

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(
            f"{type(self).__name__} is immutable; build a new model instead of setting {name!r}"
        )

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"{type(self).__name__} is immutable; cannot delete {name!r}")

    def _init(self, **fields: Any) -> None:
        for name, value in fields.items():
            object.__setattr__(self, name, value)

    def _build_stages(self) -> tuple[Stage, ...]:
        raise NotImplementedError

    # ----------------------------------------------------------------- the chain
    @cached_property
    def stages(self) -> tuple[Stage, ...]:
        """The chain, input to output."""
        return tuple(self._build_stages())

    @cached_property
    def layout(self) -> Layout:
        """The parameter blocks in ``theta`` order (see :class:`~symmlp.models.layout.Layout`)."""
        return Layout.from_shapes([s.param_shapes() for s in self.stages])

    @property
    def num_params(self) -> int:
        return self.layout.size

    @property
    def input_var(self) -> Var:
        """The matrix form's name for the input batch (``A0``; ``X`` when a feature map reads it)."""
        return Var.layered("A", 0, self.n_inputs)

    @property
    def output_activation(self) -> Activation:
        """The last stage's activation, or the identity when the chain ends otherwise."""
        return self.stages[-1].activation or get_activation("identity")

    def layer_groups(self) -> list[tuple[Stage, ...]]:
        """The chain cut into layers as the documents show them: each group ends with an
        activation (or the chain's end).

        Examples
        ========

        >>> from symmlp import MLP, Polynomial
        >>> [len(g) for g in MLP([2, 3, 1]).layer_groups()], [len(g) for g in Polynomial(2, 2).layer_groups()]
        ([2, 2], [3])
        """
        groups, current = [], []
        for stage in self.stages:
            current.append(stage)
            if stage.activation is not None:
                groups.append(tuple(current))
                current = []
        if current:
            groups.append(tuple(current))
        return groups

    def expanded_size(self) -> int:
        """About how many nodes the expanded ``output`` has (printing it costs as much).

        It grows with the product of the widths through the depth, not with
        the width of one layer: a deep narrow net is the expensive one.

        Examples
        ========

        >>> from symmlp import MLP
        >>> MLP([2, 3, 1]).expanded_size() < MLP([2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 1]).expanded_size()
        True
        """
        size = 1
        for stage in self.stages:
            size = stage.expanded_size(size)
        return size * self.n_outputs

    def block_symbols(self, name: str) -> sp.Matrix:
        """The symbols of parameter block ``name`` (``"W1"``, ``"b1"``, ...) as a Matrix."""
        block = self.layout[name]
        return self.stages[block.stage].symbols(name)

    # ----------------------------------------------------------------- symbols
    @cached_property
    def inputs(self) -> tuple[sp.Symbol, ...]:
        """The input symbols ``x_1 .. x_n``."""
        return tuple(sp.Symbol(f"x_{i}") for i in range(1, self.n_inputs + 1))

    @cached_property
    def targets(self) -> tuple[sp.Symbol, ...]:
        """The target symbols ``y_1 .. y_m``."""
        return tuple(sp.Symbol(f"y_{i}") for i in range(1, self.n_outputs + 1))

    @cached_property
    def params(self) -> tuple[sp.Symbol, ...]:
        """Every parameter symbol in canonical order: stage by stage, each block row-major."""
        return tuple(s for block in self.layout for s in self.block_symbols(block.name))

    # ----------------------------------------------------------------- exact face
    def stage_outputs(self, values: Mapping[str, sp.Matrix] | None = None,
                      x: Sequence[sp.Expr] | None = None) -> list[list[sp.Expr]]:
        """Each stage's exact output, from the symbols (built once) or the given block values and inputs."""
        if values is None and x is None:
            return [list(out) for out in self._symbolic_outputs]
        if values is None:
            values = self.symbol_blocks
        a = list(self.inputs if x is None else x)
        outs = []
        for stage in self.stages:
            a = stage.exact(a, values)
            outs.append(a)
        return outs

    @cached_property
    def symbol_blocks(self) -> dict[str, sp.Matrix]:
        """``{block name: Matrix of its symbols}``, the parameter values of the symbolic output."""
        return {b.name: self.block_symbols(b.name) for b in self.layout}

    @cached_property
    def _symbolic_outputs(self) -> list[list[sp.Expr]]:
        a, outs = list(self.inputs), []
        for stage in self.stages:
            a = stage.exact(a, self.symbol_blocks)
            outs.append(a)
        return outs

    @cached_property
    def output(self) -> sp.Matrix:
        """The model's output, an exact ``n_outputs x 1`` SymPy Matrix (built once)."""
        return sp.Matrix(self._symbolic_outputs[-1])

    @property
    def logits(self) -> sp.Matrix:
        """The input of the last activation (the output itself when the chain ends otherwise)."""
        outs = self._symbolic_outputs
        if self.stages[-1].activation is None:
            return sp.Matrix(outs[-1])
        return sp.Matrix(outs[-2] if len(outs) > 1 else list(self.inputs))

    def theta_values(self, theta: Sequence[Any] | Mapping[sp.Symbol, Any]) -> list[sp.Expr]:
        """Exact SymPy numbers for ``theta``, in ``params`` order.

        ``theta`` is a sequence of ``num_params`` numbers in ``params`` order,
        or a mapping from every parameter symbol to a number.
        """
        if isinstance(theta, Mapping):
            known = set(self.params)
            missing = [p for p in self.params if p not in theta]
            extra = [k for k in theta if k not in known]
            if missing or extra:
                raise ValueError(
                    f"theta must map each of the {self.num_params} parameters to a number; "
                    f"missing {missing[:5]}, unknown {extra[:5]}"
                )
            values = [theta[p] for p in self.params]
        else:
            if isinstance(theta, str | bytes) or not isinstance(theta, Sequence | np.ndarray | range):
                raise TypeError(f"theta must be a sequence of numbers or a mapping from parameters "
                                f"to numbers, got {theta!r}")
            values = list(np.asarray(theta, dtype=object).ravel()) if isinstance(
                theta, np.ndarray) else list(theta)
            if len(values) != self.num_params:
                raise ValueError(
                    f"theta must have {self.num_params} entries (one per parameter, in "
                    f"model.params order), got {len(values)}"
                )
        return [exact_number(v, f"theta[{i}]") for i, v in enumerate(values)]

    def exact_blocks(self, theta: Sequence[Any] | Mapping[sp.Symbol, Any]) -> dict[str, sp.Matrix]:
        """``{block name: Matrix of exact numbers}`` for ``theta``."""
        values = self.theta_values(theta)
        return {b.name: sp.Matrix(b.shape[0], b.shape[1] if len(b.shape) > 1 else 1, values[b.slice])
                for b in self.layout}

    def subs(self, theta: Sequence[Any] | Mapping[sp.Symbol, Any], x: Sequence[Any] | None = None
             ) -> sp.Matrix:
        """The output with the parameters (and optionally the inputs) put in.

        Parameters
        ==========

        theta : sequence or mapping
            ``num_params`` numbers in ``params`` order, or ``{symbol: number}``.
            ints, Fractions and Rationals stay exact.
        x : sequence, optional
            ``n_inputs`` numbers for the inputs; left symbolic when omitted.

        Returns
        =======

        sympy.Matrix
            ``n_outputs x 1``.
        """
        values = self.exact_blocks(theta)
        if x is not None:
            if isinstance(x, str | bytes):
                raise TypeError(f"x must be a sequence of {self.n_inputs} numbers, got {x!r}")
            x = list(x)
            if len(x) != self.n_inputs:
                raise ValueError(f"x must have {self.n_inputs} entries, got {len(x)}")
            x = [exact_number(v, f"x[{i}]") for i, v in enumerate(x)]
        return sp.Matrix(self.stage_outputs(values, x)[-1])

    # ----------------------------------------------------------------- theta
    def unflatten(self, theta: Any) -> dict[str, np.ndarray]:
        """``{block name: array}`` from a flat ``theta`` (views when ``theta`` is an array).

        Examples
        ========

        >>> import numpy as np
        >>> from symmlp import Polynomial
        >>> Polynomial(2, 1).unflatten(np.arange(3.0))
        {'C': array([[0., 1., 2.]])}
        """
        return self.layout.unflatten(theta)

    def flatten(self, arrays: Mapping[str, Any] | Sequence[Any]) -> np.ndarray:
        """The flat ``theta`` from ``{block name: array}`` or arrays in block order."""
        return self.layout.flatten(arrays)

    def init_theta(self, scheme: str, rng: np.random.Generator) -> np.ndarray:
        """Initial parameters drawn stage by stage (each stage owns its rule)."""
        parts = {b.name: self.stages[b.stage].init(b.name, scheme, rng) for b in self.layout}
        return self.flatten(parts).astype(np.float64)

    # ----------------------------------------------------------------- printing
    def _latex_formula(self, printer) -> str:
        raise NotImplementedError

    def _latex(self, printer) -> str:
        return r"\hat{y} = " + self._latex_formula(printer)

    def _repr_latex_(self) -> str:
        return f"$\\displaystyle {sp.latex(self)}$"

    def spec(self) -> dict:
        raise NotImplementedError

    def _key(self) -> tuple:
        raise NotImplementedError

    def __eq__(self, other: object) -> bool:
        return type(self) is type(other) and self._key() == other._key()

    def __hash__(self) -> int:
        return hash((type(self).__name__, self._key()))


def check_model(model: Any, what: str = "model") -> Model:
    """``model`` if it is a symmlp model, else a TypeError saying what is allowed.

    Examples
    ========

    >>> from symmlp.models.chain import check_model
    >>> check_model([2, 3, 1])
    Traceback (most recent call last):
    ...
    TypeError: model must be a symmlp model such as MLP([2, 3, 1]) or Polynomial(2, 3), got [2, 3, 1]
    """
    if not isinstance(model, Model):
        raise TypeError(f"{what} must be a symmlp model such as MLP([2, 3, 1]) or Polynomial(2, 3), "
                        f"got {model!r:.80}")
    return model
