"""``symmlp tour``: the post's storyline, run end to end.

Models built and counted, gradients derived and checked, a short training
run, the approximation results and the LaTeX derivations; it writes plots,
text, ``.tex`` files and an ``index.md`` into ``--out`` (default
``./symmlp-tour``).

It never loses a user's file: it writes only paths that do not exist yet or
that an earlier tour wrote (listed in ``.symmlp-tour.json`` in the folder), and
checks every path before it writes anything.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from pathlib import Path

from ..core.files import write_file

__all__ = ["TourFolder", "run_tour"]

MANIFEST = ".symmlp-tour.json"


class TourFolder:
    """A folder the tour writes into without touching files it did not write.

    Every file goes through :func:`symmlp.core.files.write_file` (PNGs through
    :func:`symmlp.explore.plots.save_figure`): written atomically, never through
    a symbolic link, and replacing only what the manifest says an earlier tour
    wrote.  Every planned path is checked before anything is written.

    Examples
    ========

    >>> import tempfile, pathlib
    >>> from symmlp.explore.tour import TourFolder
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "notes.txt").write_text("mine")
    >>> folder = TourFolder(d, ["notes.txt"])
    Traceback (most recent call last):
    ...
    ValueError: ...notes.txt exists and was not written by symmlp tour; ...
    """

    def __init__(self, root: str | os.PathLike, planned: list[str]) -> None:
        self.root = Path(root)
        if self.root.exists() and not self.root.is_dir():
            raise ValueError(f"--out {str(self.root)!r} exists and is not a folder")
        self.previous = self._manifest_files() or set()
        for rel in planned:
            self._check_planned(rel)
        self.owned = self.previous | set(planned)
        self.written: set[str] = set()

    def _check_planned(self, rel: str) -> None:
        path = self.root / rel
        for link in [*self._inner_folders(rel), path]:
            if link.is_symlink():
                raise ValueError(f"{link} is a symbolic link; symmlp tour never writes through one: "
                                 "remove it or choose another folder with --out")
        taken = path.exists() and not (path.is_dir() and not any(path.iterdir()))
        if taken and rel not in self.previous:
            raise ValueError(f"{path} exists and was not written by symmlp tour; "
                             f"move it or choose another folder with --out")

    def _inner_folders(self, rel: str) -> list[Path]:
        """The folders between the root and ``rel`` (the root itself is the user's choice)."""
        parts = Path(rel).parts[:-1]
        return [self.root.joinpath(*parts[: k + 1]) for k in range(len(parts))]

    def _manifest_files(self) -> set[str] | None:
        """The files an earlier tour listed, or None when there is no readable manifest."""
        manifest = self.root / MANIFEST
        if manifest.is_symlink() or not manifest.is_file() or manifest.stat().st_size > 1_000_000:
            return None
        try:
            data = json.loads(manifest.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        files = data.get("files") if isinstance(data, dict) else None
        return {f for f in files if isinstance(f, str)} if isinstance(files, list) else None

    def _owns(self, path: Path) -> bool:
        rel = path.relative_to(self.root).as_posix()
        return rel in self.previous or rel in self.written

    def path(self, rel: str) -> Path:
        """The path of ``rel``, which must have been planned; its folders are created
        inside the root (never through a symbolic link)."""
        if rel not in self.owned:
            raise ValueError(f"{rel!r} was not planned for the tour")
        self.root.mkdir(parents=True, exist_ok=True)
        for folder in self._inner_folders(rel):
            if folder.is_symlink():
                raise ValueError(f"{folder} is a symbolic link; symmlp tour never writes through one")
            folder.mkdir(exist_ok=True)
        return self.root / rel

    def write_text(self, rel: str, text: str) -> Path:
        """Write ``text`` to ``rel`` atomically (see :func:`symmlp.core.files.write_file`)."""
        path = write_file(self.path(rel), text, f"the tour's {rel}", self._owns)
        self.written.add(rel)
        return path

    def save_figure(self, rel: str, fig) -> Path:
        """Write the matplotlib figure ``fig`` as the PNG ``rel`` (see :func:`symmlp.explore.plots.save_figure`)."""
        from .plots import save_figure

        path = save_figure(fig, self.path(rel), f"the tour's {rel}", dpi=90)
        self.written.add(rel)
        return path

    def save_manifest(self) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        write_file(self.root / MANIFEST, json.dumps({"files": sorted(self.owned)}, indent=1),
                   f"the tour's {MANIFEST}", lambda p: self._manifest_files() is not None)


def _step(n: int, total: int, title: str, log: Callable[[str], None]):
    class _Timer:
        def __enter__(self):
            log(f"[{n}/{total}] {title} ...")
            self.t0 = time.perf_counter()
            return self

        def __exit__(self, *exc):
            if exc[0] is None:
                log(f"      done in {time.perf_counter() - self.t0:.1f} s")

    return _Timer()


APPROX_PLOTS = ("staircase.png", "relu_peaks.png", "bernstein.png", "error_vs_params.png",
                "parameter_explosion.png")
TEX = {"mlp_relu.tex": "two-layer ReLU MLP [2, 2, 1], backprop derivation",
       "mlp_sigmoid.tex": "one-layer sigmoid MLP [3, 2], the post's display",
       "polynomials.tex": "full vs separable polynomials, n = 2, d = 3",
       "gd_step.tex": "one exact gradient-descent step, [1, 2, 1] ReLU, two points",
       "kan.tex": "Kolmogorov-Arnold network [2, 2, 1] with quadratic edges, backprop derivation"}
PLANNED = ["index.md", "models.txt", "gradients.txt", "training.txt", "fit_sin.png", "approx.txt",
           *(f"approx/{p}" for p in APPROX_PLOTS), "kan_compare.txt", "compare.png", "curvature.txt",
           "landscape.png", *(f"tex/{t}" for t in TEX)]
STEPS = 7


def _models(folder: TourFolder, log) -> str:
    import sympy as sp

    from ..models import MLP
    from ..models.counting import count_table, mlp_count, polynomial_count, separable_count

    net = MLP([2, 3, 1], activation="relu")
    n, m, d = sp.symbols("n m d", positive=True, integer=True)
    text = "\n".join([
        f"The post's MLP sigma(W2 sigma(W1 x + b1) + b2) with sigma = ReLU: {net!r}",
        f"  y = {net.output[0]}",
        f"  {net.num_params} parameters; in general an [n, m, 1] MLP has {mlp_count([n, m, 1])}",
        f"Full polynomial of degree d in n inputs: {polynomial_count(n, d)} coefficients "
        f"(n=8, d=6: {polynomial_count(8, 6)}); separable: {separable_count(n, d)} "
        f"(n=8, d=6: {separable_count(8, 6)})",
        "",
        str(count_table()),
    ])
    folder.write_text("models.txt", text + "\n")
    log(f"      {net!r}: {net.num_params} parameters; Polynomial(8, 6): {polynomial_count(8, 6)}")
    return text


def _gradients(folder: TourFolder, log) -> tuple[str, bool]:
    from ..derive.derivation import backprop
    from ..models import MLP
    from ..verify.check import check

    net = MLP([2, 3, 1], activation="tanh")
    reports = [check(net), check(MLP([2, 3, 1], activation="relu")),
               check(MLP([2, 2, 2], activation="sigmoid"), "softmax_ce")]
    text = "\n\n".join([str(backprop(net)), *map(str, reports)])
    folder.write_text("gradients.txt", text + "\n")
    ok = all(r.ok for r in reports)
    log(f"      gradients certified (reverse == forward mode == sympy.diff), NumPy within float64, on 3 nets: "
        f"{'all agree' if ok else 'DISAGREEMENT'}")
    return text, ok


def _training(folder: TourFolder, log) -> str:
    import numpy as np
    from matplotlib.figure import Figure

    from ..models import MLP
    from ..training.loop import train
    from .datasets import sample_1d

    X, Y = sample_1d(np.sin, n=100, interval=(-np.pi, np.pi))
    result = train(MLP([1, 16, 1], activation="tanh"), X, Y, lr=0.05, steps=3000, momentum=0.9)
    mse = float(np.mean((result.predict(X) - Y) ** 2))
    formula = result.to_symbolic(digits=3)[0]
    text = (f"[1, 16, 1] tanh MLP fitted to sin on [-pi, pi] by 3000 steps of gradient descent "
            f"(lr 0.05, momentum 0.9) on the compiled symbolic gradient:\n"
            f"  final loss {result.losses[-1]:.2e}, mean squared error {mse:.2e}\n"
            f"  the trained network as a formula: y = {formula}\n")
    fig = Figure(figsize=(10, 4))
    ax1, ax2 = fig.subplots(1, 2)
    grid = np.linspace(-np.pi, np.pi, 400)[:, None]
    ax1.plot(grid, np.sin(grid), "k", lw=3, alpha=0.3, label="sin(x)")
    ax1.plot(grid, result.predict(grid), "C0", label="[1,16,1] tanh MLP")
    ax1.set(xlabel="x", ylabel="y", title="sin(x) and the trained network")
    ax1.legend()
    ax2.semilogy(result.losses)
    ax2.set(xlabel="step", ylabel="loss = ½ mean squared error", title="gradient descent")
    folder.save_figure("fit_sin.png", fig)
    folder.write_text("training.txt", text)
    log(f"      sin fitted by a [1,16,1] tanh MLP: MSE {mse:.1e}")
    return text


def _approximation(folder: TourFolder, log) -> str:
    from .claims import run_all

    results = run_all(folder.path("approx/staircase.png").parent)
    parts = [
        "Bernstein polynomials of sin on [-pi, pi], sup error by degree: "
        + ", ".join(f"n={n}: {e:.3g}" for n, e in results["bernstein"].items()),
        f"Sigmoid staircase: {results['staircase']!r}",
        f"ReLU interpolant (jagged peaks): {results['relu']!r}",
        str(results["collapse"]["square"]), str(results["collapse"]["tanh"]),
        str(results["blind_spot"]), str(results["epsilon"]), str(results["criteria"]),
    ]
    text = "\n\n".join(parts) + "\n"
    folder.write_text("approx.txt", text)
    log("      staircase, jagged peaks, Bernstein, collapse of polynomial sigma, blind spot, "
        "parameters for epsilon, criteria table")
    return text


def _kan_and_compare(folder: TourFolder, log) -> str:
    from .blind_spot import KA_THEOREM, kan_product
    from .compare import compare

    product = kan_product()
    result = compare(n_inputs=3, budgets=(25, 50, 100), n_train=500, n_test=1000, steps=200)
    folder.save_figure("compare.png", result.figure())
    text = "\n\n".join([
        "The separable polynomial misses x1*x2 (section 4); composing one-variable functions does not:\n"
        + KA_THEOREM + ".",
        str(product),
        "The post's question, run (symmlp compare with budgets 25, 50, 100; `symmlp compare` runs the full "
        "one, `--n 8` shows the O(n^d) explosion):\n" + str(result),
    ]) + "\n"
    folder.write_text("kan_compare.txt", text)
    reached = {k: v.params for k, v in result.needed().items() if v is not None}
    log(f"      KAN [2, 2, 1] holds x1*x2 exactly: {product.exact}; parameters for test RMSE <= 0.01: {reached}")
    return text


def _curvature(folder: TourFolder, log) -> str:
    from matplotlib.figure import Figure

    from ..emit.numpy import compile_model
    from ..models import MLP
    from .datasets import xor
    from .landscape import confirm, critical_points, plot_surface, summary

    X, Y = xor()
    net = MLP([2, 2, 1], activation="tanh")
    compiled = compile_model(net)
    points = critical_points(net, X, Y, starts=24)
    first = {}
    for p in sorted(points, key=lambda p: (p.loss, p.eigenvalues.min())):
        first.setdefault(p.kind, p)
    lines = ["Curvature of XOR's loss for MLP([2, 2, 1], tanh), mse: Newton's method on the R-operator "
             "Hessian from 24 seeded starts, each critical point classified by its Hessian's eigenvalues.",
             summary(points)]
    for kind, p in first.items():
        exact_kind, values = confirm(net, p, X, Y)
        lines.append(f"confirmed {kind} at loss {p.loss:.3g}: the exact Hessian at the rationalised point "
                     f"(50 digits) says {exact_kind}, smallest eigenvalue {float(values[0]):.3e}")
    fig = Figure(figsize=(12, 5))
    axes = fig.subplots(1, 2)
    low = first.get("minimum") or first.get("degenerate")
    for ax, point, directions in ((axes[0], low, (-1, -2)), (axes[1], first.get("saddle"), (0, -1))):
        if point is not None:
            plot_surface(ax, compiled, X, Y, point, directions, f"around a {point.kind} point, loss {point.loss:.2g}")
    folder.save_figure("landscape.png", fig)
    text = "\n".join(lines) + "\n"
    folder.write_text("curvature.txt", text)
    log(f"      {len(points)} critical points of XOR's loss; " + ", ".join(
        f"{k} confirmed" for k in first))
    return text


def _latex(folder: TourFolder, log) -> None:
    from ..emit import latex
    from ..models import KAN, MLP

    docs = {
        "mlp_relu.tex": latex.derivation_document(MLP([2, 2, 1], activation="relu")),
        "mlp_sigmoid.tex": latex.derivation_document(MLP([3, 2], activation="sigmoid",
                                                         output_activation="sigmoid")),
        "polynomials.tex": latex.polynomial_document(2, 3),
        "gd_step.tex": latex.gd_step_document(),
        "kan.tex": latex.derivation_document(KAN([2, 2, 1], 2), title="A Kolmogorov-Arnold network [2, 2, 1] "
                                             "with quadratic edges"),
    }
    for name, text in docs.items():
        folder.write_text(f"tex/{name}", text)
    log(f"      {len(docs)} LaTeX documents in tex/ (compile with pdflatex)")


def _index(folder: TourFolder, sections: dict[str, str]) -> None:
    lines = ["# symmlp tour", "",
             "The post's storyline, run: which functional form should f_θ take?", ""]
    titles = {"models": "1. Models built and counted", "gradients": "2. Gradients derived and checked",
              "training": "3. A short training run", "approx": "4. What each family can approximate",
              "kan": "5. Kolmogorov-Arnold networks, and the post's question run",
              "curvature": "6. Curvature: critical points of XOR's loss"}
    for key, title in titles.items():
        lines += [f"## {title}", "", "```", sections[key].rstrip(), "```", ""]
        if key == "training":
            lines += ["![fit](fit_sin.png)", ""]
        if key == "approx":
            lines += [f"![{p[:-4]}](approx/{p})" for p in APPROX_PLOTS] + [""]
        if key == "kan":
            lines += ["![test error against parameters](compare.png)", ""]
        if key == "curvature":
            lines += ["![the loss around a minimum and a saddle](landscape.png)", ""]
    lines += ["## 7. LaTeX derivations", ""]
    lines += [f"- [{name}](tex/{name}): {what}" for name, what in TEX.items()]
    folder.write_text("index.md", "\n".join(lines) + "\n")


def run_tour(out: str | os.PathLike = "symmlp-tour", log: Callable[[str], None] = print) -> Path:
    """Walk the post's storyline and write its results into ``out``.

    Parameters
    ==========

    out : path
        The folder; created if missing.  Files the tour did not write are never
        touched: if one is in the way the tour stops before writing anything.
    log : callable
        Receives a line of progress per step.

    Returns
    =======

    Path
        The ``index.md`` written.
    """
    folder = TourFolder(out, PLANNED)
    folder.save_manifest()
    t0 = time.perf_counter()
    sections: dict[str, str] = {}
    with _step(1, STEPS, "models built and counted", log):
        sections["models"] = _models(folder, log)
    with _step(2, STEPS, "gradients derived and checked", log):
        sections["gradients"], ok = _gradients(folder, log)
    with _step(3, STEPS, "a short training run", log):
        sections["training"] = _training(folder, log)
    with _step(4, STEPS, "approximation: stairsteps, jagged peaks, Bernstein, cross terms", log):
        sections["approx"] = _approximation(folder, log)
    with _step(5, STEPS, "Kolmogorov-Arnold networks, and every family at matched budgets", log):
        sections["kan"] = _kan_and_compare(folder, log)
    with _step(6, STEPS, "curvature: critical points of XOR's loss, confirmed exactly", log):
        sections["curvature"] = _curvature(folder, log)
    with _step(7, STEPS, "LaTeX derivations", log):
        _latex(folder, log)
    _index(folder, sections)
    log(f"tour finished in {time.perf_counter() - t0:.1f} s: open {folder.root / 'index.md'}")
    if not ok:
        raise RuntimeError("the gradient checks disagreed; see gradients.txt")
    return folder.root / "index.md"
