"""The plot of ``symmlp train --plot``: the fit (or the decision regions) and the loss curve."""

from __future__ import annotations

import numpy as np

__all__ = ["plot_training"]


def _fit_panel(ax, fig, result, X, Y, f, args) -> str:
    a, b = args.interval_values
    n_in = X.shape[1]
    if f is not None and n_in == 1:
        grid = np.linspace(a, b, 400).reshape(-1, 1)
        ax.plot(grid, f(grid), color="black", lw=2, label=f"target {args.target}")
        ax.plot(grid, result.predict(grid), color="tab:orange", lw=1.5, ls="--", label="fit")
        ax.legend()
        ax.set_xlabel("x")
        return ""
    if n_in != 2:
        ax.axis("off")
        ax.text(0.5, 0.5, f"{n_in} inputs: no fit plot", ha="center")
        return ""
    lo, hi = (X.min(axis=0) - 0.2, X.max(axis=0) + 0.2) if f is None else ((a, a), (b, b))
    g1, g2 = np.linspace(lo[0], hi[0], 80), np.linspace(lo[1], hi[1], 80)
    G = np.stack(np.meshgrid(g1, g2, indexing="xy"), axis=-1).reshape(-1, 2)
    out = result.predict(G)
    if f is not None:
        err = (out[:, 0] - f(G)).reshape(80, 80)
        top = float(np.abs(err).max()) or 1.0
        im = ax.imshow(err, origin="lower", extent=(lo[0], hi[0], lo[1], hi[1]), cmap="coolwarm",
                       vmin=-top, vmax=top)
        fig.colorbar(im, ax=ax)
        return " (colour: fit − target)"
    score = out.argmax(axis=1) if out.shape[1] > 1 else (out[:, 0] > 0.5)
    ax.contourf(g1, g2, score.reshape(80, 80).astype(float), levels=[-0.5, 0.5, 1.5], cmap="coolwarm",
                alpha=0.3)
    labels = Y.ravel() if Y.ndim == 1 else Y[:, 0]
    ax.scatter(X[:, 0], X[:, 1], c=labels, cmap="coolwarm", edgecolors="k", s=20)
    return " (regions: predicted class)"


def plot_training(result, X, Y, f, args) -> None:
    """Write ``args.plot``: the fit or the decision regions, beside the training loss."""
    from matplotlib.figure import Figure

    from ..explore.plots import save_figure

    fig = Figure(figsize=(10, 4))
    ax, ax_loss = fig.subplots(1, 2)
    note = _fit_panel(ax, fig, result, X, Y, f, args)
    what = args.target if args.target is not None else args.data
    ax.set_title(f"{result.model!r}"[:60] + f"\non {what[:40]}{note}", fontsize=9)
    ax_loss.semilogy(result.losses)
    ax_loss.set_xlabel("step")
    ax_loss.set_ylabel(f"loss ({result.loss})")
    ax_loss.set_title("training loss")
    save_figure(fig, args.plot, "--plot", dpi=100)
