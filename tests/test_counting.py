"""Tests of the closed-form parameter counts, over ints and over SymPy symbols,
and of the comparison table.

Expected values come from formulas written here (sum of (n_in + 1) * n_out,
math.comb, n*d + 1), from brute-force enumeration, and from the free symbols of
the models' expressions.
"""

from __future__ import annotations

import itertools
import math

import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from symmlp import (
    MLP,
    Polynomial,
    SeparablePolynomial,
    count,
    count_free_symbols,
    count_table,
    mlp_count,
    polynomial_count,
    separable_count,
)

n, m, k, d = sp.symbols("n m k d", positive=True, integer=True)


def formula_mlp(widths):
    return sum((a + 1) * b for a, b in zip(widths, widths[1:]))


def brute_polynomial(nn, dd):
    return sum(1 for e in itertools.product(range(dd + 1), repeat=nn) if sum(e) <= dd)


# --------------------------------------------------------------------------- ints


@pytest.mark.parametrize("widths", [[1, 1], [2, 3, 1], [8, 64, 64, 1], [784, 128, 10], [3, 1, 4, 1, 5]])
def test_mlp_count_ints(widths):
    got = mlp_count(widths)
    assert type(got) is int
    assert got == formula_mlp(widths)
    assert mlp_count(tuple(widths)) == got


def test_mlp_count_known_values_by_hand():
    assert mlp_count([2, 3, 1]) == 2 * 3 + 3 + 3 * 1 + 1 == 13
    assert mlp_count([8, 64, 64, 1]) == 8 * 64 + 64 + 64 * 64 + 64 + 64 + 1 == 4801


@pytest.mark.parametrize("nn, dd", [(a, b) for a in range(1, 6) for b in range(0, 6)])
def test_polynomial_and_separable_count_ints(nn, dd):
    got = polynomial_count(nn, dd)
    assert type(got) is int
    assert got == math.comb(nn + dd, dd) == brute_polynomial(nn, dd)
    assert separable_count(nn, dd) == nn * dd + 1
    assert separable_count(nn, dd) <= got


def test_polynomial_count_8_6():
    assert polynomial_count(8, 6) == math.factorial(14) // (math.factorial(8) * math.factorial(6)) == 3003


# --------------------------------------------------------------------------- symbolic


def test_mlp_count_symbolic_one_hidden_layer():
    expr = mlp_count([n, m, 1])
    assert isinstance(expr, sp.Expr)
    assert sp.expand(expr - (n * m + 2 * m + 1)) == 0
    assert expr == n * m + 2 * m + 1  # already expanded
    assert expr.free_symbols == {n, m}


@pytest.mark.parametrize("nn", range(1, 7))
@pytest.mark.parametrize("mm", range(1, 7))
def test_mlp_count_symbolic_substitution_equals_int_form(nn, mm):
    assert mlp_count([n, m, 1]).subs({n: nn, m: mm}) == mlp_count([nn, mm, 1])
    deep = mlp_count([n, m, k, 2]).subs({n: nn, m: mm, k: nn + mm})
    assert deep == mlp_count([nn, mm, nn + mm, 2]) == formula_mlp([nn, mm, nn + mm, 2])


def test_mlp_count_mixed_int_and_symbol_widths():
    expr = mlp_count([3, m, 2])
    assert sp.expand(expr - ((3 + 1) * m + (m + 1) * 2)) == 0
    for mm in range(1, 8):
        assert expr.subs(m, mm) == mlp_count([3, mm, 2])


def test_polynomial_count_symbolic():
    expr = polynomial_count(n, d)
    assert expr == sp.binomial(n + d, d)
    quadratic = sp.expand(sp.expand_func(polynomial_count(n, 2)))
    assert sp.expand(quadratic - (n + 2) * (n + 1) / 2) == 0
    cubic = sp.expand_func(polynomial_count(n, 3))
    assert sp.expand(cubic - (n + 3) * (n + 2) * (n + 1) / 6) == 0
    # Of degree d in n: the post's O(n^d).
    assert sp.Poly(sp.expand(sp.expand_func(polynomial_count(n, 4))), n).degree() == 4


@pytest.mark.parametrize("nn", range(1, 7))
@pytest.mark.parametrize("dd", range(0, 6))
def test_polynomial_count_symbolic_substitution_equals_int_form(nn, dd):
    assert polynomial_count(n, d).subs({n: nn, d: dd}) == polynomial_count(nn, dd)
    assert polynomial_count(n, dd).subs(n, nn) == math.comb(nn + dd, dd)
    assert polynomial_count(nn, d).subs(d, dd) == math.comb(nn + dd, dd)


@pytest.mark.parametrize("nn", range(1, 6))
@pytest.mark.parametrize("dd", range(0, 6))
def test_separable_count_symbolic_substitution_equals_int_form(nn, dd):
    expr = separable_count(n, d)
    assert sp.expand(expr - (n * d + 1)) == 0
    assert expr.subs({n: nn, d: dd}) == separable_count(nn, dd) == nn * dd + 1


# --------------------------------------------------------------------------- against models


SMALL_MODELS = [
    *(MLP(w, activation=a) for w in ([1, 1], [2, 1], [2, 3, 1], [3, 2, 2], [1, 4, 4, 1], [2, 2, 2, 2, 2])
      for a in ("tanh", "relu")),
    MLP([3, 2, 2], activation=["sigmoid"], output_activation="softplus"),
    *(Polynomial(a, b) for a in range(1, 4) for b in range(0, 4)),
    Polynomial(2, 3, n_outputs=2),
    *(SeparablePolynomial(a, b) for a in range(1, 4) for b in range(0, 4)),
]


@pytest.mark.parametrize("model", SMALL_MODELS, ids=repr)
def test_count_free_symbols_equals_closed_form(model):
    assert count(model) == model.num_params
    assert count_free_symbols(model) == count(model)
    if isinstance(model, MLP):
        assert count(model) == mlp_count(model.widths) == formula_mlp(list(model.widths))
    elif isinstance(model, SeparablePolynomial):
        assert count(model) == model.n_inputs * model.degree + 1
    else:
        assert count(model) == model.n_outputs * math.comb(model.n_inputs + model.degree, model.degree)


def test_count_free_symbols_excludes_inputs():
    # Degree 0: the output is one constant coefficient, no input appears at all.
    assert count_free_symbols(Polynomial(3, 0)) == 1
    # Identity MLP [2, 1]: W x + b has 2 + 1 params and 2 inputs.
    assert count_free_symbols(MLP([2, 1])) == 3


@settings(max_examples=30, deadline=None)
@given(widths=st.lists(st.integers(1, 4), min_size=2, max_size=4))
def test_generated_mlp_counts(widths):
    model = MLP(widths, activation="relu")
    assert mlp_count(widths) == formula_mlp(widths) == count(model) == count_free_symbols(model)
    syms = sp.symbols(f"w0:{len(widths)}", positive=True, integer=True)
    assert mlp_count(list(syms)).subs(dict(zip(syms, widths))) == formula_mlp(widths)


# --------------------------------------------------------------------------- table


def test_count_table_rows_match_closed_forms():
    ns, degrees, hidden = [1, 2, 5, 8], [2, 3, 6], 16
    table = count_table(ns=ns, degrees=degrees, hidden=hidden)
    assert len(table.headers) == 1 + len(degrees) + 2
    assert len(table.rows) == len(ns)
    for row, nn in zip(table.rows, ns):
        assert len(row) == len(table.headers)
        assert row == (nn, *(math.comb(nn + dd, dd) for dd in degrees), nn * max(degrees) + 1,
                       nn * hidden + 2 * hidden + 1)


def test_count_table_defaults_show_polynomial_explosion():
    table = count_table()
    ns = [row[0] for row in table.rows]
    assert ns == sorted(ns) and len(ns) >= 3
    n_degrees = len(table.headers) - 3
    for col in range(1, 1 + n_degrees):
        values = [row[col] for row in table.rows]
        assert values == sorted(values)  # grows with n
    last = table.rows[-1]
    # At the largest n, the highest-degree full polynomial dwarfs the MLP and the separable one.
    assert last[n_degrees] > last[-1] > last[-2]


def test_count_table_text_and_latex():
    table = count_table(ns=[2, 8], degrees=[2, 6], hidden=16)
    text = str(table)
    for header in table.headers:
        assert header in text
    assert table.title in text
    for row in table.rows:
        for cell in row:
            assert str(cell) in text
    lines = text.splitlines()
    assert len(lines) == 1 + 1 + 1 + len(table.rows)  # title, header, rule, rows
    assert repr(table) == text
    latex = sp.latex(table)
    assert latex.startswith(r"\begin{tabular}") and latex.rstrip().endswith(r"\end{tabular}")
    assert latex.count(r"\\") == 1 + len(table.rows)
    assert str(math.comb(14, 6)) in latex


# --------------------------------------------------------------------------- bad input


@pytest.mark.parametrize("widths, exc, needle", [
    ([], ValueError, "[]"),
    ([2], ValueError, "[2]"),
    ("2,3", ValueError, "2,3"),
    ([2, 0], ValueError, "0"),
    ([2, -1, 1], ValueError, "-1"),
    ([2, 2.5], TypeError, "2.5"),
    ([True, 2], TypeError, "True"),
    (["2", 3], TypeError, "'2'"),
    ([2, None], TypeError, "None"),
])
def test_mlp_count_bad_input(widths, exc, needle):
    with pytest.raises(exc) as info:
        mlp_count(widths)
    assert needle in str(info.value)


@pytest.mark.parametrize("bad", [5, None])
def test_mlp_count_non_sequence_names_the_value(bad):
    with pytest.raises((TypeError, ValueError)) as info:
        mlp_count(bad)
    assert "widths" in str(info.value) and repr(bad) in str(info.value)


def test_mlp_count_non_sequence_is_an_error():
    for bad in (5, None):
        with pytest.raises((TypeError, ValueError)):
            mlp_count(bad)


@pytest.mark.parametrize("fn", [polynomial_count, separable_count])
@pytest.mark.parametrize("nn, dd, exc, needle", [
    (0, 2, ValueError, "0"),
    (2, -1, ValueError, "-1"),
    (2.5, 1, TypeError, "2.5"),
    (2, 1.0, TypeError, "1.0"),
    ("2", 1, TypeError, "'2'"),
    (True, 1, TypeError, "True"),
    (2, sp.Matrix([1]), TypeError, "Matrix"),
])
def test_polynomial_counts_bad_input(fn, nn, dd, exc, needle):
    with pytest.raises(exc) as info:
        fn(nn, dd)
    assert needle in str(info.value)


@pytest.mark.parametrize("call", [
    lambda: mlp_count([sp.Integer(0), 3]),
    lambda: mlp_count([2, sp.Rational(5, 2)]),
    lambda: polynomial_count(sp.Integer(-1), 2),
    lambda: polynomial_count(2, sp.Rational(1, 2)),
    lambda: separable_count(2, sp.Integer(-1)),
    lambda: separable_count(sp.Integer(0), 2),
], ids=["mlp-zero", "mlp-half", "poly-n", "poly-d-half", "separable-d", "separable-n"])
def test_sympy_numbers_are_range_checked(call):
    with pytest.raises((ValueError, TypeError)):
        call()


@pytest.mark.parametrize("kwargs, exc, needle", [
    ({"ns": [0, 2]}, ValueError, "0"),
    ({"ns": [2.5]}, TypeError, "2.5"),
    ({"degrees": [-1]}, ValueError, "-1"),
    ({"hidden": 0}, ValueError, "0"),
    ({"hidden": "16"}, TypeError, "'16'"),
])
def test_count_table_bad_input(kwargs, exc, needle):
    with pytest.raises(exc) as info:
        count_table(**kwargs)
    assert needle in str(info.value)
