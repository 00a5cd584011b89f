"""``symmlp tour``: the main job, the post's storyline written into a folder."""

from __future__ import annotations

__all__ = ["add_parser", "run"]


def run(args) -> int:
    from ..explore.tour import run_tour

    run_tour(args.out, log=lambda s: print(s, flush=True))
    return 0


def add_parser(sub) -> None:
    from .args import value_option

    p = sub.add_parser(
        "tour", help="the main job: walk the post's storyline and write its results",
        description="Build and count models, derive and check gradients, train, approximate, "
                    "and write LaTeX derivations, plots and an index.md into --out.")
    value_option(p, "--out", default="symmlp-tour", help="output folder (default ./symmlp-tour)")
    p.set_defaults(func=run)
