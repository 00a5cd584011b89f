"""The derivation tape: matrix form printing, LaTeX, index form and its expansion."""

import random

import pytest
import sympy as sp

from symmlp.derive.derivation import IndexEquation, backprop
from symmlp.models.mlp import MLP
from symmlp.models.polynomial import Polynomial


def _index_count(widths):
    layers = sum(4 * b + a * b for a, b in zip(widths, widths[1:]))  # pre, act, delta, bias grad + W grads
    return layers + 1  # the loss


def test_str_lists_matrix_equations():
    d = backprop(MLP([2, 3, 1], activation="relu"))
    lines = str(d).splitlines()
    assert lines[0] == "backprop(MLP([2, 3, 1], activation='relu', output_activation='identity'), loss='mse')"
    body = [ln.split("    [")[0].strip() for ln in lines[1:]]
    assert "Z1 = W1 A0 + b1 1ᵀ" in body and "A1 = relu(Z1)" in body
    assert "Δ1 = (W2ᵀ Δ2) ⊙ relu′(Z1)" in body and "∂L/∂W1 = Δ1 A0ᵀ" in body
    assert lines[-1].endswith("[3]") and "[3 × 2]" in lines[-2]
    assert repr(d) == str(d)


def test_latex_is_aligned_block():
    d = backprop(MLP([2, 3, 2], activation="tanh"), "softmax_ce")
    tex = sp.latex(d)
    assert tex.startswith("\\begin{aligned}") and tex.endswith("\\end{aligned}")
    rows = tex.split("\n")[1:-1]
    assert len(rows) == len(d.matrix) and all("&=" in r for r in rows)
    assert r"Z^{(1)} &= W^{(1)} A^{(0)} + b^{(1)} \mathbf{1}^\top" in tex
    assert d._repr_latex_().startswith("$\\displaystyle \\begin{aligned}")


@pytest.mark.parametrize("widths", [[2, 3, 1], [3, 2, 2, 2], [1, 1]])
def test_index_form_counts(widths):
    d = backprop(MLP(widths))
    assert len(d.index) == _index_count(widths)
    kinds = [e.kind for e in d.index]
    assert kinds.count("gradient") == MLP(widths).num_params and kinds.count("loss") == 1
    assert len(d.index_latex()) == len(d.index)


def test_index_form_first_equation_and_gradient_lines():
    d = backprop(MLP([2, 3, 1], activation="tanh"))
    net = d.model
    first = d.index[0]
    assert isinstance(first, IndexEquation) and first.kind == "pre"
    W, x = net.weight(1), net.inputs
    assert first.rhs == W[0, 0] * x[0] + W[0, 1] * x[1] + net.bias(1)[0]
    grad_w = next(e for e in d.index if e.kind == "gradient" and e.lhs == net.weight(1)[1, 0])
    assert str(grad_w) == "dl/dW1_2_1 = delta1_2*x_1"
    assert grad_w.lhs_latex() == r"\frac{\partial \ell}{\partial W^{(1)}_{2,1}}"


def test_polynomial_derivation():
    p = Polynomial(2, 2)
    d = backprop(p)
    assert len(d.index) == 1 + 1 + 1 + 6 + 1
    assert "Phi = monomials(X)" in [e.code for e in d.matrix]
    assert "∂L/∂C = Δ1 Phiᵀ" in str(d)


def test_matrix_form_size_independent_of_widths():
    big, small = backprop(MLP([784, 128, 10])), backprop(MLP([2, 3, 1]))
    assert len(big.matrix) == len(small.matrix) == 12
    assert [e.lhs for e in big.matrix] == [e.lhs for e in small.matrix]
    assert "_layers" not in vars(big.model)


def test_expand_equals_loss_expression_diff_at_a_point():
    net = MLP([2, 2, 1], activation="square")
    d = backprop(net)
    g = d.expand()
    ell = d.loss_expression()
    assert sp.expand(ell - (net.output[0] - net.targets[0]) ** 2 / 2) == 0
    rng = random.Random(0)
    point = {s: sp.Rational(rng.randint(-5, 5), 3) for s in (*net.params, *net.inputs, *net.targets)}
    for p in net.params:
        assert g[p].xreplace(point) == sp.diff(ell, p).xreplace(point)


def test_unfit_loss_is_refused():
    with pytest.raises(ValueError, match="output_activation='sigmoid'"):
        backprop(MLP([2, 1]), "bce")
    with pytest.raises(ValueError, match="unknown loss"):
        backprop(MLP([2, 1]), "l1")
