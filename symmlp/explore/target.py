"""Safe parsing of target functions typed by a user, e.g. ``sin(3*x)``.

The text is split into tokens and read by a small recursive-descent parser
that builds SymPy objects directly.  No text is ever evaluated: ``eval``,
``exec``, ``compile``, ``sympify`` and ``parse_expr`` are never called.

Grammar (Python precedence; ``**`` is right-associative and binds tighter
than a unary sign, so ``-x**2`` is ``-(x**2)``)::

    expr  := term (("+" | "-") term)*
    term  := unary (("*" | "/") unary)*
    unary := ("+" | "-") unary | power
    power := atom ("**" unary)?
    atom  := NUMBER | VARIABLE | CONSTANT | FUNCTION "(" expr ")" | "(" expr ")"
"""

from __future__ import annotations

import cmath
import keyword
import numbers
import operator
import re
from collections.abc import Callable

import numpy as np
import sympy as sp

from .target_tokens import Token, tokenize
from .target_values import approx_value, coefficient_bits

__all__ = [
    "CONSTANTS",
    "FUNCTIONS",
    "MAX_DEPTH",
    "MAX_LENGTH",
    "TargetSyntaxError",
    "parse_target",
    "target_function",
]

MAX_LENGTH = 500
MAX_DEPTH = 50
_MAX_BITS = 1 << 16

FUNCTIONS: dict[str, Callable[[sp.Expr], sp.Expr]] = {
    "abs": sp.Abs,
    "cos": sp.cos,
    "cosh": sp.cosh,
    "exp": sp.exp,
    "log": sp.log,
    "relu": lambda t: sp.Max(sp.Integer(0), t),
    "sigmoid": lambda t: sp.Integer(1) / (sp.Integer(1) + sp.exp(-t)),
    "sin": sp.sin,
    "sinh": sp.sinh,
    "sqrt": sp.sqrt,
    "tan": sp.tan,
    "tanh": sp.tanh,
}
CONSTANTS: dict[str, sp.Expr] = {"e": sp.E, "pi": sp.pi}

_OPERAND = "expected a number, variable, constant, function call or '('"
_NO_OPERATOR = "missing operator before it (implicit multiplication is not allowed; write '*')"


class TargetSyntaxError(ValueError):
    """Raised when the text of a target function is refused.

    The message names the refused token, its 1-based column, the reason, and
    what is allowed.
    """


def _power_refusal(base: sp.Expr, exponent: sp.Rational, bits: float) -> str:
    """Why ``base**exponent`` is refused, with the decimal to write instead when there is one."""
    what = "root" if exponent.q > abs(exponent.p) else "power"
    base_text = re.sub(r"x_(\d+)", r"x\1", str(base) if base.is_Atom else f"({base})")
    reason = (f"power too large: the exact {what} {base_text}**({exponent}) needs numbers of about "
              f"{float(bits):.2g} bits (at most {_MAX_BITS})")
    value = approx_value(base) if base.is_number else None
    if value is not None and value.imag == 0 and value.real > 0:
        try:
            return f"{reason}; write its value as a decimal, about {value.real ** float(exponent):.12g}"
        except OverflowError:
            pass
    return f"{reason}; use a smaller exponent"


class _Parser:
    def __init__(self, text: str, variables: dict[str, sp.Symbol], allowed: str):
        self.tokens = tokenize(text)
        self.pos = 0
        self.depth = 0
        self.variables = variables
        self.allowed = allowed

    def error(self, tok: Token, reason: str) -> TargetSyntaxError:
        what = "end of text" if tok.kind == "end" else repr(tok.text)
        return TargetSyntaxError(f"refused {what} at column {tok.col}: {reason}; {self.allowed}")

    def peek(self) -> Token:
        tok = self.tokens[self.pos]
        if tok.kind == "bad":
            raise self.error(tok, str(tok.value))
        return tok

    def advance(self) -> Token:
        tok = self.peek()
        self.pos += 1
        return tok

    def at(self, *ops: str) -> bool:
        tok = self.peek()
        return tok.kind == "op" and tok.text in ops

    def enter(self, tok: Token) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise self.error(tok, f"nesting deeper than {MAX_DEPTH} levels")

    def build(self, tok: Token, fn: Callable[..., sp.Expr], *args: sp.Expr) -> sp.Expr:
        """Apply ``fn`` to SymPy arguments, refusing results unusable as a real target."""
        try:
            expr = fn(*args)
            if expr.has(sp.zoo, sp.nan, sp.oo, -sp.oo):
                reason = "the result is infinite or undefined (such as 1/0 or log(0))"
            elif not expr.is_number:
                return expr
            elif (value := approx_value(expr)) is not None and not cmath.isfinite(value):
                reason = "a constant here exceeds the float64 range (about 1.8e308) when evaluated"
            elif expr.is_extended_real is False:
                reason = "the result is a non-real constant"
            else:
                return expr
        except (ArithmeticError, RecursionError, TypeError, ValueError) as exc:
            reason = f"SymPy cannot build this ({exc})"
        raise self.error(tok, reason)

    def parse(self) -> sp.Expr:
        if self.peek().kind == "end":
            raise self.error(self.peek(), "empty expression")
        expr = self.expr()
        tok = self.peek()
        if tok.kind != "end":
            raise self.error(tok, "unbalanced ')'" if tok.text == ")" else _NO_OPERATOR)
        return expr

    def expr(self) -> sp.Expr:
        left = self.term()
        while self.at("+", "-"):
            op = self.advance()
            right = self.term()
            left = self.build(op, operator.add if op.text == "+" else operator.sub, left, right)
        return left

    def term(self) -> sp.Expr:
        left = self.unary()
        while self.at("*", "/"):
            op = self.advance()
            right = self.unary()
            left = self.build(op, operator.mul if op.text == "*" else operator.truediv, left, right)
        return left

    def unary(self) -> sp.Expr:
        if not self.at("+", "-"):
            return self.power()
        op = self.advance()
        self.enter(op)
        operand = self.unary()
        self.depth -= 1
        return operand if op.text == "+" else self.build(op, operator.neg, operand)

    def power(self) -> sp.Expr:
        base = self.atom()
        if not self.at("**"):
            return base
        op = self.advance()
        self.enter(op)
        exponent = self.unary()
        self.depth -= 1
        # SymPy computes exact powers of the numbers in the base; for a rational
        # exponent p/q, their size grows like bits * (|p/q| + q).
        if exponent.is_Rational and (bits := coefficient_bits(base) * (abs(exponent) + exponent.q)) > _MAX_BITS:
            raise self.error(op, _power_refusal(base, exponent, bits))
        return self.build(op, operator.pow, base, exponent)

    def parenthesized(self, open_tok: Token) -> sp.Expr:
        self.enter(open_tok)
        inner = self.expr()
        tok = self.peek()
        if tok.kind == "end":
            raise self.error(tok, f"missing ')' to close '(' at column {open_tok.col}")
        if tok.text != ")":
            raise self.error(tok, _NO_OPERATOR)
        self.advance()
        self.depth -= 1
        return inner

    def atom(self) -> sp.Expr:
        tok = self.advance()
        if tok.kind == "num":
            return sp.Rational(tok.value.numerator, tok.value.denominator)
        if tok.kind == "op" and tok.text == "(":
            return self.parenthesized(tok)
        if tok.kind == "name":
            return self.name(tok)
        if tok.kind == "end":
            raise self.error(tok, f"the expression ends too early; {_OPERAND}")
        raise self.error(tok, _OPERAND)

    def name(self, tok: Token) -> sp.Expr:
        following = self.tokens[self.pos]
        called = following.kind == "op" and following.text == "("
        if tok.text in FUNCTIONS:
            if not called:
                raise self.error(tok, f"a function needs its argument in parentheses, e.g. {tok.text}(x)")
            arg = self.parenthesized(self.advance())
            return self.build(tok, FUNCTIONS[tok.text], arg)
        if tok.text in self.variables:
            return self.variables[tok.text]
        if tok.text in CONSTANTS:
            return CONSTANTS[tok.text]
        if keyword.iskeyword(tok.text):
            raise self.error(tok, "Python keywords are not allowed")
        raise self.error(tok, "unknown function" if called else "unknown name")


def _check_n_inputs(n_inputs: int) -> int:
    if isinstance(n_inputs, bool) or not isinstance(n_inputs, numbers.Integral) or n_inputs < 1:
        raise ValueError(f"n_inputs must be an integer >= 1, got {n_inputs!r}")
    return int(n_inputs)


def _variables(n_inputs: int) -> tuple[tuple[sp.Symbol, ...], dict[str, sp.Symbol], str]:
    symbols = tuple(sp.Symbol(f"x_{i}") for i in range(1, n_inputs + 1))
    names = {f"x{i}": s for i, s in enumerate(symbols, 1)}
    names.update({f"x_{i}": s for i, s in enumerate(symbols, 1)})
    if n_inputs == 1:
        names["x"] = symbols[0]
        shown = "x (or x1)"
    elif n_inputs <= 4:
        shown = ", ".join(f"x{i}" for i in range(1, n_inputs + 1))
    else:
        shown = f"x1, x2, ..., x{n_inputs}"
    allowed = (
        f"allowed variables: {shown}; constants: {', '.join(CONSTANTS)}; "
        f"functions: {', '.join(FUNCTIONS)}; operators: + - * / ** and parentheses"
    )
    return symbols, names, allowed


def parse_target(text: str, n_inputs: int = 1) -> tuple[sp.Expr, tuple[sp.Symbol, ...]]:
    """Parse the text of a target function into a SymPy expression, safely.

    Parameters
    ==========

    text : str
        An arithmetic expression of at most 500 characters, such as
        ``"sin(3*x)"`` or ``"x1*x2 + 0.5"``.  Allowed are numbers (``3``,
        ``0.5``, ``2.5e-3``; decimals become exact rationals), the variables,
        the constants ``e`` and ``pi``, the operators ``+ - * / **`` with
        Python's precedence, parentheses (nested at most 50 deep), and the
        one-argument functions ``abs, cos, cosh, exp, log, relu, sigmoid, sin,
        sinh, sqrt, tan, tanh`` (``sigmoid(t) = 1/(1 + exp(-t))``,
        ``relu(t) = Max(0, t)``).
    n_inputs : int, optional
        Number of input variables.  With 1 the variable is ``x`` (``x1`` is
        an alias); otherwise they are ``x1, ..., xn``.  ``x_1, ..., x_n`` are
        accepted too.

    Returns
    =======

    (expr, symbols) : tuple
        The SymPy expression and the tuple of input symbols, always named
        ``x_1, ..., x_n`` whatever spelling the text used.

    Raises
    ======

    TargetSyntaxError
        If anything is not allowed: the message names the refused token, its
        column and what is allowed.  Besides syntax, a subexpression is
        refused if it is infinite or undefined (``1/0``, ``log(0)``), a
        non-real constant (``sqrt(-1)``), a constant that overflows float64
        when evaluated (``exp(1000)``), or a power whose exact numbers would
        be huge (``2**2**100``).
    ValueError
        If ``n_inputs`` is not an integer >= 1.

    Examples
    ========

    >>> from symmlp.explore.target import parse_target
    >>> parse_target("sin(3*x) + 0.5")
    (sin(3*x_1) + 1/2, (x_1,))
    >>> parse_target("x1*x2 - e**x1", n_inputs=2)
    (x_1*x_2 - exp(x_1), (x_1, x_2))
    >>> parse_target("-x**2")[0]
    -x_1**2
    >>> parse_target("os.system('ls')")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    symmlp.explore.target.TargetSyntaxError: refused 'os' at column 1: unknown name; allowed variables: ...
    """
    n_inputs = _check_n_inputs(n_inputs)
    if not isinstance(text, str):
        raise TypeError(f"text must be a str, got {type(text).__name__}")
    symbols, names, allowed = _variables(n_inputs)
    if len(text) > MAX_LENGTH:
        raise TargetSyntaxError(
            f"refused text of {len(text)} characters at column {MAX_LENGTH + 1}: "
            f"longer than {MAX_LENGTH} characters; {allowed}"
        )
    return _Parser(text, names, allowed).parse(), symbols


def target_function(text: str, n_inputs: int = 1) -> Callable[[np.ndarray], np.ndarray]:
    """Parse a target function and compile it to a NumPy callable.

    Parameters
    ==========

    text : str
        The expression, as accepted by :func:`parse_target`.
    n_inputs : int, optional
        Number of input variables.

    Returns
    =======

    f : callable
        ``f(X)`` maps ``X`` of shape ``(N, n_inputs)`` (or ``(N,)`` when
        ``n_inputs == 1``) to a float64 array of shape ``(N,)``.  The parsed
        expression and symbols are available as ``f.expr`` and ``f.symbols``.

    Examples
    ========

    >>> import numpy as np
    >>> from symmlp.explore.target import target_function
    >>> f = target_function("x1*x2 + 0.5", n_inputs=2)
    >>> f.expr
    x_1*x_2 + 1/2
    >>> f(np.array([[1.0, 2.0], [3.0, -1.0]]))
    array([ 2.5, -2.5])
    >>> target_function("pi")(np.zeros((3, 1))).shape
    (3,)
    """
    expr, symbols = parse_target(text, n_inputs)
    compiled = sp.lambdify(symbols, expr, modules="numpy")

    def f(X: np.ndarray) -> np.ndarray:
        X = np.asarray(X, dtype=np.float64)
        if X.ndim == 1 and len(symbols) == 1:
            X = X[:, None]
        if X.ndim != 2 or X.shape[1] != len(symbols):
            raise ValueError(f"X must have shape (N, {len(symbols)}), got {X.shape}")
        y = np.asarray(compiled(*X.T), dtype=np.float64)
        return np.broadcast_to(y, (X.shape[0],)).copy()

    f.expr = expr
    f.symbols = symbols
    f.__doc__ = f"Evaluate {expr} at the rows of X, shape (N, {len(symbols)}) -> (N,)."
    return f


def proven_finite_target(text: str, n_inputs: int, interval: tuple[float, float]
                         ) -> Callable[[np.ndarray], np.ndarray]:
    """:func:`target_function` of ``text``, after proving it finite on ``interval`` in every input.

    The proof evaluates the expression in ball arithmetic over the whole box
    (:func:`symmlp.explore.finite.prove_finite`), so a pole between sample
    points is found too.

    Raises
    ======

    NotFiniteError
        (a ValueError) naming the point where the target has a pole, leaves
        its domain, or exceeds float64.

    Examples
    ========

    >>> from symmlp.explore.target import proven_finite_target
    >>> proven_finite_target("1/sin(pi*x)", 1, (-2.0, 2.0))
    Traceback (most recent call last):
    ...
    symmlp.explore.finite.NotFiniteError: the target 1/sin(pi*x) is not finite on [-2, 2]: ... near x = 2
    """
    from .finite import NotFiniteError, prove_finite

    f = target_function(text, n_inputs)
    try:
        prove_finite(f.expr, f.symbols, [interval] * n_inputs)
    except NotFiniteError as exc:
        message, shown = str(exc), str(f.expr)  # the message starts with the expression, which may hold spaces
        detail = message[len(shown):].lstrip() if message.startswith(shown) else message
        detail = detail.replace("x_1", "x") if n_inputs == 1 else detail.replace("x_", "x")
        raise NotFiniteError(f"the target {text} {detail}") from None
    return f
