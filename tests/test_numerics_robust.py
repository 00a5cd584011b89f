"""No silent wrong answer: the compiled losses at extreme logits against 50-digit values (mpmath), one
kink convention in every route, and divergence advice that names the actual cause."""

import mpmath
import numpy as np
import pytest
import sympy as sp

import symmlp
from symmlp.derive.grad import kink_convention
from symmlp.training.loop import TrainingDiverged, train

mpmath.mp.dps = 50
SCALES = [10.0**k for k in (0, 1, 2, 5, 8, 15, 16, 17, 30, 100, 200, 300)]
PATTERNS = {  # logits as multiples of the scale L; class 0 is the target
    "equal": (1.0, 1.0, 1.0),
    "target largest": (1.0, 0.5, -1.0),
    "target smallest": (-1.0, 0.5, 1.0),
    "spread": (0.25, -0.75, 1.0),
}


def softmax_ce_exact(logits, k):
    """Loss and d loss / d logits in 50 digits: log-sum-exp minus the target logit; softmax minus one-hot."""
    z = [mpmath.mpf(v) for v in logits]
    top = max(z)
    total = mpmath.fsum(mpmath.exp(v - top) for v in z)
    loss = (top - z[k]) + mpmath.log(total)  # the difference first: exact for float logits
    grad = [mpmath.exp(v - top) / total - (1 if i == k else 0) for i, v in enumerate(z)]
    return loss, grad


def _close(value, exact, rel=1e-12):
    exact = float(exact)
    return abs(value - exact) <= rel * max(abs(exact), 1.0) * (1 + 1e-300) or value == exact


def _softmax_case(L, pattern):
    net = symmlp.MLP([1, 3])  # params (W1_1_1, W1_2_1, W1_3_1, b1_1, b1_2, b1_3); at x = 0 the logits are b
    logits = [m * L for m in PATTERNS[pattern]]
    theta = np.array([0.0, 0.0, 0.0, *logits])
    return net, logits, theta


@pytest.mark.parametrize("pattern", list(PATTERNS))
@pytest.mark.parametrize("L", SCALES)
def test_compiled_softmax_ce_matches_50_digit_values(L, pattern):
    net, logits, theta = _softmax_case(L, pattern)
    loss, grad = symmlp.compile(net, "softmax_ce").loss_and_grad(theta, np.zeros((1, 1)), np.array([[1.0, 0, 0]]))
    exact_loss, exact_grad = softmax_ce_exact(logits, 0)
    assert np.isfinite(loss) and np.isfinite(grad).all()
    assert _close(loss, exact_loss), (loss, exact_loss)
    for got, want in zip(grad[3:], exact_grad):
        assert abs(got - float(want)) <= 1e-12, (grad, exact_grad)
    assert np.all(grad[:3] == 0)  # x = 0: no weight gradient


def test_a_naive_softmax_would_fail_the_same_comparison():
    """The comparison above has teeth: the unshifted formula loses everything at 1e17."""
    logits = np.array([1e17, 1e17, 1e17])
    with np.errstate(all="ignore"):
        naive = float(-logits[0] + np.log(np.sum(np.exp(logits))))
    assert not _close(naive, softmax_ce_exact(logits, 0)[0])


def bce_exact(z, y):
    """Loss and d loss / dz in 50 digits, with log(1 - sigmoid(z)) written as log sigmoid(-z) so that
    the reference itself does not cancel."""
    z = mpmath.mpf(z)
    log_sigmoid = lambda t: -mpmath.log1p(mpmath.exp(-t))  # noqa: E731
    loss = -(y * log_sigmoid(z) + (1 - y) * log_sigmoid(-z))
    return loss, 1 / (1 + mpmath.exp(-z)) - y


@pytest.mark.parametrize("y", [0.0, 1.0, 0.25])
@pytest.mark.parametrize("z", [s * L for L in SCALES for s in (1, -1)])
def test_compiled_bce_matches_50_digit_values(z, y):
    net = symmlp.MLP([1, 1], output_activation="sigmoid")  # (W1_1_1, b1_1); at x = 0 the logit is b
    loss, grad = symmlp.compile(net, "bce").loss_and_grad(np.array([0.0, z]), np.zeros((1, 1)), np.array([[y]]))
    exact_loss, exact_grad = bce_exact(z, y)
    assert np.isfinite(loss) and _close(loss, exact_loss), (loss, exact_loss)
    assert abs(grad[1] - float(exact_grad)) <= 1e-12


# --------------------------------------------------------------------------- one kink convention


def _relu_net_at_kink():
    net = symmlp.MLP([1, 1, 1], activation="relu")
    W1, b1, W2, b2 = net.params
    point = {W1: 1, b1: 0, W2: 2, b2: sp.Rational(1, 3), net.inputs[0]: 0, net.targets[0]: 1}
    return net, point


def test_direct_and_backprop_agree_at_a_relu_kink():
    net, point = _relu_net_at_kink()
    direct = symmlp.gradient(net, method="direct")
    chain = symmlp.gradient(net)
    for p in net.params:
        assert sp.simplify(direct[p].subs(point) - chain[p].subs(point)) == 0, p
    assert direct[net.params[1]].subs(point) == 0  # relu'(0) = 0, not 1/2


def test_every_face_uses_relu_prime_zero_at_the_kink():
    net, point = _relu_net_at_kink()
    theta = np.array([float(point[p]) for p in net.params])
    _, grad = symmlp.compile(net).loss_and_grad(theta, np.zeros((1, 1)), np.ones((1, 1)))
    assert grad[0] == 0 and grad[1] == 0  # the hidden unit sits at z = 0
    H = symmlp.hessian(net, at=point)
    assert H[1, 1] == 0


def test_kink_convention_is_what_the_routes_apply():
    z = sp.Symbol("z")
    assert sp.Heaviside(0) == sp.Rational(1, 2)  # SymPy's own default, which the convention replaces
    assert kink_convention(sp.diff(sp.Max(0, z), z)).subs(z, 0) == 0
    second = sp.diff(sp.Max(0, z), z, 2)
    assert second.has(sp.DiracDelta) and kink_convention(second) == 0


# --------------------------------------------------------------------------- divergence advice


def _diverge(X, Y, lr):
    with pytest.raises(TrainingDiverged) as info:
        train(symmlp.Polynomial(1, 1), X, Y, lr=lr, steps=200)
    return info.value


def test_huge_targets_are_named_even_with_a_tiny_learning_rate():
    X = np.linspace(-1, 1, 11).reshape(-1, 1)
    err = _diverge(X, np.full_like(X, 1e200), lr=1e-12)
    assert err.cause == "targets" and "|y| = 1e+200" in str(err) and "smaller learning rate" not in str(err)


def test_huge_inputs_are_named():
    X = np.linspace(-1e160, 1e160, 11).reshape(-1, 1)
    err = _diverge(X, np.sin(np.linspace(-1, 1, 11)).reshape(-1, 1), lr=1e-3)
    assert err.cause == "inputs" and "|x| = 1e+160" in str(err) and "standardise" in str(err)


def test_huge_inputs_and_targets_are_both_named():
    X = np.linspace(-1e200, 1e200, 11).reshape(-1, 1)
    err = _diverge(X, X, lr=1e-3)
    assert "|y| = 1e+200 and the inputs |x| = 1e+200" in str(err) and "rescale both" in str(err)


def test_a_too_large_learning_rate_is_named_for_ordinary_data():
    X = np.linspace(-1, 1, 11).reshape(-1, 1)
    err = _diverge(X, 2 * X, lr=1e3)
    assert err.cause == "learning rate" and "lr=1000" in str(err)


def test_cli_divergence_advice_names_the_target_scale(capsys):
    from symmlp.cli import main

    assert main(["train", "1,4,1", "--target", "10**200", "--lr", "1e-12", "--steps", "20"]) == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "targets reach" in err and "smaller learning rate" not in err
