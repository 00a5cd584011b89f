"""How the documents are typeset: the page, its sections, displays and ``align*`` rows.

The pieces live in their own modules and are exported here too:
:func:`doc_latex` prints an expression the documents' way (``sigma(z)``,
``ReLU(z)``; :mod:`.printing`), :func:`latex_width` estimates how wide printed
LaTeX is (:mod:`.width`), and :func:`break_expr` / :func:`break_terms` break
long expressions across lines (sums between terms, products between factors;
:mod:`.breaking`) so that no display runs off the A4 page of
:data:`TEXT_WIDTH_EM`.  This module sets broken lines as ``align*`` rows and
wraps parts in the documents' preamble; the page needs only ``amsmath``,
``amssymb`` and ``geometry``.
"""

from __future__ import annotations

from collections.abc import Sequence

import sympy as sp

from ...core.files import TEXT_MARK
from .breaking import break_expr as break_expr
from .breaking import break_terms as break_terms
from .printing import doc_latex as doc_latex
from .width import TEXT_WIDTH_EM as TEXT_WIDTH_EM
from .width import latex_width as latex_width

__all__ = [
    "align",
    "align_rows",
    "display",
    "document",
    "equation_rows",
    "escape",
    "section",
    "latex_width",
    "break_terms",
    "break_expr",
    "doc_latex",
    "TEXT_WIDTH_EM",
]

_PREAMBLE = r"""\documentclass[10pt,a4paper]{article}
\usepackage[a4paper,margin=2.5cm]{geometry}
\usepackage{amsmath}
\usepackage{amssymb}
\pdfinfo{/Creator (symmlp)}
\pdfobjcompresslevel=0
\allowdisplaybreaks
\setlength{\parindent}{0pt}
\setlength{\parskip}{0.6ex}
\renewcommand{\arraystretch}{1.25}
"""


# ------------------------------------------------------------------------- align rows


def align_rows(lhs: str, lines: Sequence[str], rel: str = "=") -> list[str]:
    """``align*`` rows: ``lhs &= line_0`` then ``&\\qquad line_k``."""
    rows = [f"{lhs} &{rel} {lines[0]}"]
    for line in lines[1:]:
        lead = "{}" if line[:1] in "+-" else ""
        rows.append(rf"&\qquad {lead}{line}")
    return rows


def align(rows: Sequence[str]) -> str:
    return "\\begin{align*}\n" + " \\\\\n".join(rows) + "\n\\end{align*}\n"


def equation_rows(lhs: str, expr: sp.Expr, width: float = TEXT_WIDTH_EM) -> list[str]:
    avail = width - latex_width(lhs) - 4.0
    return align_rows(lhs, break_expr(expr, max(avail, 10.0)))


# ------------------------------------------------------------------------------- page


def escape(text: str) -> str:
    """Plain text made safe for LaTeX's text mode."""
    table = {"\\": r"\textbackslash{}", "_": r"\_", "%": r"\%", "&": r"\&", "#": r"\#",
             "$": r"\$", "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}", "^": r"\^{}"}
    return "".join(table.get(c, c) for c in text)


def document(title: str, parts: Sequence[str]) -> str:
    head = (f"% {TEXT_MARK}\n{_PREAMBLE}\\begin{{document}}\n\\begin{{center}}\n{{\\Large {escape(title)}}}\n"
            "\\end{center}\n\n")
    return head + "\n".join(parts) + "\\end{document}\n"


def section(name: str) -> str:
    return f"\\section*{{{name}}}\n"


def display(tex: str) -> str:
    return f"\\[\n{tex}\n\\]\n"
