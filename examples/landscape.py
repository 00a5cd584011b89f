"""The loss landscape of XOR: critical points of a [2,2,1] net, found by Newton's method on the
R-operator Hessian, classified by curvature, and certified with the exact Hessian.

    python examples/landscape.py [--out DIR] [--quick] [--activation tanh|sigmoid]

Prints how many critical points of each kind were found (and at which loss
levels), certifies one of each kind at a rationalised point with the exact
Hessian, and writes landscape.png (the loss along the two leading Hessian
eigendirections around a minimum and a saddle) and landscape_spectrum.png (the
Hessian's eigenvalues along a gradient-descent run).
"""

from __future__ import annotations

import argparse
from collections import Counter
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from symmlp import MLP, compile  # noqa: E402
from symmlp.explore.datasets import xor  # noqa: E402
from symmlp.explore.landscape import certify, critical_points  # noqa: E402


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--out", type=Path, default=Path(__file__).resolve().parent / "out")
    p.add_argument("--quick", action="store_true", help="fewer starts (for the tests)")
    p.add_argument("--activation", default="tanh", choices=["tanh", "sigmoid"])
    return p.parse_args()


def summarize(points) -> None:
    kinds = Counter(p.kind for p in points)
    print(f"critical points found from the starts: {len(points)} "
          f"({', '.join(f'{n} {k}' for k, n in sorted(kinds.items()))})")
    for kind in ("minimum", "saddle", "degenerate"):
        levels = sorted({round(p.loss, 6) for p in points if p.kind == kind})
        if levels:
            print(f"  {kind:10s} at {len(levels)} distinct loss level(s): {', '.join(f'{v:g}' for v in levels)}")


def surface(ax, compiled, X, Y, point, directions, title: str) -> None:
    """The loss change around ``point`` in the plane of two Hessian eigendirections, each axis
    scaled by its curvature so that a small negative eigenvalue shows as clearly as a large one."""
    from matplotlib.colors import TwoSlopeNorm

    values, vectors = np.linalg.eigh(compiled.hessian(point.theta, X, Y))
    (i, j), center = directions, compiled.loss_and_grad(point.theta, X, Y)[0]
    r = [float(np.clip(0.5 / np.sqrt(abs(values[k]) + 1e-12), 0.05, 10.0)) for k in (i, j)]
    a, b = np.linspace(-r[0], r[0], 61), np.linspace(-r[1], r[1], 61)
    L = np.array([[compiled.loss_and_grad(point.theta + s * vectors[:, i] + t * vectors[:, j], X, Y)[0]
                   for s in a] for t in b]) - center
    norm = TwoSlopeNorm(0.0, min(float(L.min()), -1e-12), max(float(L.max()), 1e-12))
    cs = ax.contourf(a, b, L, levels=31, cmap="RdBu_r", norm=norm)
    ax.figure.colorbar(cs, ax=ax, label="loss − loss at the point")
    ax.plot(0, 0, "k*", ms=12)
    ax.set(xlabel=f"eigendirection, λ = {values[i]:.3g}", ylabel=f"eigendirection, λ = {values[j]:.3g}",
           title=title)


def spectrum(ax, compiled, model, X, Y) -> None:
    theta = np.random.default_rng(7).normal(scale=1.5, size=model.num_params)
    steps, eigs = [], []
    for step in range(2001):
        if step % 20 == 0:
            steps.append(step)
            eigs.append(np.linalg.eigvalsh(compiled.hessian(theta, X, Y)))
        theta = theta - 0.2 * compiled.loss_and_grad(theta, X, Y)[1]
    ax.plot(steps, np.array(eigs), lw=1)
    ax.set_yscale("symlog", linthresh=1e-4)
    ax.axhline(0, color="black", lw=0.5)
    ax.set(xlabel="gradient-descent step", ylabel="Hessian eigenvalues (symlog)",
           title="the spectrum along a gradient-descent run")


def main() -> None:
    args = parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    X, Y = xor()
    model = MLP([2, 2, 1], activation=args.activation)
    compiled = compile(model)
    points = critical_points(model, X, Y, starts=24 if args.quick else 80)
    summarize(points)
    by_kind = {}
    for p in sorted(points, key=lambda p: (p.loss, p.eigenvalues.min())):
        by_kind.setdefault(p.kind, p)
    for kind, p in by_kind.items():
        exact_kind, values = certify(model, p, X, Y)
        print(f"certified {kind:10s} (loss {p.loss:.3g}): exact Hessian at the rationalised point says "
              f"{exact_kind}, smallest eigenvalue {float(values[0]):.3e}")
    low = by_kind.get("minimum") or by_kind.get("degenerate")
    saddle = by_kind.get("saddle")
    fig, axes = plt.subplots(1, 2, figsize=(12, 5), layout="constrained")
    surface(axes[0], compiled, X, Y, low, (-1, -2), f"around a {low.kind} point, loss {low.loss:.2g}")
    if saddle is not None:
        surface(axes[1], compiled, X, Y, saddle, (0, -1), f"around a saddle, loss {saddle.loss:.2g}")
    fig.suptitle(f"XOR, MLP [2,2,1] {args.activation}, mse: loss along Hessian eigendirections")
    path = args.out / "landscape.png"
    fig.savefig(path, dpi=90)
    plt.close(fig)
    print(f"wrote {path}")
    fig, ax = plt.subplots(figsize=(7, 4.5), layout="constrained")
    spectrum(ax, compiled, model, X, Y)
    path = args.out / "landscape_spectrum.png"
    fig.savefig(path, dpi=90)
    plt.close(fig)
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
