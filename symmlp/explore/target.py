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
import functools
import keyword
import math
import numbers
import operator
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction

import numpy as np
import sympy as sp

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
_MAX_EXPONENT = 400
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

_NUMBER = re.compile(r"(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_SPACE = " \t\r\n"
_OPERATORS = ("**", "+", "-", "*", "/", "(", ")")
_BRACKETS = "brackets are not allowed; group with parentheses"
_QUOTES = "strings are not allowed"
_BAD_CHARS = {
    ".": "attribute access is not allowed ('.' may only appear inside a number such as 0.5)",
    "[": _BRACKETS,
    "]": _BRACKETS,
    "{": _BRACKETS,
    "}": _BRACKETS,
    ",": "commas are not allowed; every function takes exactly one argument",
    "'": _QUOTES,
    '"': _QUOTES,
    "^": "'^' is not allowed; write powers with '**'",
    ";": "';' is not allowed; give a single expression",
    "=": "'=' is not allowed; give an expression, not an assignment or comparison",
}
_OPERAND = "expected a number, variable, constant, function call or '('"
_NO_OPERATOR = "missing operator before it (implicit multiplication is not allowed; write '*')"


class TargetSyntaxError(ValueError):
    """Raised when the text of a target function is refused.

    The message names the refused token, its 1-based column, the reason, and
    what is allowed.
    """


@dataclass(frozen=True)
class _Token:
    kind: str  # "num", "name", "op", "end" or "bad"
    text: str
    col: int
    value: object = None  # Fraction for "num", reason for "bad"


def _tokenize(text: str) -> list[_Token]:
    """Split ``text`` into tokens; problems become "bad" tokens, reported in order."""
    tokens = []
    i = 0
    while i < len(text):
        ch = text[i]
        if ch in _SPACE:
            i += 1
            continue
        number = _NUMBER.match(text, i)
        name = _NAME.match(text, i)
        if number:
            literal = number.group()
            tokens.append(_number_token(literal, i + 1))
            i = number.end()
        elif name:
            tokens.append(_Token("name", name.group(), i + 1))
            i = name.end()
        else:
            op = next((op for op in _OPERATORS if text.startswith(op, i)), None)
            if op:
                tokens.append(_Token("op", op, i + 1))
                i += len(op)
            else:
                reason = _BAD_CHARS.get(ch, "unexpected character")
                tokens.append(_Token("bad", ch, i + 1, reason))
                break
    tokens.append(_Token("end", "", len(text) + 1))
    return tokens


def _number_token(literal: str, col: int) -> _Token:
    _, _, exponent = literal.lower().partition("e")
    out_of_range = "number out of range; literals must lie within the float64 range (about 1.8e308)"
    if exponent and abs(int(exponent)) > _MAX_EXPONENT:
        return _Token("bad", literal, col, out_of_range)
    value = Fraction(literal)
    if value > sys.float_info.max:
        return _Token("bad", literal, col, out_of_range)
    return _Token("num", literal, col, value)


def _coefficient_bits(expr: sp.Expr) -> int:
    return max(
        (max(abs(r.p).bit_length(), r.q.bit_length()) for r in expr.atoms(sp.Rational)),
        default=0,
    )


_APPROX: dict[type, Callable[[complex], complex]] = {
    sp.Abs: abs,
    sp.cos: cmath.cos,
    sp.cosh: cmath.cosh,
    sp.cot: lambda z: 1 / cmath.tan(z),
    sp.coth: lambda z: 1 / cmath.tanh(z),
    sp.csc: lambda z: 1 / cmath.sin(z),
    sp.csch: lambda z: 1 / cmath.sinh(z),
    sp.exp: cmath.exp,
    sp.log: cmath.log,
    sp.sec: lambda z: 1 / cmath.cos(z),
    sp.sech: lambda z: 1 / cmath.cosh(z),
    sp.sin: cmath.sin,
    sp.sinh: cmath.sinh,
    sp.tan: cmath.tan,
    sp.tanh: cmath.tanh,
}

_KNOWN = {sp.pi: cmath.pi, sp.E: cmath.e, sp.I: 1j}


@functools.lru_cache(maxsize=4096)
def _approx(expr: sp.Expr) -> complex | None:
    """Floating-point value of a constant (inf on overflow), or None if unknown.

    Computed without SymPy's evalf, which may hang or overflow on constants
    such as ``exp(exp(exp(9)))``.
    """
    try:
        if expr.is_Rational:
            return complex(expr.p / expr.q)
        if expr.is_Pow and expr.base.is_Rational and expr.base != 0:
            exponent = _approx(expr.exp)
            base = expr.base
            log_base = math.log(abs(base.p)) - math.log(base.q) + (1j * math.pi if base.p < 0 else 0)
            return None if exponent is None else cmath.exp(exponent * log_base)
        if expr in _KNOWN:
            return _KNOWN[expr]
        args = [_approx(arg) for arg in expr.args]
        if None in args:
            return None
        if expr.is_Add:
            return sum(args, 0j)
        if expr.is_Mul:
            return math.prod(args, start=1 + 0j)
        if expr.is_Pow:
            return args[0] ** args[1]
        if isinstance(expr, sp.Max):
            return max(args, key=lambda z: z.real)
        f = _APPROX.get(expr.func)
        return f(*args) if f else None
    except (OverflowError, ZeroDivisionError, ValueError):
        return complex(math.inf)


def _power_refusal(base: sp.Expr, exponent: sp.Rational, bits: float) -> str:
    """Why ``base**exponent`` is refused, with the decimal to write instead when there is one."""
    what = "root" if exponent.q > abs(exponent.p) else "power"
    base_text = re.sub(r"x_(\d+)", r"x\1", str(base))
    reason = (f"power too large: the exact {what} ({base_text})**({exponent}) needs numbers of about "
              f"{float(bits):.2g} bits (at most {_MAX_BITS})")
    value = _approx(base) if base.is_number else None
    if value is not None and value.imag == 0 and value.real > 0:
        try:
            return f"{reason}; write its value as a decimal, about {value.real ** float(exponent):.12g}"
        except OverflowError:
            pass
    return f"{reason}; use a smaller exponent"


class _Parser:
    def __init__(self, text: str, variables: dict[str, sp.Symbol], allowed: str):
        self.tokens = _tokenize(text)
        self.pos = 0
        self.depth = 0
        self.variables = variables
        self.allowed = allowed

    def error(self, tok: _Token, reason: str) -> TargetSyntaxError:
        what = "end of text" if tok.kind == "end" else repr(tok.text)
        return TargetSyntaxError(f"refused {what} at column {tok.col}: {reason}; {self.allowed}")

    def peek(self) -> _Token:
        tok = self.tokens[self.pos]
        if tok.kind == "bad":
            raise self.error(tok, str(tok.value))
        return tok

    def advance(self) -> _Token:
        tok = self.peek()
        self.pos += 1
        return tok

    def at(self, *ops: str) -> bool:
        tok = self.peek()
        return tok.kind == "op" and tok.text in ops

    def enter(self, tok: _Token) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise self.error(tok, f"nesting deeper than {MAX_DEPTH} levels")

    def build(self, tok: _Token, fn: Callable[..., sp.Expr], *args: sp.Expr) -> sp.Expr:
        """Apply ``fn`` to SymPy arguments, refusing results unusable as a real target."""
        try:
            expr = fn(*args)
            if expr.has(sp.zoo, sp.nan, sp.oo, -sp.oo):
                reason = "the result is infinite or undefined (such as 1/0 or log(0))"
            elif not expr.is_number:
                return expr
            elif (value := _approx(expr)) is not None and not cmath.isfinite(value):
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
        if exponent.is_Rational and (bits := _coefficient_bits(base) * (abs(exponent) + exponent.q)) > _MAX_BITS:
            raise self.error(op, _power_refusal(base, exponent, bits))
        return self.build(op, operator.pow, base, exponent)

    def parenthesized(self, open_tok: _Token) -> sp.Expr:
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

    def name(self, tok: _Token) -> sp.Expr:
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
        detail = str(exc).split(" ", 1)[1]
        detail = detail.replace("x_1", "x") if n_inputs == 1 else detail.replace("x_", "x")
        raise NotFiniteError(f"the target {text} {detail}") from None
    return f
