"""What every symmlp model shares: named symbols, a canonical parameter order,
exact substitution and printing hooks.

Models are immutable specs.  Their symbols and expressions are derived from the
spec on first access and cached, so building a model is always cheap.
"""

from __future__ import annotations

import numbers
from collections.abc import Mapping, Sequence
from fractions import Fraction
from functools import cached_property
from typing import Any

import numpy as np
import sympy as sp

__all__ = ["Model", "exact_number", "check_positive_int"]


def check_positive_int(value: Any, what: str, minimum: int = 1) -> int:
    """Return ``value`` as an int, or raise naming it and what is allowed."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{what} must be an integer >= {minimum}, got {value!r}")
    if value < minimum:
        raise ValueError(f"{what} must be an integer >= {minimum}, got {value!r}")
    return int(value)


def exact_number(value: Any, what: str = "value") -> sp.Expr:
    """A SymPy number from a Python, NumPy or SymPy number, keeping it exact.

    ints, Fractions and SymPy Rationals stay exact; floats become ``Float``.
    Text is refused (it would have to be parsed).

    Examples
    ========

    >>> from fractions import Fraction
    >>> from symmlp.model import exact_number
    >>> exact_number(Fraction(1, 3)), exact_number(2), exact_number(0.5)
    (1/3, 2, 0.500000000000000)
    """
    if isinstance(value, sp.Basic):
        if not (isinstance(value, sp.Expr) and value.is_number):
            raise TypeError(f"{what} must be a number, got the expression {value!r}")
        if value.is_finite is not True or value.is_extended_real is False:
            raise ValueError(f"{what} must be a finite real number, got {value!r}")
        return value
    if isinstance(value, bool) or isinstance(value, str | bytes):
        raise TypeError(f"{what} must be a number (int, Fraction, float or SymPy), got {value!r}")
    if isinstance(value, numbers.Integral):
        return sp.Integer(int(value))
    if isinstance(value, Fraction):
        return sp.Rational(value.numerator, value.denominator)
    if isinstance(value, numbers.Real):
        x = float(value)
        if not np.isfinite(x):
            raise ValueError(f"{what} must be finite, got {value!r}")
        return sp.Float(x)
    raise TypeError(f"{what} must be a number (int, Fraction, float or SymPy), got {value!r}")


class Model:
    """Base of :class:`~symmlp.MLP` and the polynomial models.

    Subclasses define ``n_inputs``, ``n_outputs``, ``params``, ``num_params``,
    ``_build_output(values)`` and ``_latex_formula(printer)``.
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

    @cached_property
    def inputs(self) -> tuple[sp.Symbol, ...]:
        """The input symbols ``x_1 .. x_n``."""
        return tuple(sp.Symbol(f"x_{i}") for i in range(1, self.n_inputs + 1))

    @cached_property
    def targets(self) -> tuple[sp.Symbol, ...]:
        """The target symbols ``y_1 .. y_m``."""
        return tuple(sp.Symbol(f"y_{i}") for i in range(1, self.n_outputs + 1))

    @property
    def params(self) -> tuple[sp.Symbol, ...]:
        raise NotImplementedError

    @cached_property
    def output(self) -> sp.Matrix:
        """The model's output, an exact ``n_outputs x 1`` SymPy Matrix (built once)."""
        return self._build_output(None, None)

    def _build_output(self, theta: Sequence[sp.Expr] | None, x: Sequence[sp.Expr] | None):
        raise NotImplementedError

    def theta_values(self, theta: Sequence[Any] | Mapping[sp.Symbol, Any]) -> list[sp.Expr]:
        """Exact SymPy numbers for ``theta``, in ``params`` order.

        ``theta`` is a sequence of ``num_params`` numbers in ``params`` order,
        or a mapping from every parameter symbol to a number.
        """
        if isinstance(theta, Mapping):
            missing = [p for p in self.params if p not in theta]
            extra = [k for k in theta if k not in set(self.params)]
            if missing or extra:
                raise ValueError(
                    f"theta must map each of the {self.num_params} parameters to a number; "
                    f"missing {missing[:5]}, unknown {extra[:5]}"
                )
            values = [theta[p] for p in self.params]
        else:
            if isinstance(theta, str | bytes):
                raise TypeError(f"theta must be a sequence of numbers, got {theta!r}")
            values = list(np.asarray(theta, dtype=object).ravel()) if isinstance(
                theta, np.ndarray) else list(theta)
            if len(values) != self.num_params:
                raise ValueError(
                    f"theta must have {self.num_params} entries (one per parameter, in "
                    f"model.params order), got {len(values)}"
                )
        return [exact_number(v, f"theta[{i}]") for i, v in enumerate(values)]

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
        values = self.theta_values(theta)
        if x is not None:
            x = list(x)
            if len(x) != self.n_inputs:
                raise ValueError(f"x must have {self.n_inputs} entries, got {len(x)}")
            x = [exact_number(v, f"x[{i}]") for i, v in enumerate(x)]
        return self._build_output(values, x)

    def _latex_formula(self, printer) -> str:
        raise NotImplementedError

    def _latex(self, printer) -> str:
        return r"\hat{y} = " + self._latex_formula(printer)

    def _repr_latex_(self) -> str:
        return f"$\\displaystyle {sp.latex(self)}$"

    def _key(self) -> tuple:
        raise NotImplementedError

    def __eq__(self, other: object) -> bool:
        return type(self) is type(other) and self._key() == other._key()

    def __hash__(self) -> int:
        return hash((type(self).__name__, self._key()))
