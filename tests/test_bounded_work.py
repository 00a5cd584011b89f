"""Work and memory are bounded before they start: every size that would take minutes or gigabytes is
refused up front with what it would cost, in the library and on the command line (exit 2, one line).

Each refusal is checked to come fast (the cap would be useless if the work ran first) and the largest
allowed size is checked to still work, so a cap set far too low fails too.
"""

import time

import numpy as np
import pytest
import sympy as sp

import symmlp
from symmlp.cli import main
from symmlp.explore import approx
from symmlp.models.counting import MAX_COUNT_DIGITS, count_free_symbols, count_table, polynomial_count

X = sp.Symbol("x")


def _refused_quickly(call, error=ValueError, match=None):
    start = time.process_time()
    with pytest.raises(error, match=match) as info:
        call()
    # CPU seconds of the refusal itself: far below what the refused work would take (minutes)
    assert time.process_time() - start < 5, "the refusal came only after the work"
    return str(info.value)


@pytest.mark.parametrize("call, match", [
    (lambda: approx.bernstein(np.sin, 10**7), r"n = 10000000: the exact polynomial has 1e\+07 terms"),
    (lambda: approx.bernstein(X**2, approx.MAX_EXACT_DEGREE + 1), "binomials"),
    (lambda: approx.relu_interpolant(np.sin, 10**8), r"3e\+08 parameters"),
    (lambda: approx.sigmoid_staircase(np.sin, 10**8, 1.0), r"3e\+08 parameters"),
    (lambda: approx.sup_error(np.sin, np.cos, (0, 1), 10**12), "bytes per array"),
    (lambda: approx.approximation_error(np.sin, "bernstein", 10**6), "numbers in memory"),
    (lambda: approx.approximation_error(np.sin, "staircase", 10**6), "numbers in memory"),
    (lambda: approx.approximation_error(np.sin, "relu", 10**9), "parameters"),
    (lambda: polynomial_count(10**6, 10**6), "digits"),
    (lambda: count_table(ns=[10**6], degrees=[10**6]), "digits"),
    (lambda: count_free_symbols(symmlp.MLP([2] * 22 + [1])), "nodes"),
    (lambda: symmlp.polynomial_document(10**6, 10**6), "digits|terms|coefficients"),
    (lambda: symmlp.hessian(symmlp.MLP([1, 2, 2, 2, 2, 2, 2, 1]), max_params=40), "grows with depth"),
    (lambda: symmlp.hessian(symmlp.MLP([1, 2, 2, 2, 2, 2, 2, 2, 2, 2, 1]), max_params=100), "grows with depth"),
])
def test_library_refuses_huge_work_up_front(call, match):
    _refused_quickly(call, match=match)


def test_library_train_refuses_memory_it_cannot_have():
    X = np.zeros((300_000, 1))
    message = _refused_quickly(lambda: symmlp.train(symmlp.MLP([1, 100_000, 1]), X, X, steps=1), match="GB")
    assert "300000 rows" in message
    small = symmlp.train(symmlp.MLP([1, 100_000, 1]), X[:100], X[:100], steps=1)  # the same net, a small batch
    assert small.losses.size == 1


def test_the_largest_allowed_sizes_still_work():
    assert approx.bernstein(np.sin, 50).free_symbols == {approx.X1}
    assert approx.relu_interpolant(np.sin, 10**5).num_params == 3 * 10**5 + 1
    assert approx.approximation_error(np.sin, "relu", 10**5) < 1e-9
    assert polynomial_count(20_000, 20_000).bit_length() > 3.3 * 10_000
    assert polynomial_count(10**5, 10**5).bit_length() <= 3.33 * MAX_COUNT_DIGITS


def test_the_hessian_of_a_deep_net_at_a_point_is_within_reach():
    net = symmlp.MLP([1, 2, 2, 2, 2, 2, 2, 1], activation="relu")
    symbols = [*net.params, *net.inputs, *net.targets]
    point = {s: sp.Rational(i % 7 - 3, 5) for i, s in enumerate(symbols)}
    H = symmlp.hessian(net, at=point)
    assert H.shape == (37, 37) and H.is_symmetric() and all(v.is_Rational for v in H)


def test_chunked_predict_equals_one_pass():
    net = approx.sigmoid_staircase(np.sin, 3000, 200.0, (0, 3))
    x = np.linspace(0, 3, 4001)[:, None]
    rows = approx.MAX_ELEMENTS // (4 * net.hidden)
    assert x.shape[0] > rows  # so the blocks are used
    blocks = net.predict(x)
    whole = net._compiled.forward(net.theta, x)
    np.testing.assert_allclose(blocks, whole, rtol=1e-13, atol=1e-15)  # BLAS may sum in another order


@pytest.mark.parametrize("argv, needle", [
    (["approx", "bernstein", "--grid", "1000000000000"], "--grid"),
    (["approx", "relu", "--knots", "100000000"], "--knots"),
    (["approx", "staircase", "--steps", "100000", "--grid", "1000000"], "unit evaluations"),
    (["approx", "bernstein", "--n", "2000", "--grid", "1000000"], "numbers in memory"),
    (["count", "--polynomial", "1000000,1000000"], "digits"),
    (["train", "100000,100000,1", "--target", "x", "--steps", "2"], "multiply-adds"),
    (["train", "--widths", "100000,100000,1", "--target", "x", "--steps", "2"], "multiply-adds"),
    (["latex", "100000,100000,1", "-o", "never.tex"], "parameters"),
    (["train", "1,30000,30000,1", "--target", "x", "--steps", "1", "--n", "1"], "GB"),
    (["train", "1,100000,1", "--target", "x", "--steps", "1", "--n", "300000"], "GB"),
    (["show", "2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,1", "--full"], "nodes"),
])
def test_cli_refuses_huge_work_with_one_line(capsys, tmp_path, monkeypatch, argv, needle):
    monkeypatch.chdir(tmp_path)
    start = time.process_time()
    assert main(argv) == 2
    assert time.process_time() - start < 10
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and needle in err and "Traceback" not in err
    assert list(tmp_path.iterdir()) == []


def test_show_of_a_deep_net_prints_the_nested_form_not_the_expansion(capsys):
    assert main(["show", ",".join(["2"] * 22 + ["1"])]) == 0
    out = capsys.readouterr().out
    assert len(out) < 20_000 and "nodes" in out


@pytest.mark.slow
def test_cli_staircase_of_the_largest_size_finishes(capsys):
    assert main(["approx", "staircase", "--steps", "100000"]) == 0
    out = capsys.readouterr().out
    assert "300001 parameters" in out and len(out.splitlines()) < 10


def test_compile_and_gradient_refuse_work_that_cannot_finish_before_starting():
    import time

    from symmlp import MLP, Polynomial, compile, gradient, init_theta

    start = time.perf_counter()
    with pytest.raises(ValueError, match="1.2e\\+17 parameters"):
        compile(Polynomial(30, 30))
    with pytest.raises(ValueError, match="explicit gradient .* minutes of SymPy"):
        gradient(MLP([300, 300, 1]))
    with pytest.raises(ValueError, match="direct"):
        gradient(MLP([2, 32, 32, 1]), method="direct")
    with pytest.raises(TypeError, match="seed must be an integer"):
        init_theta(MLP([2, 1]), seed="x")
    assert time.perf_counter() - start < 5


def test_huber_and_converters_at_the_extremes():
    import warnings

    from symmlp import MLP, compile, to_torch

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        loss, grad = compile(MLP([1, 1]), "huber").loss_and_grad(np.array([1e300, 0.0]), [[1.0]], [[-1e300]])
    assert loss == 2e300 - 0.5 and np.isfinite(grad).all()
    pytest.importorskip("torch")
    with pytest.raises(ValueError, match="NaN or inf"):
        to_torch(MLP([2, 1]), [np.nan, 1.0, 1.0])
