"""Losses: exact per-sample forms and output deltas against sp.diff and hand values."""

import pytest
import sympy as sp

from symmlp.models.mlp import MLP
from symmlp.ops.activations import get_activation
from symmlp.ops.losses import Loss, get_loss, loss_names


def test_registry():
    assert loss_names() == ("bce", "huber", "logcosh", "mse", "softmax_ce")
    mse = get_loss("mse")
    assert isinstance(mse, Loss) and get_loss(mse) is mse
    with pytest.raises(ValueError, match="unknown loss 'hinge'; valid names: bce, huber, logcosh, mse, softmax_ce"):
        get_loss("hinge")
    with pytest.raises(ValueError, match="unknown loss"):
        get_loss(None)


def test_mse_by_hand_and_expanded_form_agree():
    a, b, y, t = sp.symbols("a b y t")
    mse = get_loss("mse")
    assert mse.sample([a, b], [y, t], [a, b]) == ((a - y) ** 2 + (b - t) ** 2) / 2
    assert sp.expand(mse.sample([a], [y], [a], expanded=True) - (a - y) ** 2 / 2) == 0
    assert mse.sample([sp.Integer(3)], [sp.Integer(1)], [a]) == 2


@pytest.mark.parametrize("name, sigma, m", [("mse", "tanh", 2), ("mse", "identity", 1),
                                            ("bce", "sigmoid", 2), ("softmax_ce", "identity", 3),
                                            ("huber", "tanh", 2), ("logcosh", "sigmoid", 2)])
def test_output_delta_is_derivative_of_sample(name, sigma, m):
    """A fused loss's gradient is dl/dz; the others' is dl/dyhat, times sigma' it is dl/dz."""
    loss, act = get_loss(name), get_activation(sigma)
    z = sp.symbols(f"z1:{m + 1}", real=True)
    y = sp.symbols(f"y1:{m + 1}", real=True)
    a = [act(v) for v in z]
    ell = loss.sample(a, y, z)
    g = loss.gradient(a, y, z)
    delta = g if loss.fused else [gk * act.derivative(v) for gk, v in zip(g, z)]
    point = {**{v: sp.Rational(k + 1, 3) - 1 for k, v in enumerate(z)},
             **{v: sp.Rational(1, m) for v in y}}
    for k in range(m):
        diff = sp.N((sp.diff(ell, z[k]) - delta[k]).xreplace(point), 50)
        assert abs(diff) < 1e-40


def test_bce_and_softmax_values_by_hand():
    half = sp.Rational(1, 2)
    assert get_loss("bce").sample([half], [1], [0]) == sp.log(2)
    z = [sp.Integer(0), sp.Integer(0), sp.Integer(0)]
    assert sp.simplify(get_loss("softmax_ce").sample(z, [1, 0, 0], z) - sp.log(3)) == 0


def test_check_model_fit():
    get_loss("mse").check_model(MLP([2, 1], output_activation="tanh"))
    get_loss("bce").check_model(MLP([2, 1], output_activation="sigmoid"))
    get_loss("softmax_ce").check_model(MLP([2, 2]))
    with pytest.raises(ValueError, match="needs at least 2 outputs, the model has 1"):
        get_loss("softmax_ce").check_model(MLP([2, 1]))
    with pytest.raises(ValueError, match="needs output_activation='identity', got 'sigmoid'"):
        get_loss("softmax_ce").check_model(MLP([2, 2], output_activation="sigmoid"))
    with pytest.raises(ValueError, match="needs output_activation='sigmoid', got 'identity'"):
        get_loss("bce").check_model(MLP([2, 1]))
