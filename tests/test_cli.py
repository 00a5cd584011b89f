"""The show, count and check subcommands, their errors and the installed console script."""

import shutil
import subprocess
import sys
from math import comb

import pytest

from symmlp.cli import main


def _run(capsys, *argv):
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def test_count_mlp(capsys):
    status, out, err = _run(capsys, "count", "8,64,64,1")
    expected = (8 * 64 + 64) + (64 * 64 + 64) + (64 * 1 + 1)
    assert status == 0 and err == ""
    assert f"{expected} parameters" in out and expected == 4801
    assert "W2 64x64 = 4096" in out


def test_count_symbolic_for_two_layer_net(capsys):
    status, out, _ = _run(capsys, "count", "4,5,1")
    assert status == 0 and f"{4 * 5 + 5 + 5 + 1} parameters" in out
    assert "m*n + 2*m + 1" in out


def test_count_polynomial(capsys):
    status, out, _ = _run(capsys, "count", "--polynomial", "8,6")
    assert status == 0
    assert f"= {comb(14, 6)}" in out and comb(14, 6) == 3003
    assert f"n*d + 1 = {8 * 6 + 1}" in out


def test_show(capsys):
    status, out, _ = _run(capsys, "show", "2,3,1", "-a", "relu")
    lines = out.splitlines()
    assert status == 0
    assert lines[0] == "MLP([2, 3, 1], activation='relu', output_activation='identity')"
    assert lines[1] == f"{3 * 2 + 3 + 3 + 1} parameters"
    assert lines[2].startswith("y_1 = ") and "Max(0, W1_1_1*x_1 + W1_1_2*x_2 + b1_1)" in lines[2]
    status, out, _ = _run(capsys, "show", "2,1", "--latex")
    assert status == 0 and "W^{(1)}_{1,1}" in out


@pytest.mark.parametrize("argv", [
    ["check", "2,2,1", "-a", "relu"],
    ["check", "2,2,2", "--loss", "softmax_ce", "--seed", "3"],
    ["check", "2,2,1", "-a", "square", "--output-activation", "sigmoid", "--loss", "bce"],
])
def test_check_exits_zero_on_agreement(capsys, argv):
    status, out, err = _run(capsys, *argv)
    assert status == 0 and err == ""
    assert ": OK" in out.splitlines()[0]
    assert "W1_1_1" in out and "b2_1" in out


@pytest.mark.parametrize("argv, word", [
    (["show", "2,0"], "widths[1]"),
    (["show", "2,x"], "'2,x'"),
    (["show", "2,3,1", "-a", "gelu"], "'gelu'"),
    (["check", "2,2,1", "--loss", "softmax_ce"], "at least 2 outputs"),
    (["check", "2,2,1", "--loss", "hinge"], "'hinge'"),
    (["check", "2,2,1", "--loss", "bce"], "sigmoid"),
    (["frobnicate"], "frobnicate"),
    (["count"], "WIDTHS"),
    (["count", "--polynomial", "8"], "needs 2 integers"),
])
def test_bad_input_exits_2_with_one_line(capsys, argv, word):
    status, out, err = _run(capsys, *argv)
    assert status == 2
    assert len(err.splitlines()) == 1 and err.startswith("symmlp: error: ")
    assert word in err and "Traceback" not in err + out


def test_console_script_runs():
    exe = shutil.which("symmlp")
    cmd = [exe] if exe else [sys.executable, "-m", "symmlp.cli"]
    result = subprocess.run([*cmd, "show", "2,3,1"], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[1] == f"{2 * 3 + 3 + 3 * 1 + 1} parameters"
    bad = subprocess.run([*cmd, "show", "2,x"], capture_output=True, text=True, timeout=120)
    assert bad.returncode == 2 and len(bad.stderr.splitlines()) == 1


def test_check_exits_1_on_disagreement(capsys, monkeypatch):
    import importlib

    check_module = importlib.import_module("symmlp.verify.check")
    real = check_module.compile_model

    def broken(model, loss):
        compiled = real(model, loss)
        inner = compiled._loss_and_grad
        compiled._loss_and_grad = lambda t, X, Y: (inner(t, X, Y)[0], 2 * inner(t, X, Y)[1])
        return compiled

    monkeypatch.setattr(check_module, "compile_model", broken)
    status, out, _ = _run(capsys, "check", "2,2,1")
    assert status == 1 and "FAILED" in out and "the compiled NumPy gradient are outside" in out


def test_show_does_not_expand_a_big_net_unless_asked(capsys):
    assert main(["show", "784,128,10"]) == 0
    out = capsys.readouterr().out
    assert "101770 parameters" in out and "--full" in out and "W1_1_1" not in out


def test_check_refuses_a_check_that_would_take_minutes(capsys):
    assert main(["check", "64,512,512,1", "--batch", "64"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "120 s limit" in err and "would take about" in err


def test_unwritable_output_is_one_line_exit_2(tmp_path, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    assert main(["tour", "--out", str(blocker / "sub")]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "Traceback" not in err and str(blocker) in err
    assert blocker.read_text() == "x"


def test_count_widths_prints_the_comparison_table(capsys):
    assert main(["count", "4,16,1"]) == 0
    out = capsys.readouterr().out
    assert "MLP [n,16,1]" in out and "3003" in out
