"""Your own f_theta: Expression models through the whole pipeline, their errors, and the
kink convention.

References are independent of the stage: ``sympy.diff`` of the loss written here,
central finite differences of the compiled loss, the values of the expression
itself, and the convention stated in the docs (derivative 0 at a kink).
"""

from __future__ import annotations

import shutil
import subprocess

import numpy as np
import pytest
import sympy as sp
from finite_differences import fd_gradient

import symmlp
from symmlp import Expression, check, derivation_document, fourier_series, gaussian_rbf, rational_function, train
from symmlp.models.expression_rules import MAX_OPS, ExpressionError
from symmlp.models.stages import Affine, Elementwise
from symmlp.models.stages.expression import ExpressionStage

x, y, a, b, c = sp.symbols("x y a b c")


def sympy_gradient(model, theta, X, Y):
    """The batch-mean mse gradient by sympy.diff of the expression, evaluated sample by sample."""
    (out,) = model.exprs
    t = sp.Symbol("t")
    ell = (out - t) ** 2 / 2
    grads = [sp.lambdify([*model.inputs, *model.params, t], sp.diff(ell, p)) for p in model.params]
    return np.array([np.mean([g(*row, *theta, yv) for row, yv in zip(X, Y[:, 0])]) for g in grads])


@pytest.fixture(scope="module")
def rbf():
    return gaussian_rbf(1, 4)


def test_rbf_compiled_gradient_equals_sympy_diff_and_finite_differences(rbf):
    f = symmlp.compile(rbf)
    rng = np.random.default_rng(0)
    theta, X = rng.normal(size=rbf.num_params), rng.uniform(-1, 1, size=(12, 1))
    Y = np.sin(3 * X)
    _, grad = f.loss_and_grad(theta, X, Y)
    np.testing.assert_allclose(grad, sympy_gradient(rbf, theta, X, Y), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(grad, fd_gradient(f, theta, X, Y), rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(f.forward(theta, X)[:, 0],
                               sp.lambdify([*rbf.inputs, *rbf.params], rbf.exprs[0])(X[:, 0], *theta))


def test_rbf_trains_saves_and_loads(rbf, tmp_path):
    X = np.linspace(-1, 1, 64)[:, None]
    result = train(rbf, X, np.sin(3 * X), lr=0.05, steps=1500, momentum=0.9, seed=0)
    assert result.losses[-1] < result.losses[0] / 10
    path = tmp_path / "rbf.json"
    symmlp.save(result, path)
    back = symmlp.load(path)
    assert back.model == rbf and back.model.exprs == rbf.exprs and np.array_equal(back.theta, result.theta)
    np.testing.assert_array_equal(back.predict(X), result.predict(X))


def test_hessian_vector_product_matches_finite_differences_of_the_gradient(rbf):
    f = symmlp.compile(rbf)
    rng = np.random.default_rng(3)
    theta, v = rng.normal(size=rbf.num_params), rng.normal(size=rbf.num_params)
    X, Y = rng.uniform(-1, 1, size=(7, 1)), rng.normal(size=(7, 1))
    h = 1e-6
    fd = (f.loss_and_grad(theta + h * v, X, Y)[1] - f.loss_and_grad(theta - h * v, X, Y)[1]) / (2 * h)
    np.testing.assert_allclose(f.hvp(theta, v, X, Y), fd, rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("make", [
    lambda: gaussian_rbf(2, 2),
    lambda: fourier_series(2, 1),
    lambda: rational_function(2, 2),
    lambda: Expression(sp.Matrix([a * sp.sin(x) + b * y, sp.tanh(a * x * y) - c]), [x, y], [a, b, c]),
    lambda: Expression(sp.Piecewise((a * x, x < c), (b * (x - c) + a * c, True)) + sp.Abs(x - c), [x], [a, b, c]),
], ids=["rbf", "fourier", "rational", "two-outputs", "piecewise-abs"])
def test_check_agrees_on_every_route(make):
    report = check(make())
    assert report.ok, str(report)
    assert report.max_error("direct_error") == 0.0


def test_in_the_middle_of_a_chain_the_input_gradient_is_right():
    u = sp.Symbol("u")
    stage = ExpressionStage([a * sp.sin(u) + b * u**2], [u], [a, b], layer=2)
    net = symmlp.serial(Affine(2, 1, 1), Elementwise(1, 1, "tanh"), stage)
    assert check(net).ok
    f = symmlp.compile(net)
    rng = np.random.default_rng(1)
    theta, X, Y = rng.normal(size=net.num_params), rng.normal(size=(5, 2)), rng.normal(size=(5, 1))
    np.testing.assert_allclose(f.loss_and_grad(theta, X, Y)[1], fd_gradient(f, theta, X, Y), rtol=1e-6, atol=1e-8)


def test_index_form_uses_the_common_subexpressions():
    model = fourier_series(1, 2)
    d = symmlp.backprop(model)
    kinds = [e.kind for e in d.index]
    assert "feature" in kinds  # u1_k = pi*x_1 ...
    expanded = d.expand()
    ell = (model.exprs[0] - model.targets[0]) ** 2 / 2
    for p in model.params:
        assert sp.simplify(expanded[p] - sp.diff(ell, p)) == 0


@pytest.mark.parametrize("expr, param, point, expected", [
    (a * sp.Abs(x - c), c, {x: 1, a: 2, c: 1}, 0),                 # |.|' = sign, 0 at 0
    (a * sp.floor(b * x) + b, a, {x: sp.Rational(1, 2), a: 1, b: 2}, 1),  # floor's value, not its jump
    (sp.floor(b * x) + a * x, b, {x: sp.Rational(1, 2), a: 1, b: 2}, 0),  # floor' = 0, also at a jump
    (a * sp.sign(x - c) + b, c, {x: 1, a: 1, b: 0, c: 1}, 0),
    (sp.Max(0, a * x - c) + b, c, {x: 1, a: 1, b: 0, c: 1}, 0),      # relu'(0) = 0
    (sp.Piecewise((a * x, x < c), (2 * a * x - a * c, True)) + b, c, {x: 1, a: 3, b: 0, c: 1}, 0),
    (sp.Piecewise((a * x, x < c), (2 * a * x - a * c, True)) + b, c, {x: 2, a: 3, b: 0, c: 1}, -3),
])
def test_kinks_have_derivative_zero_in_the_exact_and_the_compiled_face(expr, param, point, expected):
    model = Expression(expr, [x], [p for p in (a, b, c) if expr.has(p)])
    grads = symmlp.backprop(model).expand()
    values = {**point, model.targets[0]: model.output[0].xreplace(point) - 1}  # dl/doutput = 1
    assert grads[param].xreplace(values) == expected
    theta = np.array([float(point[p]) for p in model.params])
    g = symmlp.compile(model).loss_and_grad(theta, [[float(point[x])]], [[float(values[model.targets[0]])]])[1]
    assert g[model.params.index(param)] == pytest.approx(float(expected))


def test_documents_state_the_kink_convention_and_compile(tmp_path):
    model = Expression(sp.Piecewise((a * x, x < c), (b * x, True)) + sp.Abs(x), [x], [a, b, c])
    tex = derivation_document(model)
    assert "derivative 0 at its kinks" in tex and r"\bar{u}" in tex
    if shutil.which("pdflatex"):
        for name, text in (("pw", tex), ("rbf", derivation_document(gaussian_rbf(2, 2)))):
            (tmp_path / f"{name}.tex").write_text(text)
            run = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", f"{name}.tex"],
                                 cwd=tmp_path, capture_output=True, text=True, timeout=120)
            assert run.returncode == 0, run.stdout[-2000:]


@pytest.mark.parametrize("args, error, match", [
    ((a * x + c, [x], [a]), ExpressionError, "uses c, declared neither as an input nor as a parameter"),
    ((a * x, [x], [a, b]), ExpressionError, "parameter b occurs in no output"),
    ((a * x + sp.I, [x], [a]), ExpressionError, "I is complex-valued"),
    ((a * sp.re(x), [x], [a]), ExpressionError, "re.x. is complex-valued"),
    ((a * sp.Function("g")(x), [x], [a]), ExpressionError, "undefined function"),
    ((a * sp.gamma(x), [x], [a]), ExpressionError, "gamma .* is not allowed"),
    ((a * sp.oo * x, [x], [a]), ExpressionError, "infinite or undefined"),
    ((sp.Add(*(a * x**k for k in range(1, MAX_OPS))), [x], [a]), ExpressionError, "operations"),
    (("a*x", [x], [a]), TypeError, "not text"),
    ((a * x, [x], [sp.Dummy("a")]), TypeError, "not Dummy"),
    ((a * x, [x], [a, a]), ExpressionError, "declared twice"),
    ((a * x, [x], [x, a]), ExpressionError, "declared twice"),
    ((sp.Symbol("ell") * x, [x], [sp.Symbol("ell")]), ExpressionError, "reserved"),
    ((sp.Matrix([[a, x], [x, a]]), [x], [a]), ValueError, "column or row"),
    ((x < a, [x], [a]), TypeError, "number-valued"),
    ((a * x, [x], []), ValueError, "params must hold 1"),
    ((sp.Integer(10)**70 * a * x, [x], [a]), ExpressionError, "would not read back .*at most 60 digits"),
])
def test_bad_expressions_are_refused_with_a_clear_message(args, error, match):
    with pytest.raises(error, match=match):
        Expression(*args)


def test_a_kink_sympy_cannot_differentiate_is_refused():
    with pytest.raises(ExpressionError, match="not differentiable"):
        Expression(b * x + sp.Heaviside(x, a), [x], [a, b])  # the value at 0 is a parameter


def test_exact_hessian_from_the_index_form_equals_sympy_diff_twice():
    model = Expression(a * sp.exp(-b**2 * x**2) + sp.sin(a * b * x), [x], [a, b])
    ell = (model.exprs[0] - model.targets[0]) ** 2 / 2
    assert sp.simplify(symmlp.hessian(model) - sp.hessian(ell, model.params)) == sp.zeros(2, 2)
    u = sp.Symbol("u")  # in the middle of a chain, R{a} flows into the stage
    net = symmlp.serial(Affine(1, 1, 1), Elementwise(1, 1, "tanh"),
                        ExpressionStage([a * sp.sin(u) + b * u**2], [u], [a, b], layer=2))
    point = dict(zip([*net.params, *net.inputs, *net.targets],
                     [sp.Rational(1, 2), sp.Rational(1, 3), 2, 3, sp.Rational(3, 4), 1]))
    ell = (net.output[0] - net.targets[0]) ** 2 / 2
    diff = symmlp.hessian(net, at=point) - sp.hessian(ell, net.params).xreplace(point)
    assert max(abs(sp.N(e, 40)) for e in diff) < 1e-35
