"""``symmlp check``: the numbers against the exact ones; exit 1 on disagreement."""

from __future__ import annotations

from .args import add_model_arguments, model_from_args, parse_number, value_option

__all__ = ["add_parser", "run"]


def run(args) -> int:
    from ..verify.check import check

    seed = parse_number(args.seed, "--seed", integer=True, low=0)
    report = check(model_from_args(args, "check"), args.loss, seed=seed)
    print(report)
    return 0 if report.ok else 1


def add_parser(sub) -> None:
    p = sub.add_parser("check", help="symbolic vs numeric gradient agreement",
                       description="Compare backprop with sympy.diff, compiled NumPy and finite "
                                   "differences at a random exact point; exit 1 on disagreement.")
    add_model_arguments(p)
    value_option(p, "--seed", default="0", help="seed of the random point (default 0)")
    p.set_defaults(func=run)
