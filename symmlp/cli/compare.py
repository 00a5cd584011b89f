"""``symmlp compare``: the post's question, run -- every family at matched parameter budgets.

Prints one progress line per fit, then the table of test error against
parameters and the parameters each family needs for ``--target-error``;
``--out DIR`` also writes ``compare.txt``, ``compare.png`` and ``compare.md``
(never over a file symmlp did not write, never through a link; checked before
any fitting starts).
"""

from __future__ import annotations

__all__ = ["add_parser", "run"]


def _budgets(text: str) -> list[int]:
    from ..explore.compare import MAX_BUDGET
    from .args import UsageError, parse_ints

    if not text.strip():
        raise UsageError("--budgets is empty; give parameter budgets such as 25,50,100")
    values = parse_ints(text, "--budgets", minimum=1)
    if max(values) > MAX_BUDGET:
        raise UsageError(f"--budgets must be integers in 1..{MAX_BUDGET}, got {text!r:.60}")
    return values


def run(args) -> int:
    from ..explore.compare import MAX_INPUTS, compare, recipe
    from ..explore.compare_report import check_out_dir
    from .args import parse_interval, parse_number

    n = parse_number(args.n, "--n", integer=True, low=1, high=MAX_INPUTS)
    budgets = _budgets(args.budgets)
    interval = parse_interval(args.interval)
    seed = parse_number(args.seed, "--seed", integer=True, low=0, high=2**32 - 1)
    n_train = parse_number(args.train, "--train", integer=True, low=10, high=100_000)
    n_test = parse_number(args.test, "--test", integer=True, low=10, high=100_000)
    steps = parse_number(args.steps, "--steps", integer=True, low=1, high=100_000)
    error = parse_number(args.target_error, "--target-error", low=0, low_open=True)
    if args.out:
        check_out_dir(args.out)
    expressions = {name: recipe(name, n) for name in dict.fromkeys(args.expression or [])}
    result = compare(args.target, n, interval=interval, budgets=budgets, expressions=expressions,
                     n_train=n_train, n_test=n_test, steps=steps, seed=seed, target_error=error,
                     log=lambda line: print(line, flush=True))
    print()
    print(result)
    if args.out:
        for path in result.write(args.out).values():
            print(f"wrote {path}")
    return 0


def add_parser(sub) -> None:
    from ..explore.compare import RECIPES
    from .args import value_option

    p = sub.add_parser(
        "compare", help="the post's question, run: every family at matched parameter budgets",
        description="Fit the full and separable polynomial (least squares), a KAN and ReLU and tanh MLPs "
                    "(L-BFGS on the compiled gradient) to a target of n inputs at matched parameter budgets, "
                    "and report test error against parameters.")
    value_option(p, "--target", default=None,
                 help="the target in x1..xn, e.g. 'x1*x2 + sin(x3)' (parsed, never evaluated); default "
                      "depends on --n")
    value_option(p, "--n", default="3", help="number of inputs, 1..8 (default 3)")
    value_option(p, "--interval", default="-1,1", help="each input's interval A,B (default -1,1)")
    value_option(p, "--budgets", default="25,50,100,200,400", help="parameter budgets (default 25,50,100,200,400)")
    value_option(p, "--seed", default="0", help="seed of the data and the fits (default 0)")
    value_option(p, "--train", default="1000", help="training points (default 1000)")
    value_option(p, "--test", default="2000", help="test points (default 2000)")
    value_option(p, "--steps", default="400", help="L-BFGS iterations per network fit (default 400)")
    value_option(p, "--target-error", default="0.01",
                 help="the test RMSE whose parameter cost is reported (default 0.01)")
    p.add_argument("--expression", action="append", choices=RECIPES,
                   help="also fit a ready-made Expression family (repeatable)")
    value_option(p, "--out", default=None, help="also write compare.txt, compare.png and compare.md into this folder")
    p.set_defaults(func=run)
