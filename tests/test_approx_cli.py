"""Tests of ``symmlp approx``: each subcommand prints its result (values checked
against hand computations), ``--plots`` writes PNGs, and bad input exits 2 with
one line."""

from __future__ import annotations

import re

import pytest

from symmlp.cli import main


def run(capsys, *argv):
    code = main(["approx", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_bernstein_of_x_squared(capsys):
    code, out, _ = run(capsys, "bernstein", "--target", "x**2", "--interval", "0,1", "--n", "3")
    assert code == 0
    # B_3 x^2 = x^2 + x(1-x)/3: sup error 1/12
    assert "sup error (2001 points): 8.333e-02" in out
    assert "0.666667*x_1**2 + 0.333333*x_1" in out


def test_staircase_prints_every_parameter(capsys):
    code, out, _ = run(capsys, "staircase", "--steps", "4", "--sharpness", "30", "--interval", "0,2")
    assert code == 0
    assert "13 parameters" in out
    lines = re.findall(r"^  (\w+) = (\S+)$", out, flags=re.M)
    assert len(lines) == 13
    values = dict(lines)
    # steps at 0.25, 0.75, 1.25, 1.75: b1_j = -30 s_j
    assert [float(values[f"b1_{j}"]) for j in range(1, 5)] == [-7.5, -22.5, -37.5, -52.5]


def test_relu_reproduces_abs_exactly(capsys):
    code, out, _ = run(capsys, "relu", "--target", "abs(x)", "--interval=-1,1", "--knots", "3")
    assert code == 0
    assert "10 parameters" in out and "sup error on [-1, 1] (2001 points): 0.000e+00" in out


def test_collapse(capsys):
    code, out, _ = run(capsys, "collapse", "--depth", "3", "--activation", "cube")
    assert code == 0
    assert "degree 9" in out and "3^2 = 9" in out and "NOT a polynomial" in out


def test_blind_spot_and_criteria(capsys):
    code, out, _ = run(capsys, "blind-spot", "--samples", "500")
    assert code == 0 and "separable: none" in out and "full: x_1*x_2" in out
    code, out, _ = run(capsys, "criteria")
    assert code == 0 and "a.e." in out and "no: O(n^d)" in out


def test_epsilon(capsys):
    code, out, _ = run(capsys, "epsilon", "--eps", "0.5")
    assert code == 0
    assert "sin(x) on [-pi, pi]" in out and "MLP [n,64,1]" in out


def test_relu_plots(capsys, tmp_path):
    code, out, _ = run(capsys, "relu", "--knots", "5", "--plots", str(tmp_path))
    assert code == 0 and (tmp_path / "relu_peaks.png").read_bytes()[:4] == b"\x89PNG"
    code, out, _ = run(capsys, "staircase", "--steps", "8", "--plots", str(tmp_path))
    assert code == 0 and (tmp_path / "staircase.png").exists()
    code, out, _ = run(capsys, "bernstein", "--n", "6", "--plots", str(tmp_path))
    assert code == 0 and (tmp_path / "bernstein.png").exists()


@pytest.mark.slow
def test_all_plots(capsys, tmp_path):
    code, out, _ = run(capsys, "--plots", str(tmp_path))
    assert code == 0 and out.count("wrote") == 5
    assert len(list(tmp_path.glob("*.png"))) == 5


@pytest.mark.parametrize("argv, message", [
    (["bernstein", "--target", "__import__('os')"], "refused"),
    (["bernstein", "--n", "0"], "n must be"),
    (["relu", "--interval", "1,0"], "A < B"),
    (["relu", "--interval", "0,x"], "constants"),
    (["relu", "--knots", "1"], "knots"),
    (["staircase", "--sharpness", "-1"], "sharpness"),
    (["epsilon", "--eps", "0,1"], "eps"),
    (["collapse", "--depth", "20"], "--depth must be an integer >= 1 and <= 12"),
    ([], "needs a subcommand"),
    (["bernstein", "--target", "log(x)"], "the target log(x) is not finite on [-3.14159, 3.14159]"),
    (["bernstein", "--target", "sqrt(x-2)", "--interval", "0,1"], "the target sqrt(x-2) is not finite"),
])
def test_bad_input_exits_2_with_one_line(capsys, argv, message):
    code, out, err = run(capsys, *argv)
    assert code == 2
    assert err.count("\n") == 1 and err.startswith("symmlp: error:") and message in err


@pytest.mark.parametrize("argv", [
    ["--plots"],
    ["bernstein", "--n", "2", "--plots"],
    ["relu", "--plots"],
    ["epsilon", "--eps", "0.1", "--plots"],
])
def test_plots_into_a_missing_parent_exits_2_and_creates_nothing(capsys, tmp_path, argv):
    target = tmp_path / "missing" / "dir"
    code, out, err = run(capsys, *argv, str(target))
    assert code == 2
    assert err.count("\n") == 1 and err.startswith("symmlp: error:")
    assert str(tmp_path / "missing") in err and "Traceback" not in err
    assert not (tmp_path / "missing").exists()
