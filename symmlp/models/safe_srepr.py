"""Reading SymPy's ``srepr`` text back, building only allowlisted classes.

A saved expression model stores each output as ``sympy.srepr`` text, e.g.
``Mul(Symbol('a'), exp(Symbol('x')))``.  This reader never evaluates the text
(no ``eval``, ``sympify`` or ``parse_expr``): it splits it into tokens and
reads them with a small recursive-descent parser that builds

- ``Symbol('name', real=True, ...)`` and symmlp's ``IndexedSymbol('name')``,
  names of letters, digits and ``_``, assumptions from a short list;
- ``Integer(n)``, ``Rational(p, q)``, ``Float('1.5', precision=53)``, of bounded size;
- the constants ``pi``, ``E``, ``true``, ``false``;
- the classes of :data:`symmlp.models.expression_rules.ALLOWED`, called on
  nodes only (``Add``, ``Mul``, ``Pow``, ``exp``, ``Piecewise``, ...).

Everything else is refused with :class:`SreprError` naming the token and its
column.  Work is bounded before it starts: the text's length, the nesting
depth, the number of nodes, the digits of every number and the size of exact
powers.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import sympy as sp

from .expression_rules import ALLOWED, ATOMS
from .symbols import IndexedSymbol

__all__ = ["SreprError", "read_srepr", "MAX_TEXT", "MAX_DEPTH", "MAX_DIGITS"]

MAX_TEXT = 400_000
MAX_DEPTH = 120
MAX_NODES = 50_000
MAX_DIGITS = 60
MAX_POWER_BITS = 1 << 16
ASSUMPTIONS = frozenset({"real", "positive", "negative", "nonnegative", "nonpositive", "nonzero", "integer",
                         "finite", "extended_real"})

_TOKEN = re.compile(r"\s*(?:(?P<name>[A-Za-z_][A-Za-z0-9_]{0,40})|(?P<int>-?[0-9]{1,"
                    + str(MAX_DIGITS) + r"})(?![0-9])|'(?P<str>[A-Za-z0-9_.+\-]{1,120})'|(?P<op>[(),=]))")
_FLOAT = re.compile(r"-?(?:[0-9]{1,40}\.?[0-9]{0,40}|\.[0-9]{1,40})(?:e[+-]?[0-9]{1,3})?")
_SYMBOL_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,63}")


class SreprError(ValueError):
    """The text is not an allowed SymPy ``srepr``; the message names the token and its column."""


@dataclass(frozen=True)
class _Token:
    kind: str  # "name", "int", "str", "op", "end"
    text: str
    col: int


def _tokenize(text: str) -> list[_Token]:
    tokens, i = [], 0
    while i < len(text):
        if text[i:].strip() == "":
            break
        m = _TOKEN.match(text, i)
        if m is None:
            start = len(text) - len(text[i:].lstrip())
            raise SreprError(f"refused {text[start:start + 20]!r} at column {start + 1}: not a name, an "
                             f"integer of at most {MAX_DIGITS} digits, a quoted name or number, or ( ) , =")
        kind = m.lastgroup
        tokens.append(_Token(kind, m.group(kind), m.start(kind) + 1))
        i = m.end()
    tokens.append(_Token("end", "", len(text) + 1))
    return tokens


class _Reader:
    def __init__(self, text: str) -> None:
        self.tokens = _tokenize(text)
        self.pos = 0
        self.depth = 0
        self.nodes = 0

    def error(self, tok: _Token, why: str) -> SreprError:
        what = "the end of the text" if tok.kind == "end" else repr(tok.text)
        return SreprError(f"refused {what} at column {tok.col}: {why}")

    def next(self) -> _Token:
        tok = self.tokens[self.pos]
        self.pos += 1
        return tok

    def expect(self, op: str) -> None:
        tok = self.next()
        if tok.kind != "op" or tok.text != op:
            raise self.error(tok, f"expected {op!r}")

    def at(self, op: str) -> bool:
        tok = self.tokens[self.pos]
        return tok.kind == "op" and tok.text == op

    def read(self) -> sp.Basic:
        expr = self.node()
        tok = self.next()
        if tok.kind != "end":
            raise self.error(tok, "text after the expression")
        return expr

    def arguments(self) -> tuple[list, dict]:
        """``(node | literal, ..., name=value, ...)`` after a class name."""
        self.expect("(")
        args, kwargs = [], {}
        while not self.at(")"):
            if args or kwargs:
                self.expect(",")
            tok = self.tokens[self.pos]
            following = self.tokens[self.pos + 1]
            if tok.kind == "name" and following.kind == "op" and following.text == "=":
                self.pos += 2
                kwargs[tok.text] = self.literal()
            elif tok.kind in ("int", "str"):
                args.append(self.literal())
            else:
                args.append(self.node())
        self.expect(")")
        return args, kwargs

    def literal(self) -> object:
        tok = self.next()
        if tok.kind == "int":
            return int(tok.text)
        if tok.kind == "str":
            return tok.text
        if tok.kind == "name" and tok.text in ("True", "False"):
            return tok.text == "True"
        raise self.error(tok, "expected an integer, a quoted name or number, True or False")

    def node(self) -> sp.Basic:
        tok = self.next()
        if tok.kind != "name":
            raise self.error(tok, "expected a SymPy class name")
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise self.error(tok, f"more than {MAX_NODES} nodes")
        if tok.text in ATOMS and not self.at("("):
            return ATOMS[tok.text]
        if not self.at("("):
            raise self.error(tok, "expected '(' after a class name")
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise self.error(tok, f"nesting deeper than {MAX_DEPTH} levels")
        args, kwargs = self.arguments()
        self.depth -= 1
        return self.build(tok, args, kwargs)

    def build(self, tok: _Token, args: list, kwargs: dict) -> sp.Basic:
        name = tok.text
        if name in ("Symbol", "IndexedSymbol"):
            return _symbol(self, tok, args, kwargs)
        if name in ("Integer", "Rational", "Float"):
            return _number(self, tok, args, kwargs)
        if name not in ALLOWED:
            raise self.error(tok, f"not an allowed class; allowed: Symbol, Integer, Rational, Float, "
                                  f"{', '.join(ATOMS)}, {', '.join(ALLOWED)}")
        if kwargs or not all(isinstance(a, sp.Basic) for a in args):
            raise self.error(tok, f"{name} takes SymPy objects only")
        if name == "Pow" and len(args) == 2:
            _check_power(self, tok, *args)
        try:
            return ALLOWED[name](*args)
        except (TypeError, ValueError, ArithmeticError) as exc:
            raise self.error(tok, f"SymPy cannot build {name} from these arguments ({exc})") from None


def _symbol(reader: _Reader, tok: _Token, args: list, kwargs: dict) -> sp.Symbol:
    if len(args) != 1 or not isinstance(args[0], str) or not _SYMBOL_NAME.fullmatch(args[0]):
        raise reader.error(tok, "a symbol needs one quoted name of letters, digits and _ (a letter first)")
    bad = sorted(k for k, v in kwargs.items() if k not in ASSUMPTIONS or not isinstance(v, bool))
    if bad:
        raise reader.error(tok, f"assumptions allowed: {', '.join(sorted(ASSUMPTIONS))} = True/False; got {bad}")
    cls = IndexedSymbol if tok.text == "IndexedSymbol" else sp.Symbol
    return cls(args[0], **kwargs)


def _number(reader: _Reader, tok: _Token, args: list, kwargs: dict) -> sp.Number:
    if tok.text == "Integer" and len(args) == 1 and isinstance(args[0], int) and not kwargs:
        return sp.Integer(args[0])
    if tok.text == "Rational" and len(args) == 2 and all(isinstance(a, int) for a in args) and not kwargs:
        if args[1] == 0:
            raise reader.error(tok, "a Rational with denominator 0")
        return sp.Rational(*args)
    if tok.text == "Float" and len(args) == 1 and isinstance(args[0], str) and _FLOAT.fullmatch(args[0]) \
            and set(kwargs) <= {"precision"} and isinstance(kwargs.get("precision", 53), int) \
            and 1 <= kwargs.get("precision", 53) <= 1000:
        value = sp.Float(args[0], precision=kwargs.get("precision", 53))
        if not math.isfinite(float(value)):
            raise reader.error(tok, "a Float beyond the float64 range")
        return value
    raise reader.error(tok, "expected Integer(n), Rational(p, q) or Float('1.5', precision=53)")


def _check_power(reader: _Reader, tok: _Token, base: sp.Basic, exponent: sp.Basic) -> None:
    """Refuse a power SymPy would evaluate into a huge exact number."""
    if not exponent.is_Rational:
        return
    bits = max(abs(base.p).bit_length(), base.q.bit_length()) if base.is_Rational else 1
    if abs(exponent) * max(bits, 1) > MAX_POWER_BITS or abs(exponent.q) > 1000:
        raise reader.error(tok, f"power too large (exponent {exponent})")


def read_srepr(text: str) -> sp.Basic:
    """The SymPy object written by ``sympy.srepr``, built from allowlisted classes only.

    Parameters
    ==========

    text : str
        At most ``MAX_TEXT`` characters.

    Returns
    =======

    sympy.Basic

    Raises
    ======

    SreprError
        (a ValueError) naming the refused token, its column and why.

    Examples
    ========

    >>> import sympy as sp
    >>> from symmlp.models.safe_srepr import read_srepr
    >>> x = sp.Symbol("x", real=True)
    >>> e = sp.Piecewise((x, x < 0), (sp.exp(-x) / 3 + sp.Float(0.25), True))
    >>> read_srepr(sp.srepr(e)) == e
    True
    >>> read_srepr("__import__('os')")
    Traceback (most recent call last):
    ...
    symmlp.models.safe_srepr.SreprError: refused '__import__' at column 1: not an allowed class; ...
    """
    if not isinstance(text, str):
        raise SreprError(f"an srepr must be text, got {type(text).__name__}")
    if len(text) > MAX_TEXT:
        raise SreprError(f"refused text of {len(text)} characters: more than {MAX_TEXT}")
    return _Reader(text).read()
