"""How wide printed LaTeX is: :func:`latex_width` estimates it, in em, from the tokens alone.

The documents break lines so that none is wider than :data:`TEXT_WIDTH_EM`;
the estimate errs on the wide side so that lines kept under it really fit.
"""

from __future__ import annotations

import re

__all__ = ["TEXT_WIDTH_EM", "latex_width"]

#: The text width of the documents' page (A4, 2.5 cm margins, 10 pt), in em.
TEXT_WIDTH_EM = 45.0

_CMD_WIDTH = {
    "cdots": 1.4, "ldots": 1.4, "dots": 1.4, "vdots": 0.4, "cdot": 0.8, "odot": 1.3,
    "times": 1.3, "top": 0.8, "quad": 1.0, "qquad": 2.0, ",": 0.17, "!": -0.17, ";": 0.28,
    ":": 0.22, " ": 0.33, "partial": 0.6, "ell": 0.45, "sum": 1.5, "in": 1.2, "to": 1.6,
    "rightarrow": 1.6, "Rightarrow": 1.6, "mapsto": 1.6, "lVert": 0.5, "rVert": 0.5, "le": 1.3,
    "leq": 1.3, "ge": 1.3, "approx": 1.3, "Delta": 0.85, "Phi": 0.8, "infty": 1.0,
    "eta": 0.5, "theta": 0.5, "nabla": 0.85, "tanh": 1.7, "log": 1.3, "exp": 1.5, "max": 1.7,
    "min": 1.7, "sigma": 0.6, "delta": 0.5, "hline": 0.0, "hat": 0.0, "displaystyle": 0.0,
    "textstyle": 0.0, "prime": 0.3,
}
_DELIM_CMDS = {"left": 0.45, "right": 0.45, "bigl": 0.5, "bigr": 0.5, "Bigl": 0.6, "Bigr": 0.6,
               "big": 0.5, "Big": 0.6}
_TEXT_CMDS = {"operatorname", "mathrm", "text", "mathbf", "mathbb", "textbf", "mathit"}
_TOKEN = re.compile(r"\\[A-Za-z]+|\\.|[{}^_]|\s+|.", re.S)
_CHAR_WIDTH = {**dict.fromkeys("+-", 1.25), **dict.fromkeys("=<>", 1.35), **dict.fromkeys("()[]|", 0.4),
               ",": 0.45, "'": 0.3, "&": 0.0}


def _tokens(tex: str) -> list[str]:
    return [t for t in _TOKEN.findall(tex) if not t.isspace()]


def _group(tokens: list[str], i: int) -> tuple[list[str], int]:
    """The argument at ``tokens[i]``: a braced group or a single token."""
    if i >= len(tokens):
        return [], i
    if tokens[i] != "{":
        return [tokens[i]], i + 1
    depth, j = 0, i
    while j < len(tokens):
        depth += {"{": 1, "}": -1}.get(tokens[j], 0)
        if depth == 0:
            return tokens[i + 1 : j], j + 1
        j += 1
    return tokens[i + 1 :], len(tokens)


def _command(tokens: list[str], i: int) -> tuple[float, int]:
    """The width of the command at ``tokens[i]`` with its arguments, and the index after them."""
    name = tokens[i][1:]
    if name == "frac":
        num, i = _group(tokens, i + 1)
        den, i = _group(tokens, i)
        return max(_width(num), _width(den)) + 0.3, i
    if name in _TEXT_CMDS:
        arg, i = _group(tokens, i + 1)
        return 0.5 * len("".join(arg)) + (0.3 if name == "operatorname" else 0.0), i
    if name in _DELIM_CMDS:
        return _DELIM_CMDS[name], _group(tokens, i + 1)[1]
    if name in ("begin", "end"):
        return 0.0, _group(tokens, i + 1)[1]
    return _CMD_WIDTH.get(name, 0.8), i + 1


def _width(tokens: list[str]) -> float:
    total, i, last_script = 0.0, 0, None
    while i < len(tokens):
        t = tokens[i]
        if t in "^_":
            arg, i = _group(tokens, i + 1)
            w = 0.72 * _width(arg)
            if last_script is not None:  # a sub- and superscript stack: take the wider
                total += max(0.0, w - last_script)
                last_script = None
            else:
                total += w
                last_script = w
            continue
        last_script = None
        if t in "{}":
            i += 1
        elif t.startswith("\\"):
            w, i = _command(tokens, i)
            total += w
        else:
            total += _CHAR_WIDTH.get(t, 0.5 if t.isdigit() else 0.58)
            i += 1
    return total


def latex_width(tex: str) -> float:
    """An estimate of the printed width of math-mode LaTeX, in em (display style).

    It errs on the wide side, so that lines kept under the text width really fit.

    Examples
    ========

    >>> from symmlp.emit.latex.layout import latex_width
    >>> latex_width("x_{1} + x_{2}") > latex_width("x_{1}")
    True
    >>> latex_width(r"\\frac{1}{2}") < latex_width("12")
    True
    """
    return 1.2 * _width(_tokens(tex))
