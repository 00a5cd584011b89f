"""The tokenizer of target functions: text split into numbers, names and operators.

Nothing is evaluated: a number literal becomes an exact Fraction (refused when it
lies outside the float64 range), anything unexpected becomes a "bad" token that the
parser reports with its column and the reason (see :mod:`symmlp.explore.target`).
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from fractions import Fraction

__all__ = ["Token", "tokenize", "MAX_EXPONENT"]

MAX_EXPONENT = 400
"""Largest decimal exponent of a number literal (``1e400`` is refused before it is built)."""

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


@dataclass(frozen=True)
class Token:
    """One token: its kind, text, 1-based column, and value (a Fraction, or why it is bad)."""

    kind: str  # "num", "name", "op", "end" or "bad"
    text: str
    col: int
    value: object = None  # Fraction for "num", reason for "bad"


def tokenize(text: str) -> list[Token]:
    """Split ``text`` into tokens; problems become "bad" tokens, reported in order.

    Examples
    ========

    >>> from symmlp.explore.target_tokens import tokenize
    >>> [(t.kind, t.text) for t in tokenize("2*x")]
    [('num', '2'), ('op', '*'), ('name', 'x'), ('end', '')]
    >>> tokenize("x[0]")[1].value
    'brackets are not allowed; group with parentheses'
    """
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
            tokens.append(number_token(literal, i + 1))
            i = number.end()
        elif name:
            tokens.append(Token("name", name.group(), i + 1))
            i = name.end()
        else:
            op = next((op for op in _OPERATORS if text.startswith(op, i)), None)
            if op:
                tokens.append(Token("op", op, i + 1))
                i += len(op)
            else:
                reason = _BAD_CHARS.get(ch, "unexpected character")
                tokens.append(Token("bad", ch, i + 1, reason))
                break
    tokens.append(Token("end", "", len(text) + 1))
    return tokens


def number_token(literal: str, col: int) -> Token:
    _, _, exponent = literal.lower().partition("e")
    out_of_range = "number out of range; literals must lie within the float64 range (about 1.8e308)"
    if exponent and abs(int(exponent)) > MAX_EXPONENT:
        return Token("bad", literal, col, out_of_range)
    value = Fraction(literal)
    if value > sys.float_info.max:
        return Token("bad", literal, col, out_of_range)
    return Token("num", literal, col, value)

