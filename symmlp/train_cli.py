"""``symmlp train``: fit an MLP to a target function typed on the command line.

The target is parsed by :func:`symmlp.target.target_function` (never
evaluated as Python); the interval is two plain floats.
"""

from __future__ import annotations

import argparse
import math
import os
import re
import sys
import time

import numpy as np

from .cli import UsageError, activation_arg, parse_ints

__all__ = ["add_parser", "parse_interval", "run"]


def parse_interval(text: str) -> tuple[float, float]:
    """``"-3,3"`` -> ``(-3.0, 3.0)``: two finite numbers ``a < b``, nothing else.

    Examples
    ========

    >>> from symmlp.train_cli import parse_interval
    >>> parse_interval("-3, 3")
    (-3.0, 3.0)
    >>> parse_interval("1,nan")
    Traceback (most recent call last):
    ...
    symmlp.cli.UsageError: --interval must be two finite numbers A,B with A < B such as -3,3, got '1,nan'
    """
    message = f"--interval must be two finite numbers A,B with A < B such as -3,3, got {text!r}"
    parts = text.split(",")
    if len(parts) != 2:
        raise UsageError(message)
    try:
        a, b = (float(p.strip()) for p in parts)
    except ValueError:
        raise UsageError(message) from None
    if not (math.isfinite(a) and math.isfinite(b) and a < b):
        raise UsageError(message)
    return a, b


def _number(text: str, what: str, kind=float, *, low: float = 0.0, high: float = math.inf,
            low_open: bool = True):
    try:
        value = kind(text.strip())
    except ValueError:
        value = math.nan
    ok = math.isfinite(value) and (value > low if low_open else value >= low) and value < high
    if not ok:
        bound = f"> {low:g}" if low_open else f">= {low:g}"
        upper = f" and < {high:.0f}" if kind is int and math.isfinite(high) else (
            f" and < {high:g}" if math.isfinite(high) else "")
        raise UsageError(f"{what} must be {'an integer' if kind is int else 'a number'} {bound}{upper}, "
                         f"got {text!r}")
    return value


def add_parser(subparsers) -> None:
    p = subparsers.add_parser(
        "train", help="fit an MLP to a target function by gradient descent",
        description="Sample a target function (numbers, x or x1..xn, + - * / **, parentheses and "
                    "sin cos tan exp log sqrt tanh abs ...; never evaluated as Python) on an "
                    "interval and fit an MLP to it with the compiled symbolic gradients.")
    p.add_argument("--widths", required=True, help="layer widths, e.g. 1,16,1 (last must be 1)")
    p.add_argument("--activation", default="tanh", type=activation_arg,
                   help="hidden activation, or one per hidden layer comma-separated (default tanh)")
    p.add_argument("--target", required=True, help='target expression, e.g. "sin(3*x)" or "x1*x2"')
    p.add_argument("--interval", default="-1,1",
                   help="A,B: each input ranges over [A, B] (default -1,1)")
    p.add_argument("--steps", default="2000", help="gradient-descent steps (default 2000)")
    p.add_argument("--lr", default="0.05", help="learning rate (default 0.05)")
    p.add_argument("--momentum", default="0.9", help="heavy-ball momentum in [0, 1) (default 0.9)")
    p.add_argument("--batch-size", default=None, help="mini-batch size (default: full batch)")
    p.add_argument("--loss", default="mse", choices=["mse"], help="loss (regression: mse)")
    p.add_argument("--n", default="200", help="number of samples (default 200)")
    p.add_argument("--seed", default="0", help="seed of the initialization and sampling")
    # let "--interval -3,3" through: argparse otherwise takes "-3,3" for an option
    p._negative_number_matcher = re.compile(r"^-\.?\d")
    p.add_argument("--plot", metavar="PNG", help="write a plot of the fit and loss curve")
    p.add_argument("--save", metavar="JSON", help="save the trained model")
    p.set_defaults(func=run)


def _data(f, n_inputs: int, n: int, interval, seed: int):
    from .datasets import sample_1d

    if n_inputs == 1:
        with np.errstate(all="ignore"):
            return sample_1d(f, n=n, interval=interval)
    X = np.random.default_rng(seed).uniform(*interval, size=(n, n_inputs))
    with np.errstate(all="ignore"):
        return X, f(X).reshape(-1, 1)


def _progress(steps: int):
    if steps < 1000:
        return None
    every = max(1, steps // 10)

    def report(step: int, loss: float, theta) -> None:
        if (step + 1) % every == 0:
            print(f"step {step + 1}/{steps}: loss (½·MSE) {loss:.3e}", file=sys.stderr, flush=True)

    return report


def _check_output_path(path: str | None, flag: str) -> None:
    """Refuse ``path`` before training when its directory does not exist."""
    if path is None:
        return
    parent = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(parent):
        raise UsageError(f"{flag} {path!r}: the directory {parent!r} does not exist")
    if os.path.isdir(path):
        raise UsageError(f"{flag} {path!r} is a directory, not a file")


def run(args: argparse.Namespace) -> int:
    from .mlp import MLP
    from .target import target_function
    from .train import TrainingDiverged, train

    interval = parse_interval(args.interval)
    steps = _number(args.steps, "--steps", int, high=10**8)
    lr = _number(args.lr, "--lr")
    momentum = _number(args.momentum, "--momentum", low=0.0, high=1.0, low_open=False)
    batch_size = None if args.batch_size is None else _number(args.batch_size, "--batch-size", int)
    n = _number(args.n, "--n", int, high=10**7)
    seed = _number(args.seed, "--seed", int, low=0.0, low_open=False)
    widths = parse_ints(args.widths, "--widths")
    if widths[-1] != 1:
        raise UsageError(f"--widths must end in 1 (one output for the target), got {args.widths!r}")
    _check_output_path(args.save, "--save")
    _check_output_path(args.plot, "--plot")
    model = MLP(widths, activation=args.activation)
    f = target_function(args.target, n_inputs=widths[0])
    X, Y = _data(f, widths[0], n, interval, seed)
    if not np.isfinite(Y).all():
        raise UsageError(f"the target {args.target!r} is not finite everywhere on the interval "
                         f"{interval[0]:g}..{interval[1]:g}")
    start = time.perf_counter()
    try:
        result = train(model, X, Y, lr=lr, steps=steps, momentum=momentum, batch_size=batch_size,
                       seed=seed, callback=_progress(steps))
    except TrainingDiverged as exc:
        print(f"symmlp: error: {exc}", file=sys.stderr)
        return 1
    elapsed = time.perf_counter() - start
    mse = float(np.mean((result.predict(X) - Y) ** 2))
    print(f"trained {model!r} on {args.target} over {n} points in {elapsed:.2f} s")
    print(f"parameters: {model.num_params}; steps: {steps}; final MSE: {mse:.3e}")
    if args.plot:
        _plot(result, X, f, interval, mse, args)
        print(f"wrote {args.plot}")
    if args.save:
        result.save(args.save)
        print(f"wrote {args.save}")
    return 0


def _plot(result, X, f, interval, mse, args) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (ax, ax_loss) = plt.subplots(1, 2, figsize=(10, 4))
    n_in = X.shape[1]
    a, b = interval
    if n_in == 1:
        grid = np.linspace(a, b, 400).reshape(-1, 1)
        ax.plot(grid, f(grid), color="black", lw=2, label=f"target {args.target}")
        ax.plot(grid, result.predict(grid), color="tab:orange", lw=1.5, ls="--", label="MLP fit")
        ax.legend()
        ax.set_xlabel("x")
    elif n_in == 2:
        g = np.linspace(a, b, 80)
        G = np.stack(np.meshgrid(g, g, indexing="xy"), axis=-1).reshape(-1, 2)
        err = (result.predict(G)[:, 0] - f(G)).reshape(80, 80)
        top = float(np.abs(err).max()) or 1.0
        im = ax.imshow(err, origin="lower", extent=(a, b, a, b), cmap="coolwarm", vmin=-top, vmax=top)
        fig.colorbar(im, ax=ax)
        ax.set_xlabel("x1")
        ax.set_ylabel("x2")
    else:
        ax.axis("off")
        ax.text(0.5, 0.5, f"{n_in} inputs: no fit plot", ha="center")
    model = result.model
    ax.set_title(f"{list(model.widths)} {model.activation_names[0]} MLP vs {args.target[:30]}\n"
                 f"MSE {mse:.2e}" + ("" if n_in == 1 else " (colour: fit − target)"))
    ax_loss.semilogy(result.losses)
    ax_loss.set_xlabel("step")
    ax_loss.set_ylabel("loss (½ mean squared error)")
    ax_loss.set_title("training loss")
    fig.tight_layout()
    fig.savefig(args.plot, dpi=100)
    plt.close(fig)
