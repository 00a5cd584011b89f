"""symmlp.check: certified routes agree, every wrong thing is caught in every seed, and no draw is vacuous."""

import dataclasses
import importlib
from fractions import Fraction

import mpmath
import numpy as np
import pytest
import sympy as sp
from flint import arb
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import symmlp
from symmlp import MLP, Polynomial, SeparablePolynomial, compile
from symmlp.derive.grad import real_symbols
from symmlp.emit.arb import to_arb, working_precision
from symmlp.models.stages import Affine, Elementwise
from symmlp.ops.activations import activation_names, get_activation, register_activation, unregister_activation
from symmlp.verify.check import check
from symmlp.verify.points import draw_point

check_module = importlib.import_module("symmlp.verify.check")  # symmlp.verify.check is also the function
SEEDS = settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])

MODELS = [
    (MLP([2, 3, 1], activation="tanh"), "mse"),
    (MLP([3, 4, 4, 2], activation="relu"), "mse"),
    (MLP([2, 3, 2, 1], activation=["softplus", "sigmoid"]), "logcosh"),
    (MLP([2, 2, 1], activation="sigmoid", output_activation="sigmoid"), "bce"),
    (MLP([2, 3, 3], activation="square"), "softmax_ce"),
    (MLP([1, 2, 2, 1], activation=["square", "cube"], output_activation="tanh"), "huber"),
    (MLP([2, 5, 1], activation="relu"), "huber"),
    (Polynomial(2, 3, n_outputs=2), "mse"),
    (Polynomial(2, 2, n_outputs=3), "softmax_ce"),
    (SeparablePolynomial(2, 3), "mse"),
    (symmlp.serial(Affine(2, 3, 1), Elementwise(3, 1, "tanh"), Affine(3, 2, 2), Elementwise(2, 2, "relu"),
                   Affine(2, 1, 3)), "mse"),
]


@pytest.mark.parametrize("model, loss", MODELS, ids=lambda v: repr(v)[:40])
def test_routes_a_and_b_agree_and_numpy_is_within_its_bound(model, loss):
    report = check(model, loss, seed=3, routes="A,B")
    assert report.ok, str(report)
    assert [r.name for r in report.routes] == ["A", "B"]
    assert [r.param for r in report.rows] == list(model.params)
    assert all(r.routes_agree and r.numpy_ok for r in report.rows)
    assert report.coverage.complete


@pytest.mark.parametrize("name", activation_names())
def test_every_activation_as_hidden_and_output_with_all_three_routes(name):
    report = check(MLP([2, 2, 1], activation=name, output_activation=name), seed=1, routes="A,B,C")
    assert report.ok, str(report)
    assert {r.name for r in report.routes} == {"A", "B", "C"}


def test_exact_rationals_where_values_stay_rational():
    relu = check(MLP([2, 3, 1], activation="relu"))
    assert relu.prec is None and all(r.exact for r in relu.routes)
    assert all(isinstance(r.enclosure, type(relu.rows[0].enclosure)) and r.digits == float("inf") for r in relu.rows)
    tanh = check(MLP([2, 3, 1], activation="tanh"), digits=40)
    assert tanh.prec is not None and tanh.min_digits >= 40


def _mpmath_gradient(model, loss, point, dps=60):
    """The batch-mean gradient by sympy.diff of the expanded loss, evaluated by mpmath at ``dps`` digits."""
    real, _ = real_symbols(model)
    d = symmlp.backprop(model, loss)
    ell = d.loss_expression().xreplace(real)
    params = [real[p] for p in model.params]
    args = [*params, *(real[s] for s in model.inputs), *(real[s] for s in model.targets)]
    f = sp.lambdify(args, [sp.diff(ell, p) for p in params], modules="mpmath")
    with mpmath.workdps(dps):
        q = lambda v: mpmath.mpf(v.numerator) / v.denominator  # noqa: E731
        theta = [q(v) for v in point.theta]
        total = [mpmath.mpf(0)] * len(params)
        for x, y in zip(point.X, point.Y):
            g = f(*theta, *(q(v) for v in x), *(q(v) for v in y))
            total = [t + gi for t, gi in zip(total, g)]
        return [t / point.batch for t in total]


@pytest.mark.parametrize("model, loss", [(MLP([2, 3, 1], activation="tanh"), "mse"),
                                         (MLP([2, 2, 1], activation="sigmoid", output_activation="sigmoid"), "bce"),
                                         (MLP([2, 2, 2], activation="softplus"), "softmax_ce")])
def test_enclosures_contain_mpmath_60_digit_values(model, loss):
    report = check(model, loss, seed=5, digits=40)
    point = report.point
    assert point.dyadic()
    for row, value in zip(report.rows, _mpmath_gradient(model, loss, point)):
        assert row.digits >= 40
        sign, man, exp, _ = value._mpf_
        exact = (-1) ** sign * Fraction(int(man)) * Fraction(2) ** int(exp)
        with working_precision(400):  # the 60-digit value, give or take 1e-55 of it
            reference = to_arb(exact) + arb(0, abs(float(value)) * 1e-55)
            assert to_arb(row.enclosure).overlaps(reference)
            assert reference.contains(to_arb(row.enclosure).mid()) or to_arb(row.enclosure).rad() < 1e-40


def _wrong_entry(model, k, scale=1e-6):
    real = compile(model)

    def fn(theta, X, Y):
        loss, grad = real.loss_and_grad(theta, X, Y)
        grad = grad.copy()
        grad[k] += scale * (1 + np.abs(grad).max())
        return loss, grad

    return fn


@SEEDS
@given(seed=st.integers(0, 10**6), k=st.integers(0, 36))
def test_one_wrong_entry_in_your_gradient_is_reported_in_every_seed(seed, k):
    model = MLP([2, 4, 4, 1], activation="tanh")
    report = check(model, seed=seed, routes="A,B", against=_wrong_entry(model, k))
    assert not report.ok
    assert [r.param for r in report.wrong("against")] == [model.params[k]]
    assert report.wrong("numpy") == ()
    assert "your gradient (against)" in str(report) and str(model.params[k]) in str(report)


def test_a_correct_against_passes_and_a_float32_one_gets_a_float32_bound():
    model = MLP([2, 4, 1], activation="tanh")
    compiled = compile(model)
    assert check(model, against=compiled.loss_and_grad).ok
    as_float32 = lambda t, X, Y: tuple(np.float32(v) for v in compiled.loss_and_grad(t, X, Y))  # noqa: E731
    report = check(model, against=lambda t, X, Y: (as_float32(t, X, Y)[0], as_float32(t, X, Y)[1]))
    assert report.ok, str(report)
    assert max(r.against_allowed for r in report.rows) > 1e-8


def test_against_must_return_loss_and_gradient_of_the_right_shape():
    model = MLP([2, 3, 1])
    with pytest.raises(ValueError, match=r"shape \(13,\)"):
        check(model, against=lambda t, X, Y: (0.0, np.zeros(12)))
    with pytest.raises(TypeError, match="must return \\(loss, grad\\)"):
        check(model, against=lambda t, X, Y: 0.0)
    with pytest.raises(TypeError, match="against must be a function"):
        check(model, against=3)
    with pytest.raises(TypeError, match="against must return a float loss"):
        check(model, against=lambda t, X, Y: ("x", np.zeros(13)))


@SEEDS
@given(seed=st.integers(0, 10**6))
def test_a_broken_activation_derivative_is_caught_in_every_seed(seed):
    tanh = get_activation("tanh")
    for broken in (dataclasses.replace(tanh, derivative_source="1.0 - {a}"),
                   dataclasses.replace(tanh, first=lambda z: 1 - tanh(z))):
        report = check(MLP([2, 3, 1], activation=broken), seed=seed, routes="A,B")
        assert not report.ok
        assert any(f.startswith("faces disagree: activation tanh") for f in report.failures)


@SEEDS
@given(seed=st.integers(0, 10**6))
def test_relu_derivative_zero_in_both_faces_fails_in_every_seed(seed):
    relu = get_activation("relu")
    dead = dataclasses.replace(relu, derivative_source="0.0", first=lambda z: sp.Integer(0))
    report = check(MLP([2, 3, 1], activation=dead), seed=seed)
    assert not report.ok
    assert any("vacuous draw" in f for f in report.failures)
    assert any("faces disagree" in f for f in report.failures)


@SEEDS
@given(seed=st.integers(0, 10**6), widths=st.sampled_from([[2, 3, 1], [1, 2, 2, 1], [3, 8, 8, 2], [2, 16, 16, 1]]))
def test_relu_checks_report_full_unit_coverage(seed, widths):
    report = check(MLP(widths, activation="relu"), seed=seed, routes="A,B")
    assert report.ok, str(report)
    cov = report.coverage
    assert cov.complete and [s.units for s in cov.stages] == widths[1:-1]
    assert all(s.covered == s.units and s.touching == 0 for s in cov.stages)
    assert cov.nonzero_rows == cov.rows


def test_the_readme_relu_example_is_no_longer_vacuous():
    report = check(MLP([2, 3, 1], activation="relu"), seed=0)
    assert report.ok and report.coverage.stages[0].covered == 3
    assert sum(1 for r in report.rows if r.value != 0) == 13


def test_wrong_compiled_gradient_is_caught(monkeypatch):
    real = check_module.compile_model

    def broken(model, loss):
        compiled = real(model, loss)
        inner = compiled._loss_and_grad
        compiled._loss_and_grad = lambda t, X, Y: (inner(t, X, Y)[0], inner(t, X, Y)[1] * (1 + 1e-9))
        return compiled

    monkeypatch.setattr(check_module, "compile_model", broken)
    report = check(MLP([2, 2, 1], activation="tanh"))
    assert not report.ok and "FAILED" in str(report) and len(report.wrong("numpy")) == 9


def test_a_wrong_loss_gradient_is_caught_by_its_faces_on_a_big_model():
    from symmlp.derive.equations import Term
    from symmlp.ops.losses.mse import MSE

    class WrongMSE(MSE):
        name = "wrong_mse_test"

        def matrix_gradient(self, out, z):
            return Term("wrong", "wrong", "E / B * 1.001")

    report = check(MLP([4, 16, 16, 1], activation="tanh"), WrongMSE(), routes="A,B")
    assert not report.ok
    assert any("loss wrong_mse_test" in f and "sympy.diff of sample" in f for f in report.failures)


def test_user_activation_with_exact_constants_runs_in_balls():
    act = register_activation("thirds_test", lambda z: z**3 / 3 + sp.pi * z / 7 + sp.Piecewise((z, z > 0), (0, True)),
                              replace=True)
    try:
        report = check(MLP([2, 3, 1], activation=act), routes="A,B,C")
        assert report.ok, str(report)
    finally:
        unregister_activation("thirds_test")


def test_report_str_and_attributes():
    report = check(MLP([2, 2, 1], activation="tanh"))
    text = str(report)
    assert text.startswith("check(MLP([2, 2, 1]") and ": OK" in text.splitlines()[0]
    assert "coverage:" in text and "faces:" in text and "routes: A" in text
    assert report.max_error("numpy_error") < 1e-14 and report.max_error("against_error") == 0.0
    big = str(check(MLP([2, 16, 16, 1]), routes="A,B"))
    assert "... 337 rows, all ok (report.rows has every one)" in big


def test_digits_raise_the_precision_until_they_are_certified():
    report = check(MLP([2, 3, 1], activation="tanh"), digits=100)
    assert report.min_digits >= 100 and report.prec >= 330


def test_bad_arguments_and_limits():
    with pytest.raises(ValueError, match="at least two different routes"):
        check(MLP([2, 3, 1]), routes="A")
    with pytest.raises(ValueError, match="route must be one of"):
        check(MLP([2, 3, 1]), routes="A,D")
    with pytest.raises(ValueError, match="route C .* is refused"):
        check(MLP([8, 64, 64, 1]), routes="A,C")
    with pytest.raises(ValueError, match="120 s limit"):
        check(MLP([64, 512, 512, 1]), batch=64)
    with pytest.raises(ValueError, match="batch must be an integer in 1..4096"):
        check(MLP([2, 3, 1]), batch=0)


def test_a_loss_without_curvature_still_gets_forward_mode_but_no_hessian():
    from test_stages import Cauchy

    report = check(MLP([1, 3, 1], activation="tanh"), Cauchy())
    assert report.ok, str(report)
    assert [r.name for r in report.routes] == ["A", "B", "C"]
    with pytest.raises(NotImplementedError, match="curvature"):
        check(MLP([1, 3, 1]), Cauchy(), order=2)


def test_points_are_dyadic_batches_scaled_by_fan_in():
    d = symmlp.backprop(MLP([16, 4, 1], activation="tanh"))
    p = draw_point(d, 0, 8)
    assert p.X.shape == (8, 16) and p.dyadic()
    W1 = p.theta[d.model.layout["W1"].slice]
    assert max(abs(v) for v in W1) <= (3 / 16) ** 0.5 and all(v != 0 for v in W1)


def test_readme_recipe_checks_a_torch_sequential_and_catches_a_wrong_module():
    torch = pytest.importorskip("torch")
    from symmlp import from_torch

    torch.manual_seed(0)
    seq = torch.nn.Sequential(torch.nn.Linear(2, 8), torch.nn.Tanh(), torch.nn.Linear(8, 1)).double()
    model, _ = from_torch(seq)

    def torch_loss_and_grad(theta, X, Y, net=seq):
        torch.nn.utils.vector_to_parameters(torch.from_numpy(theta), net.parameters())
        net.zero_grad()
        loss = 0.5 * ((net(torch.from_numpy(X)) - torch.from_numpy(Y)) ** 2).sum() / len(X)
        loss.backward()
        return loss.item(), torch.cat([p.grad.ravel() for p in net.parameters()]).numpy()

    report = check(model, against=torch_loss_and_grad)
    assert report.ok, str(report)
    assert report.max_error("against_error") < 1e-14
    # the same module with Softplus where the model says tanh: every hidden-layer entry is wrong
    wrong = torch.nn.Sequential(seq[0], torch.nn.Softplus(), seq[2])
    report = check(model, against=lambda t, X, Y: torch_loss_and_grad(t, X, Y, wrong))
    assert not report.ok and len(report.wrong("against")) == model.num_params


def test_progress_lines_and_the_cli_prints_them_on_stderr_for_long_checks(capsys, monkeypatch):
    lines = []
    check(MLP([2, 3, 1]), routes="A,B", progress=lines.append)
    assert lines[0].startswith("route A:") and "comparing the compiled NumPy gradient" in lines[-1]
    import symmlp.verify.limits as limits
    from symmlp.cli import main

    monkeypatch.setattr(limits, "estimate", lambda *a: limits.CheckCost(5.0, 2**20, "pretend"))  # a long check
    assert main(["check", "2,3,1", "--routes", "A,B"]) == 0
    captured = capsys.readouterr()
    assert "symmlp check: about" in captured.err and "route A:" in captured.err
    assert captured.out.startswith("check(MLP([2, 3, 1]") and "route A" not in captured.out
