import math

import numpy as np
import pytest

from symmlp.explore.datasets import circles, cross_term, sample_1d, two_moons, xor

SEEDED = {
    "sample_1d": lambda seed: sample_1d(np.sin, 50, noise=0.1, seed=seed, grid=False),
    "two_moons": lambda seed: two_moons(60, seed=seed),
    "circles": lambda seed: circles(60, seed=seed),
    "cross_term": lambda seed: cross_term(60, seed=seed),
}


def check_arrays(X, Y, n, n_features):
    assert X.shape == (n, n_features) and Y.shape == (n, 1)
    assert X.dtype == np.float64 and Y.dtype == np.float64
    assert np.all(np.isfinite(X)) and np.all(np.isfinite(Y))


@pytest.mark.parametrize(
    ("make", "n", "n_features"),
    [
        (lambda: sample_1d(np.sin), 200, 1),
        (lambda: sample_1d(np.cos, 7, (0, 3), grid=False), 7, 1),
        (lambda: sample_1d(np.exp, 1), 1, 1),
        (xor, 4, 2),
        (two_moons, 200, 2),
        (lambda: two_moons(1), 1, 2),
        (circles, 200, 2),
        (lambda: circles(33), 33, 2),
        (cross_term, 400, 2),
        (lambda: cross_term(16, grid=True), 16, 2),
    ],
)
def test_shapes_and_dtypes(make, n, n_features):
    check_arrays(*make(), n, n_features)


@pytest.mark.parametrize("name", sorted(SEEDED))
def test_determinism(name):
    make = SEEDED[name]
    X1, Y1 = make(3)
    X2, Y2 = make(3)
    np.testing.assert_array_equal(X1, X2)
    np.testing.assert_array_equal(Y1, Y2)
    X3, _ = make(4)
    assert not np.array_equal(X1, X3)


def test_sample_1d_grid_and_values():
    X, Y = sample_1d(np.sin, 5, (0.0, 2.0))
    np.testing.assert_array_equal(X[:, 0], np.linspace(0.0, 2.0, 5))
    np.testing.assert_array_equal(Y[:, 0], np.sin(X[:, 0]))
    X, Y = sample_1d(np.sin, 100, (-3, -1), grid=False, seed=1)
    assert np.all((X >= -3) & (X <= -1))
    assert np.all(np.diff(X[:, 0]) >= 0)
    np.testing.assert_array_equal(Y, np.sin(X))


def test_sample_1d_accepts_column_functions_and_column_results():
    X, Y = sample_1d(lambda X: X[:, 0] ** 2, 11)
    np.testing.assert_allclose(Y[:, 0], X[:, 0] ** 2)
    X, Y = sample_1d(lambda x: (x**3).reshape(-1, 1), 11)
    np.testing.assert_allclose(Y[:, 0], X[:, 0] ** 3)
    _, Y = sample_1d(lambda x: 2.0, 4)
    np.testing.assert_array_equal(Y, np.full((4, 1), 2.0))


def test_sample_1d_noise():
    X, clean = sample_1d(np.sin, 2000)
    _, noisy = sample_1d(np.sin, 2000, noise=0.5, seed=2)
    residual = noisy - clean
    assert abs(residual.std() - 0.5) < 0.05
    assert abs(residual.mean()) < 0.05


def test_sample_1d_rejects_wrong_output_size():
    with pytest.raises(ValueError, match=r"f returned shape \(3,\); expected \(5,\) or \(5, 1\)"):
        sample_1d(lambda x: np.zeros(3), 5)


def test_xor_table():
    X, Y = xor()
    for (a, b), y in zip(X, Y[:, 0], strict=True):
        assert y == float(int(a) ^ int(b))
    assert {tuple(row) for row in X} == {(0, 0), (0, 1), (1, 0), (1, 1)}


def test_cross_term_values():
    for X, Y in (cross_term(), cross_term(25, grid=True), cross_term(7, seed=5)):
        np.testing.assert_array_equal(Y[:, 0], X[:, 0] * X[:, 1])
        assert np.all(np.abs(X) <= 1)
    X, _ = cross_term(9, grid=True)
    assert {tuple(row) for row in X} == {(a, b) for a in (-1, 0, 1) for b in (-1, 0, 1)}
    X, _ = cross_term(2000, seed=1)
    assert X.min() < -0.99 and X.max() > 0.99


@pytest.mark.parametrize("n", [1, 2, 101, 200])
def test_class_balance(n):
    for _, Y in (two_moons(n), circles(n)):
        assert set(np.unique(Y)) <= {0.0, 1.0}
        assert int(Y.sum()) == n // 2


def test_classes_are_shuffled():
    _, Y = two_moons(100)
    assert 0 < Y[:50].sum() < 50


def test_two_moons_lie_on_their_moons_without_noise():
    X, Y = two_moons(300, noise=0.0, seed=7)
    upper, lower = X[Y[:, 0] == 0], X[Y[:, 0] == 1]
    np.testing.assert_allclose(np.hypot(upper[:, 0], upper[:, 1]), 1.0)
    assert np.all(upper[:, 1] >= 0)
    np.testing.assert_allclose(np.hypot(lower[:, 0] - 1, lower[:, 1] - 0.5), 1.0)
    assert np.all(lower[:, 1] <= 0.5)


def test_two_moons_noise_moves_points_a_little():
    X, Y = two_moons(400, noise=0.1, seed=7)
    upper = X[Y[:, 0] == 0]
    distance = np.abs(np.hypot(upper[:, 0], upper[:, 1]) - 1.0)
    assert 0.0 < distance.mean() < 0.2


@pytest.mark.parametrize("factor", [0.2, 0.5, 0.9])
def test_circles_lie_on_their_circles_without_noise(factor):
    X, Y = circles(300, noise=0.0, factor=factor, seed=3)
    radius = np.hypot(X[:, 0], X[:, 1])
    np.testing.assert_allclose(radius[Y[:, 0] == 0], 1.0)
    np.testing.assert_allclose(radius[Y[:, 0] == 1], factor)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: sample_1d(np.sin, 0), "n must be an integer >= 1, got 0"),
        (lambda: sample_1d(np.sin, 2.5), "n must be an integer >= 1, got 2.5"),
        (lambda: sample_1d(np.sin, True), "n must be an integer >= 1, got True"),
        (lambda: sample_1d(np.sin, 5, (1, 1)), r"finite a < b, got \(1, 1\)"),
        (lambda: sample_1d(np.sin, 5, (2, -2)), r"finite a < b, got \(2, -2\)"),
        (lambda: sample_1d(np.sin, 5, (0, math.inf)), r"finite a < b, got \(0, inf\)"),
        (lambda: sample_1d(np.sin, 5, (math.nan, 1)), r"finite a < b, got \(nan, 1\)"),
        (lambda: sample_1d(np.sin, 5, (0, 1, 2)), r"pair \(a, b\) of numbers"),
        (lambda: sample_1d(np.sin, 5, "ab"), r"pair \(a, b\) of numbers"),
        (lambda: sample_1d(np.sin, 5, noise=-0.1), "noise must be a finite number >= 0, got -0.1"),
        (lambda: sample_1d(np.sin, 5, noise=math.nan), "noise must be a finite number >= 0"),
        (lambda: two_moons(0), "n must be an integer >= 1, got 0"),
        (lambda: two_moons(10, noise=-1), "noise must be a finite number >= 0, got -1"),
        (lambda: circles(-3), "n must be an integer >= 1, got -3"),
        (lambda: circles(10, noise=-1), "noise must be a finite number >= 0"),
        (lambda: circles(10, factor=0), "factor must be a number strictly between 0 and 1, got 0"),
        (lambda: circles(10, factor=1), "strictly between 0 and 1, got 1"),
        (lambda: circles(10, factor=1.5), "strictly between 0 and 1, got 1.5"),
        (lambda: cross_term(0), "n must be an integer >= 1, got 0"),
        (lambda: cross_term(10, grid=True), r"perfect square m\*\*2, got n=10 \(nearest: 9 or 16\)"),
    ],
)
def test_bad_arguments(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_keyword_only_arguments():
    with pytest.raises(TypeError):
        two_moons(10, 0.1)
    with pytest.raises(TypeError):
        sample_1d(np.sin, 10, (-1, 1), 0.1)
