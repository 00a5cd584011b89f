"""What :func:`symmlp.explore.compare.compare` returns, and how it is shown: a table of test
error against parameters, the parameters each family needs for a target error, a
log-log plot, and a folder with the table, the plot and a short markdown report.

Files are written through :mod:`symmlp.core.files`: never through a symbolic link,
never over a file symmlp did not write, and every path is checked before any
is written.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..core.display import html_pre, html_report
from ..core.files import TEXT_MARK, check_output_path, has_png_mark, has_text_mark, write_file
from ..models.counting import CountTable, polynomial_count

__all__ = ["Fit", "CompareResult", "describe", "OUTPUT_FILES", "check_out_dir"]

OUTPUT_FILES = {"table": "compare.txt", "plot": "compare.png", "report": "compare.md"}


def describe(model) -> str:
    """A short description of a model's size from its spec: ``[3, 19, 1]``, ``degree 4``.

    Examples
    ========

    >>> from symmlp import KAN, Polynomial
    >>> from symmlp.explore.compare_report import describe
    >>> describe(Polynomial(3, 4)), describe(KAN([3, 7, 1], 3, activation="tanh"))
    ('degree 4', '[3, 7, 1], degree 3, tanh')
    """
    spec = model.spec()
    parts = []
    if "widths" in spec:
        parts.append(str(list(spec["widths"])))
    if "degree" in spec:
        parts.append(f"degree {spec['degree']}")
        if spec.get("activation", "identity") != "identity":
            parts.append(spec["activation"])
    return ", ".join(parts) or model.kind


@dataclass(frozen=True)
class Fit:
    """One family at one budget: its model and its root-mean-square errors."""

    family: str
    budget: int
    model: Any
    train_rmse: float
    test_rmse: float

    @property
    def params(self) -> int:
        return self.model.num_params


def _cell(fit: Fit | None) -> str:
    return "-" if fit is None else f"{fit.test_rmse:.2e} ({fit.params})"


@dataclass(frozen=True)
class CompareResult:
    """The fits of :func:`~symmlp.explore.compare.compare`; ``str()`` gives the table and the
    parameters needed for ``target_error``."""

    target: str
    n_inputs: int
    interval: tuple[float, float]
    budgets: tuple[int, ...]
    seed: int
    n_train: int
    n_test: int
    steps: int
    target_rms: float
    target_error: float
    fits: tuple[Fit, ...]
    families: tuple[str, ...]

    def fit(self, family: str, budget: int) -> Fit | None:
        """The fit of ``family`` at ``budget`` (None when its smallest model is over the budget)."""
        return next((f for f in self.fits if f.family == family and f.budget == budget), None)

    def best(self, family: str) -> Fit:
        """The family's fit with the lowest test error."""
        fits = [f for f in self.fits if f.family == family]
        if not fits:
            raise ValueError(f"no fit of {family!r}; families: {', '.join(self.families)}")
        return min(fits, key=lambda f: (f.test_rmse, f.params))

    def needed(self, error: float | None = None) -> dict[str, Fit | None]:
        """``{family: the fit with the fewest parameters whose test RMSE <= error}`` (None: not reached)."""
        error = self.target_error if error is None else error
        out = {}
        for family in self.families:
            good = [f for f in self.fits if f.family == family and f.test_rmse <= error]
            out[family] = min(good, key=lambda f: (f.params, f.budget)) if good else None
        return out

    def table(self) -> CountTable:
        """Test RMSE (parameters used) for each budget and family."""
        rows = tuple((b, *(_cell(self.fit(name, b)) for name in self.families)) for b in self.budgets)
        title = (f"test RMSE (parameters used) of {self.target} on [{self.interval[0]:g}, {self.interval[1]:g}]"
                 f"^{self.n_inputs}: {self.n_train} train / {self.n_test} test points, seed {self.seed}, "
                 f"target RMS {self.target_rms:.3g}")
        return CountTable(title, ("budget", *self.families), rows)

    def models_table(self) -> CountTable:
        """Every fit: family, budget, model size, parameters, train and test RMSE."""
        rows = tuple((f.family, f.budget, describe(f.model), f.params, f"{f.train_rmse:.3e}", f"{f.test_rmse:.3e}")
                     for f in self.fits)
        return CountTable("every fit", ("family", "budget", "model", "params", "train RMSE", "test RMSE"), rows)

    def needed_text(self) -> str:
        lines = [f"parameters needed for test RMSE <= {self.target_error:g}:"]
        for family, fit in self.needed().items():
            if fit is None:
                best = self.best(family) if any(f.family == family for f in self.fits) else None
                tail = f" (best {best.test_rmse:.2e} with {best.params})" if best else ""
                lines.append(f"  {family:<22} not reached within {self.budgets[-1]}{tail}")
            else:
                lines.append(f"  {family:<22} {fit.params} ({describe(fit.model)})")
        return "\n".join(lines)

    def __str__(self) -> str:
        return f"{self.table()}\n\n{self.needed_text()}"

    def __repr__(self) -> str:
        return str(self)

    def _repr_html_(self) -> str:
        return html_report(f"compare: {self.target}", self.table()._repr_html_(), html_pre(self.needed_text()))

    # ------------------------------------------------------------------ plot and files
    def plot(self, path: str | os.PathLike) -> Path:
        """:meth:`figure` as a PNG at ``path`` (see :func:`symmlp.explore.plots.save_figure`)."""
        from .plots import save_figure

        return save_figure(self.figure(), path, "compare plot")

    def figure(self):
        """Test RMSE against parameters, log-log, one line per family (a matplotlib Figure)."""
        from matplotlib import ticker

        from .plots import plt

        fig, ax = plt.subplots(figsize=(7.5, 4.8))
        for family in self.families:
            points = sorted({(f.params, f.test_rmse) for f in self.fits if f.family == family})
            if points:
                ax.loglog(*zip(*points), "o-", ms=4, label=family)
        ax.axhline(self.target_error, color="gray", lw=0.8, ls="--", label=f"target {self.target_error:g}")
        ticks = sorted({f.params for f in self.fits})
        ax.set_xticks(ticks if len(ticks) <= 12 else ticks[:: len(ticks) // 12 + 1])
        ax.xaxis.set_major_formatter(ticker.ScalarFormatter())
        ax.xaxis.set_minor_formatter(ticker.NullFormatter())
        ax.tick_params(axis="x", labelsize=7, rotation=45)
        ax.set_xlabel("parameters")
        ax.set_ylabel("test RMSE")
        ax.set_title(f"{self.target} on [{self.interval[0]:g}, {self.interval[1]:g}]^{self.n_inputs}", fontsize=10)
        ax.legend(fontsize=8)
        ax.grid(alpha=0.3, which="both")
        fig.tight_layout()
        return fig

    def markdown(self) -> str:
        """A short report: the settings, the table, the parameters needed, the plot, the explosion."""
        n = self.n_inputs
        counts = ", ".join(f"d={d}: {polynomial_count(n, d)}" for d in range(1, 7))
        return "\n".join([
            f"<!-- {TEXT_MARK} compare -->", "# symmlp compare: which f_θ for the same parameters?", "",
            f"Target `{self.target}` on [{self.interval[0]:g}, {self.interval[1]:g}]^{n}, "
            f"{self.n_train} training and {self.n_test} test points (seed {self.seed}); polynomials by least "
            f"squares, KAN and MLPs by at most {self.steps} L-BFGS iterations on the compiled gradient.", "",
            "```", str(self.table()), "```", "", "```", self.needed_text(), "```", "",
            f"![test RMSE against parameters]({OUTPUT_FILES['plot']})", "",
            f"The full polynomial in {n} inputs needs C(n+d, d) coefficients ({counts}): O(n^d), so a budget "
            "buys it only a low degree as n grows, while an MLP's count grows linearly in n. The separable "
            "polynomial cannot hold cross terms such as x1*x2 at any degree; two Kolmogorov–Arnold layers can.",
            "", "```", str(self.models_table()), "```", ""])

    def write(self, out: str | os.PathLike) -> dict[str, Path]:
        """Write the table, the plot and the report into the folder ``out`` (see :func:`check_out_dir`)."""
        paths = check_out_dir(out, create=True)
        text = f"# {TEXT_MARK} compare\n{self}\n\n{self.models_table()}\n"
        return {"table": write_file(paths["table"], text, "compare table", has_text_mark),
                "plot": self.plot(paths["plot"]),
                "report": write_file(paths["report"], self.markdown(), "compare report", has_text_mark)}


def check_out_dir(out: str | os.PathLike, create: bool = False) -> dict[str, Path]:
    """The paths compare writes in ``out``, each checked before anything is written.

    Refused: a folder that is a symbolic link or a file, a missing parent
    folder, and any of ``compare.txt``, ``compare.png``, ``compare.md`` that
    exists but was not written by symmlp (or is a link).

    Examples
    ========

    >>> import tempfile, pathlib
    >>> from symmlp.explore.compare_report import check_out_dir
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "compare.md").write_text("my notes")
    >>> check_out_dir(d)
    Traceback (most recent call last):
    ...
    ValueError: compare report '.../compare.md' exists and was not written by symmlp; move it or choose another name
    """
    from .plots import make_dir

    folder = Path(out)
    if folder.is_symlink():
        raise ValueError(f"--out {str(folder)!r} is a symbolic link; symmlp never writes through one")
    if folder.exists() and not folder.is_dir():
        raise ValueError(f"--out {str(folder)!r} exists and is not a folder")
    if not folder.exists():
        if not create:
            if not folder.parent.is_dir():
                raise ValueError(f"cannot create {str(folder)!r}: its parent folder {str(folder.parent)!r} "
                                 "does not exist (only the last folder is created)")
            return {k: folder / v for k, v in OUTPUT_FILES.items()}
        make_dir(folder)
    owners = {"table": has_text_mark, "plot": has_png_mark, "report": has_text_mark}
    whats = {"table": "compare table", "plot": "compare plot", "report": "compare report"}
    return {k: check_output_path(folder / name, whats[k], owners[k]) for k, name in OUTPUT_FILES.items()}
