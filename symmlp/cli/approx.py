"""``symmlp approx``: the approximation explorer on the command line.

Subcommands print one result each (``bernstein``, ``staircase``, ``relu``,
``collapse``, ``blind-spot``, ``epsilon``, ``criteria``); ``--plots DIR`` also
writes that result's PNG, and ``symmlp approx --plots DIR`` alone writes every
plot.  Target functions are parsed by :func:`symmlp.explore.target.parse_target`,
never evaluated, and proven finite on the interval before any work.
"""

from __future__ import annotations

from pathlib import Path

import sympy as sp

from .args import UsageError, parse_number, value_option

__all__ = ["add_parser", "run", "parse_exact_interval", "LIMITS"]

LIMITS = {"n": 2000, "printed_n": 40, "steps": 100_000, "knots": 100_000, "grid": 10**6,
          "printed_params": 40, "samples": 10**6, "depth": 12, "width": 16, "unit_evaluations": 2.5e8}


def parse_exact_interval(text: str, what: str = "--interval") -> tuple[sp.Expr, sp.Expr]:
    """``"-pi,pi"`` -> ``(-pi, pi)``: two constant expressions ``A < B`` (parsed, never evaluated).

    Examples
    ========

    >>> from symmlp.cli.approx import parse_exact_interval
    >>> parse_exact_interval("-pi, 1/2")
    (-pi, 1/2)
    """
    from ..explore.target import parse_target

    parts = text.split(",")
    if len(parts) != 2:
        raise UsageError(f"{what} must be two numbers A,B such as -pi,pi or 0,1, got {text!r:.60}")
    ends = []
    for part in parts:
        value, _ = parse_target(part.strip(), 1)
        if value.free_symbols:
            raise UsageError(f"{what} ends must be constants such as -pi or 0.5, got {part.strip()!r:.40}")
        ends.append(value)
    a, b = (float(v) for v in ends)
    if not (a < b) or max(abs(a), abs(b)) > 1e300:
        raise UsageError(f"{what} needs A < B within ±1e300, got {text!r:.60}")
    return ends[0], ends[1]


def _int(args, name: str, low: int) -> int:
    return parse_number(getattr(args, name), f"--{name}", integer=True, low=low, high=LIMITS[name])


def _target(args) -> tuple[sp.Expr, tuple[sp.Expr, sp.Expr]]:
    from ..explore.target import proven_finite_target

    interval = parse_exact_interval(args.interval)
    f = proven_finite_target(args.target, 1, (float(interval[0]), float(interval[1])))
    return f.expr, interval


def _check_plots(folder: str | None, *names: str) -> None:
    """Create the ``--plots`` folder (never its parents) and check each PNG path in it, before any
    long computation."""
    if folder:
        from ..explore.plots import check_plot_path, make_dir

        make_dir(folder)
        for name in names:
            check_plot_path(Path(folder) / name, "--plots")


def _show_network(net, f, interval, grid: int) -> None:
    from ..explore.approx import sup_error

    evaluations = grid * net.hidden
    if evaluations > LIMITS["unit_evaluations"]:
        raise UsageError(f"the sup error evaluates {net.hidden} hidden units at {grid} points, {evaluations:.2g} "
                         f"unit evaluations (more than {LIMITS['unit_evaluations']:.1e}, a few seconds); "
                         "lower --grid or the network's size")

    print(repr(net))
    if net.num_params <= LIMITS["printed_params"]:
        print(f"{net.num_params} parameters; theta (model.params order):")
        for p, v in zip(net.model.params, net.theta):
            print(f"  {p} = {v:.6g}")
    else:
        print(f"{net.num_params} parameters (listed up to {LIMITS['printed_params']})")
    print(f"sup error on [{interval[0]}, {interval[1]}] ({grid} points): {sup_error(f, net, interval, grid):.3e}")


def cmd_bernstein(args) -> int:
    from ..explore.approx import approximation_error, bernstein

    f, interval = _target(args)
    n, grid = _int(args, "n", 1), _int(args, "grid", 2)
    _check_plots(args.plots, "bernstein.png")
    print(f"Bernstein polynomial B_{n} of {f} on [{interval[0]}, {interval[1]}]:")
    if n <= LIMITS["printed_n"]:
        poly = bernstein(f, n, interval)
        rough = sp.expand(poly.evalf(30))
        rough = rough.xreplace({c: 0 for c in rough.atoms(sp.Float) if abs(c) < 1e-20})
        print(f"  expanded, 6 digits: {rough.evalf(6)}")
    else:
        print(f"  (the polynomial is printed up to degree {LIMITS['printed_n']})")
    print(f"sup error ({grid} points): {approximation_error(f, 'bernstein', n, interval, grid):.3e}")
    if args.plots:
        from ..explore.plots import plot_bernstein

        degrees = sorted({max(1, n // 4), max(1, n // 2), n} & set(range(1, 201)))
        path = plot_bernstein(f, interval, {k: bernstein(f, k, interval) for k in degrees},
                              Path(args.plots) / "bernstein.png")
        print(f"wrote {path}")
    return 0


def cmd_staircase(args) -> int:
    from ..explore.approx import sigmoid_staircase

    f, interval = _target(args)
    steps, grid = _int(args, "steps", 1), _int(args, "grid", 2)
    sharpness = parse_number(args.sharpness, "--sharpness", low=0, low_open=True, high=1e12)
    _check_plots(args.plots, "staircase.png")
    net = sigmoid_staircase(f, steps, sharpness, interval)
    _show_network(net, f, interval, grid)
    if args.plots:
        from ..explore.plots import plot_staircase

        width = float(interval[1] - interval[0])
        ratio = sharpness * width / steps
        sizes = sorted({max(1, steps // 4), max(1, steps // 2), steps})
        nets = [sigmoid_staircase(f, s, ratio * s / width, interval) for s in sizes]
        print(f"wrote {plot_staircase(f, nets, Path(args.plots) / 'staircase.png')}")
    return 0


def cmd_relu(args) -> int:
    from ..explore.approx import relu_interpolant

    f, interval = _target(args)
    knots, grid = _int(args, "knots", 2), _int(args, "grid", 2)
    _check_plots(args.plots, "relu_peaks.png")
    net = relu_interpolant(f, knots, interval)
    _show_network(net, f, interval, grid)
    if args.plots:
        from ..explore.plots import plot_relu_peaks

        print(f"wrote {plot_relu_peaks(f, net, Path(args.plots) / 'relu_peaks.png')}")
    return 0


def cmd_collapse(args) -> int:
    from ..explore.claims import polynomial_collapse

    depth, width = _int(args, "depth", 1), _int(args, "width", 1)
    result = polynomial_collapse(args.activation, depth, width)
    print(result)
    if result.is_polynomial and len(str(result.output)) <= 2000:
        print(f"  at the generic parameters: y = {result.output}")
    if args.activation != "tanh":
        print(polynomial_collapse("tanh", min(depth, 2), width))
    return 0


def cmd_blind_spot(args) -> int:
    from ..explore.claims import separable_blind_spot

    samples = _int(args, "samples", 10)
    degree = parse_number(args.degree, "--degree", integer=True, low=1, high=12)
    seed = parse_number(args.seed, "--seed", integer=True, low=0, high=2**63 - 1)
    print(separable_blind_spot(samples, seed, degree))
    return 0


def cmd_epsilon(args) -> int:
    from ..explore.approx import X1, error_curves
    from ..explore.claims import parameters_for_epsilon

    eps = [parse_number(t, "--eps", low=1e-12, high=1e3) for t in args.eps.split(",")]
    _check_plots(args.plots, "error_vs_params.png", "parameter_explosion.png")
    print(parameters_for_epsilon(epsilons=eps))
    if args.plots:
        from ..explore.plots import plot_error_vs_params, plot_parameter_explosion

        out = Path(args.plots)
        curves = error_curves(sp.sin(X1), (-sp.pi, sp.pi))
        print(f"wrote {plot_error_vs_params(curves, out / 'error_vs_params.png', 'sin(x) on [-pi, pi]')}")
        print(f"wrote {plot_parameter_explosion(out / 'parameter_explosion.png')}")
    return 0


def cmd_criteria(args) -> int:
    from ..explore.claims import criteria_table

    print(criteria_table())
    return 0


def run(args) -> int:
    """Run ``symmlp approx``: a subcommand, or ``--plots DIR`` alone for every plot."""
    if args.approx_func is not None:
        return args.approx_func(args)
    if args.all_plots:
        from ..explore.claims import PLOTS, run_all

        _check_plots(args.all_plots, *PLOTS.values())
        for name, path in run_all(args.all_plots)["plots"].items():
            print(f"wrote {path}  ({name})")
        return 0
    raise UsageError("approx needs a subcommand (bernstein, staircase, relu, collapse, blind-spot, "
                     "epsilon, criteria) or --plots DIR")


def _target_args(p) -> None:
    value_option(p, "--target", default="sin(x)",
                 help="target function of x, e.g. 'abs(x)' or 'exp(-x**2)' (default sin(x))")
    value_option(p, "--interval", default="-pi,pi", help="interval A,B (default -pi,pi)")
    value_option(p, "--grid", default="2001", help=f"points of the sup-error grid (default 2001, at most "
                                                   f"{LIMITS['grid']})")
    value_option(p, "--plots", metavar="DIR", help="also write this result's PNG into DIR")


def add_parser(sub) -> None:
    """Add ``approx`` and its subcommands to the ``symmlp`` command line."""
    from .args import Parser

    p = sub.add_parser(
        "approx", help="approximation explorer: Bernstein, sigmoid steps, ReLU peaks, criteria",
        description="Run the post's approximation claims: Bernstein polynomials, sigmoid "
                    "staircases and ReLU interpolants built in closed form, the collapse of "
                    "polynomial activations, the separable polynomial's blind spot, parameters "
                    "needed for a given error, and the criteria table.")
    value_option(p, "--plots", dest="all_plots", metavar="DIR",
                 help="with no subcommand: write every plot into DIR")
    p.set_defaults(func=run, approx_func=None)
    sub2 = p.add_subparsers(dest="approx_command", metavar="WHAT", parser_class=Parser)
    commands = {
        "bernstein": ("the Bernstein polynomial of a target, exactly", cmd_bernstein,
                      [("--n", "10", f"degree (default 10, at most {LIMITS['n']})")]),
        "staircase": ("a [1, H, 1] sigmoid MLP built as a staircase", cmd_staircase,
                      [("--steps", "8", "hidden units H (default 8)"),
                       ("--sharpness", "20", "hidden weight w of every step (default 20)")]),
        "relu": ("a [1, K, 1] ReLU MLP equal to the piecewise-linear interpolant", cmd_relu,
                 [("--knots", "9", "knots K (default 9)")]),
    }
    for name, (text, func, options) in commands.items():
        q = sub2.add_parser(name, help=text)
        _target_args(q)
        for option, default, help_text in options:
            value_option(q, option, default=default, help=help_text)
        q.set_defaults(approx_func=func)

    q = sub2.add_parser("collapse", help="an MLP with polynomial sigma is a polynomial")
    value_option(q, "--activation", default="square", help="activation (default square)")
    value_option(q, "--depth", default="3", help="affine layers L (default 3, at most 12)")
    value_option(q, "--width", default="2", help="hidden width (default 2, at most 16)")
    q.set_defaults(approx_func=cmd_collapse)

    q = sub2.add_parser("blind-spot", help="the separable polynomial cannot fit x1*x2")
    value_option(q, "--samples", default="2000", help="sample size (default 2000)")
    value_option(q, "--seed", default="0", help="sample seed (default 0)")
    value_option(q, "--degree", default="4", help="separable degree (default 4)")
    q.set_defaults(approx_func=cmd_blind_spot)

    q = sub2.add_parser("epsilon", help="parameters needed for a given sup error")
    value_option(q, "--eps", default="0.1,0.01,0.001", help="comma-separated error levels")
    value_option(q, "--plots", metavar="DIR", help="also write error-vs-parameters and explosion PNGs")
    q.set_defaults(approx_func=cmd_epsilon)

    q = sub2.add_parser("criteria", help="the post's criteria table, computed")
    q.set_defaults(approx_func=cmd_criteria)
