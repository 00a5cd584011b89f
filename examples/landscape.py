"""The loss landscape of XOR: critical points of a [2,2,1] net, found by Newton's method on the
R-operator Hessian, classified by curvature, and confirmed with the exact Hessian.

    python examples/landscape.py [--out DIR] [--quick] [--activation tanh|sigmoid]

Prints how many critical points of each kind were found (and at which loss
levels), confirms one of each kind at a rationalised point with the exact
Hessian, and writes landscape.png (the loss along the two leading Hessian
eigendirections around a minimum and a saddle) and landscape_spectrum.png (the
Hessian's eigenvalues along a gradient-descent run).
"""

from __future__ import annotations

import argparse
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from symmlp import MLP, compile  # noqa: E402
from symmlp.explore.datasets import xor  # noqa: E402
from symmlp.explore.landscape import confirm, critical_points, plot_spectrum, plot_surface, summary  # noqa: E402


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--out", type=Path, default=Path(__file__).resolve().parent / "out")
    p.add_argument("--quick", action="store_true", help="fewer starts (for the tests)")
    p.add_argument("--activation", default="tanh", choices=["tanh", "sigmoid"])
    return p.parse_args()


def main() -> None:
    args = parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    X, Y = xor()
    model = MLP([2, 2, 1], activation=args.activation)
    compiled = compile(model)
    points = critical_points(model, X, Y, starts=24 if args.quick else 80)
    print(summary(points))
    by_kind = {}
    for p in sorted(points, key=lambda p: (p.loss, p.eigenvalues.min())):
        by_kind.setdefault(p.kind, p)
    for kind, p in by_kind.items():
        exact_kind, values = confirm(model, p, X, Y)
        print(f"confirmed {kind:10s} (loss {p.loss:.3g}): exact Hessian at the rationalised point says "
              f"{exact_kind}, smallest eigenvalue {float(values[0]):.3e}")
    low = by_kind.get("minimum") or by_kind.get("degenerate")
    saddle = by_kind.get("saddle")
    fig, axes = plt.subplots(1, 2, figsize=(12, 5), layout="constrained")
    plot_surface(axes[0], compiled, X, Y, low, (-1, -2), f"around a {low.kind} point, loss {low.loss:.2g}")
    if saddle is not None:
        plot_surface(axes[1], compiled, X, Y, saddle, (0, -1), f"around a saddle, loss {saddle.loss:.2g}")
    fig.suptitle(f"XOR, MLP [2,2,1] {args.activation}, mse: loss along Hessian eigendirections")
    path = args.out / "landscape.png"
    fig.savefig(path, dpi=90)
    plt.close(fig)
    print(f"wrote {path}")
    fig, ax = plt.subplots(figsize=(7, 4.5), layout="constrained")
    plot_spectrum(ax, compiled, model, X, Y)
    path = args.out / "landscape_spectrum.png"
    fig.savefig(path, dpi=90)
    plt.close(fig)
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
