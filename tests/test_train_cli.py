import re
import sys
import warnings

import numpy as np
import pytest

from symmlp.cli import main
from symmlp.training.saving import load


def run(capsys, *argv):
    status = main(["train", *argv])
    out, err = capsys.readouterr()
    return status, out, err


def test_train_fits_writes_plot_and_model(tmp_path, capsys):
    plot, saved = tmp_path / "fit.png", tmp_path / "m.json"
    status, out, err = run(capsys, "--widths", "1,8,1", "--target", "sin(2*x)", "--interval", "-2,2",
                           "--steps", "300", "--lr", "0.05", "--n", "50",
                           "--plot", str(plot), "--save", str(saved))
    assert status == 0, err
    assert plot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    reported = float(re.search(r"final MSE: (\S+)", out).group(1))
    assert "parameters: 25" in out
    X = np.linspace(-2, 2, 50).reshape(-1, 1)
    result = load(saved)
    assert result.losses.shape == (300,)
    assert reported == pytest.approx(np.mean((result.predict(X) - np.sin(2 * X)) ** 2), rel=1e-3)
    assert err == ""


def test_progress_goes_to_stderr_for_long_runs(capsys):
    status, out, err = run(capsys, "--widths", "1,2,1", "--target", "x**2", "--steps", "1000",
                           "--n", "10", "--lr", "0.01")
    assert status == 0
    lines = err.strip().splitlines()
    assert len(lines) == 10 and lines[-1].startswith("step 1000/1000: loss ")
    assert all(re.fullmatch(r"step \d+/1000: loss \S+", line) for line in lines)
    assert "/1000: loss" not in out


def test_two_inputs(capsys, tmp_path):
    status, out, err = run(capsys, "--widths", "2,8,1", "--target", "x1*x2", "--interval", "-1,1",
                           "--steps", "400", "--lr", "0.1", "--plot", str(tmp_path / "f.png"))
    assert status == 0, err
    assert float(re.search(r"final MSE: (\S+)", out).group(1)) < np.mean(
        np.prod(np.random.default_rng(0).uniform(-1, 1, (200, 2)), axis=1) ** 2)
    assert (tmp_path / "f.png").exists()


@pytest.mark.parametrize(
    "target",
    [
        "__import__('os').system('touch PWNED')",
        "os.system('touch PWNED')",
        "x.__class__",
        "lambda: 0",
        "exec('1')",
        "[x for x in ()]",
        "x; import os",
        "eval('x')",
        "open('PWNED', 'w')",
        "x" * 600,
        "y",
        "x1*x2",
    ],
)
def test_hostile_targets_exit_2(capsys, tmp_path, monkeypatch, target):
    monkeypatch.chdir(tmp_path)
    status, out, err = run(capsys, "--widths", "1,2,1", "--target", target, "--steps", "5")
    assert status == 2
    assert err.startswith("symmlp: error: refused") and err.count("\n") == 1
    assert out == "" and list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("flag", "value", "needle"),
    [
        ("--interval", "3,1", "--interval"),
        ("--interval", "1,nan", "--interval"),
        ("--interval", "0,inf", "--interval"),
        ("--interval", "1", "--interval"),
        ("--interval", "1,2,3", "--interval"),
        ("--steps", "0", "--steps"),
        ("--steps", "1e3", "--steps"),
        ("--lr", "-0.1", "--lr"),
        ("--lr", "nan", "--lr"),
        ("--momentum", "1", "--momentum"),
        ("--n", "many", "--n"),
        ("--widths", "1,4,2", "WIDTHS must end in 1"),
        ("--widths", "1,x,1", "widths must be comma-separated integers"),
        ("--activation", "os.system", "activation"),
    ],
)
def test_bad_settings_exit_2_with_one_line(capsys, flag, value, needle):
    argv = {"--widths": "1,2,1", "--target": "x", "--steps": "5"}
    argv[flag] = value
    status, out, err = run(capsys, *[s for kv in argv.items() for s in kv])
    assert status == 2
    assert err.count("\n") == 1 and needle in err


def test_target_undefined_on_interval(capsys):
    status, _, err = run(capsys, "--widths", "1,2,1", "--target", "log(x)", "--interval", "-1,1")
    assert status == 2 and "not finite" in err


def test_divergence_exits_1_with_advice(capsys):
    status, out, err = run(capsys, "--widths", "1,4,1", "--target", "10*x", "--interval", "-3,3",
                           "--lr", "1e6", "--steps", "50")
    assert status == 1
    assert "diverged" in err and "smaller learning rate" in err


def test_divergence_prints_exactly_one_line_without_numpy_warnings(capsys):
    # the generated code overflows (inf / NaN) here; numpy must stay quiet
    status, out, err = run(capsys, "--widths", "1,4,1", "--activation", "relu", "--target", "1e100*x",
                           "--interval", "-3,3", "--lr", "1e6", "--steps", "50")
    assert status == 1
    assert err.count("\n") == 1 and err.startswith("symmlp: error: training diverged")
    assert "RuntimeWarning" not in err and out == ""


def test_divergence_with_warnings_as_errors_still_exits_1(capsys):
    # pytest records warnings instead of printing them; turning them into errors
    # shows that none is raised at all
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        status, _, err = run(capsys, "--widths", "1,4,1", "--activation", "relu", "--target", "1e100*x",
                             "--interval", "-3,3", "--lr", "1e6", "--steps", "50")
    assert status == 1 and err.count("\n") == 1


@pytest.mark.parametrize("flag", ["--save", "--plot"])
@pytest.mark.parametrize("where", ["missing/out", "file.txt/out", "adir"])
def test_unwritable_output_path_is_refused_before_training(capsys, tmp_path, monkeypatch, flag, where):
    (tmp_path / "file.txt").write_text("x")
    (tmp_path / "adir").mkdir()
    path = tmp_path / where
    before = sorted(tmp_path.rglob("*"))

    def no_training(*args, **kwargs):
        raise AssertionError("training ran before the output path was checked")

    monkeypatch.setattr(sys.modules["symmlp.training.loop"], "train", no_training)
    status, out, err = run(capsys, "--widths", "1,2,1", "--target", "x", "--steps", "5",
                           flag, str(path))
    assert status == 2
    assert err.startswith("symmlp: error: ") and err.count("\n") == 1
    assert flag in err and str(path) in err and "Traceback" not in err
    assert out == "" and sorted(tmp_path.rglob("*")) == before
