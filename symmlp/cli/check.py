"""``symmlp check``: the gradient certified by independent routes; exit 1 when anything fails."""

from __future__ import annotations

import sys
import time

from .args import UsageError, add_model_arguments, model_from_args, parse_number, value_option

__all__ = ["add_parser", "run"]

ROUTE_NAMES = ("A", "B", "C")


def _routes(text: str | None) -> str | None:
    if text is None:
        return None
    names = [t.strip().upper() for t in text.split(",")]
    if not names or any(n not in ROUTE_NAMES for n in names) or len(set(names)) < 2:
        raise UsageError(f"--routes must name at least two of A, B, C separated by commas (e.g. A,B), got "
                         f"{text!r:.40}")
    return ",".join(names)


def run(args) -> int:
    from ..verify.check import check, resolve_routes
    from ..verify.limits import estimate, precision_bits

    seed = parse_number(args.seed, "--seed", integer=True, low=0)
    batch = parse_number(args.batch, "--batch", integer=True, low=1, high=4096)
    digits = parse_number(args.digits, "--digits", integer=True, low=1, high=1000)
    order = parse_number(args.order, "--order", integer=True, low=1, high=2)
    model = model_from_args(args, "check")
    routes = _routes(args.routes)
    names = resolve_routes(routes, model)
    cost = estimate(model, batch, names, precision_bits(digits, model), order)
    refusal = cost.refusal()
    if refusal:
        raise UsageError(refusal)
    progress = None
    if cost.seconds > 2.0:
        start = time.perf_counter()
        print(f"symmlp check: about {cost.seconds:.0f} s expected ({cost.detail})", file=sys.stderr)

        def progress(line: str) -> None:
            print(f"  [{time.perf_counter() - start:5.1f} s] {line}", file=sys.stderr, flush=True)

    report = check(model, args.loss, seed=seed, batch=batch, digits=digits, routes=routes, order=order,
                   progress=progress)
    print(report)
    print(f"checked in {report.seconds:.2f} s")
    return 0 if report.ok else 1


def add_parser(sub) -> None:
    p = sub.add_parser("check", help="certified gradient: independent routes in ball arithmetic",
                       description="Certify the loss gradient at a point worth checking (a batch, every unit "
                                   "exercised) by independent routes in ball arithmetic: A reverse mode, B forward "
                                   "mode, C sympy.diff (small models); compare the compiled NumPy gradient with it. "
                                   "Exit 1 when anything disagrees or the point is vacuous.")
    add_model_arguments(p)
    value_option(p, "--batch", default="8", help="samples in the batch (default 8)")
    value_option(p, "--digits", default="30", help="certified significant digits wanted (default 30)")
    value_option(p, "--routes", default=None, metavar="A,B,C",
                 help="routes to run: A reverse mode, B forward mode, C sympy.diff (default A,B, and C for "
                      "small models)")
    value_option(p, "--order", default="1", help="2 also certifies the Hessian (default 1)")
    value_option(p, "--seed", default="0", help="seed of the point (default 0)")
    p.set_defaults(func=run)
