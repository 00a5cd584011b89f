"""Kolmogorov–Arnold networks with polynomial edges: counts, exact output, names, the
x1*x2 proof, and the whole pipeline (derive, compile, check, train, LaTeX, save).

References are independent of the model's stages: the count formula written
here and the free symbols of the output; the output written by hand from the
layer formula; the product identity checked by expanding and at random points.
"""

from __future__ import annotations

import shutil
import subprocess

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

import symmlp
from symmlp import KAN, check, count_free_symbols, derivation_document, kan_count
from symmlp.explore.blind_spot import kan_product
from symmlp.models import model_from_spec


def formula(widths, d):
    return sum((a * d + 1) * b for a, b in zip(widths, widths[1:]))


@settings(max_examples=40, deadline=None)
@given(widths=st.lists(st.integers(1, 3), min_size=2, max_size=4), degree=st.integers(1, 3))
def test_count_equals_free_symbols_over_many_shapes(widths, degree):
    kan = KAN(widths, degree)
    assert kan.num_params == kan_count(widths, degree) == formula(widths, degree) == len(kan.params)
    assert count_free_symbols(kan) == kan.num_params
    assert len(set(kan.params)) == kan.num_params


def test_symbolic_count_expands_the_layer_formula():
    n, h, d = sp.symbols("n h d", positive=True, integer=True)
    assert sp.expand(kan_count([n, h, 1], d) - ((n * d + 1) * h + (h * d + 1))) == 0
    assert kan_count([3, 4, 1], 3) == 53
    with pytest.raises(ValueError, match="degree must be an int >= 1"):
        kan_count([2, 1], 0)


def test_one_layer_output_is_the_sum_of_edge_polynomials_written_by_hand():
    kan = KAN([2, 2], degree=3)
    x = kan.inputs
    for q in (1, 2):
        by_hand = sp.Add(*(sp.Symbol(f"c1_{q}_{p}_{k}") * x[p - 1] ** k for p in (1, 2) for k in (1, 2, 3)))
        by_hand += sp.Symbol(f"b1_{q}")
        got = kan.output[q - 1].xreplace({s: sp.Symbol(s.name) for s in kan.params})
        assert sp.expand(got - by_hand) == 0


def test_two_layers_compose_with_sigma_between():
    kan = KAN([1, 2, 1], degree=2, activation="tanh")
    (x,) = kan.inputs
    names = {s.name: s for s in kan.params}
    z = [names[f"c1_{q}_1_1"] * x + names[f"c1_{q}_1_2"] * x**2 + names[f"b1_{q}"] for q in (1, 2)]
    a = [sp.tanh(v) for v in z]
    by_hand = sum(names[f"c2_1_{p}_1"] * a[p - 1] + names[f"c2_1_{p}_2"] * a[p - 1] ** 2 for p in (1, 2))
    assert sp.expand(kan.output[0] - by_hand - names["b2_1"]) == 0


def test_names_and_latex_follow_the_math():
    kan = KAN([3, 2, 1], degree=4)
    assert [b.name for b in kan.layout] == ["C1", "b1", "C2", "b2"]
    assert kan.layout["C1"].shape == (2, 12)
    c = kan.block_symbols("C2")[0, 7]  # row 1, input 2, power 4
    assert c.name == "c2_1_2_4" and sp.latex(c) == "c^{(2)}_{1,2,4}"
    assert sp.latex(kan.block_symbols("b1")[1]) == "b^{(1)}_{2}"
    assert r"c^{(l)}_{q,p,k}" in sp.latex(kan)


def test_x1_x2_is_represented_exactly_by_two_layers_and_not_by_one():
    r = kan_product()
    x1, x2 = r.two_layer.inputs
    assert r.one_layer_solutions == [] and r.obstruction == -1 and r.exact
    assert sp.expand(r.represented - x1 * x2) == 0
    # independently: the polarization identity, and the compiled model at random points
    assert sp.expand(((x1 + x2) ** 2 - (x1 - x2) ** 2) / 4 - x1 * x2) == 0
    theta = np.array([float({**r.inner, **r.solution}[p]) for p in r.two_layer.params])
    X = np.random.default_rng(0).uniform(-3, 3, size=(50, 2))
    np.testing.assert_allclose(symmlp.compile(r.two_layer).forward(theta, X)[:, 0], X[:, 0] * X[:, 1],
                               rtol=1e-12, atol=1e-12)


def test_one_layer_kan_is_the_separable_polynomial():
    kan, sep = KAN([3, 1], degree=2), symmlp.SeparablePolynomial(3, 2)
    assert kan.num_params == sep.num_params
    plain = {s: sp.Symbol(f"t{i}") for i, s in enumerate(kan.params)}
    poly = sp.Poly(kan.output[0].xreplace(plain), *kan.inputs)
    assert set(poly.monoms()) == set(sep.exponents)


@pytest.mark.parametrize("kan, loss", [
    (KAN([2, 2, 1], degree=2), "mse"),
    (KAN([2, 3, 1], degree=3, activation="tanh"), "mse"),
    (KAN([2, 2, 2], degree=2, activation="relu"), "softmax_ce"),
], ids=["identity", "tanh", "relu-softmax"])
def test_check_agrees_on_every_route(kan, loss):
    report = check(kan, loss)
    assert report.ok, str(report)
    assert report.max_error("direct_error") == 0.0


def test_hessian_vector_product_matches_finite_differences_of_the_gradient():
    kan = KAN([2, 2, 1], degree=3, activation="tanh")
    f = symmlp.compile(kan)
    rng = np.random.default_rng(1)
    theta, v = rng.normal(size=kan.num_params) * 0.5, rng.normal(size=kan.num_params)
    X, Y = rng.uniform(-1, 1, size=(9, 2)), rng.normal(size=(9, 1))
    h = 1e-6
    fd = (f.loss_and_grad(theta + h * v, X, Y)[1] - f.loss_and_grad(theta - h * v, X, Y)[1]) / (2 * h)
    np.testing.assert_allclose(f.hvp(theta, v, X, Y), fd, rtol=1e-5, atol=1e-7)


def test_trains_on_the_product_and_saves(tmp_path):
    rng = np.random.default_rng(0)
    X = rng.uniform(-1, 1, size=(200, 2))
    Y = X[:, :1] * X[:, 1:]
    result = symmlp.train(KAN([2, 2, 1], degree=2), X, Y, lr=0.1, steps=1500, momentum=0.9, seed=1)
    assert result.losses[-1] < result.losses[0] / 100
    path = tmp_path / "kan.json"
    symmlp.save(result, path)
    back = symmlp.load(path)
    assert back.model == result.model and np.array_equal(back.theta, result.theta)


def test_spec_round_trip_and_bad_specs():
    kan = KAN([3, 4, 2], degree=2, activation="sigmoid", output_activation="identity")
    assert model_from_spec("KAN", kan.spec()) == kan
    assert repr(kan) == "KAN([3, 4, 2], degree=2, activation='sigmoid')"
    bad = {**kan.spec(), "degree": 0}
    with pytest.raises(ValueError, match="spec.degree must be an integer in 1..1000"):
        model_from_spec("KAN", bad)
    with pytest.raises(ValueError, match="unknown activation"):
        model_from_spec("KAN", {**kan.spec(), "activation": "gelu"})


@pytest.mark.parametrize("args, error, match", [
    (([2], 2), ValueError, "at least two entries"),
    (([2, 1], 0), ValueError, "degree must be an integer in 1..1000"),
    (([2, 1], 10**6), ValueError, "degree must be an integer in 1..1000"),
    (([2, 1], 1.5), TypeError, "degree must be an integer"),
    (([2, 0], 2), ValueError, r"widths\[1\] must be an integer >= 1"),
])
def test_bad_input(args, error, match):
    with pytest.raises(error, match=match):
        KAN(*args)


@pytest.mark.skipif(shutil.which("pdflatex") is None, reason="pdflatex is not installed")
def test_derivation_document_compiles(tmp_path):
    tex = derivation_document(KAN([2, 2, 1], degree=2))
    assert r"c^{(2)}_{1,2,2}" in tex and r"\Phi^{(l)}" in tex
    (tmp_path / "kan.tex").write_text(tex)
    result = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "kan.tex"],
                            cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout[-2000:]


@pytest.mark.parametrize("constant", [True, False])
@pytest.mark.parametrize("degree", [1, 2, 5])
def test_numpy_powers_equal_the_column_by_column_helpers(constant, degree):
    from symmlp.emit.backend import NUMPY, Backend
    from symmlp.models.stages import Powers

    stage = Powers(4, degree, constant=constant, layer=2, name="P")
    fast, plain = stage.helpers(NUMPY), stage.helpers(Backend("plain", np, "numpy"))
    rng = np.random.default_rng(degree)
    X, G = rng.normal(size=(6, 4)), rng.normal(size=(6, stage.n_out))
    np.testing.assert_allclose(fast["powers2"](X), plain["powers2"](X), rtol=1e-14)
    np.testing.assert_allclose(fast["powers_grad2"](G, X), plain["powers_grad2"](G, X), rtol=1e-13, atol=1e-14)
