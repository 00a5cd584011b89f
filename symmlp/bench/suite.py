"""``symmlp bench``: speed as ratios against baselines measured in the same run.

A benchmark, never a timed test.  Every figure is a median over repeats, and
the two sides of a ratio are measured interleaved, so a noisy shared machine
slows both alike.  BLAS threads are set as training sets them (see
:mod:`symmlp.training.threads`) and printed.

- a. derive + compile the full gradient of a [2,16,16,1] tanh MLP: symmlp vs
  the naive SymPy route (``sympy.diff`` of the expanded loss for each
  parameter, then ``lambdify(cse=True)``); target: at least 50x faster.
- b. derive + compile a [8,64,64,1] tanh MLP (4801 parameters); target < 5 s.
- c. a training run of a [4,32,32,1] tanh MLP (momentum, mini-batches) vs the
  same loop written by hand with the same mini-batches; target within 1.05x at
  batch 64 and at batch 1024.  The public ``loss_and_grad`` (which checks its
  input on every call) is reported beside it.
- d. full polynomial n=8, d=6: build + compile (target < 2 s) and
  ``loss_and_grad`` vs a handwritten design-matrix version.
- f. (with the jax / torch extras) the JAX and PyTorch emitters' ``loss_and_grad``
  of a [4,32,32,1] tanh MLP vs ``jax.jit(jax.value_and_grad(...))`` and
  ``torch.autograd`` of a plain forward pass, float32, batch 64 and 1024;
  target within 1.1x (see :mod:`symmlp.bench.backends`).
- g. the certified check (ball arithmetic, routes A and B) on [2,16,16,1] and
  [8,64,64,1] tanh and the certified Hessian of [4,32,32,1]; in the full bench
  also the old SymPy check route, for the ratio (see :mod:`symmlp.bench.checks`).
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ..emit.numpy import clear_cache, compile_model
from ..models import MLP, Polynomial
from ..training.init import init_theta
from ..training.loop import train
from ..training.threads import blas_settings, blas_threads
from .baselines import handwritten_mlp, handwritten_polynomial, handwritten_training, naive_sympy_route

__all__ = ["run_bench", "BenchRow"]


@dataclass(frozen=True)
class BenchRow:
    """One line of the benchmark table.

    Examples
    ========

    >>> from symmlp.bench.suite import BenchRow
    >>> print(BenchRow("demo", 2.0, "x", ">= 1x", True))  # doctest: +NORMALIZE_WHITESPACE
    demo                                                             2.00 x    target >= 1x         met
    """

    name: str
    value: float  # seconds, or a ratio
    unit: str
    target: str
    met: bool

    def __str__(self) -> str:
        shown = f"{self.value * 1e3:10.3f} ms" if self.unit == "s" else f"{self.value:10.2f} x "
        return f"{self.name:<58} {shown}   target {self.target:<12} {'met' if self.met else 'MISSED'}"


def median_time(fn: Callable[[], object], repeat: int, number: int = 1) -> float:
    """The median over ``repeat`` runs of the mean time of ``number`` calls."""
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        for _ in range(number):
            fn()
        times.append((time.perf_counter() - t0) / number)
    return statistics.median(times)


def interleaved(a: Callable[[], object], b: Callable[[], object], rounds: int, number: int
                ) -> tuple[float, float]:
    """Medians of ``a`` and ``b``, measured alternately."""
    ta, tb = [], []
    for _ in range(rounds):
        ta.append(median_time(a, 1, number))
        tb.append(median_time(b, 1, number))
    return statistics.median(ta), statistics.median(tb)


def _compile_rows(quick: bool, repeat: int, log) -> list[BenchRow]:
    rows = []
    naive_widths = (2, 8, 8, 1) if quick else (2, 16, 16, 1)
    log(f"a. derive + compile {list(naive_widths)} tanh (the naive SymPy route takes a while) ...")

    def fresh(widths):
        clear_cache()
        return compile_model(MLP(widths))

    t_symmlp = median_time(lambda: fresh(naive_widths), repeat)
    t0 = time.perf_counter()
    naive_sympy_route(MLP(naive_widths))
    t_naive = time.perf_counter() - t0
    rows.append(BenchRow(f"a. naive SymPy diff+lambdify {list(naive_widths)} (one run)", t_naive, "s",
                         "baseline", True))
    rows.append(BenchRow(f"a. symmlp derive+compile {list(naive_widths)} (median)", t_symmlp, "s", "", True))
    ratio = t_naive / t_symmlp
    rows.append(BenchRow("a. speed-up of symmlp over the naive route", ratio, "x", ">= 50x", ratio >= 50))
    log("b. derive + compile [8, 64, 64, 1] tanh ...")
    t_big = median_time(lambda: fresh((8, 64, 64, 1)), repeat)
    rows.append(BenchRow("b. symmlp derive+compile [8,64,64,1] (4801 params)", t_big, "s", "< 5 s", t_big < 5))
    return rows


def _training_rows(repeat: int, log) -> list[BenchRow]:
    rows = []
    widths = (4, 32, 32, 1)
    model = MLP(widths)
    rng = np.random.default_rng(0)
    X = rng.normal(size=(4096, 4))
    Y = np.sin(X[:, :1]) * np.cos(X[:, 1:2])
    for batch, steps in ((64, 200), (1024, 40)):
        log(f"c. training {list(widths)} at batch {batch} ({steps} steps) ...")
        options = {"lr": 0.01, "momentum": 0.9, "steps": steps, "batch_size": batch}

        def ours(options=options):
            return train(model, X, Y, seed=1, **options).theta

        def hand(options=options):
            rng = np.random.default_rng(1)
            theta0 = init_theta(model, "xavier", rng)
            return handwritten_training(widths, theta0, X, Y, rng=rng, **options)

        if not np.allclose(ours(), hand(), rtol=1e-9, atol=1e-12):
            raise RuntimeError("symmlp's and the handwritten training runs disagree; benchmark void")
        t_ours, t_hand = interleaved(ours, hand, rounds=repeat * 2, number=1)
        rows.append(BenchRow(f"c. handwritten NumPy training, batch {batch} (per step)", t_hand / steps, "s",
                             "baseline", True))
        rows.append(BenchRow(f"c. symmlp train, batch {batch} (per step)", t_ours / steps, "s", "", True))
        rows.append(BenchRow(f"c. symmlp / handwritten training time, batch {batch}", t_ours / t_hand, "x",
                             "<= 1.05x", t_ours / t_hand <= 1.05))
        compiled, handwritten = compile_model(model), handwritten_mlp(widths)
        theta = init_theta(model, "xavier", 0)
        Xb, Yb = X[:batch], Y[:batch]
        t_c, t_h = interleaved(lambda c=compiled, t=theta, x=Xb, y=Yb: c.loss_and_grad(t, x, y),
                               lambda h=handwritten, t=theta, x=Xb, y=Yb: h(t, x, y), rounds=repeat * 2, number=50)
        rows.append(BenchRow(f"c. public loss_and_grad (checks input) / handwritten, {batch}", t_c / t_h, "x",
                             "(reported)", True))
    return rows


def _polynomial_rows(repeat: int, log) -> list[BenchRow]:
    log("d. full polynomial n=8, d=6 ...")
    rows = []

    def fresh():
        clear_cache()
        return compile_model(Polynomial(8, 6))

    t_poly = median_time(fresh, repeat)
    rows.append(BenchRow("d. Polynomial(8, 6) build + compile (3003 params)", t_poly, "s", "< 2 s", t_poly < 2))
    poly = Polynomial(8, 6)
    cpoly, hpoly = compile_model(poly), handwritten_polynomial(poly)
    rng = np.random.default_rng(0)
    X, Y = rng.uniform(-1, 1, size=(1024, 8)), rng.normal(size=(1024, 1))
    theta = rng.normal(scale=0.1, size=poly.num_params)
    if not np.allclose(hpoly(theta, X, Y)[1], cpoly.loss_and_grad(theta, X, Y)[1]):
        raise RuntimeError("compiled and handwritten polynomial gradients disagree; benchmark void")
    t_c, t_h = interleaved(lambda: cpoly.loss_and_grad(theta, X, Y), lambda: hpoly(theta, X, Y),
                           rounds=repeat * 3, number=5)
    rows.append(BenchRow("d. handwritten design-matrix gradient, batch 1024", t_h, "s", "baseline", True))
    rows.append(BenchRow("d. symmlp compiled loss_and_grad, batch 1024", t_c, "s", "", True))
    rows.append(BenchRow("d. symmlp / handwritten time", t_c / t_h, "x", "<= 1.2x", t_c / t_h <= 1.2))
    return rows


def _backend_rows(repeat: int, log) -> list[BenchRow]:
    """f. the JAX and PyTorch emitters against each library's autodiff, where the extras are installed."""
    from ..core.extras import available

    if not (available("jax") or available("torch")):
        return []
    from .backends import backend_timings

    rows = []
    for library, batch, ours, theirs in backend_timings(interleaved, repeat * 2, log):
        rows.append(BenchRow(f"f. {library} autodiff of a plain forward, batch {batch}", theirs, "s", "baseline",
                             True))
        rows.append(BenchRow(f"f. symmlp {library} emitter loss_and_grad, batch {batch}", ours, "s", "", True))
        rows.append(BenchRow(f"f. {library} emitter / {library} autodiff, batch {batch}", ours / theirs, "x",
                             "<= 1.1x", ours / theirs <= 1.1))
    return rows


def run_bench(quick: bool = False, log: Callable[[str], None] = print) -> tuple[list[BenchRow], str]:
    """Run every benchmark; returns its rows and a line saying how many BLAS threads ran.

    ``quick``: fewer repeats and a smaller net for the naive route.
    """
    repeat = 3 if quick else 7
    with blas_threads("auto", 0):
        settings = "BLAS threads: " + (", ".join(f"{k}: {v}" for k, v in blas_settings().items()) or "none")
        rows = _compile_rows(quick, repeat, log)
        rows += _training_rows(repeat, log)
        rows += _polynomial_rows(repeat, log)
        from .second_order import second_order_rows

        rows += second_order_rows(quick, repeat, log)
        rows += _backend_rows(repeat, log)
        from .checks import certified_check_rows

        rows += certified_check_rows(quick, repeat, log)
    return rows, settings
