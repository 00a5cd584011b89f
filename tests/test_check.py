"""check(): agreement reports, and that a wrong gradient is caught."""

import dataclasses
import importlib

import numpy as np
import pytest
import sympy as sp

from symmlp.models.mlp import MLP
from symmlp.models.polynomial import Polynomial, SeparablePolynomial
from symmlp.ops.activations import activation_names, get_activation
from symmlp.verify.check import check

check_module = importlib.import_module("symmlp.verify.check")  # symmlp.verify.check is also the function


@pytest.mark.parametrize("model, loss", [
    (MLP([2, 2, 1], activation="relu"), "mse"),
    (MLP([2, 3, 1], activation="tanh"), "mse"),
    (MLP([1, 2, 2], activation="softplus", output_activation="softplus"), "mse"),
    (MLP([2, 2, 1], activation="sigmoid", output_activation="sigmoid"), "bce"),
    (MLP([2, 2, 3], activation="square"), "softmax_ce"),
    (MLP([1, 2, 2, 1], activation=["square", "cube"], output_activation="tanh"), "mse"),
    (Polynomial(2, 2, n_outputs=2), "mse"),
    (SeparablePolynomial(2, 3), "mse"),
])
def test_report_ok_on_grid(model, loss):
    report = check(model, loss, seed=3)
    assert report.ok, str(report)
    assert [r.param for r in report.rows] == list(model.params)
    assert report.direct_skipped is None
    assert report.max_error("direct_error") == 0.0


@pytest.mark.parametrize("name", activation_names())
def test_every_activation_as_hidden_and_output(name):
    assert check(MLP([2, 2, 1], activation=name, output_activation=name), seed=1).ok


def test_str_has_one_row_per_parameter():
    model = MLP([2, 2, 1], activation="tanh")
    text = str(check(model))
    assert text.startswith("check(MLP([2, 2, 1]") and ": OK" in text.splitlines()[0]
    for p in model.params:
        assert any(line.split()[0] == str(p) and line.endswith("yes") for line in text.splitlines())


def test_direct_column_skipped_above_limit():
    report = check(MLP([2, 3, 1]), direct_max_params=5)
    assert report.ok and all(r.direct_error is None for r in report.rows)
    assert "direct_max_params=5" in str(report) and "skipped" in str(report)


def test_wrong_compiled_gradient_is_caught(monkeypatch):
    real = check_module.compile_model

    def broken(model, loss):
        compiled = real(model, loss)
        inner = compiled._loss_and_grad

        def wrong(theta, X, Y):
            loss_value, grad = inner(theta, X, Y)
            return loss_value, grad * 1.01
        compiled._loss_and_grad = wrong
        return compiled

    monkeypatch.setattr(check_module, "compile_model", broken)
    report = check(MLP([2, 2, 1], activation="tanh"))
    assert not report.ok and "DISAGREE" in str(report) and " NO" in str(report)


def test_wrong_activation_derivative_is_caught():
    tanh = get_activation("tanh")
    wrong = dataclasses.replace(tanh, derivative_source="1.0 - {a}")
    model = MLP([2, 2, 1], activation=wrong)
    report = check(model)
    assert not report.ok
    bad = [r for r in report.rows if not r.ok]
    assert all(str(r.param).startswith(("W1", "b1")) for r in bad) and bad
    assert all(r.fd_error > 1e-6 for r in bad)


def test_wrong_exact_derivative_is_caught():
    tanh = get_activation("tanh")
    wrong = dataclasses.replace(tanh, first=lambda z: 1 - tanh(z))
    report = check(MLP([1, 2, 1], activation=wrong))
    assert not report.ok
    assert any(r.direct_error and r.direct_error > 1e-6 for r in report.rows)


def test_rows_exact_value_matches_numpy():
    report = check(MLP([1, 1], output_activation="identity"), seed=1)
    assert all(np.isfinite(r.exact) for r in report.rows)
    assert report.max_error("numpy_error") < 1e-12


def test_relu_kink_points_are_avoided():
    model = MLP([1, 2, 2, 1], activation="relu")
    kinked = [seed for seed in range(400) if check_module._near_kink(*_first_draw(model, seed))]
    assert kinked, "no seed's first draw lands on a ReLU kink; the test needs one"
    for seed in kinked[:2]:
        assert check(model, seed=seed).ok


def _first_draw(model, seed):
    import random

    rng = random.Random(seed)
    theta = check_module.draw_theta(model, rng)
    return model, theta, [check_module._rational(rng) for _ in model.inputs]


def test_near_kink_by_hand():
    model = MLP([1, 1], output_activation="relu")
    assert check_module._near_kink(model, [2, -4], [2])  # z = 2*2 - 4 = 0
    assert not check_module._near_kink(model, [2, -3], [2])
    assert not check_module._near_kink(MLP([1, 1]), [2, -4], [2])


def test_agree_exactly():
    import sympy as sp

    agree = check_module._agree_exactly
    assert agree(sp.Rational(1, 3), sp.Rational(1, 3)) == 0.0
    assert agree(sp.Rational(1, 3), sp.Rational(1, 4)) == pytest.approx(1 / 12)
    assert agree(sp.tanh(sp.Rational(1, 2)), 1 - 2 / (sp.exp(1) + 1)) == 0.0  # tanh(1/2) by hand
    assert agree(sp.tanh(sp.Rational(1, 2)), sp.tanh(sp.Rational(1, 2)) + sp.Rational(1, 10**30)) > 0


def test_wide_tanh_net_rows_are_not_saturated():
    report = check(MLP([16, 16, 1], activation="tanh"))
    assert report.ok
    assert min(abs(r.exact) for r in report.rows) > 1e-6


def test_draw_theta_divides_weights_by_fan_in():
    import random

    model = MLP([4, 3, 2])
    theta = check_module.draw_theta(model, random.Random(0))
    for p, v in zip(model.params, theta):
        assert v != 0
        fan_in = {"W1": 4, "W2": 3}.get(p.name.split("_")[0], 1)
        assert abs(v) <= sp.Rational(9, 2) / fan_in
