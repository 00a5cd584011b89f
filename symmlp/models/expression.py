"""Any f_theta: a model from the user's own SymPy expression.

``Expression(expr, inputs, params)`` makes any SymPy expression (or Matrix of
them) in declared input and parameter symbols a model like the others:
counted, differentiated (``sympy.diff``, index form from the
common-subexpression-eliminated form), compiled (``lambdify(cse=True)``),
checked, trained, written up in LaTeX, saved and loaded.  A saved file holds
each output as ``sympy.srepr`` text, read back by
:func:`symmlp.models.safe_srepr.read_srepr` (an allowlisting reader; nothing in
a file is evaluated).  Ready-made expressions are in :mod:`symmlp.models.recipes`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import sympy as sp

from ..ops.activations import Activation, get_activation
from .chain import Model
from .expression_rules import ExpressionError, check_expressions, check_symbols
from .safe_srepr import SreprError, read_srepr
from .stages import Elementwise
from .stages.expression import ExpressionStage

__all__ = ["Expression", "expression_from_spec", "ExpressionError", "MAX_OUTPUTS", "MAX_SYMBOLS"]

MAX_OUTPUTS = 100
MAX_SYMBOLS = 2000
_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,63}")


def _as_list(expr: Any) -> list[sp.Expr]:
    if isinstance(expr, str | bytes):
        raise TypeError("expr must be a SymPy expression, not text (text is never parsed here; build it with "
                        "sympy.Symbol and operators)")
    if isinstance(expr, sp.MatrixBase):
        if 1 not in expr.shape:
            raise ValueError(f"expr must be a column or row of expressions, got a {expr.shape} Matrix")
        items = list(expr)
    elif isinstance(expr, Sequence):
        items = list(expr)
    else:
        items = [expr]
    if not 1 <= len(items) <= MAX_OUTPUTS:
        raise ValueError(f"expr must have 1..{MAX_OUTPUTS} outputs, got {len(items)}")
    out = []
    for i, e in enumerate(items, 1):
        if isinstance(e, str | bytes) or not isinstance(e, sp.Basic | int | float):
            raise TypeError(f"output {i} must be a SymPy expression, got {e!r:.60}")
        e = sp.sympify(e, strict=True)
        if not isinstance(e, sp.Expr):
            raise TypeError(f"output {i} must be a SymPy expression (a number-valued formula), got "
                            f"{type(e).__name__} {str(e)[:60]}")
        out.append(e)
    return out


class Expression(Model):
    r"""A model whose output is the user's SymPy expression ``f(x; theta)``.

    Parameters
    ==========

    expr : sympy.Expr, or a Matrix / sequence of them
        One expression per output, in the ``inputs`` and ``params`` only.
        Allowed: numbers, ``pi``, ``E``, ``+ - * / **`` and the functions of
        :data:`symmlp.models.expression_rules.ALLOWED` (exp, log, trigonometric
        and hyperbolic ones, erf, Abs, sign, floor, ceiling, Max, Min,
        Heaviside, Piecewise).  At a kink the derivative is taken as 0, as
        ``ReLU'(0) = 0`` (see :func:`~symmlp.models.expression_rules.diff_kink`).
    inputs : sequence of sympy.Symbol
        The model's inputs ``x``, in column order of ``X``.
    params : sequence of sympy.Symbol
        The parameters, in ``theta`` order; each must occur in ``expr``.
    outputs : sequence of str, optional
        Names of the outputs, for the LaTeX formula.
    output_activation : str
        An activation applied to every output (``"sigmoid"`` for ``bce``).

    Raises
    ======

    ExpressionError
        (a ValueError) for an undeclared free symbol, a parameter that occurs
        nowhere, a class outside the allowlist (complex-valued, undefined or
        unevaluated ones included), more than ``MAX_OPS`` operations, or a
        derivative SymPy cannot take.

    Examples
    ========

    >>> import sympy as sp
    >>> from symmlp import Expression
    >>> x, a, b = sp.symbols("x a b")
    >>> model = Expression(a * sp.exp(-b**2 * x**2), [x], [a, b])
    >>> model
    Expression([a*exp(-b**2*x**2)], inputs=[x], params=[a, b])
    >>> model.num_params, model.params, model.layout.names()
    (2, (a, b), ('theta1',))
    >>> model.subs([2, 1], x=[0])
    Matrix([[2]])
    >>> Expression(a * x + sp.Symbol("c"), [x], [a])
    Traceback (most recent call last):
    ...
    symmlp.models.expression_rules.ExpressionError: the expression uses c, declared neither as an input ...
    """

    kind = "Expression"

    def __init__(self, expr: Any, inputs: Sequence[sp.Symbol], params: Sequence[sp.Symbol],
                 outputs: Sequence[str] | None = None, output_activation: str | Activation = "identity") -> None:
        exprs = _as_list(expr)
        inputs, params = check_symbols(inputs, "inputs"), check_symbols(params, "params")
        for what, syms in (("inputs", inputs), ("params", params)):
            if not 1 <= len(syms) <= MAX_SYMBOLS:
                raise ValueError(f"{what} must hold 1..{MAX_SYMBOLS} symbols, got {len(syms)}")
            bad = [s.name for s in syms if not _NAME.fullmatch(s.name)]
            if bad:
                raise ExpressionError(f"{what}: symbol names must be letters, digits and _ (a letter first), "
                                      f"got {bad[:3]}")
        check_expressions(exprs, inputs, params)
        names = self._output_names(outputs, len(exprs))
        for i, e in enumerate(exprs, 1):
            try:
                same = read_srepr(sp.srepr(e)) == e
            except SreprError as exc:  # e.g. a coefficient of more than 60 digits
                raise ExpressionError(f"output {i} would not read back from a saved file ({exc}); simplify "
                                      "its numbers (at most 60 digits)") from None
            if not same:
                raise ExpressionError(f"output {i} would not read back from a saved file identically; "
                                      "simplify its numbers (at most 60 digits)")
        stage = ExpressionStage(exprs, inputs, params)  # takes every derivative: refuses a kink it cannot
        self._init(exprs=tuple(exprs), input_symbols=inputs, output_names=names, stage=stage,
                   sigma=get_activation(output_activation), n_inputs=len(inputs), n_outputs=len(exprs))

    exprs: tuple[sp.Expr, ...]
    input_symbols: tuple[sp.Symbol, ...]
    output_names: tuple[str, ...] | None
    stage: ExpressionStage
    sigma: Activation

    @staticmethod
    def _output_names(outputs, n: int) -> tuple[str, ...] | None:
        if outputs is None:
            return None
        if isinstance(outputs, str) or not isinstance(outputs, Sequence) or len(outputs) != n:
            raise ValueError(f"outputs must be a list of {n} names, got {outputs!r:.60}")
        if not all(isinstance(o, str) and _NAME.fullmatch(o) for o in outputs):
            raise ValueError(f"output names must be letters, digits and _ (a letter first), got {list(outputs)}")
        return tuple(outputs)

    def _build_stages(self):
        return (self.stage, Elementwise(self.n_outputs, 1, self.sigma))

    @property
    def inputs(self) -> tuple[sp.Symbol, ...]:
        """The declared input symbols."""
        return self.input_symbols

    def _key(self) -> tuple:
        return (self.stage.key(), self.output_names, self.sigma)

    def spec(self) -> dict:
        """JSON-ready: each output and symbol as ``sympy.srepr`` text (read back by an allowlisting reader)."""
        return {"exprs": [sp.srepr(e) for e in self.exprs], "inputs": [sp.srepr(s) for s in self.inputs],
                "params": [sp.srepr(s) for s in self.params],
                "outputs": list(self.output_names) if self.output_names else None,
                "output_activation": self.sigma.name}

    def __repr__(self) -> str:
        shown = ", ".join(str(e) for e in self.exprs)
        shown = shown if len(shown) <= 120 else shown[:117] + "..."
        params = ", ".join(map(str, self.params[:12])) + (", ..." if len(self.params) > 12 else "")
        extra = "" if self.sigma.is_identity else f", output_activation={self.sigma.name!r}"
        return f"Expression([{shown}], inputs=[{', '.join(map(str, self.inputs))}], params=[{params}]{extra})"

    def _latex_formula(self, printer) -> str:
        parts = [printer._print(e) for e in self.exprs]
        if not self.sigma.is_identity:
            parts = [rf"{self.sigma.latex_name}\left({p}\right)" for p in parts]
        if len(parts) == 1:
            return parts[0]
        return r"\begin{bmatrix} " + r" \\ ".join(parts) + r" \end{bmatrix}"

    def _latex(self, printer) -> str:
        if self.output_names and len(self.exprs) == 1:
            return f"{self.output_names[0]} = " + self._latex_formula(printer)
        return super()._latex(printer)


def _symbols(texts: Any, what: str) -> list[sp.Symbol]:
    if not isinstance(texts, list) or not 1 <= len(texts) <= MAX_SYMBOLS:
        raise ValueError(f"spec.{what} must be a list of 1..{MAX_SYMBOLS} symbols")
    out = [read_srepr(t) for t in texts]
    if not all(isinstance(s, sp.Symbol) for s in out):
        raise ValueError(f"spec.{what} must hold symbols only")
    return out


def expression_from_spec(spec: Any) -> Expression:
    """The :class:`Expression` of ``spec`` (``model.spec()``), every field checked and each text read
    by :func:`~symmlp.models.safe_srepr.read_srepr` (never evaluated)."""
    keys = {"exprs", "inputs", "params", "outputs", "output_activation"}
    if not isinstance(spec, dict) or set(spec) != keys:
        raise ValueError(f"spec of an Expression needs exactly the keys {sorted(keys)}")
    texts = spec["exprs"]
    if not isinstance(texts, list) or not 1 <= len(texts) <= MAX_OUTPUTS:
        raise ValueError(f"spec.exprs must be a list of 1..{MAX_OUTPUTS} srepr texts")
    exprs = [read_srepr(t) for t in texts]
    activation = spec["output_activation"]
    if not isinstance(activation, str):
        raise ValueError("spec.output_activation must be an activation name")
    try:
        return Expression(exprs, _symbols(spec["inputs"], "inputs"), _symbols(spec["params"], "params"),
                          spec["outputs"], get_activation(activation))
    except TypeError as exc:
        raise ValueError(str(exc)) from None
