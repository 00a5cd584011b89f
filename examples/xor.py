"""XOR: a linear model (logistic regression, MLP([2,1]) with a sigmoid output)
cannot separate it; a [2,2,1] tanh MLP can.  Both are trained with binary
cross-entropy on symmlp's compiled gradients.

    python examples/xor.py [--out DIR] [--quick]

Writes xor.png (decision boundaries) and prints one line per model.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from symmlp.explore.datasets import xor  # noqa: E402
from symmlp.models.mlp import MLP  # noqa: E402
from symmlp.training.loop import train  # noqa: E402


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--out", type=Path, default=Path(__file__).resolve().parent / "out")
    p.add_argument("--quick", action="store_true", help="a much shorter run (for the tests)")
    return p.parse_args()


def main() -> None:
    args = parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    X, Y = xor()
    steps = 1500 if args.quick else 3000
    models = [
        ("linear model MLP([2,1]), sigmoid output", MLP([2, 1], output_activation="sigmoid")),
        ("[2,2,1] tanh MLP, sigmoid output", MLP([2, 2, 1], activation="tanh", output_activation="sigmoid")),
    ]
    g = np.linspace(-0.5, 1.5, 300)
    G = np.stack(np.meshgrid(g, g, indexing="xy"), axis=-1).reshape(-1, 2)
    fig, axes = plt.subplots(1, 2, figsize=(12, 5.2), layout="constrained")
    for ax, (name, model) in zip(axes, models):
        result = train(model, X, Y, loss="bce", lr=0.5, momentum=0.9, steps=steps, seed=0)
        p = result.predict(X)[:, 0]
        correct = int(((p > 0.5) == (Y[:, 0] > 0.5)).sum())
        print(f"{name:42s} {model.num_params} parameters  {correct}/4 correct  "
              f"final bce {result.losses[-1]:.3f}  outputs {np.round(p, 3).tolist()}")
        P = result.predict(G)[:, 0].reshape(len(g), len(g))
        im = ax.contourf(g, g, P, levels=np.linspace(0, 1, 11), cmap="RdBu_r", alpha=0.8)
        if P.max() - P.min() < 0.05:
            ax.text(0.5, 0.5, f"P = {P.mean():.2f} everywhere:\nno line separates XOR", ha="center",
                    va="center", fontsize=12, bbox=dict(facecolor="white", alpha=0.9))
        else:
            ax.contour(g, g, P, levels=[0.5], colors="black", linewidths=2)
        for label, marker in [(0, "o"), (1, "s")]:
            pts = X[Y[:, 0] == label]
            ax.scatter(pts[:, 0], pts[:, 1], s=160, marker=marker, c="white" if label == 0 else "black",
                       edgecolors="black", linewidths=2, label=f"XOR = {label}", zorder=3)
        ax.set(title=f"{name}\n{model.num_params} parameters: {correct}/4 correct", xlabel="x1",
               ylabel="x2", aspect="equal")
        ax.legend(loc="upper center", fontsize=9, framealpha=0.9)
    fig.colorbar(im, ax=axes, label="predicted P(XOR = 1); black line: 0.5", shrink=0.8)
    path = args.out / "xor.png"
    fig.savefig(path, dpi=100, bbox_inches="tight", pad_inches=0.2)
    plt.close(fig)
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
