"""``symmlp show``: a model's exact expression."""

from __future__ import annotations

import sympy as sp

from .args import UsageError, add_model_arguments, model_from_args

__all__ = ["add_parser", "run", "SHOW_MAX_NODES", "FULL_MAX_NODES"]

SHOW_MAX_NODES = 20_000
FULL_MAX_NODES = 2_000_000
MAX_STAGES = 150  # 80 layers print; 100 exceed the recursion limit


def run(args) -> int:
    model = model_from_args(args, "show")
    if len(model.stages) > MAX_STAGES:
        raise UsageError(f"this model nests {len(model.stages)} stages ({model.num_params} parameters); printing its "
                         f"expression recurses once per stage (at most {MAX_STAGES}); use `symmlp latex` for the "
                         "derivation")
    size = model.expanded_size()
    if size > FULL_MAX_NODES or (size > SHOW_MAX_NODES and not args.full):
        if args.full:
            raise UsageError(f"the expanded expression of {model!r} has about {size:.2g} nodes, more "
                             f"than --full prints ({FULL_MAX_NODES:.0e}); it grows with the product of "
                             "the widths through the depth: use `symmlp latex` for the derivation")
    print(repr(model))
    print(f"{model.num_params} parameters")
    if size > SHOW_MAX_NODES and not args.full:
        print(f"y = {sp.latex(model)[len(chr(92) + 'hat{y} = '):]}")
        print(f"(the expanded expression has about {size:.2g} nodes -- it grows with the product of the "
              f"widths through the depth -- and is printed only with --full up to {FULL_MAX_NODES:.0e})")
        return 0
    for k, expr in enumerate(model.output, start=1):
        print(sp.latex(expr) if args.latex else f"y_{k} = {expr}")
    return 0


def add_parser(sub) -> None:
    p = sub.add_parser("show", help="print a model's exact expression",
                       description="Print a model's output as an exact SymPy expression.")
    add_model_arguments(p, loss=False)
    p.add_argument("--latex", action="store_true", help="print LaTeX instead of SymPy text")
    p.add_argument("--full", action="store_true",
                   help=f"print the expanded output even above {SHOW_MAX_NODES} nodes "
                        f"(up to {FULL_MAX_NODES:.0e})")
    p.set_defaults(func=run)
