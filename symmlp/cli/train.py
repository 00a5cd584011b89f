"""``symmlp train``: fit a model to a target function typed on the command line, or to a
classification dataset.

The target is parsed by :func:`symmlp.explore.target.target_function` (never
evaluated as Python).  Every output path and format is checked before any
work; the model is written before the plot, and on Ctrl-C the last finished
step's parameters are still saved.
"""

from __future__ import annotations

import sys
import time

import numpy as np

from .args import UsageError, add_model_arguments, model_from_args, parse_interval, parse_number, value_option

__all__ = ["add_parser", "run", "DATASETS"]

DATASETS = ("xor", "moons", "circles")
MAX_SAMPLES = 10**6
MAX_WORK = 10**11  # multiply-adds of the whole run


def _data(args, n_inputs: int, n: int, seed: int):
    from ..explore import datasets

    if args.data:
        if n_inputs != 2:
            raise UsageError(f"--data {args.data} has 2 inputs; WIDTHS must start with 2, got {n_inputs}")
        X, Y = {"xor": lambda: datasets.xor(), "moons": lambda: datasets.two_moons(n, seed=seed),
                "circles": lambda: datasets.circles(n, seed=seed)}[args.data]()
        return X, Y, None
    from ..explore.target import proven_finite_target

    f = proven_finite_target(args.target, n_inputs, args.interval_values)
    if n_inputs == 1:
        X = np.linspace(*args.interval_values, n).reshape(-1, 1)
    else:
        X = np.random.default_rng(seed).uniform(*args.interval_values, size=(n, n_inputs))
    return X, f(X).reshape(-1, 1), f


def _targets_for_loss(Y: np.ndarray, loss: str, n_outputs: int) -> np.ndarray:
    if loss == "softmax_ce":
        return Y.ravel().astype(np.int64)
    if Y.shape[1] != n_outputs:
        raise UsageError(f"the data have {Y.shape[1]} target column(s) but the model has {n_outputs} "
                         "output(s); WIDTHS must end in 1 (or 2 for --loss softmax_ce on --data)")
    return Y


def _check_outputs(args) -> None:
    from ..core.files import check_output_path, has_png_mark
    from ..training.fileformat import is_model_file

    if args.plot is not None:
        if not args.plot.lower().endswith(".png"):
            raise UsageError(f"--plot must name a .png file, got {args.plot!r}")
        check_output_path(args.plot, "--plot", has_png_mark)
    if args.save is not None:
        if args.save.lower().endswith(".png"):
            raise UsageError(f"--save writes JSON; {args.save!r} looks like a plot (use a .json name)")
        check_output_path(args.save, "--save", is_model_file)
    if args.plot is not None and args.save is not None:
        import os

        if os.path.abspath(args.plot) == os.path.abspath(args.save):
            raise UsageError("--plot and --save name the same file")


def _progress(steps: int):
    if steps < 1000:
        return None
    every = max(1, steps // 10)

    def report(step: int, loss: float, theta) -> None:
        if (step + 1) % every == 0:
            print(f"step {step + 1}/{steps}: loss {loss:.3e}", file=sys.stderr, flush=True)

    return report


def _options(args) -> dict:
    steps = parse_number(args.steps, "--steps", integer=True, low=1, high=10**8)
    options = {
        "steps": steps,
        "lr": parse_number(args.lr, "--lr", low=0, low_open=True, high=1e6),
        "momentum": parse_number(args.momentum, "--momentum", low=0, high=1, high_open=True),
        "batch_size": None if args.batch_size is None else parse_number(
            args.batch_size, "--batch-size", integer=True, low=1, high=MAX_SAMPLES),
        "seed": parse_number(args.seed, "--seed", integer=True, low=0, high=2**63 - 1),
    }
    return options


def run(args) -> int:
    from ..training.loop import TrainingDiverged, TrainingInterrupted, train

    if args.widths_option:
        if args.widths:
            raise UsageError("give WIDTHS once: as the first argument or with --widths")
        args.widths = args.widths_option
    if (args.target is None) == (args.data is None):
        raise UsageError("train needs exactly one of --target EXPR (regression) or --data "
                         f"{{{','.join(DATASETS)}}} (classification)")
    args.interval_values = parse_interval(args.interval)
    options = _options(args)
    n = parse_number(args.n, "--n", integer=True, low=1, high=MAX_SAMPLES)
    model = model_from_args(args, "train")
    _check_outputs(args)
    work = options["steps"] * min(n, options["batch_size"] or n) * model.num_params
    if work > MAX_WORK:
        raise UsageError(f"this run needs about {work:.1e} multiply-adds (steps x batch x parameters), more "
                         f"than {MAX_WORK:.0e} (minutes on 2 cores); reduce --steps, --n or the widths")
    X, Y, f = _data(args, model.n_inputs, n, options["seed"])
    Y = _targets_for_loss(Y, args.loss, model.n_outputs)
    start = time.perf_counter()
    try:
        result = train(model, X, Y, loss=args.loss, callback=_progress(options["steps"]), **options)
    except TrainingDiverged as exc:
        print(f"symmlp: error: {exc}", file=sys.stderr)
        return 1
    except TrainingInterrupted as exc:
        if args.save:
            exc.result.save(args.save)
            print(f"interrupted after {exc.result.losses.size} steps; wrote {args.save} with the last "
                  "finished step's parameters", file=sys.stderr)
        raise KeyboardInterrupt from None
    elapsed = time.perf_counter() - start
    _report(result, X, Y, args, elapsed, n)
    if args.save:
        result.save(args.save)
        print(f"wrote {args.save}")
    if args.plot:
        from .train_plot import plot_training

        plot_training(result, X, Y, f, args)
        print(f"wrote {args.plot}")
    return 0


def _report(result, X, Y, args, elapsed: float, n: int) -> None:
    what = args.target if args.target is not None else f"--data {args.data}"
    print(f"trained {result.model!r} on {what} over {n if args.data != 'xor' else 4} points "
          f"in {elapsed:.2f} s")
    line = f"parameters: {result.model.num_params}; steps: {result.losses.size}; final loss: {result.losses[-1]:.3e}"
    out = result.predict(X)
    if args.loss == "softmax_ce":
        line += f"; accuracy: {np.mean(out.argmax(axis=1) == Y):.3f}"
    elif args.loss == "bce":
        line += f"; accuracy: {np.mean((out > 0.5) == (Y > 0.5)):.3f}"
    else:
        line += f"; final MSE: {float(np.mean((out - Y) ** 2)):.3e}"
    print(line)


def add_parser(sub) -> None:
    p = sub.add_parser(
        "train", help="fit a model to a target function or a dataset by gradient descent",
        description="Sample a target function (numbers, x or x1..xn, + - * / **, parentheses and "
                    "sin cos tan exp log sqrt tanh abs ...; never evaluated as Python) on an "
                    "interval, or take a classification dataset, and fit the model with the compiled "
                    "symbolic gradients.")
    add_model_arguments(p)
    value_option(p, "--widths", dest="widths_option", metavar="WIDTHS", help="the same as WIDTHS")
    value_option(p, "--target", help='target expression, e.g. "sin(3*x)", "-x**2" or "x1*x2"')
    value_option(p, "--data", choices=DATASETS, metavar="NAME",
                 help=f"a classification dataset instead of --target: {', '.join(DATASETS)} "
                      "(with --loss bce and a sigmoid output, or --loss softmax_ce and 2 outputs)")
    value_option(p, "--interval", default="-1,1", help="A,B: each input ranges over [A, B] (default -1,1)")
    value_option(p, "--steps", default="2000", help="gradient-descent steps (default 2000)")
    value_option(p, "--lr", default="0.05", help="learning rate (default 0.05)")
    value_option(p, "--momentum", default="0.9", help="heavy-ball momentum in [0, 1) (default 0.9)")
    value_option(p, "--batch-size", default=None, help="mini-batch size (default: full batch)")
    value_option(p, "--n", default="200", help="number of samples (default 200)")
    value_option(p, "--seed", default="0", help="seed of the initialization and sampling")
    value_option(p, "--plot", metavar="PNG", help="write a plot of the fit and the loss curve")
    value_option(p, "--save", metavar="JSON", help="save the trained model (also on Ctrl-C)")
    p.set_defaults(func=run)
