"""``symmlp count``: closed-form parameter counts and their symbolic forms."""

from __future__ import annotations

import math

import sympy as sp

from .args import UsageError, parse_ints

__all__ = ["add_parser", "run", "MAX_DIGITS"]

MAX_DIGITS = 1000


def _digits_of_binomial(n: int, d: int) -> float:
    return (math.lgamma(n + d + 1) - math.lgamma(d + 1) - math.lgamma(n + 1)) / math.log(10)


def _polynomial(text: str) -> int:
    from ..models.counting import count_table, polynomial_count, separable_count

    n, d = parse_ints(text, "--polynomial N,D", count=2)
    if n < 1 or d < 0:
        raise UsageError(f"--polynomial N,D needs N >= 1 and D >= 0, got {text!r}")
    if _digits_of_binomial(n, d) > MAX_DIGITS:
        raise UsageError(f"--polynomial {n},{d}: C(n+d, d) has about {_digits_of_binomial(n, d):.0f} "
                         f"digits, more than the {MAX_DIGITS} printed; choose a smaller N or D")
    ns, ds = sp.symbols("n d", positive=True, integer=True)
    print(f"full polynomial, n={n}, d={d}: C(n+d, d) = {polynomial_count(n, d)}")
    print(f"separable polynomial: n*d + 1 = {separable_count(n, d)}")
    print(f"symbolic: full {polynomial_count(ns, ds)} "
          f"(d=2: {sp.factor(sp.expand_func(polynomial_count(ns, 2)))}), "
          f"separable {separable_count(ns, ds)}")
    print()
    print(count_table(degrees=sorted({2, 3, 4, min(d, 12)} - {0})))
    return 0


def run(args) -> int:
    from ..models.counting import count_table, mlp_count

    if args.polynomial:
        if args.widths:
            raise UsageError("count: give either WIDTHS or --polynomial N,D, not both")
        return _polynomial(args.polynomial)
    if not args.widths:
        raise UsageError("count needs WIDTHS (e.g. 2,3,1) or --polynomial N,D")
    widths = parse_ints(args.widths, "widths", minimum=1)
    if len(widths) < 2 or len(widths) > 10_000:
        raise UsageError(f"widths needs 2..10000 entries, got {len(widths)}")
    total = mlp_count(widths)
    print(f"MLP {widths}: {total} parameters")
    for l, (a, b) in enumerate(zip(widths, widths[1:]), start=1):
        print(f"  layer {l}: W{l} {b}x{a} = {a * b}, b{l} {b}  -> {(a + 1) * b}")
    if len(widths) <= 50:
        syms = sp.symbols(f"n0:{len(widths)}", positive=True, integer=True)
        print(f"symbolic: {mlp_count(list(syms))}")
    if len(widths) == 3 and widths[-1] == 1:
        n, m = sp.symbols("n m", positive=True, integer=True)
        print(f"for [n, m, 1]: {mlp_count([n, m, 1])}")
    if len(widths) >= 3:
        print()
        print(count_table(hidden=widths[1]))
    return 0


def add_parser(sub) -> None:
    from .args import value_option

    p = sub.add_parser("count", help="parameter counts: MLP widths or a polynomial's (n, d)",
                       description="Closed-form parameter counts, with their symbolic forms.")
    p.add_argument("widths", nargs="?", metavar="WIDTHS", help="MLP widths, e.g. 8,64,64,1")
    value_option(p, "--polynomial", metavar="N,D", help="count polynomials in N inputs of degree D")
    p.set_defaults(func=run)
