"""``symmlp bench``: speed as ratios against baselines measured in the same run.

A benchmark, never a timed test.  Every figure is a median over repeats, and
the two sides of a ratio are measured interleaved, so a noisy shared machine
slows both alike.

- a. derive + compile the full gradient of a [2,16,16,1] tanh MLP: symmlp vs
  the naive SymPy route (``sympy.diff`` of the expanded loss for each
  parameter, then ``lambdify(cse=True)``); target: at least 50x faster.
- b. derive + compile a [8,64,64,1] tanh MLP (4801 parameters); target < 5 s.
- c. ``loss_and_grad`` of a [4,32,32,1] tanh MLP vs handwritten NumPy
  backprop; targets: within 1.2x at batch 1024, within 1.5x at batch 64.
- d. full polynomial n=8, d=6: build + compile (target < 2 s) and
  ``loss_and_grad`` vs a handwritten design-matrix version.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import sympy as sp

from .compile import compile_model, monomial_steps
from .mlp import MLP
from .polynomial import Polynomial

__all__ = ["run_bench", "BenchRow", "handwritten_mlp", "handwritten_polynomial", "naive_sympy_route"]


@dataclass(frozen=True)
class BenchRow:
    """One line of the benchmark table."""

    name: str
    value: float  # seconds, or a ratio
    unit: str
    target: str
    met: bool

    def __str__(self) -> str:
        shown = f"{self.value * 1e3:10.3f} ms" if self.unit == "s" else f"{self.value:10.2f} x "
        return f"{self.name:<58} {shown}   target {self.target:<12} {'met' if self.met else 'MISSED'}"


def _median_time(fn: Callable[[], object], repeat: int, number: int = 1) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        for _ in range(number):
            fn()
        times.append((time.perf_counter() - t0) / number)
    return statistics.median(times)


def _interleaved(a: Callable[[], object], b: Callable[[], object], rounds: int, number: int
                 ) -> tuple[float, float]:
    """Medians of ``a`` and ``b``, measured alternately."""
    ta, tb = [], []
    for _ in range(rounds):
        ta.append(_median_time(a, 1, number))
        tb.append(_median_time(b, 1, number))
    return statistics.median(ta), statistics.median(tb)


def naive_sympy_route(model: MLP) -> Callable:
    """The route symmlp avoids: diff the expanded loss per parameter, lambdify with cse."""
    ell = sum(((a - y) ** 2 for a, y in zip(model.output, model.targets)), sp.Integer(0)) / 2
    grads = [sp.diff(ell, p) for p in model.params]
    args = [*model.params, *model.inputs, *model.targets]
    return sp.lambdify(args, [ell, *grads], modules="numpy", cse=True)


def handwritten_mlp(widths: tuple[int, ...]) -> Callable:
    """A NumPy backprop for a tanh MLP with identity output and mse, written by hand."""
    shapes = list(zip(widths[1:], widths))

    def loss_and_grad(theta, X, Y):
        Ws, bs, k = [], [], 0
        for n_out, n_in in shapes:
            Ws.append(theta[k:k + n_out * n_in].reshape(n_out, n_in))
            k += n_out * n_in
            bs.append(theta[k:k + n_out])
            k += n_out
        acts = [X]
        for i, (W, b) in enumerate(zip(Ws, bs)):
            z = acts[-1] @ W.T + b
            acts.append(np.tanh(z) if i < len(Ws) - 1 else z)
        n = X.shape[0]
        err = acts[-1] - Y
        loss = 0.5 * np.sum(err**2) / n
        delta = err / n
        grads = []
        for i in range(len(Ws) - 1, -1, -1):
            grads = [(delta.T @ acts[i]).ravel(), delta.sum(axis=0), *grads]
            if i:
                delta = (delta @ Ws[i]) * (1.0 - acts[i] ** 2)
        return loss, np.concatenate(grads)

    return loss_and_grad


def handwritten_polynomial(model: Polynomial) -> Callable:
    """A NumPy design-matrix least-squares gradient, written by hand."""
    steps = monomial_steps(model.exponents)
    n_feat = len(model.exponents)

    def loss_and_grad(theta, X, Y):
        Phi = np.empty((X.shape[0], n_feat))
        Phi[:, 0] = 1.0
        for cols, parents, inputs in steps:
            Phi[:, cols] = Phi[:, parents] * X[:, inputs]
        err = Phi @ theta - Y[:, 0]
        return 0.5 * err @ err / X.shape[0], Phi.T @ err / X.shape[0]

    return loss_and_grad


def run_bench(quick: bool = False, log: Callable[[str], None] = print) -> list[BenchRow]:
    """Run every benchmark and return its rows (``quick``: fewer repeats, smaller naive net).

    Examples
    ========

    >>> from symmlp.bench import BenchRow
    >>> print(BenchRow("demo", 2.0, "x", ">= 1x", True))  # doctest: +NORMALIZE_WHITESPACE
    demo                                                             2.00 x    target >= 1x         met
    """
    rows: list[BenchRow] = []
    rng = np.random.default_rng(0)
    repeat = 3 if quick else 7

    naive_widths = (2, 8, 8, 1) if quick else (2, 16, 16, 1)
    log(f"a. derive + compile {list(naive_widths)} tanh (the naive SymPy route takes a while) ...")
    t_symmlp = _median_time(lambda: compile_model(MLP(naive_widths)), repeat)
    t0 = time.perf_counter()
    naive_sympy_route(MLP(naive_widths))
    t_naive = time.perf_counter() - t0
    rows.append(BenchRow(f"a. naive SymPy diff+lambdify {list(naive_widths)} (one run)", t_naive, "s",
                         "baseline", True))
    rows.append(BenchRow(f"a. symmlp derive+compile {list(naive_widths)} (median)", t_symmlp, "s",
                         "", True))
    ratio = t_naive / t_symmlp
    rows.append(BenchRow("a. speed-up of symmlp over the naive route", ratio, "x", ">= 50x",
                         ratio >= 50))

    log("b. derive + compile [8, 64, 64, 1] tanh ...")
    t_big = _median_time(lambda: compile_model(MLP([8, 64, 64, 1])), repeat)
    rows.append(BenchRow("b. symmlp derive+compile [8,64,64,1] (4801 params)", t_big, "s", "< 5 s",
                         t_big < 5))

    widths = (4, 32, 32, 1)
    model = MLP(widths)
    compiled = compile_model(model)
    hand = handwritten_mlp(widths)
    theta = rng.normal(scale=0.3, size=model.num_params)
    for batch, limit in ((1024, 1.2), (64, 1.5)):
        log(f"c. loss_and_grad {list(widths)} at batch {batch} ...")
        X = rng.normal(size=(batch, widths[0]))
        Y = rng.normal(size=(batch, 1))
        ref = hand(theta, X, Y)
        got = compiled.loss_and_grad(theta, X, Y)
        if not (np.isclose(ref[0], got[0]) and np.allclose(ref[1], got[1])):
            raise RuntimeError("compiled and handwritten gradients disagree; benchmark void")
        number = 20 if batch == 1024 else 200
        t_c, t_h = _interleaved(lambda X=X, Y=Y: compiled.loss_and_grad(theta, X, Y),
                                lambda X=X, Y=Y: hand(theta, X, Y), rounds=repeat * 3, number=number)
        rows.append(BenchRow(f"c. handwritten NumPy backprop, batch {batch}", t_h, "s", "baseline",
                             True))
        rows.append(BenchRow(f"c. symmlp compiled loss_and_grad, batch {batch}", t_c, "s", "", True))
        rows.append(BenchRow(f"c. symmlp / handwritten time, batch {batch}", t_c / t_h, "x",
                             f"<= {limit}x", t_c / t_h <= limit))

    log("d. full polynomial n=8, d=6 ...")
    t_poly = _median_time(lambda: compile_model(Polynomial(8, 6)), repeat)
    rows.append(BenchRow("d. Polynomial(8, 6) build + compile (3003 params)", t_poly, "s", "< 2 s",
                         t_poly < 2))
    poly = Polynomial(8, 6)
    cpoly = compile_model(poly)
    hpoly = handwritten_polynomial(poly)
    X = rng.uniform(-1, 1, size=(1024, 8))
    Y = rng.normal(size=(1024, 1))
    theta = rng.normal(scale=0.1, size=poly.num_params)
    if not np.allclose(hpoly(theta, X, Y)[1], cpoly.loss_and_grad(theta, X, Y)[1]):
        raise RuntimeError("compiled and handwritten polynomial gradients disagree; benchmark void")
    t_c, t_h = _interleaved(lambda: cpoly.loss_and_grad(theta, X, Y), lambda: hpoly(theta, X, Y),
                            rounds=repeat * 3, number=5)
    rows.append(BenchRow("d. handwritten design-matrix gradient, batch 1024", t_h, "s", "baseline",
                         True))
    rows.append(BenchRow("d. symmlp compiled loss_and_grad, batch 1024", t_c, "s", "", True))
    rows.append(BenchRow("d. symmlp / handwritten time", t_c / t_h, "x", "<= 1.2x", t_c / t_h <= 1.2))
    return rows


def _run(args: argparse.Namespace) -> int:
    import sys

    rows = run_bench(quick=args.quick, log=lambda s: print(s, file=sys.stderr))
    print(f"symmlp bench ({'quick' if args.quick else 'full'}; medians; ratios measured in this run)")
    for row in rows:
        print(row)
    missed = [r.name for r in rows if not r.met]
    print("all targets met" if not missed else f"targets missed: {len(missed)}")
    return 0


def add_parser(subparsers) -> None:
    p = subparsers.add_parser(
        "bench", help="benchmark: medians and ratios against baselines in the same run",
        description=__doc__.split("\n\n")[1] if __doc__ else None,
    )
    p.add_argument("--quick", action="store_true",
                   help="fewer repeats and a [2,8,8,1] net for the naive route (seconds, not a minute)")
    p.set_defaults(func=_run)
