"""The stage protocol: what every link of a model's chain owns.

A stage maps a column ``a`` of ``n_in`` values to ``n_out`` values, with its
own parameter blocks.  Side by side it owns

- its **exact face**: :meth:`Stage.exact` (SymPy) and :meth:`Stage.jacobian`;
- its **matrix form**: :meth:`Stage.forward` and :meth:`Stage.backward`
  equations, each with text, LaTeX and array code, and for second order
  :meth:`Stage.rforward` / :meth:`Stage.rbackward` (Pearlmutter's R-operator);
- its **index form** for one sample: :meth:`Stage.index_forward` and
  :meth:`Stage.index_backward`;
- its parameter blocks, their initialisation and its LaTeX description.

Backward passes carry the gradient of the loss with respect to the stage's
output as a :class:`~symmlp.derive.equations.Term`; a stage that needs it
named (an affine map, to form ``∂L/∂W = Δ Aᵀ``) names it ``Δ``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import sympy as sp

from ...derive.equations import IndexEquation, MatrixEquation, Term, Var

__all__ = ["Stage", "r_var"]


def r_var(v: Var) -> Var:
    """``R{v}``, the name of ``v``'s directional derivative: ``RZ1`` / ``R{Z1}`` / ``\\mathcal{R}\\{Z^{(1)}\\}``."""
    return Var(f"R{v.code}", f"R{{{v.text}}}", rf"\mathcal{{R}}\{{{v.tex}\}}", v.rows)


class Stage:
    """Base of every stage; see the module docstring for the protocol."""

    n_in: int
    n_out: int
    layer: int
    out: Var
    activation = None  # the elementwise stages' Activation

    # ---------------------------------------------------------------- parameters
    def param_shapes(self) -> list[tuple[str, tuple[int, ...], str, int | None]]:
        """``(name, shape, role, fan_in)`` of each parameter block, in theta order."""
        return []

    def symbols(self, name: str) -> sp.Matrix:
        """The symbols of block ``name`` as a Matrix of its shape (vectors as columns)."""
        raise KeyError(name)

    def init(self, name: str, scheme: str, rng: np.random.Generator) -> np.ndarray:
        """Initial values of block ``name`` under ``scheme`` (``"xavier"`` or ``"he"``)."""
        raise KeyError(name)

    # ---------------------------------------------------------------- exact face
    def exact(self, a: Sequence[sp.Expr], values: Mapping[str, sp.Matrix]) -> list[sp.Expr]:
        raise NotImplementedError

    def jacobian(self, a: Sequence[sp.Expr], values: Mapping[str, sp.Matrix]) -> sp.Matrix:
        """``d out / d a`` (``n_out x n_in``) at the exact inputs ``a``."""
        raise NotImplementedError

    # ---------------------------------------------------------------- matrix form
    def forward(self, x: Var) -> list[MatrixEquation]:
        raise NotImplementedError

    def backward(self, g: Term, x: Var, need_input: bool) -> tuple[list[MatrixEquation], Term | None]:
        """Equations from ``g = ∂L/∂out``; returns them and ``∂L/∂x`` (``None`` if not needed)."""
        raise NotImplementedError

    def rforward(self, x: Var, rx: Var | None) -> tuple[list[MatrixEquation], Var | None]:
        """Pearlmutter's forward R-pass: ``R{out}`` (the directional derivative of the output along
        the direction ``V``) from ``R{x}`` (``None``: the input does not depend on theta).
        Returns the equations and the name of ``R{out}`` (``None`` if it does not depend on theta)."""
        raise NotImplementedError

    def rbackward(self, g: Term, rg: Term, x: Var, rx: Var | None, need_input: bool
                  ) -> tuple[list[MatrixEquation], Term | None]:
        """The backward R-pass from ``g = ∂L/∂out`` (as :meth:`backward` received it) and
        ``rg = R{∂L/∂out}``: equations for ``R{∂L/∂θ}`` of the stage's blocks (kind ``"hvp"``,
        named ``h<block>``) and ``R{∂L/∂x}`` (``None`` when not needed)."""
        raise NotImplementedError

    # ---------------------------------------------------------------- index form
    def index_forward(self, a: Sequence[sp.Expr]) -> tuple[list[IndexEquation], list[sp.Expr]]:
        raise NotImplementedError

    def index_backward(self, g: Sequence[sp.Expr], a: Sequence[sp.Expr], need_input: bool
                       ) -> tuple[list[IndexEquation], list[sp.Expr] | None]:
        raise NotImplementedError

    def index_rforward(self, a: Sequence[sp.Expr], ra: Sequence[sp.Expr] | None,
                       v: Mapping[str, sp.Matrix]) -> tuple[list[IndexEquation], list[sp.Expr] | None]:
        """The forward R-pass for one sample; ``v`` holds the direction's blocks."""
        raise NotImplementedError

    def index_rbackward(self, g: Sequence[sp.Expr], rg: Sequence[sp.Expr], a: Sequence[sp.Expr],
                        ra: Sequence[sp.Expr] | None, v: Mapping[str, sp.Matrix], need_input: bool
                        ) -> tuple[list[IndexEquation], list[sp.Expr] | None]:
        """The backward R-pass for one sample: ``R{dl/dθ}`` (kind ``"hvp"``) and ``R{dl/da}``."""
        raise NotImplementedError

    # ---------------------------------------------------------------- code, LaTeX
    def helpers(self, backend) -> dict:
        """Functions the stage's code calls, by name, written in ``backend``'s primitives
        (see :mod:`symmlp.emit.backend`)."""
        return {}

    def row_latex(self, i: int, names: Sequence[str], keep: int) -> str:
        """Output ``i`` (0-based) as LaTeX in terms of the inputs ``names``, eliding the middle of
        sums longer than ``keep`` terms."""
        raise NotImplementedError

    def count_latex(self) -> str | None:
        """The parameter count as a product (``(3 + 1) \\cdot 2``), or None without parameters."""
        return None

    def formula_latex(self, inner: str) -> str:
        """The stage applied to ``inner`` (LaTeX), for a model's one-line formula."""
        return rf"\phi\left({inner}\right)"

    def spec(self) -> dict | None:
        """A JSON-ready description that rebuilds the stage, or None when it has custom names."""
        return None

    def key(self) -> object:
        """What makes two stages the same (for model equality and caches)."""
        spec = self.spec()
        return id(self) if spec is None else tuple(sorted((k, str(v)) for k, v in spec.items()))

    def describe_latex(self) -> tuple[str, str]:
        """``(what, formula)`` of the stage for the documents' table."""
        raise NotImplementedError

    def index_rules_latex(self) -> list[str]:
        """The stage's general index-form rules, as ``align`` rows."""
        return []

    def expanded_size(self, size_in: int) -> int:
        """About how many nodes each output's expanded expression has, when each input has
        ``size_in``: the cost of building and printing the exact output."""
        return size_in + 5

    @property
    def num_params(self) -> int:
        return sum(int(np.prod(shape)) for _, shape, _, _ in self.param_shapes())

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.n_in} -> {self.n_out})"
