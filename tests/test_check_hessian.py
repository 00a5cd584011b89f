"""Certified Hessians: the hvp equations in balls against the exact index-form Hessian and sympy.diff twice."""

import dataclasses
import importlib
from fractions import Fraction

import numpy as np
import pytest
import sympy as sp
from flint import fmpq

from symmlp import MLP, Polynomial, certified_hessian, hessian
from symmlp.emit.arb import to_arb, working_precision
from symmlp.ops.activations import get_activation
from symmlp.verify.check import check

check_module = importlib.import_module("symmlp.verify.check")


def _one_sample_point(model, seed):
    rng = np.random.default_rng(seed)
    theta = [Fraction(int(k), 16) for k in rng.integers(-12, 12, model.num_params)]
    x = [Fraction(int(k), 8) for k in rng.integers(-8, 8, model.n_inputs)]
    y = [Fraction(int(k), 8) for k in rng.integers(-8, 8, model.n_outputs)]
    return theta, x, y


@pytest.mark.parametrize("model, loss", [(MLP([2, 3, 1], activation="relu"), "mse"),
                                         (MLP([2, 2, 1], activation="tanh"), "mse"),
                                         (MLP([1, 2, 1], activation="sigmoid", output_activation="sigmoid"), "bce"),
                                         (Polynomial(2, 2), "mse")])
def test_enclosure_contains_the_exact_index_form_hessian(model, loss):
    theta, x, y = _one_sample_point(model, 3)
    H = certified_hessian(model, loss, at=(theta, [x], [y]), digits=40)
    assert H.ok, str(H)
    exact = hessian(model, loss, at=dict(zip([*model.params, *model.inputs, *model.targets],
                                             [sp.Rational(v.numerator, v.denominator) for v in (*theta, *x, *y)])))
    for i in range(model.num_params):
        for j in range(model.num_params):
            mine, theirs = H.enclosure[i, j], exact[i, j]
            if isinstance(mine, fmpq):
                assert theirs.is_Rational and mine == fmpq(int(theirs.p), int(theirs.q))
            else:
                with working_precision(300):
                    reference = to_arb(Fraction(str(sp.Rational(sp.Float(theirs, 50)))))
                    assert to_arb(mine).overlaps(reference + to_arb(0).union(to_arb(1e-40)) - to_arb(5e-41))


def test_check_order_2_certifies_the_hessian_and_compares_compiled_numpy():
    report = check(MLP([3, 6, 5, 1], activation="tanh"), order=2, routes="A,B")
    assert report.ok, str(report)
    H = report.hessian
    n = report.model.num_params
    assert H.enclosure.shape == (n, n) and H.numpy_error < 1e-13 and H.min_digits >= 30
    assert "Hessian 65 x 65 certified by hvp" in str(report)


def test_a_broken_second_derivative_is_caught():
    tanh = get_activation("tanh")
    broken = dataclasses.replace(tanh, second_source="-1.0 * {a} * (1.0 - {a}**2)")
    report = check(MLP([2, 3, 1], activation=broken), order=2)
    assert not report.ok
    assert any("σ″" in f for f in report.failures)
    assert any("sympy.diff twice disagree" in f for f in report.hessian.failures)


def test_a_wrong_compiled_hessian_is_caught(monkeypatch):
    real = check_module.compile_model

    def broken(model, loss):
        compiled = real(model, loss)
        exact = compiled.hessian
        monkeypatch.setattr(compiled, "hessian", lambda *a, **k: exact(*a, **k) * (1 + 1e-9), raising=False)
        return compiled

    monkeypatch.setattr(check_module, "compile_model", broken)
    report = check(MLP([2, 3, 1], activation="tanh"), order=2)
    assert not report.ok and any("compiled NumPy Hessian" in f for f in report.failures)


def test_at_is_checked():
    with pytest.raises(ValueError, match="theta must have shape"):
        certified_hessian(MLP([2, 1]), at=([0, 0], [[1, 1]], [[0]]))
    with pytest.raises(TypeError, match=r"at must be \(theta, X, Y\)"):
        certified_hessian(MLP([2, 1]), at={"W": 1})


def test_a_wrong_loss_curvature_is_caught_by_its_faces_on_a_big_model():
    from symmlp.derive.equations import Term
    from symmlp.ops.losses.mse import MSE

    class WrongCurvature(MSE):
        name = "wrong_curvature_test"

        def matrix_curvature(self, out, z, r):
            return Term("wrong", "wrong", f"{r.code} / B * 1.001")

    assert check(MLP([4, 16, 16, 1], activation="tanh"), WrongCurvature(), routes="A,B").ok
    report = check(MLP([4, 16, 16, 1], activation="tanh"), WrongCurvature(), routes="A,B", order=2)
    assert not report.ok
    assert any("curvature along" in f and "wrong_curvature_test" in f for f in report.failures)
