"""Fit sin on [-pi, pi] three ways: a [1,16,1] tanh MLP, a degree-5 polynomial,
and a [1,16,1] ReLU MLP, all by gradient descent on symmlp's compiled gradients.

    python examples/fit_sin.py [--out DIR] [--quick]

Writes fit_sin.png (fits, errors, loss curves) and prints one line per model.
The polynomial's monomials up to x^5 on [-pi, pi] are badly conditioned
(Hessian eigenvalues from 0.15 to 9500), so it needs a small step and heavy
momentum; its least-squares optimum is printed as an independent reference.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from symmlp.explore.datasets import sample_1d  # noqa: E402
from symmlp.models.mlp import MLP  # noqa: E402
from symmlp.models.polynomial import Polynomial  # noqa: E402
from symmlp.training.loop import train  # noqa: E402


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--out", type=Path, default=Path(__file__).resolve().parent / "out")
    p.add_argument("--quick", action="store_true", help="a much shorter run (for the tests)")
    return p.parse_args()


def main() -> None:
    args = parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    X, Y = sample_1d(np.sin, n=100, interval=(-np.pi, np.pi))
    scale = 0.04 if args.quick else 1.0
    runs = [
        ("tanh MLP [1,16,1]", MLP([1, 16, 1], activation="tanh"), dict(lr=0.1, momentum=0.9, steps=10000)),
        ("degree-5 polynomial", Polynomial(1, 5), dict(lr=4e-4, momentum=0.98, steps=3000)),
        ("ReLU MLP [1,16,1]", MLP([1, 16, 1], activation="relu"), dict(lr=0.05, momentum=0.9, steps=10000)),
    ]
    grid = np.linspace(-np.pi, np.pi, 600).reshape(-1, 1)
    fig, (ax_fit, ax_err, ax_loss) = plt.subplots(1, 3, figsize=(15, 4.5))
    ax_fit.plot(grid, np.sin(grid), color="black", lw=3, alpha=0.35, label="sin x")
    colors = ["tab:blue", "tab:green", "tab:red"]
    for (name, model, kw), color in zip(runs, colors):
        kw["steps"] = max(50, int(kw["steps"] * scale))
        start = time.perf_counter()
        result = train(model, X, Y, seed=0, **kw)
        elapsed = time.perf_counter() - start
        mse = float(np.mean((result.predict(X) - Y) ** 2))
        worst = float(np.abs(result.predict(grid) - np.sin(grid)).max())
        print(f"{name:22s} {model.num_params:3d} parameters  MSE {mse:.2e}  max |error| {worst:.2e}"
              f"  ({kw['steps']} steps, {elapsed:.2f} s)")
        label = f"{name} ({model.num_params} params), MSE {mse:.1e}"
        ax_fit.plot(grid, result.predict(grid), color=color, lw=1.3, label=label)
        ax_err.plot(grid, result.predict(grid) - np.sin(grid), color=color, lw=1.2, label=name)
        ax_loss.semilogy(result.losses, color=color, label=name)
    Phi = np.hstack([X**k for k in range(6)])
    best = np.linalg.lstsq(Phi, Y, rcond=None)[0]
    print(f"{'least-squares quintic':22s}   6 parameters  MSE {float(np.mean((Phi @ best - Y) ** 2)):.2e}"
          "  (reference, numpy.linalg.lstsq)")
    ax_fit.set(title="fits to sin x on [−π, π]", xlabel="x", ylabel="y")
    ax_fit.legend(fontsize=8, loc="upper left")
    ax_err.axhline(0, color="black", lw=0.5)
    ax_err.set(title="error: fit − sin x", xlabel="x")
    ax_err.legend(fontsize=8)
    ax_loss.set(title="training loss (½ mean squared error)", xlabel="step", ylabel="loss")
    ax_loss.legend(fontsize=8)
    fig.tight_layout()
    path = args.out / "fit_sin.png"
    fig.savefig(path, dpi=100)
    plt.close(fig)
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
