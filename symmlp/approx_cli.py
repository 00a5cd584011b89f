"""``symmlp approx``: the approximation explorer on the command line.

Subcommands print one result each (``bernstein``, ``staircase``, ``relu``,
``collapse``, ``blind-spot``, ``epsilon``, ``criteria``); ``--plots DIR`` also
writes that result's PNG, and ``symmlp approx --plots DIR`` alone writes every
plot.  Target functions are parsed by :func:`symmlp.target.parse_target`, never
evaluated.
"""

from __future__ import annotations

import argparse
import math
from pathlib import Path

import sympy as sp

from .cli import UsageError
from .target import parse_target

__all__ = ["add_parser", "run"]

_SUMMARY_TERMS = 2000


def _interval(text: str) -> tuple[sp.Expr, sp.Expr]:
    parts = text.split(",")
    if len(parts) != 2:
        raise UsageError(f"--interval must be two numbers A,B such as -pi,pi or 0,1, got {text!r}")
    ends = []
    for part in parts:
        value, _ = parse_target(part.strip(), 1)
        if value.free_symbols:
            raise UsageError(f"--interval ends must be constants such as -pi or 0.5, got {part.strip()!r}")
        ends.append(value)
    if not bool(ends[0] < ends[1]):
        raise UsageError(f"--interval needs A < B, got {text!r}")
    return ends[0], ends[1]


def _target_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--target", default="sin(x)",
                   help="target function of x, e.g. 'abs(x)' or 'exp(-x**2)' (default sin(x))")
    p.add_argument("--interval", default="-pi,pi",
                   help="interval A,B (default -pi,pi); write --interval=-1,1 when A is negative")
    p.add_argument("--grid", type=int, default=2001, help="points of the sup-error grid (default 2001)")
    p.add_argument("--plots", metavar="DIR", help="also write this result's PNG into DIR")


def _target(args) -> tuple[sp.Expr, tuple[sp.Expr, sp.Expr]]:
    expr, _ = parse_target(args.target, 1)
    return expr, _interval(args.interval)


def _check_plots(folder: str | None) -> None:
    """Create the ``--plots`` folder up front (never its parents), before any long computation."""
    if folder:
        from .plots import make_dir

        make_dir(folder)


def _show_network(net, f, interval, grid: int) -> None:
    from .approx import sup_error

    print(repr(net))
    print(f"{net.num_params} parameters; theta (model.params order):")
    for p, v in zip(net.model.params, net.theta):
        print(f"  {p} = {v:.6g}")
    print(f"sup error on [{interval[0]}, {interval[1]}] ({grid} points): "
          f"{sup_error(f, net, interval, grid):.3e}")


def cmd_bernstein(args) -> int:
    from .approx import bernstein, sup_error

    f, interval = _target(args)
    _check_plots(args.plots)
    poly = bernstein(f, args.n, interval)
    print(f"Bernstein polynomial B_{args.n} of {f} on [{interval[0]}, {interval[1]}]:")
    text = str(poly)
    print(f"  exact: {text}" if len(text) <= _SUMMARY_TERMS else f"  exact: ({len(text)} characters)")
    rough = sp.expand(poly.evalf(30))
    rough = rough.xreplace({c: 0 for c in rough.atoms(sp.Float) if abs(c) < 1e-20})
    print(f"  expanded, 6 digits: {rough.evalf(6)}")
    print(f"sup error ({args.grid} points): {sup_error(f, poly, interval, args.grid):.3e}")
    if args.plots:
        from .plots import plot_bernstein

        degrees = sorted({max(1, args.n // 4), max(1, args.n // 2), args.n})
        path = plot_bernstein(f, interval, {n: bernstein(f, n, interval) for n in degrees},
                              Path(args.plots) / "bernstein.png")
        print(f"wrote {path}")
    return 0


def cmd_staircase(args) -> int:
    from .approx import sigmoid_staircase

    f, interval = _target(args)
    _check_plots(args.plots)
    net = sigmoid_staircase(f, args.steps, args.sharpness, interval)
    _show_network(net, f, interval, args.grid)
    if args.plots:
        from .plots import plot_staircase

        width = float(interval[1] - interval[0])
        ratio = args.sharpness * width / args.steps
        steps = sorted({max(1, args.steps // 4), max(1, args.steps // 2), args.steps})
        nets = [sigmoid_staircase(f, s, ratio * s / width, interval) for s in steps]
        print(f"wrote {plot_staircase(f, nets, Path(args.plots) / 'staircase.png')}")
    return 0


def cmd_relu(args) -> int:
    from .approx import relu_interpolant

    f, interval = _target(args)
    _check_plots(args.plots)
    net = relu_interpolant(f, args.knots, interval)
    _show_network(net, f, interval, args.grid)
    if args.plots:
        from .plots import plot_relu_peaks

        print(f"wrote {plot_relu_peaks(f, net, Path(args.plots) / 'relu_peaks.png')}")
    return 0


def cmd_collapse(args) -> int:
    from .claims import polynomial_collapse

    result = polynomial_collapse(args.activation, args.depth, args.width)
    print(result)
    if result.is_polynomial and len(str(result.output)) <= _SUMMARY_TERMS:
        print(f"  at the generic parameters: y = {result.output}")
    if args.activation != "tanh":
        print(polynomial_collapse("tanh", min(args.depth, 2), args.width))
    return 0


def cmd_blind_spot(args) -> int:
    from .claims import separable_blind_spot

    print(separable_blind_spot(args.samples, args.seed, args.degree))
    return 0


def cmd_epsilon(args) -> int:
    from .approx import error_curves
    from .claims import parameters_for_epsilon

    _check_plots(args.plots)
    result = parameters_for_epsilon(epsilons=args.eps)
    print(result)
    if args.plots:
        from .plots import plot_error_vs_params, plot_parameter_explosion

        out = Path(args.plots)
        curves = error_curves(sp.sin(sp.Symbol("x_1")), (-sp.pi, sp.pi))
        print(f"wrote {plot_error_vs_params(curves, out / 'error_vs_params.png', 'sin(x) on [-pi, pi]')}")
        print(f"wrote {plot_parameter_explosion(out / 'parameter_explosion.png')}")
    return 0


def cmd_criteria(args) -> int:
    from .claims import criteria_table

    print(criteria_table())
    return 0


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise UsageError(f"expected a positive number, got {text!r}") from None
    if not (math.isfinite(value) and value > 0):
        raise UsageError(f"expected a positive number, got {text!r}")
    return value


def _eps_list(text: str) -> list[float]:
    return [_positive_float(t.strip()) for t in text.split(",")]


def run(args) -> int:
    """Run ``symmlp approx``: a subcommand, or ``--plots DIR`` alone for every plot."""
    if getattr(args, "approx_func", None) is not None:
        return args.approx_func(args)
    if args.all_plots:
        from .claims import run_all

        _check_plots(args.all_plots)
        result = run_all(args.all_plots)
        for name, path in result["plots"].items():
            print(f"wrote {path}  ({name})")
        return 0
    raise UsageError("approx needs a subcommand (bernstein, staircase, relu, collapse, blind-spot, "
                     "epsilon, criteria) or --plots DIR")


def add_parser(subparsers) -> None:
    """Add ``approx`` and its subcommands to the ``symmlp`` command line."""
    p = subparsers.add_parser(
        "approx", help="approximation explorer: Bernstein, sigmoid steps, ReLU peaks, criteria",
        description="Run the post's approximation claims: Bernstein polynomials, sigmoid "
                    "staircases and ReLU interpolants built in closed form, the collapse of "
                    "polynomial activations, the separable polynomial's blind spot, parameters "
                    "needed for a given error, and the criteria table.")
    p.add_argument("--plots", dest="all_plots", metavar="DIR",
                   help="with no subcommand: write every plot into DIR")
    p.set_defaults(func=run, approx_func=None)
    sub = p.add_subparsers(dest="approx_command", metavar="WHAT", parser_class=type(p))

    q = sub.add_parser("bernstein", help="the Bernstein polynomial of a target, exactly")
    _target_args(q)
    q.add_argument("--n", type=int, default=10, help="degree (default 10)")
    q.set_defaults(approx_func=cmd_bernstein)

    q = sub.add_parser("staircase", help="a [1, H, 1] sigmoid MLP built as a staircase")
    _target_args(q)
    q.add_argument("--steps", type=int, default=8, help="hidden units H (default 8)")
    q.add_argument("--sharpness", type=_positive_float, default=20.0,
                   help="hidden weight w of every step (default 20)")
    q.set_defaults(approx_func=cmd_staircase)

    q = sub.add_parser("relu", help="a [1, K, 1] ReLU MLP equal to the piecewise-linear interpolant")
    _target_args(q)
    q.add_argument("--knots", type=int, default=9, help="knots K (default 9)")
    q.set_defaults(approx_func=cmd_relu)

    q = sub.add_parser("collapse", help="an MLP with polynomial sigma is a polynomial")
    q.add_argument("--activation", default="square", help="activation (default square)")
    q.add_argument("--depth", type=int, default=3, help="affine layers L (default 3)")
    q.add_argument("--width", type=int, default=2, help="hidden width (default 2)")
    q.set_defaults(approx_func=cmd_collapse)

    q = sub.add_parser("blind-spot", help="the separable polynomial cannot fit x1*x2")
    q.add_argument("--samples", type=int, default=2000, help="sample size (default 2000)")
    q.add_argument("--seed", type=int, default=0, help="sample seed (default 0)")
    q.add_argument("--degree", type=int, default=4, help="separable degree (default 4)")
    q.set_defaults(approx_func=cmd_blind_spot)

    q = sub.add_parser("epsilon", help="parameters needed for a given sup error")
    q.add_argument("--eps", type=_eps_list, default=[0.1, 0.01, 0.001],
                   help="comma-separated error levels (default 0.1,0.01,0.001)")
    q.add_argument("--plots", metavar="DIR", help="also write error-vs-parameters and explosion PNGs")
    q.set_defaults(approx_func=cmd_epsilon)

    q = sub.add_parser("criteria", help="the post's criteria table, computed")
    q.set_defaults(approx_func=cmd_criteria)

