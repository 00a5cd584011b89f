"""Tests of ``symmlp.MLP``: exact structure, canonical parameter order, naming,
laziness, substitution, printing and input validation.

Expected values are built independently: by hand with ``sp.Matrix`` arithmetic,
from fresh symbols, in ``fractions.Fraction`` arithmetic, or by a NumPy forward
pass written here.
"""

from __future__ import annotations

import json
from fractions import Fraction

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from symmlp import MLP, Polynomial, count_free_symbols
from symmlp.models.symbols import IndexedSymbol, indexed


def relu(e):
    return sp.Max(0, e)


def expected_param_names(widths):
    """Canonical order written out independently: per layer W row-major (n_out, n_in), then b."""
    names = []
    for layer in range(1, len(widths)):
        n_in, n_out = widths[layer - 1], widths[layer]
        for i in range(1, n_out + 1):
            for j in range(1, n_in + 1):
                names.append(f"W{layer}_{i}_{j}")
        for i in range(1, n_out + 1):
            names.append(f"b{layer}_{i}")
    return names


def formula_count(widths):
    return sum(widths[k] * widths[k + 1] + widths[k + 1] for k in range(len(widths) - 1))


NP_ACT = {
    "identity": lambda v: v,
    "relu": lambda v: np.where(v > 0, v, 0.0),
    "tanh": np.tanh,
    "sigmoid": lambda v: 1.0 / (1.0 + np.exp(-v)),
    "square": lambda v: v * v,
}


def numpy_forward(widths, activations, theta, x):
    """A forward pass written for the tests, reading ``theta`` in canonical order."""
    a, k = np.asarray(x, dtype=float), 0
    for layer, name in enumerate(activations, start=1):
        n_in, n_out = widths[layer - 1], widths[layer]
        W = np.asarray(theta[k : k + n_in * n_out], dtype=float).reshape(n_out, n_in)
        k += n_in * n_out
        b = np.asarray(theta[k : k + n_out], dtype=float)
        k += n_out
        a = NP_ACT[name](W @ a + b)
    assert k == len(theta)
    return a


# --------------------------------------------------------------------------- exact structure


def test_relu_mlp_output_equals_hand_built_matrix_form():
    model = MLP([2, 3, 1], activation="relu")
    x = sp.Matrix(model.inputs)
    W1, b1, W2, b2 = model.weight(1), model.bias(1), model.weight(2), model.bias(2)
    expected = W2 * (W1 * x + b1).applyfunc(relu) + b2
    assert model.output.shape == (1, 1)
    assert model.output == expected
    assert sp.simplify(model.output[0] - expected[0]) == 0


def test_relu_mlp_output_equals_post_formula_from_fresh_symbols():
    """sigma(W2 sigma(W1 x + b1) + b2) of the post, with symbols made from the documented names."""
    model = MLP([2, 3, 1], activation="relu")
    x = sp.Matrix([sp.Symbol("x_1"), sp.Symbol("x_2")])
    W1 = sp.Matrix(3, 2, lambda i, j: indexed("W", 1, i + 1, j + 1))
    b1 = sp.Matrix(3, 1, lambda i, _: indexed("b", 1, i + 1))
    W2 = sp.Matrix(1, 3, lambda i, j: indexed("W", 2, i + 1, j + 1))
    b2 = sp.Matrix([indexed("b", 2, 1)])
    hidden = (W1 * x + b1).applyfunc(relu)
    assert model.output == W2 * hidden + b2
    # The same, as an explicit scalar sum of the post.
    scalar = sp.Add(*[
        indexed("W", 2, 1, i) * sp.Max(0, sp.Add(*[indexed("W", 1, i, j) * sp.Symbol(f"x_{j}")
                                                  for j in (1, 2)]) + indexed("b", 1, i))
        for i in (1, 2, 3)
    ]) + indexed("b", 2, 1)
    assert model.output[0] == scalar
    # And the names are the documented ones.
    assert model.weight(1)[2, 1].name == "W1_3_2"
    assert model.bias(2)[0].name == "b2_1"


def test_tanh_mlp_with_sigmoid_output_is_hand_composition():
    model = MLP([3, 2, 2], activation="tanh", output_activation="sigmoid")
    x = sp.Matrix(model.inputs)
    hidden = (model.weight(1) * x + model.bias(1)).applyfunc(sp.tanh)
    z2 = model.weight(2) * hidden + model.bias(2)
    expected = z2.applyfunc(lambda e: 1 / (1 + sp.exp(-e)))
    assert model.output.shape == (2, 1)
    assert model.output == expected


def test_inputs_targets_and_shapes():
    model = MLP([3, 4, 2])
    assert isinstance(model.inputs, tuple) and isinstance(model.targets, tuple)
    assert [s.name for s in model.inputs] == ["x_1", "x_2", "x_3"]
    assert [s.name for s in model.targets] == ["y_1", "y_2"]
    assert all(isinstance(s, sp.Symbol) for s in model.inputs + model.targets)
    assert (model.n_inputs, model.n_outputs, model.n_layers) == (3, 2, 2)
    assert model.weight(1).shape == (4, 3) and model.weight(2).shape == (2, 4)
    assert model.bias(1).shape == (4, 1) and model.bias(2).shape == (2, 1)
    assert isinstance(model.params, tuple)
    assert isinstance(model.output, sp.MatrixBase) and model.output.shape == (2, 1)
    assert model.output is model.output  # cached


# --------------------------------------------------------------------------- parameter order and names


@pytest.mark.parametrize("widths", [[2, 3, 1], [1, 1], [3, 2, 4, 2], [2, 5, 5, 5, 1], [12, 13, 12]])
def test_canonical_parameter_order(widths):
    model = MLP(widths)
    assert [p.name for p in model.params] == expected_param_names(widths)
    # The same order read from the per-layer matrices: W row-major, then b.
    from_layers = []
    for layer in range(1, len(widths)):
        W, b = model.weight(layer), model.bias(layer)
        assert W.shape == (widths[layer], widths[layer - 1])
        from_layers += [W[i, j] for i in range(W.rows) for j in range(W.cols)] + list(b)
    assert list(model.params) == from_layers
    assert len(model.params) == model.num_params == formula_count(widths)


def test_names_unique_and_unambiguous_at_width_12():
    model = MLP([12, 13, 12])
    names = [p.name for p in model.params]
    assert len(set(names)) == len(names) == formula_count([12, 13, 12])
    assert len(set(model.params)) == len(model.params)
    by_name = {p.name: p for p in model.params}
    assert "W1_1_11" in by_name and "W1_11_1" in by_name
    assert by_name["W1_1_11"] != by_name["W1_11_1"]
    assert model.weight(1)[0, 10] is by_name["W1_1_11"] or model.weight(1)[0, 10] == by_name["W1_1_11"]
    assert model.weight(1)[10, 0] == by_name["W1_11_1"]
    # x_1 .. x_12 and parameter names never collide either.
    assert not {s.name for s in model.inputs} & set(names)


def test_param_symbols_are_indexed_symbols_with_math_latex():
    model = MLP([12, 13, 12])
    w = model.weight(1)[0, 10]
    assert isinstance(w, IndexedSymbol)
    assert sp.latex(w) == "W^{(1)}_{1,11}"
    assert sp.latex(model.weight(1)[10, 0]) == "W^{(1)}_{11,1}"
    assert sp.latex(model.bias(2)[11]) == "b^{(2)}_{12}"
    assert w == indexed("W", 1, 1, 11)
    # A plain Symbol of the same name is a different symbol, as documented.
    assert w != sp.Symbol("W1_1_11")


def test_lambdify_at_width_12_agrees_with_numpy_forward_pass():
    widths = [12, 13, 12]
    # relu, not tanh: SymPy takes seconds to multiply matrices of tanh(...) entries.
    model = MLP(widths, activation="relu")
    f = sp.lambdify(model.inputs + model.params, model.output, modules="numpy")
    rng = np.random.default_rng(7)
    for _ in range(3):
        theta = rng.normal(scale=0.5, size=model.num_params)
        x = rng.normal(size=12)
        got = np.asarray(f(*x, *theta), dtype=float).ravel()
        expected = numpy_forward(widths, ["relu", "identity"], theta, x)
        assert np.count_nonzero(expected) > 0
        np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("acts", [["relu", "identity"], ["sigmoid", "tanh"], ["square", "identity"]])
def test_lambdify_small_models_agree_with_numpy_forward_pass(acts):
    widths = [3, 4, 2]
    model = MLP(widths, activation=acts[0], output_activation=acts[1])
    f = sp.lambdify(model.inputs + model.params, model.output, modules="numpy")
    rng = np.random.default_rng(11)
    theta = rng.normal(size=model.num_params)
    x = rng.normal(size=3)
    got = np.asarray(f(*x, *theta), dtype=float).ravel()
    np.testing.assert_allclose(got, numpy_forward(widths, acts, theta, x), rtol=1e-12, atol=1e-12)


# --------------------------------------------------------------------------- laziness


def test_large_model_construction_builds_no_symbols():
    model = MLP([784, 128, 10])
    assert model.num_params == 784 * 128 + 128 + 128 * 10 + 10 == 101770
    assert (model.n_inputs, model.n_outputs, model.n_layers) == (784, 10, 2)
    assert "784" in repr(model)
    assert model == MLP([784, 128, 10]) and hash(model) == hash(MLP([784, 128, 10]))
    built = set(vars(model))
    for lazy in ("weights", "biases", "params", "output", "_layers", "inputs"):
        assert lazy not in built


def test_weights_do_not_build_output():
    model = MLP([3, 4, 1])
    assert model.weight(1).shape == (4, 3)
    assert len(model.params) == 21
    assert "weights" in vars(model) and "params" in vars(model)
    assert "output" not in vars(model) and "_layers" not in vars(model)
    assert model.output.shape == (1, 1)
    assert "output" in vars(model)


# --------------------------------------------------------------------------- substitution


def fraction_forward(widths, theta, x):
    """Exact ReLU-hidden, identity-output forward pass in Fraction arithmetic."""
    a, k = [Fraction(v) for v in x], 0
    for layer in range(1, len(widths)):
        n_in, n_out = widths[layer - 1], widths[layer]
        W = [theta[k + i * n_in : k + (i + 1) * n_in] for i in range(n_out)]
        k += n_in * n_out
        b = theta[k : k + n_out]
        k += n_out
        z = [sum((W[i][j] * a[j] for j in range(n_in)), Fraction(0)) + b[i] for i in range(n_out)]
        a = z if layer == len(widths) - 1 else [max(Fraction(0), v) for v in z]
    return a


def test_subs_with_rationals_stays_exact():
    widths = [2, 3, 1]
    model = MLP(widths, activation="relu")
    theta = [Fraction((-1) ** k * (k + 1), k + 2) for k in range(model.num_params)]
    x = [Fraction(3, 7), Fraction(-5, 2)]
    expected = fraction_forward(widths, theta, x)
    result = model.subs(theta, x=x)
    assert result.shape == (1, 1)
    assert result[0].is_Rational
    assert result[0] == sp.Rational(expected[0].numerator, expected[0].denominator)
    # Theta given as SymPy Rationals, and x as ints, is just as exact.
    result2 = model.subs([sp.Rational(t.numerator, t.denominator) for t in theta], x=[1, -2])
    expected2 = fraction_forward(widths, theta, [1, -2])
    assert result2[0] == sp.Rational(expected2[0].numerator, expected2[0].denominator)


def test_subs_without_x_is_output_with_params_replaced():
    model = MLP([2, 3, 2], activation="tanh")
    theta = [sp.Rational(k - 6, 5) for k in range(model.num_params)]
    partial = model.subs(theta)
    assert partial.free_symbols <= set(model.inputs)
    assert partial.free_symbols == set(model.inputs)
    reference = model.output.subs(dict(zip(model.params, theta)))
    assert sp.simplify(partial - reference) == sp.zeros(2, 1)
    # No float crept in.
    assert not partial.atoms(sp.Float)


def test_subs_with_dict_equals_subs_with_sequence():
    model = MLP([2, 2, 1], activation="relu")
    theta = [Fraction(k, 3) - 1 for k in range(model.num_params)]
    as_dict = dict(zip(model.params, theta))
    x = [2, Fraction(1, 2)]
    assert model.subs(as_dict, x=x) == model.subs(theta, x=x)
    expected = fraction_forward([2, 2, 1], theta, x)[0]
    assert model.subs(as_dict, x=x)[0] == sp.Rational(expected.numerator, expected.denominator)


def test_subs_with_numpy_array_and_floats_matches_numpy():
    widths = [3, 2, 2]
    model = MLP(widths, activation="sigmoid")
    rng = np.random.default_rng(3)
    theta = rng.normal(size=model.num_params)
    x = rng.normal(size=3)
    got = np.array([float(v) for v in model.subs(theta, x=x)])
    np.testing.assert_allclose(got, numpy_forward(widths, ["sigmoid", "identity"], theta, x), rtol=1e-12)
    ints = np.arange(model.num_params)
    assert model.subs(ints, x=[1, 0, -1]) == model.subs(list(range(model.num_params)), x=[1, 0, -1])


@pytest.mark.parametrize("length_delta", [-1, 1])
def test_subs_wrong_length_theta(length_delta):
    model = MLP([2, 3, 1])
    n = model.num_params + length_delta
    with pytest.raises(ValueError) as info:
        model.subs([1] * n)
    assert str(model.num_params) in str(info.value) and str(n) in str(info.value)


@pytest.mark.parametrize("bad", ["1", "one", b"1"])
def test_subs_string_entries_refused(bad):
    model = MLP([2, 2, 1])
    theta = [1] * model.num_params
    theta[4] = bad
    with pytest.raises(TypeError) as info:
        model.subs(theta)
    assert repr(bad) in str(info.value)


def test_subs_refuses_text_and_symbolic_theta():
    model = MLP([1, 1])
    with pytest.raises(TypeError):
        model.subs("12")
    with pytest.raises(TypeError):
        model.subs([sp.Symbol("q"), 1])
    with pytest.raises(ValueError):
        model.subs([float("nan"), 1])
    with pytest.raises(ValueError):
        model.subs([1, 2], x=[1, 2])


@pytest.mark.parametrize("bad", [sp.nan, sp.oo, -sp.oo, sp.zoo])
def test_subs_refuses_non_finite_sympy_numbers(bad):
    model = MLP([1, 1])
    with pytest.raises(ValueError):
        model.subs([bad, 1])


def test_subs_dict_errors():
    model = MLP([2, 2, 1])
    full = {p: 1 for p in model.params}
    missing = dict(full)
    missing.pop(model.params[0])
    with pytest.raises(ValueError) as info:
        model.subs(missing)
    assert "W1_1_1" in str(info.value)
    plain = {sp.Symbol(p.name): 1 for p in model.params}
    with pytest.raises(ValueError):
        model.subs(plain)


# --------------------------------------------------------------------------- layers


def test_per_layer_activation_list():
    model = MLP([2, 3, 4, 1], activation=["relu", "sigmoid"])
    assert model.activation_names == ("relu", "sigmoid", "identity")
    assert [model.sigma(l).name for l in (1, 2, 3)] == ["relu", "sigmoid", "identity"]
    x = sp.Matrix(model.inputs)
    a1 = (model.weight(1) * x + model.bias(1)).applyfunc(relu)
    a2 = (model.weight(2) * a1 + model.bias(2)).applyfunc(lambda e: 1 / (1 + sp.exp(-e)))
    expected = model.weight(3) * a2 + model.bias(3)
    assert model.output == expected
    assert model.activation(1) == a1 and model.activation(2) == a2


@pytest.mark.parametrize("acts", [("relu",), ["tanh"], ("relu", "relu")])
def test_activation_list_or_tuple_accepted(acts):
    widths = [2] + [3] * len(acts) + [1]
    model = MLP(widths, activation=acts)
    assert model.activation_names == (*acts, "identity")
    if len(set(acts)) == 1:
        assert model == MLP(widths, activation=acts[0])


def test_preactivation_and_activation_recurrence():
    model = MLP([2, 3, 2, 1], activation="tanh", output_activation="relu")
    L = model.n_layers
    assert L == 3
    assert model.activation(0) == sp.Matrix(model.inputs)
    for l in range(1, L + 1):
        z = model.weight(l) * model.activation(l - 1) + model.bias(l)
        assert model.preactivation(l) == z
        sigma = relu if l == L else sp.tanh
        assert model.activation(l) == z.applyfunc(sigma)
    assert model.activation(L) == model.output


@pytest.mark.parametrize("method", ["preactivation", "weight", "bias", "sigma"])
@pytest.mark.parametrize("bad", [0, 4, -1, True, 1.0, "1"])
def test_layer_range_errors(method, bad):
    model = MLP([2, 3, 2, 1])
    with pytest.raises((ValueError, TypeError)) as info:
        getattr(model, method)(bad)
    assert repr(bad) in str(info.value)
    assert "3" in str(info.value)


@pytest.mark.parametrize("bad", [-1, 4, False])
def test_activation_layer_range_errors(bad):
    model = MLP([2, 3, 2, 1])
    with pytest.raises((ValueError, TypeError)) as info:
        model.activation(bad)
    assert repr(bad) in str(info.value)


# --------------------------------------------------------------------------- immutability, equality, repr


@pytest.mark.parametrize("attr", ["widths", "sigmas", "output", "params", "new_attribute"])
def test_models_are_immutable(attr):
    model = MLP([2, 3, 1])
    with pytest.raises(AttributeError):
        setattr(model, attr, (1, 1))
    assert model.widths == (2, 3, 1)


def test_attributes_cannot_be_deleted():
    model = MLP([2, 3, 1])
    with pytest.raises(AttributeError):
        del model.widths


def test_equality_and_hash():
    a = MLP([2, 3, 1], activation="relu")
    same = [MLP((2, 3, 1), activation="relu"), MLP([2, 3, 1], activation=["relu"]),
            MLP([2, 3, 1], activation="relu", output_activation="identity")]
    for b in same:
        assert a == b and hash(a) == hash(b)
    different = [MLP([2, 3, 1]), MLP([2, 3, 2], activation="relu"),
                 MLP([2, 3, 1], activation="relu", output_activation="sigmoid"),
                 MLP([2, 3, 3, 1], activation="relu"), Polynomial(2, 3), (2, 3, 1), "MLP"]
    for b in different:
        assert a != b
    assert len({a, *same}) == 1
    assert MLP([2, 2, 2, 1], activation=["relu", "tanh"]) != MLP([2, 2, 2, 1], activation=["tanh", "relu"])


@pytest.mark.parametrize("model", [
    MLP([2, 3, 1]),
    MLP([2, 3, 1], activation="relu"),
    MLP([4, 1], output_activation="sigmoid"),
    MLP([2, 3, 3, 1], activation=["relu", "tanh"], output_activation="sigmoid"),
    MLP([5, 2, 2, 2, 3], activation="softplus"),
], ids=repr)
def test_repr_and_spec_round_trip(model):
    spec = model.spec()
    assert MLP(**spec) == model
    assert MLP(**json.loads(json.dumps(spec))) == model
    assert repr(MLP(**spec)) == repr(model)
    assert eval(repr(model), {"MLP": MLP}) == model  # test-only: the repr is our own text
    assert repr(model).startswith("MLP(")
    assert str(list(model.widths)) in repr(model)


def test_repr_reads_as_documented():
    assert repr(MLP([2, 3, 1], activation="relu")) == (
        "MLP([2, 3, 1], activation='relu', output_activation='identity')")
    assert repr(MLP([2, 3, 3, 1], activation=["relu", "tanh"])) == (
        "MLP([2, 3, 3, 1], activation=['relu', 'tanh'], output_activation='identity')")


# --------------------------------------------------------------------------- LaTeX


def test_latex_of_model():
    model = MLP([2, 3, 1], activation="relu")
    text = sp.latex(model)
    for piece in ["W^{(1)}", "W^{(2)}", "b^{(1)}", "b^{(2)}", r"\operatorname{ReLU}"]:
        assert piece in text
    assert "W^{(3)}" not in text
    # The hidden layer is inside the outer affine map: W2 sigma(W1 x + b1) + b2.
    assert text.index("W^{(2)}") < text.index("W^{(1)}") < text.index("b^{(1)}") < text.index("b^{(2)}")
    rich = model._repr_latex_()
    assert rich.startswith("$") and rich.endswith("$")
    assert "W^{(1)}" in rich and "W^{(2)}" in rich


def test_latex_of_deeper_model_names_every_layer_and_activation():
    model = MLP([2, 3, 3, 1], activation=["tanh", "sigmoid"], output_activation="sigmoid")
    text = sp.latex(model)
    for l in (1, 2, 3):
        assert f"W^{{({l})}}" in text and f"b^{{({l})}}" in text
    assert r"\tanh" in text and text.count(r"\sigma") == 2


def test_latex_of_output_expression_uses_indexed_names():
    model = MLP([2, 2, 1], activation="relu")
    text = sp.latex(model.output[0])
    assert "W^{(1)}_{1,2}" in text and "W^{(2)}_{1,1}" in text and "b^{(1)}_{2}" in text


# --------------------------------------------------------------------------- bad input


@pytest.mark.parametrize("widths, exc, needle", [
    ([], ValueError, "[]"),
    ([2], ValueError, "[2]"),
    ([2, 0, 1], ValueError, "0"),
    ([2, -1, 1], ValueError, "-1"),
    ([2.5, 1], TypeError, "2.5"),
    (["2", 1], TypeError, "'2'"),
    ("2,3,1", TypeError, "2,3,1"),
    ([2, True, 1], TypeError, "True"),
    ([False, 1], TypeError, "False"),
    ([2, None], TypeError, "None"),
    (3, TypeError, "3"),
    (None, TypeError, "None"),
    ({2, 3}, TypeError, "{2, 3}"),
])
def test_bad_widths(widths, exc, needle):
    with pytest.raises(exc) as info:
        MLP(widths)
    assert needle in str(info.value)


def test_bad_width_message_names_position():
    with pytest.raises(ValueError) as info:
        MLP([2, 3, 0, 1])
    assert "widths[2]" in str(info.value)


def test_numpy_integer_widths_accepted_as_ints():
    model = MLP([np.int64(2), np.int32(3), 1])
    assert model.widths == (2, 3, 1) and all(type(w) is int for w in model.widths)
    assert model == MLP([2, 3, 1])


@pytest.mark.parametrize("kwargs, exc, needle", [
    ({"activation": "gelu"}, ValueError, "gelu"),
    ({"activation": ["relu", "gelu"], "widths": [2, 2, 2, 1]}, ValueError, "gelu"),
    ({"output_activation": "swish"}, ValueError, "swish"),
    ({"activation": None}, TypeError, "None"),
    ({"activation": 3}, TypeError, "3"),
])
def test_bad_activation(kwargs, exc, needle):
    kwargs = {"widths": [2, 3, 1], **kwargs}
    with pytest.raises(exc) as info:
        MLP(**kwargs)
    msg = str(info.value)
    assert needle in msg
    if exc is ValueError:
        assert "relu" in msg and "tanh" in msg  # says what is allowed


@pytest.mark.parametrize("widths, acts", [
    ([2, 3, 1], ["relu", "relu"]),
    ([2, 3, 3, 1], ["relu"]),
    ([2, 3, 3, 1], ["relu", "tanh", "relu"]),
    ([2, 1], ["relu"]),
])
def test_activation_list_of_wrong_length(widths, acts):
    with pytest.raises(ValueError) as info:
        MLP(widths, activation=acts)
    msg = str(info.value)
    assert str(len(acts)) in msg and str(len(widths) - 2) in msg
    assert str(list(widths)) in msg


# --------------------------------------------------------------------------- hypothesis


@settings(max_examples=30, deadline=None)
@given(widths=st.lists(st.integers(1, 5), min_size=2, max_size=4),
       act=st.sampled_from(["relu", "tanh", "sigmoid", "square"]))
def test_counts_agree_for_generated_widths(widths, act):
    model = MLP(widths, activation=act)
    expected = formula_count(widths)
    assert model.num_params == expected
    assert len(model.params) == expected
    assert len(set(model.params)) == expected
    assert count_free_symbols(model) == expected
    free = set().union(*(e.free_symbols for e in model.output))
    assert free == set(model.params) | set(model.inputs)
    assert [p.name for p in model.params] == expected_param_names(widths)
