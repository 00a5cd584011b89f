"""What a check found, kept as data (attributes) and printed readably (``str``).

A :class:`CheckReport` holds the point, each route's timing, the coverage,
the faces, and one :class:`CheckRow` per parameter: the certified enclosure
of ``∂L/∂θ_i`` (the intersection of the routes' balls), its certified digits,
and how far the compiled NumPy gradient (and a user's ``against`` function)
lies from it compared with its floating-point bound.  ``report.ok`` is True
only when nothing failed; ``report.failures`` says what did, one line each.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import sympy as sp
from flint import fmpq

from ..core.display import html_pre, html_report, html_table
from ..emit.arb import to_arb
from .faces import FaceCheck
from .points import CheckPoint, Coverage

__all__ = ["CheckRow", "RouteSummary", "CheckReport", "certified_digits", "midpoint", "midpoints", "radii",
           "digits_of", "combine", "radius", "block_scales"]

FULL_TABLE = 40  # print every row up to this many parameters


def midpoint(value) -> float:
    """The float nearest the enclosure's midpoint (the exact value for a rational)."""
    return float(value)


def midpoints(values: np.ndarray) -> np.ndarray:
    """:func:`midpoint` of every entry, as a float64 array."""
    return np.frompyfunc(float, 1, 1)(values).astype(np.float64)


def radii(values: np.ndarray) -> np.ndarray:
    """:func:`radius` of every entry, as a float64 array."""
    return np.frompyfunc(radius, 1, 1)(values).astype(np.float64)


def digits_of(mids: np.ndarray, rads: np.ndarray) -> float:
    """The fewest significant digits certified among entries whose ball excludes 0 (``inf``: exact)."""
    known = np.abs(mids) > rads
    exact = rads == 0
    if known.all() and exact.all() or not known.any():
        return math.inf
    ratio = np.abs(mids[known & ~exact]) / rads[known & ~exact]
    return float(np.log10(ratio.min())) if ratio.size else math.inf


def certified_digits(value) -> float:
    """Significant decimal digits the enclosure certifies (``inf`` when exact)."""
    if isinstance(value, fmpq):
        return math.inf
    ball = to_arb(value)
    if ball.is_exact():
        return math.inf
    return max(0.0, ball.rel_accuracy_bits() * math.log10(2))


@dataclass(frozen=True)
class CheckRow:
    """One parameter: the certified value and each float implementation's distance from it."""

    param: sp.Symbol
    enclosure: object
    routes_agree: bool
    numpy_error: float
    numpy_allowed: float
    against_error: float | None = None
    against_allowed: float | None = None
    direct_error: float | None = None  # route C (sympy.diff) against the enclosure: 0.0 when consistent

    @property
    def value(self) -> float:
        return midpoint(self.enclosure)

    @property
    def digits(self) -> float:
        return certified_digits(self.enclosure)

    @property
    def numpy_ok(self) -> bool:
        return self.numpy_error <= self.numpy_allowed

    @property
    def against_ok(self) -> bool:
        return self.against_error is None or self.against_error <= self.against_allowed

    @property
    def ok(self) -> bool:
        return self.routes_agree and self.numpy_ok and self.against_ok


@dataclass(frozen=True)
class RouteSummary:
    name: str
    title: str
    exact: bool
    seconds: float

    def __str__(self) -> str:
        return f"{self.name}, {self.title} ({'exact' if self.exact else 'balls'}, {self.seconds * 1e3:.1f} ms)"


@dataclass(frozen=True)
class CheckReport:
    """The result of :func:`symmlp.check`; see the module docstring.

    Attributes
    ==========

    model, loss
    point : CheckPoint
    prec : int
        The working precision in bits (``None`` when every route was exact).
    routes : tuple of RouteSummary
    rows : tuple of CheckRow
        One per parameter, in ``model.params`` order.
    loss_enclosure
        The certified batch-mean loss.
    coverage : Coverage
    faces : tuple of FaceCheck
    failures, notes : tuple of str
    hessian : CertifiedHessian or None
        For ``order=2``.
    """

    model: object
    loss: str
    point: CheckPoint
    prec: int | None
    routes: tuple[RouteSummary, ...]
    rows: tuple[CheckRow, ...]
    loss_enclosure: object
    coverage: Coverage
    faces: tuple[FaceCheck, ...]
    failures: tuple[str, ...]
    notes: tuple[str, ...] = ()
    against: bool = False
    seconds: float = 0.0
    hessian: object = None

    @property
    def ok(self) -> bool:
        return not self.failures

    def max_error(self, column: str = "numpy_error") -> float:
        """The largest ``numpy_error``, ``against_error`` or ``direct_error`` (route C against the
        certified value: 0.0 when consistent) over the rows (0.0 when absent)."""
        values = [getattr(r, column) for r in self.rows if getattr(r, column) is not None]
        return max(values, default=0.0)

    def wrong(self, column: str = "against") -> tuple[CheckRow, ...]:
        """The rows where ``"numpy"`` or ``"against"`` lies outside its bound (or routes disagree)."""
        if column == "routes":
            return tuple(r for r in self.rows if not r.routes_agree)
        return tuple(r for r in self.rows if not getattr(r, f"{column}_ok"))

    @property
    def min_digits(self) -> float:
        return min((r.digits for r in self.rows), default=math.inf)

    # ------------------------------------------------------------------ printing
    def _head(self) -> list[str]:
        p = self.point
        precision = "exact rationals" if self.prec is None else f"balls at {self.prec} bits"
        digits = "exact" if math.isinf(self.min_digits) else f"at least {self.min_digits:.0f} digits certified"
        lines = [f"check({self.model!r}, loss={self.loss!r}): {'OK' if self.ok else 'FAILED'}",
                 f"point: batch of {p.batch}, seed {p.seed}, weights scaled by fan-in; {precision} ({digits})",
                 "routes: " + "; ".join(map(str, self.routes))]
        lines += ["coverage: " + line for line in str(self.coverage).splitlines()]
        bad = [f for f in self.faces if not f.ok]
        lines.append(f"faces: {len(self.faces) - len(bad)}/{len(self.faces)} comparisons agree")
        lines += [f"  {f}" for f in bad]
        numpy_bad = len(self.wrong("numpy"))
        verdict = f"{numpy_bad} entries outside their float64 bound" if numpy_bad else "within its float64 bound"
        lines.append(f"compiled NumPy: max |error| {self.max_error('numpy_error'):.1e}; {verdict}")
        if self.against:
            wrong = len(self.wrong("against"))
            lines.append(f"against: max |error| {self.max_error('against_error'):.1e}; "
                         + (f"{wrong} entries WRONG" if wrong else "every entry within its float bound"))
        if self.hessian is not None:
            lines.append(str(self.hessian))
        return lines

    def _table(self) -> list[str]:
        header = f"{'parameter':>12} {'dL/dθ (certified)':>24} {'digits':>7} {'|numpy − it|':>13} {'bound':>9}"
        if self.against:
            header += f" {'|yours − it|':>13}"
        lines = [header + "  ok"]
        rows = self.rows if len(self.rows) <= FULL_TABLE else [r for r in self.rows if not r.ok][:FULL_TABLE]
        for r in rows:
            digits = "exact" if math.isinf(r.digits) else f"{r.digits:.0f}"
            line = f"{str(r.param):>12} {r.value:>24.16g} {digits:>7} {r.numpy_error:>13.1e} {r.numpy_allowed:>9.1e}"
            if self.against:
                line += f" {r.against_error:>13.1e}"
            lines.append(f"{line}  {'yes' if r.ok else 'NO'}")
        hidden = len(self.rows) - len(rows)
        if hidden:
            more = " more" if rows else ""
            lines.append(f"{'':>12} ... {hidden}{more} rows, all ok (report.rows has every one)")
        return lines

    def __str__(self) -> str:
        lines = [*self._head(), *self._table()]
        if self.failures:
            lines.append("FAILED because:")
            lines += [f"  - {f}" for f in self.failures]
        lines += [f"note: {n}" for n in self.notes]
        return "\n".join(lines)

    __repr__ = __str__

    def _repr_html_(self) -> str:
        head, *lines = self._head()
        shown = self.rows if len(self.rows) <= FULL_TABLE else [r for r in self.rows if not r.ok][:FULL_TABLE]
        headers = ("parameter", "dL/dθ (certified)", "digits", "|numpy − it|", "bound",
                   *(("|yours − it|",) if self.against else ()), "ok")
        rows = [(str(r.param), f"{r.value:.16g}", "exact" if math.isinf(r.digits) else f"{r.digits:.0f}",
                 f"{r.numpy_error:.1e}", f"{r.numpy_allowed:.1e}",
                 *((f"{r.against_error:.1e}",) if self.against else ()), "yes" if r.ok else "NO") for r in shown]
        hidden = len(self.rows) - len(shown)
        caption = f"{hidden} more rows all ok (report.rows has every one)" if hidden else None
        tail = [*(f"FAILED because: {f}" for f in self.failures), *(f"note: {n}" for n in self.notes)]
        return html_report(head, html_pre("\n".join(lines)), html_table(headers, rows, caption),
                           html_pre("\n".join(tail)) if tail else "")


def combine(values: list) -> tuple[object, bool]:
    """The tightest enclosure the routes' values give, and whether they are consistent."""
    exact = [v for v in values if isinstance(v, fmpq)]
    balls = [to_arb(v) for v in values if not isinstance(v, fmpq)]
    if exact:
        first = exact[0]
        agree = all(v == first for v in exact) and all(b.overlaps(to_arb(first)) for b in balls)
        return first, agree
    out, agree = balls[0], True
    for b in balls[1:]:
        agree = agree and out.overlaps(b)
        if agree:
            out = out.intersection(b)
    return out, agree


def radius(value) -> float:
    """An upper bound on the enclosure's radius as a float (0 for exact)."""
    return 0.0 if isinstance(value, fmpq) else float(to_arb(value).rad()) * (1 + 2**-50)


def block_scales(layout, mids: np.ndarray) -> np.ndarray:
    """Each entry's block's largest magnitude: the scale cancellation errors are measured against."""
    out = np.empty_like(mids)
    for block in layout:
        part = np.abs(mids[block.slice])
        out[block.slice] = part.max(initial=0.0)
    return out
