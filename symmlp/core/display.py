"""How results show in Jupyter: HTML tables, preformatted reports, inline PNG figures, aligned LaTeX.

IPython asks an object for ``_repr_latex_`` (mathematics), ``_repr_html_``
(tables, reports) or ``_repr_png_`` (figures); these helpers build them.  Every
text that goes into HTML is escaped.  Figures are drawn on a bare
:class:`matplotlib.figure.Figure`, never through ``pyplot``, so showing a result
changes neither the notebook's backend nor its open figures.
"""

from __future__ import annotations

import base64
import html
import io
import numbers
import re
from collections.abc import Iterable, Sequence
from typing import Any

__all__ = ["html_table", "html_pre", "html_report", "figure", "png_bytes", "png_img", "aligned",
           "MAX_ALIGNED_ROWS"]

MAX_ALIGNED_ROWS = 60
"""Rows shown by :func:`aligned` before it says how many more there are (MathJax slows down past that)."""

_TABLE_STYLE = "border-collapse: collapse; font-variant-numeric: tabular-nums"
_CELL_STYLE = "padding: 0.15em 0.6em; border-bottom: 1px solid #ddd"


_PLACEHOLDERS = ("-", "", "—")  # a missing entry leaves its column's alignment alone
_NUMERIC = re.compile(r"[<>]?[-+]?(\d|\.\d|inf|nan)")


def _numeric(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, numbers.Number) or getattr(value, "is_Number", False):
        return True
    return isinstance(value, str) and _NUMERIC.match(value) is not None


def _cell(value: Any, tag: str, right: bool) -> str:
    align = "right" if right else "left"
    return f'<{tag} style="{_CELL_STYLE}; text-align: {align}">{html.escape(str(value), quote=False)}</{tag}>'


def html_table(headers: Sequence[Any] | None, rows: Iterable[Sequence[Any]], caption: str | None = None) -> str:
    """An HTML ``<table>`` of ``rows`` under ``headers`` (every cell escaped).

    A column whose cells are all numbers is right-aligned, header included; a
    cell counts as a number when it is one, or a string that starts like one
    (``"3003"``, ``">2048"``, ``"1.2e-03 (13)"``); ``"-"`` (nothing there) does not
    count either way.  ``headers=None``: no header row.

    Examples
    ========

    >>> from symmlp.core.display import html_table
    >>> print(html_table(["n", "name"], [[2, "a<b"]], caption="counts"))  # doctest: +ELLIPSIS
    <table ...><caption ...>counts</caption>
    <tr><th ...right">n</th><th ...left">name</th></tr>
    <tr><td ...right">2</td><td ...left">a&lt;b</td></tr>
    </table>
    """
    rows = [tuple(r) for r in rows]
    width = max([len(headers or ()), *map(len, rows)])
    right = []
    for j in range(width):
        column = [r[j] for r in rows if j < len(r) and r[j] not in _PLACEHOLDERS]
        right.append(bool(column) and all(map(_numeric, column)))
    lines = [f'<table style="{_TABLE_STYLE}">'
             + ("" if caption is None else f'<caption style="caption-side: top; text-align: left">'
                                           f"{html.escape(caption, quote=False)}</caption>")]
    if headers is not None:
        lines.append("<tr>" + "".join(_cell(h, "th", r) for h, r in zip(headers, right)) + "</tr>")
    lines += ["<tr>" + "".join(_cell(c, "td", r) for c, r in zip(row, right)) + "</tr>" for row in rows]
    lines.append("</table>")
    return "\n".join(lines)


def html_pre(text: str, max_height: str | None = None) -> str:
    """``text`` in a ``<pre>`` block (escaped), scrolling past ``max_height`` (a CSS length) if given.

    Examples
    ========

    >>> from symmlp.core.display import html_pre
    >>> html_pre("a < b")
    '<pre style="font-family: monospace">a &lt; b</pre>'
    """
    style = "font-family: monospace" + ("" if max_height is None else f"; max-height: {max_height}; overflow: auto")
    return f'<pre style="{style}">{html.escape(text, quote=False)}</pre>'


def html_report(title: str, *parts: str) -> str:
    """A titled block: ``title`` in bold (escaped), then the HTML ``parts`` as given."""
    return "<div>" + f"<p><b>{html.escape(title, quote=False)}</b></p>" + "".join(parts) + "</div>"


def figure(width: float = 5.5, height: float = 3.2):
    """A new :class:`matplotlib.figure.Figure` (not registered with ``pyplot``) and its one axes."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height))
    return fig, fig.add_subplot()


def png_bytes(fig, dpi: int = 90) -> bytes:
    """``fig`` rendered as PNG bytes.

    Examples
    ========

    >>> from symmlp.core.display import figure, png_bytes
    >>> fig, ax = figure()
    >>> _ = ax.plot([0, 1], [1, 0])
    >>> png_bytes(fig)[:4]
    b'\\x89PNG'
    """
    buffer = io.BytesIO()
    fig.tight_layout()
    fig.savefig(buffer, format="png", dpi=dpi)
    return buffer.getvalue()


def png_img(png: bytes, alt: str) -> str:
    """An ``<img>`` holding ``png`` inline (base64), so the HTML needs no other file."""
    data = base64.b64encode(png).decode("ascii")
    return f'<img alt="{html.escape(alt, quote=True)}" src="data:image/png;base64,{data}"/>'


def aligned(rows: Sequence[tuple[str, str]], limit: int = MAX_ALIGNED_ROWS) -> str:
    """LaTeX rows ``(lhs, rhs)`` as ``\\begin{aligned} lhs &= rhs \\\\ ... \\end{aligned}``.

    Past ``limit`` rows the block ends with a row saying how many were left out.

    Examples
    ========

    >>> from symmlp.core.display import aligned
    >>> print(aligned([("a", "1"), ("b", "2"), ("c", "3")], limit=2))
    \\begin{aligned}
    a &= 1 \\\\
    b &= 2 \\\\
    &\\vdots\\quad \\text{(1 more)}
    \\end{aligned}
    """
    body = [f"{lhs} &= {rhs}" for lhs, rhs in rows[:limit]]
    if len(rows) > limit:
        body.append(rf"&\vdots\quad \text{{({len(rows) - limit} more)}}")
    return "\\begin{aligned}\n" + " \\\\\n".join(body) + "\n\\end{aligned}"
