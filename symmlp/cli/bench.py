"""``symmlp bench``: speed as ratios against baselines measured in the same run."""

from __future__ import annotations

import sys

__all__ = ["add_parser", "run"]


def run(args) -> int:
    from ..bench.suite import run_bench

    rows, settings = run_bench(quick=args.quick, log=lambda s: print(s, file=sys.stderr))
    print(f"symmlp bench ({'quick' if args.quick else 'full'}; medians; ratios measured in this run)")
    print(settings)
    for row in rows:
        print(row)
    missed = [r.name for r in rows if not r.met]
    print("all targets met" if not missed else f"targets missed: {len(missed)}")
    return 0


def add_parser(sub) -> None:
    from ..bench import suite

    p = sub.add_parser("bench", help="benchmark: medians and ratios against baselines in the same run",
                       description=suite.__doc__.split("\n\n")[1] if suite.__doc__ else None)
    p.add_argument("--quick", action="store_true",
                   help="fewer repeats and a [2,8,8,1] net for the naive route (seconds, not a minute)")
    p.set_defaults(func=run)
