"""The ball-arithmetic emitter: arrays, stacks of directions, certified comparisons, every generated function."""

from fractions import Fraction

import numpy as np
import pytest
import sympy as sp
from flint import arb, fmpq
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

import symmlp
from symmlp import MLP, Polynomial, SeparablePolynomial, backprop, compile
from symmlp.emit.arb import (
    ARB,
    ARB_FIELD,
    FMPQ,
    QQ_FIELD,
    ArbArray,
    Directions,
    KinkError,
    NotRational,
    Zero,
    evaluate,
    to_arb,
    working_precision,
)
from symmlp.emit.arb.sympy_ball import lambdify_ball
from symmlp.models.stages import Affine, Elementwise

dyadic = st.integers(-64, 64).map(lambda k: k / 16)
np_ = ARB.np


def _close(x: ArbArray, expected, rtol=1e-12):
    """Every ball of ``x`` meets the float value (give or take float rounding)."""
    expected = np.broadcast_to(np.asarray(expected, dtype=float), x.shape)
    for ball, v in zip(x.data.ravel(), expected.ravel()):
        assert to_arb(ball).overlaps(arb(v, rtol * (1 + abs(v)))), (ball, v)


@settings(max_examples=30, deadline=None)
@given(a=arrays(float, (3, 4), elements=dyadic), b=arrays(float, (4, 2), elements=dyadic),
       c=arrays(float, (4,), elements=dyadic))
def test_array_operations_match_numpy(a, b, c):
    A, B, C = (ArbArray.from_values(v) for v in (a, b, c))
    _close(A @ B, a @ b)
    _close(A.T, a.T)
    _close(A + C, a + c)
    _close(1.0 - A * C / 2 ** 3, 1.0 - a * c / 8)
    _close(A**3 - (-A), a**3 + a)
    _close(np_.sum(A, axis=0), a.sum(axis=0))
    _close(np_.sum(A, axis=1, keepdims=True), a.sum(axis=1, keepdims=True))
    _close(np_.max(A, axis=1, keepdims=True), a.max(axis=1, keepdims=True))
    _close(np_.tanh(A) + np_.exp(-np_.abs(A)) + np_.log1p(A * A), np.tanh(a) + np.exp(-abs(a)) + np.log1p(a * a))
    _close(np_.clip(A, -1.0, 1.0) + np_.maximum(A, 0.0), np.clip(a, -1, 1) + np.maximum(a, 0))
    _close(np_.concatenate([A, A[:, [0, 2]]], axis=1), np.concatenate([a, a[:, [0, 2]]], axis=1))
    _close(A.reshape(4, 3).ravel()[2:7], a.reshape(4, 3).ravel()[2:7])
    if (a != 0).all():
        _close(np_.where(A > 0, A, 0.5 * A), np.where(a > 0, a, 0.5 * a))


@settings(max_examples=20, deadline=None)
@given(s=arrays(float, (5, 3, 4), elements=dyadic), u=arrays(float, (3, 4), elements=dyadic),
       w=arrays(float, (4, 2), elements=dyadic), v=arrays(float, (5, 4), elements=dyadic))
def test_a_stack_behaves_like_its_arrays_one_by_one(s, u, w, v):
    S = ArbArray(ArbArray.from_values(s).data, ARB_FIELD, stack=True)
    V = ArbArray(ArbArray.from_values(v).data, ARB_FIELD, stack=True)
    U, W = ArbArray.from_values(u), ArbArray.from_values(w)
    cases = [(S @ W, [x @ w for x in s]), (U.T @ S, [u.T @ x for x in s]), (S.T, [x.T for x in s]),
             (S * U + V, [x * u + y for x, y in zip(s, v)]), (np_.sum(S, axis=0), [x.sum(axis=0) for x in s]),
             (np_.sum(S * S), [(x * x).sum() for x in s]), (S[:, [1, 3]], [x[:, [1, 3]] for x in s]),
             (np_.concatenate([S, U], axis=1), [np.concatenate([x, u], axis=1) for x in s])]
    for stacked, one_by_one in cases:
        assert stacked.stack and stacked.stack_size == 5
        for k, expected in enumerate(one_by_one):
            _close(ArbArray(stacked.data[k], ARB_FIELD), expected)


def test_comparisons_are_certified():
    near = ArbArray(np.array([arb(0, 1e-30), arb(1)], dtype=object))
    with pytest.raises(KinkError, match="straddles 0"):
        _ = near > 0
    exact_zero = ArbArray.from_values([0.0, 2.0])
    assert (exact_zero > 0).data.tolist() == [False, True]  # exactly on the threshold: the code's convention
    q = ArbArray.from_values([Fraction(-1, 3), Fraction(0), Fraction(1, 3)], QQ_FIELD)
    assert (q > 0).data.tolist() == [False, False, True] and (q <= 0).data.tolist() == [True, True, False]
    with pytest.raises(NotRational, match="tanh"):
        FMPQ.np.tanh(q)


def test_fmpq_stays_exact_and_arb_encloses_non_dyadic_rationals():
    q = ArbArray.from_values([Fraction(1, 3)], QQ_FIELD)
    assert (q * 3).data[0] == fmpq(1) and (q.reshape(1, 1) @ q.reshape(1, 1).T).data[0, 0] == fmpq(1, 9)
    with working_precision(300):
        third = ArbArray.from_values([Fraction(1, 3)])
        assert (third * 3 - 1).data[0].contains(0) and (third * 3 - 1).data[0].rad() < 1e-85


def test_lambdify_ball_keeps_rational_and_pi_constants_exact():
    z = sp.Symbol("z")
    with working_precision(200):
        f = lambdify_ball([z], z / 3 + sp.pi + sp.Float(0.1), ARB)
        value = f(ArbArray.from_values([1])).data[0]
        assert value.rad() < 1e-55
        assert value.overlaps(arb(1) / 3 + arb.pi() + arb(0.1))
        assert not value.overlaps(arb(1 / 3) + arb.pi() + arb(0.1))  # the float 1/3 is 1e-17 off


MODELS = [(MLP([2, 3, 2], activation="tanh"), "mse"), (MLP([2, 3, 1], activation="relu"), "mse"),
          (MLP([2, 2, 1], activation="sigmoid", output_activation="sigmoid"), "bce"),
          (MLP([2, 3, 3], activation="softplus"), "softmax_ce"), (Polynomial(2, 3), "huber"),
          (SeparablePolynomial(2, 3), "logcosh"),
          (symmlp.serial(Affine(2, 3, 1), Elementwise(3, 1, "cube"), Affine(3, 1, 2)), "mse")]


@pytest.mark.parametrize("model, loss", MODELS, ids=lambda v: repr(v)[:30])
def test_every_generated_function_in_balls_matches_numpy(model, loss):
    rng = np.random.default_rng(0)
    d, f = backprop(model, loss), compile(model, loss)
    theta = rng.integers(-16, 16, model.num_params) / 32
    X = rng.integers(-16, 16, (5, model.n_inputs)) / 16 + 1 / 64
    Y = np.eye(model.n_outputs)[rng.integers(0, model.n_outputs, 5)] if loss in ("softmax_ce", "bce") else \
        rng.integers(-8, 8, (5, model.n_outputs)) / 8
    v = rng.integers(-8, 8, model.num_params) / 8
    _close(evaluate("forward", d, theta, X), f.forward(theta, X))
    loss_value, grad = evaluate("loss_and_grad", d, theta, X, Y)
    _close(grad, f.loss_and_grad(theta, X, Y)[1])
    _close(evaluate("hvp", d, theta, v, X, Y), f.hvp(theta, v, X, Y), 1e-10)
    _close(evaluate("gnvp", d, theta, v, X, Y), f.gnvp(theta, v, X, Y), 1e-10)
    _, jvp = evaluate("loss_and_jvp", d, theta, v, X, Y)
    _close(jvp, f.loss_and_jvp(theta, v, X, Y)[1])


@pytest.mark.parametrize("model, loss", MODELS[:4], ids=lambda v: repr(v)[:30])
def test_basis_directions_give_what_dense_directions_give(model, loss):
    d, layout = backprop(model, loss), model.layout
    rng = np.random.default_rng(1)
    theta = rng.integers(-16, 16, model.num_params) / 32
    X = rng.integers(-16, 16, (4, model.n_inputs)) / 16 + 1 / 64
    Y = np.eye(model.n_outputs)[rng.integers(0, model.n_outputs, 4)]
    for block in layout:
        idx = np.arange(block.size)
        basis = Directions(layout, block.name, idx)
        dense = np.zeros((block.size, model.num_params))
        dense[idx, block.offset + idx] = 1.0
        V = ArbArray(ArbArray.from_values(dense).data, ARB_FIELD, stack=True)
        for name in ("loss_and_jvp", "hvp"):
            a, b = evaluate(name, d, theta, basis, X, Y), evaluate(name, d, theta, V, X, Y)
            a, b = (a[1], b[1]) if name == "loss_and_jvp" else (a, b)
            assert a.data.shape == b.data.shape
            assert all(to_arb(p).overlaps(to_arb(q)) for p, q in zip(a.data.ravel(), b.data.ravel()))


def test_zero_and_basis_stacks_do_the_sparse_work_only():
    layout = MLP([2, 3, 1]).layout
    v = Directions(layout, "W2", [0, 2])
    assert isinstance(v[0:6], Zero) and isinstance(v[6:9], Zero)
    A = ArbArray.from_values(np.arange(12.0).reshape(4, 3))
    out = A @ v[9:12].reshape(1, 3).T  # column k of A moved into place, per direction
    assert out.stack_size == 2 and out.shape == (4, 1)
    assert [float(e) for e in out.data[1, :, 0]] == [2.0, 5.0, 8.0, 11.0]
    assert (A @ v[0:6].reshape(3, 2)) is not None and isinstance(A[:, :2] @ v[0:6].reshape(3, 2).T, Zero)
    with pytest.raises(IndexError, match="whole parameter blocks"):
        v[0:3]


def test_evaluate_names_the_functions_it_knows():
    with pytest.raises(ValueError, match="no generated function 'gradient_of_nothing'.*loss_and_grad.*hvp"):
        evaluate("gradient_of_nothing", backprop(MLP([2, 1])), [0, 0, 0], [[1, 1]], [[0]])


def test_lambdify_output_with_and_conditions_and_integer_powers_runs_on_balls():
    x, a, b = sp.symbols("x a b", real=True)
    expr = sp.Piecewise((x / (1 + x**2), sp.And(x > a, x < b, x > 0)), (0, True))
    for backend in (ARB, FMPQ):
        f = lambdify_ball([x, a, b], expr, backend)
        out = f(ArbArray.from_values([0.5, 2.0], backend.field), 0.25, 1.0)
        assert [float(v) for v in out.data] == pytest.approx([0.4, 0.0], rel=1e-15)
