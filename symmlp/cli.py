"""The ``symmlp`` command line.

Each subcommand lives in a function ``cmd_<name>(args) -> int``; bad input
exits 2 with one line on stderr, never a traceback.  Modules that add their
own subcommands expose ``add_parser(subparsers)`` and are listed in
``_EXTENSIONS``.
"""

from __future__ import annotations

import argparse
import importlib
import re
import sys
from collections.abc import Sequence

import sympy as sp

from .activations import activation_names

__all__ = ["main", "parse_ints", "UsageError"]

_EXTENSIONS = ("symmlp.bench", "symmlp.train_cli", "symmlp.latex_cli", "symmlp.approx_cli",
               "symmlp.tour")


class UsageError(ValueError):
    """Bad command-line input; reported in one line, exit status 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # one line, not usage + traceback
        raise UsageError(f"{message} (see '{self.prog} --help')")


def parse_ints(text: str, what: str, *, count: int | None = None) -> list[int]:
    """``"2,3,1"`` -> ``[2, 3, 1]``; anything but comma-separated integers is refused.

    Examples
    ========

    >>> from symmlp.cli import parse_ints
    >>> parse_ints("2, 3,1", "widths")
    [2, 3, 1]
    >>> parse_ints("2,x", "widths")
    Traceback (most recent call last):
    ...
    symmlp.cli.UsageError: widths must be comma-separated integers such as 2,3,1, got '2,x'
    """
    parts = [p.strip() for p in text.split(",")]
    if not all(re.fullmatch(r"-?\d+", p) for p in parts):
        raise UsageError(f"{what} must be comma-separated integers such as 2,3,1, got {text!r}")
    values = [int(p) for p in parts]
    if count is not None and len(values) != count:
        raise UsageError(f"{what} needs {count} integers, got {len(values)} in {text!r}")
    return values


def activation_arg(text: str) -> str | list[str]:
    """``"tanh"`` -> ``"tanh"``; ``"relu,tanh"`` -> one name per hidden layer."""
    return text.split(",") if "," in text else text


def add_model_arguments(p: argparse.ArgumentParser) -> None:
    """WIDTHS, --activation and --output-activation, shared by several subcommands."""
    p.add_argument("widths", help="layer widths, comma-separated, e.g. 2,3,1")
    p.add_argument("--activation", "-a", default="tanh", type=activation_arg,
                   help="hidden activation, or one per hidden layer comma-separated "
                        f"({', '.join(activation_names())}); default tanh")
    p.add_argument("--output-activation", default="identity",
                   help="output layer activation (default identity; sigmoid for --loss bce)")


def model_from_args(args: argparse.Namespace):
    from .mlp import MLP

    return MLP(parse_ints(args.widths, "widths"), activation=args.activation,
               output_activation=args.output_activation)


SHOW_MAX_PARAMS = 200


def cmd_show(args: argparse.Namespace) -> int:
    model = model_from_args(args)
    print(repr(model))
    print(f"{model.num_params} parameters")
    if model.num_params > SHOW_MAX_PARAMS and not args.full:
        print(f"y = {sp.latex(model)[len(chr(92) + 'hat{y} = '):]}")
        print(f"(the expanded expression is not built above {SHOW_MAX_PARAMS} parameters: "
              f"pass --full to build and print it)")
        return 0
    for k, expr in enumerate(model.output, start=1):
        if args.latex:
            print(sp.latex(expr))
        else:
            print(f"y_{k} = {expr}")
    return 0


def cmd_count(args: argparse.Namespace) -> int:
    from .counting import count_table, mlp_count, polynomial_count, separable_count

    if args.polynomial:
        n, d = parse_ints(args.polynomial, "--polynomial N,D", count=2)
        ns, ds = sp.symbols("n d", positive=True, integer=True)
        print(f"full polynomial, n={n}, d={d}: C(n+d, d) = {polynomial_count(n, d)}")
        print(f"separable polynomial: n*d + 1 = {separable_count(n, d)}")
        print(f"symbolic: full {polynomial_count(ns, ds)} "
              f"(d=2: {sp.factor(sp.expand_func(polynomial_count(ns, 2)))}), "
              f"separable {separable_count(ns, ds)}")
        print()
        print(count_table(degrees=sorted({2, 3, 4, d} - {0})))
        return 0
    if not args.widths:
        raise UsageError("count needs WIDTHS (e.g. 2,3,1) or --polynomial N,D")
    widths = parse_ints(args.widths, "widths")
    total = mlp_count(widths)
    print(f"MLP {widths}: {total} parameters")
    for l, (a, b) in enumerate(zip(widths, widths[1:]), start=1):
        print(f"  layer {l}: W{l} {b}x{a} = {a * b}, b{l} {b}  -> {(a + 1) * b}")
    syms = sp.symbols(f"n0:{len(widths)}", positive=True, integer=True)
    print(f"symbolic: {mlp_count(list(syms))}")
    if len(widths) == 3 and widths[-1] == 1:
        n, m = sp.symbols("n m", positive=True, integer=True)
        print(f"for [n, m, 1]: {mlp_count([n, m, 1])}")
    if len(widths) >= 3:
        print()
        print(count_table(hidden=widths[1]))
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    from .check import check

    report = check(model_from_args(args), args.loss, seed=args.seed)
    print(report)
    return 0 if report.ok else 1


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="symmlp",
        description="Exact symbolic MLPs and polynomials: build and count them, derive their "
                    "gradients, compile them to NumPy, train, check and write them up in LaTeX.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    p = sub.add_parser("show", help="print a model's exact expression",
                       description="Print an MLP's output as an exact SymPy expression.")
    add_model_arguments(p)
    p.add_argument("--latex", action="store_true", help="print LaTeX instead of SymPy text")
    p.add_argument("--full", action="store_true",
                   help=f"build and print the expanded output even above {SHOW_MAX_PARAMS} parameters")
    p.set_defaults(func=cmd_show)

    p = sub.add_parser("count", help="parameter counts: MLP widths or a polynomial's (n, d)",
                       description="Closed-form parameter counts, with their symbolic forms.")
    p.add_argument("widths", nargs="?", help="MLP widths, e.g. 8,64,64,1")
    p.add_argument("--polynomial", metavar="N,D", help="count polynomials in N inputs of degree D")
    p.set_defaults(func=cmd_count)

    p = sub.add_parser("check", help="symbolic vs numeric gradient agreement",
                       description="Compare backprop with sympy.diff, compiled NumPy and finite "
                                   "differences at a random exact point; exit 1 on disagreement.")
    add_model_arguments(p)
    p.add_argument("--loss", default="mse", help="mse, bce (sigmoid output) or softmax_ce")
    p.add_argument("--seed", type=int, default=0, help="seed of the random point")
    p.set_defaults(func=cmd_check)

    for name in _EXTENSIONS:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
            continue
        module.add_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        if getattr(args, "func", None) is None:
            parser.print_help()
            return 2
        return args.func(args)
    except (UsageError, ValueError, TypeError) as exc:
        message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        print(f"symmlp: error: {message}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # e.g. `symmlp count ... | head`
        sys.stderr.close()
        return 0
    except OSError as exc:  # a folder or file that cannot be written
        where = f" {exc.filename}" if exc.filename else ""
        print(f"symmlp: error: cannot write{where}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("symmlp: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
