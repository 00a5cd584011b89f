"""Tests of the polynomial models: the full polynomial with every cross term and
the post's separable (per-coordinate) polynomial.

Expected values come from an independent enumeration (filtering
``itertools.product``), ``math.comb``, ``sympy.Poly`` and Fraction arithmetic.
"""

from __future__ import annotations

import itertools
import math
from fractions import Fraction

import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from symmlp import MLP, Polynomial, SeparablePolynomial, count_free_symbols
from symmlp.models.polynomial import exponent_tuples
from symmlp.models.symbols import IndexedSymbol, indexed

GRID = [(n, d) for n in range(1, 6) for d in range(0, 6)]


def brute_exponents(n, d):
    return {k for k in itertools.product(range(d + 1), repeat=n) if sum(k) <= d}


def xs(n):
    return [sp.Symbol(f"x_{i}") for i in range(1, n + 1)]


# --------------------------------------------------------------------------- exponent enumeration


@pytest.mark.parametrize("n, d", GRID)
def test_exponent_tuples_match_filtered_product(n, d):
    tuples = exponent_tuples(n, d)
    assert isinstance(tuples, tuple)
    assert len(tuples) == len(set(tuples))  # no duplicates
    assert set(tuples) == brute_exponents(n, d)
    assert len(tuples) == math.comb(n + d, d)
    assert all(len(k) == n and all(isinstance(e, int) and e >= 0 for e in k) for k in tuples)
    # Ordered by total degree.
    degrees = [sum(k) for k in tuples]
    assert degrees == sorted(degrees)


@pytest.mark.parametrize("n, d", GRID)
def test_polynomial_exponents_and_count(n, d):
    p = Polynomial(n, d)
    assert p.exponents == exponent_tuples(n, d)
    assert p.num_params == len(p.params) == math.comb(n + d, d)
    assert len(set(p.params)) == p.num_params


def test_polynomial_8_6_has_3003_params():
    p = Polynomial(8, 6)
    assert p.num_params == 3003 == math.comb(14, 6)
    assert len(p.exponents) == len(set(p.exponents)) == 3003
    assert len({s.name for s in p.params}) == 3003
    assert count_free_symbols(p) == 3003
    assert len(sp.Add.make_args(p.output[0])) == 3003


def test_large_polynomial_construction_is_lazy():
    p = Polynomial(50, 10)  # C(60, 10) ~ 7.5e10 coefficients: must not be enumerated
    assert p.num_params == math.comb(60, 10)
    for lazy in ("exponents", "params", "monomials", "output"):
        assert lazy not in vars(p)


# --------------------------------------------------------------------------- exact output


@pytest.mark.parametrize("n, d", [(1, 0), (1, 3), (2, 2), (3, 2), (2, 4), (4, 3)])
def test_output_is_sum_of_coefficient_times_monomial(n, d):
    p = Polynomial(n, d)
    x = xs(n)
    assert list(p.inputs) == x
    expected = sp.Add(*[indexed("a", None, *k) * sp.Mul(*[xi**e for xi, e in zip(x, k)])
                        for k in brute_exponents(n, d)])
    assert p.output.shape == (1, 1)
    assert p.output[0] == expected
    # Independently through sympy.Poly: one coefficient per exponent tuple, named by it.
    poly = sp.Poly(p.output[0], *x)
    assert poly.as_dict() == {k: indexed("a", None, *k) for k in brute_exponents(n, d)}
    assert poly.total_degree() == d


def test_coefficient_names_follow_exponent_tuples():
    p = Polynomial(2, 2)
    poly = sp.Poly(p.output[0], *p.inputs)
    x1, x2 = p.inputs
    assert poly.coeff_monomial(x1 * x2).name == "a_1_1"
    assert poly.coeff_monomial(x2**2).name == "a_0_2"
    assert poly.coeff_monomial(1).name == "a_0_0"
    assert all(isinstance(c, IndexedSymbol) for c in p.params)
    assert sp.latex(poly.coeff_monomial(x1**2)) == "a_{2,0}"


def test_monomials_align_with_params():
    p = Polynomial(3, 3)
    for c, m, k in zip(p.params, p.monomials, p.exponents):
        assert c.name == "a_" + "_".join(map(str, k))
        assert sp.Poly(m, *p.inputs).monoms() == [k]


def test_subs_exact_matches_fraction_evaluation():
    p = Polynomial(2, 3)
    theta = [Fraction(k + 1, (-1) ** k * (k + 3)) for k in range(p.num_params)]
    x = [Fraction(2, 3), Fraction(-5, 4)]
    expected = sum((c * x[0] ** k[0] * x[1] ** k[1] for c, k in zip(theta, p.exponents)), Fraction(0))
    got = p.subs(theta, x=x)
    assert got[0].is_Rational
    assert got[0] == sp.Rational(expected.numerator, expected.denominator)
    # Without x: a polynomial with exactly these rational coefficients.
    partial = p.subs(theta)
    coeffs = sp.Poly(partial[0], *p.inputs).as_dict()
    want = {k: sp.Rational(t.numerator, t.denominator) for k, t in zip(p.exponents, theta) if t != 0}
    assert coeffs == want
    # A dict in any order gives the same.
    as_dict = dict(reversed(list(zip(p.params, theta))))
    assert p.subs(as_dict, x=x) == got


def test_subs_zero_input_keeps_constant_term():
    p = Polynomial(2, 2)
    theta = list(range(1, 7))
    constant = theta[p.exponents.index((0, 0))]
    assert p.subs(theta, x=[0, 0])[0] == constant


def test_subs_errors():
    p = Polynomial(2, 2)
    with pytest.raises(ValueError):
        p.subs([1] * 5)
    with pytest.raises(TypeError):
        p.subs([1, 2, 3, 4, 5, "6"])
    with pytest.raises(ValueError):
        p.subs([1] * 6, x=[1])


# --------------------------------------------------------------------------- several outputs


def test_coefficients_per_output():
    p = Polynomial(2, 2, n_outputs=3)
    k = math.comb(4, 2)
    assert p.num_params == 3 * k == len(p.params)
    assert p.output.shape == (3, 1) and len(p.targets) == 3
    groups = [p.coefficients(o) for o in (1, 2, 3)]
    assert sum(groups, ()) == p.params
    assert all(len(g) == k for g in groups)
    assert len(set().union(*map(set, groups))) == 3 * k  # disjoint
    for o, group in enumerate(groups, start=1):
        assert [c.name for c in group] == [f"a{o}_" + "_".join(map(str, e)) for e in p.exponents]
        poly = sp.Poly(p.output[o - 1], *p.inputs)
        assert poly.as_dict() == dict(zip(p.exponents, group))
    assert sp.latex(p.coefficients(2)[p.exponents.index((1, 0))]) == "a^{(2)}_{1,0}"


def test_single_output_coefficients_are_all_params():
    p = Polynomial(3, 2)
    assert p.coefficients() == p.coefficients(1) == p.params


@pytest.mark.parametrize("bad", [0, 4, -1, True, 1.0, "1"])
def test_coefficients_output_range(bad):
    p = Polynomial(2, 2, n_outputs=3)
    with pytest.raises((ValueError, TypeError)) as info:
        p.coefficients(bad)
    assert repr(bad) in str(info.value)


# --------------------------------------------------------------------------- separable


@pytest.mark.parametrize("n, d", GRID)
def test_separable_count_and_exponents(n, d):
    s = SeparablePolynomial(n, d)
    assert s.num_params == n * d + 1 == len(s.params) == len(set(s.params))
    assert set(s.exponents) == {(0,) * n} | {
        tuple(k if j == i else 0 for j in range(n)) for i in range(n) for k in range(1, d + 1)}
    assert all(sum(1 for e in k if e) <= 1 for k in s.exponents)


@pytest.mark.parametrize("n, d", [(1, 3), (2, 2), (3, 3), (4, 2)])
def test_separable_has_no_cross_terms(n, d):
    s = SeparablePolynomial(n, d)
    out = s.output[0]
    for term in sp.Add.make_args(out):
        degrees = sp.Poly(term, *s.inputs).degree_list()
        assert sum(1 for e in degrees if e > 0) <= 1, term
    poly = sp.Poly(out, *s.inputs)
    assert len(poly.monoms()) == n * d + 1
    if n >= 2 and d >= 2:
        x1, x2 = s.inputs[:2]
        assert poly.coeff_monomial(x1 * x2) == 0  # it cannot represent x_1*x_2


@pytest.mark.parametrize("n, d", GRID)
def test_separable_params_are_subset_of_full(n, d):
    s, p = SeparablePolynomial(n, d), Polynomial(n, d)
    assert set(s.params) <= set(p.params)
    if n >= 2 and d >= 2:
        assert set(s.params) < set(p.params)
    else:  # one input, or degree <= 1: there are no cross terms to lose
        assert set(s.params) == set(p.params)


def test_separable_output_is_documented_form():
    s = SeparablePolynomial(2, 3)
    x1, x2 = xs(2)
    expected = indexed("a", None, 0, 0) + sp.Add(*[
        indexed("a", None, k, 0) * x1**k + indexed("a", None, 0, k) * x2**k for k in (1, 2, 3)])
    assert s.output[0] == expected
    assert s.output.shape == (1, 1) and s.n_outputs == 1


def test_separable_subs_exact():
    s = SeparablePolynomial(3, 2)
    theta = [Fraction(k - 3, k + 1) for k in range(s.num_params)]
    x = [Fraction(1, 2), 3, Fraction(-2, 5)]
    expected = sum((c * math.prod(Fraction(v) ** e for v, e in zip(x, k))
                    for c, k in zip(theta, s.exponents)), Fraction(0))
    assert s.subs(theta, x=x)[0] == sp.Rational(expected.numerator, expected.denominator)


# --------------------------------------------------------------------------- model protocol


def test_equality_hash_repr_spec():
    assert Polynomial(2, 3) == Polynomial(2, 3, n_outputs=1)
    assert hash(Polynomial(2, 3)) == hash(Polynomial(2, 3, 1))
    assert Polynomial(2, 3) != Polynomial(3, 2)
    assert Polynomial(2, 3) != Polynomial(2, 3, n_outputs=2)
    assert Polynomial(2, 3) != SeparablePolynomial(2, 3)
    assert SeparablePolynomial(2, 3) == SeparablePolynomial(2, 3)
    assert Polynomial(2, 3) != MLP([2, 3])
    for model in (Polynomial(2, 3), Polynomial(4, 1, n_outputs=3), SeparablePolynomial(5, 2)):
        cls = type(model)
        assert cls(**model.spec()) == model
        assert eval(repr(model), {cls.__name__: cls}) == model  # test-only: our own repr text


@pytest.mark.parametrize("model", [Polynomial(2, 2), SeparablePolynomial(2, 2)])
@pytest.mark.parametrize("attr", ["degree", "n_inputs", "output", "fresh"])
def test_polynomials_are_immutable(model, attr):
    with pytest.raises(AttributeError):
        setattr(model, attr, 3)
    assert model.degree == 2


def test_latex_hooks():
    text = sp.latex(Polynomial(2, 3))
    assert r"\le 3" in text and "x_1" in text and "x_2" in text
    assert Polynomial(2, 3)._repr_latex_().startswith("$")
    assert r"\le 4" in sp.latex(Polynomial(6, 4))
    sep = sp.latex(SeparablePolynomial(3, 2))
    assert "3" in sep and "2" in sep and r"\sum" in sep


# --------------------------------------------------------------------------- bad input


@pytest.mark.parametrize("factory", [Polynomial, SeparablePolynomial, exponent_tuples])
@pytest.mark.parametrize("n, d, exc, needle", [
    (2, -1, ValueError, "-1"),
    (0, 2, ValueError, "0"),
    (-3, 2, ValueError, "-3"),
    (2.0, 2, TypeError, "2.0"),
    (2, 1.5, TypeError, "1.5"),
    ("2", 2, TypeError, "'2'"),
    (2, "3", TypeError, "'3'"),
    (True, 2, TypeError, "True"),
    (2, None, TypeError, "None"),
])
def test_bad_sizes(factory, n, d, exc, needle):
    with pytest.raises(exc) as info:
        factory(n, d)
    msg = str(info.value)
    assert needle in msg
    assert ("degree" in msg) or ("n_inputs" in msg)


@pytest.mark.parametrize("bad, exc", [(0, ValueError), (-1, ValueError), (1.0, TypeError),
                                      (False, TypeError)])
def test_bad_n_outputs(bad, exc):
    with pytest.raises(exc) as info:
        Polynomial(2, 2, n_outputs=bad)
    assert "n_outputs" in str(info.value) and repr(bad) in str(info.value)


# --------------------------------------------------------------------------- hypothesis


@settings(max_examples=40, deadline=None)
@given(n=st.integers(1, 4), d=st.integers(0, 4), outputs=st.integers(1, 3))
def test_generated_polynomial_counts(n, d, outputs):
    p = Polynomial(n, d, n_outputs=outputs)
    assert p.num_params == outputs * math.comb(n + d, d) == len(p.params)
    assert count_free_symbols(p) == p.num_params
    s = SeparablePolynomial(n, d)
    assert count_free_symbols(s) == s.num_params == n * d + 1
