"""Tests of the PNG figures: each function writes a real PNG of the expected size
at the path it returns, and refuses bad input.  (The figures themselves were
inspected by eye.)"""

from __future__ import annotations

import matplotlib.image
import pytest
import sympy as sp

from symmlp.explore.approx import bernstein, error_curves, relu_interpolant, sigmoid_staircase
from symmlp.explore.plots import (
    plot_bernstein,
    plot_error_vs_params,
    plot_parameter_explosion,
    plot_relu_peaks,
    plot_staircase,
)

x = sp.Symbol("x")
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def assert_png(path, min_width=500):
    assert path.exists() and path.read_bytes()[:8] == PNG_MAGIC
    height, width = matplotlib.image.imread(path).shape[:2]
    assert width >= min_width and height >= 300


def test_plot_staircase(tmp_path):
    nets = [sigmoid_staircase(sp.sin(x), s, 10 * s, (0, 3)) for s in (2, 4, 8)]
    path = plot_staircase(sp.sin(x), nets, tmp_path / "sub" / "staircase.png")
    assert path == tmp_path / "sub" / "staircase.png"
    assert_png(path)


def test_plot_relu_peaks(tmp_path):
    assert_png(plot_relu_peaks(sp.sin(x), relu_interpolant(sp.sin(x), 7, (0, 3)), tmp_path / "r.png"),
               min_width=1000)


def test_plot_bernstein(tmp_path):
    polys = {n: bernstein(sp.exp(x), n, (-1, 1)) for n in (1, 3, 9)}
    assert_png(plot_bernstein(sp.exp(x), (-1, 1), polys, tmp_path / "b.png"))


def test_plot_error_vs_params(tmp_path):
    curves = error_curves(sp.sin(x), (0, 3), {"bernstein": [2, 4, 8], "staircase": [2, 4], "relu": [3, 5]})
    assert_png(plot_error_vs_params(curves, tmp_path / "e.png", title="sin"))


def test_plot_parameter_explosion(tmp_path):
    assert_png(plot_parameter_explosion(tmp_path / "p.png", ns=range(1, 9), degrees=(2, 3)))


def test_plots_refuse_bad_input(tmp_path):
    with pytest.raises(ValueError, match=r"\.png"):
        plot_parameter_explosion(tmp_path / "p.pdf")
    with pytest.raises(ValueError, match="at least one"):
        plot_staircase(sp.sin(x), [], tmp_path / "s.png")


@pytest.mark.slow
def test_run_all_writes_every_plot(tmp_path):
    from symmlp.explore.claims import run_all

    (tmp_path / "keep.txt").write_text("user file")
    result = run_all(tmp_path)
    assert set(result["plots"]) == {"staircase", "relu", "bernstein", "error_vs_params", "explosion"}
    for path in result["plots"].values():
        assert_png(tmp_path / path.rsplit("/", 1)[-1])
    assert (tmp_path / "keep.txt").read_text() == "user file"
    errors = list(result["bernstein"].values())
    assert errors == sorted(errors, reverse=True)
    assert result["collapse"]["square"].degree == 4 and not result["collapse"]["tanh"].is_polynomial
    assert result["blind_spot"].separable_residual > 0.3
    assert result["criteria"].cell("MLP relu", "differentiable in theta").value == "a.e."


def test_a_missing_parent_folder_is_refused_not_created(tmp_path):
    target = tmp_path / "missing" / "dir"
    with pytest.raises(ValueError, match="does not exist") as info:
        plot_parameter_explosion(target / "explosion.png")
    assert str(tmp_path / "missing") in str(info.value)
    assert not (tmp_path / "missing").exists()


def test_run_all_refuses_a_missing_parent_folder(tmp_path):
    from symmlp.explore.claims import run_all

    with pytest.raises(ValueError, match="does not exist"):
        run_all(tmp_path / "missing" / "dir")
    assert not (tmp_path / "missing").exists()


def test_the_last_folder_itself_is_created(tmp_path):
    path = plot_parameter_explosion(tmp_path / "new" / "explosion.png")
    assert_png(path)
