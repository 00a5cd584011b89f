"""The command line's promises: one-line errors that name the option (never argparse's internals), no
unexplained warning, targets proven finite before any work, values beginning with '-', ASCII digits
only, and a trained model never lost to a later error or to Ctrl-C."""

import json
import re
import warnings

import numpy as np
import pytest

import symmlp.cli.count as count_command
import symmlp.cli.train as train_command
from symmlp import load
from symmlp.cli import main
from symmlp.explore.finite import NotFiniteError, prove_finite
from symmlp.explore.target import parse_target, proven_finite_target


def _one_line_error(capsys, argv, code=2):
    assert main(argv) == code
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1, err
    assert "Traceback" not in err and not re.search(r"invalid _\w+ value|_[a-z]+_list", err), err
    return err


@pytest.mark.parametrize("argv, needle", [
    (["show", "2,3,1", "-a", "nope"], "unknown activation 'nope'"),
    (["train", "1,2,1", "--target", "x", "--lr", "0"], "--lr"),
    (["train", "1,2,1", "--target", "x", "--lr", "-1"], "--lr"),
    (["train", "1,2,1", "--target", "x", "--momentum", "1"], "--momentum"),
    (["approx", "epsilon", "--eps", "0"], "--eps"),
    (["approx", "epsilon", "--eps", "abc,0.1"], "--eps"),
    (["approx", "bernstein", "--interval=0,1e308"], "--interval"),
    (["approx", "bernstein", "--interval", "-1e308,0"], "--interval"),
    (["approx", "bernstein", "--target", "2**(1/1000000)"], "about 1.00000069315"),
    (["approx", "bernstein", "--target", "x**(10**9)"], "e+497149872"),
    (["train", "1,2,1", "--target", "exp(exp(exp(x)))", "--interval", "0,10"], "overflows"),
    (["show", "٢,٣,١"], "٢,٣,١"),
    (["count", "２,３,１"], "２,３,１"),
    (["train", "1,2,1", "--target", "x", "--steps", "５"], "--steps"),
    (["approx", "bernstein", "--n", "1٠"], "--n"),
    (["count", "--polynomial", "３,2"], "--polynomial"),
    (["train", "1,2,1", "--target"], "--target"),
    (["nope"], "invalid choice"),
])
def test_bad_values_are_one_line_naming_what_was_given(capsys, argv, needle):
    assert needle in _one_line_error(capsys, argv)


@pytest.mark.parametrize("target, interval, needle", [
    ("1/x", "-1,1", "pole"),
    ("tan(x)", "-2,2", "1.5708"),
    ("1/sin(pi*x)", "-2,2", "pole"),
    ("log(x)", "-1,1", "domain"),
    ("sqrt(x)", "-1,0.5", "domain"),
    ("exp(x)", "0,800", "float64"),
    ("10**200*exp(x)", "0,300", "float64"),
    ("1/(x - 0.5)", "-1,1", "the target 1/(x - 0.5) is not finite on [-1, 1]"),
])
@pytest.mark.parametrize("command", [["train", "1,4,1", "--steps", "5"], ["approx", "bernstein"]])
def test_targets_not_finite_on_the_interval_are_refused_before_work(capsys, tmp_path, command, target, interval,
                                                                    needle):
    err = _one_line_error(capsys, [*command, "--target", target, f"--interval={interval}"])
    assert needle in err and "x_1" not in err


def test_multi_input_targets_are_proven_over_the_box(capsys):
    err = _one_line_error(capsys, ["train", "2,4,1", "--target", "x1/x2", "--steps", "5"])
    assert "x2 = 0" in err
    assert main(["train", "2,4,1", "--target", "x1*x2 + exp(x2)", "--steps", "5"]) == 0


@pytest.mark.parametrize("text, box", [
    ("1/x", [(-1, 1)]), ("tan(x)", [(-2, 2)]), ("1/sin(pi*x)", [(0.5, 1.5)]), ("log(x)", [(-1, 1)]),
    ("sqrt(x - 1)", [(0, 2)]), ("exp(x)", [(0, 800)]), ("log(x1**2 + x2**2)", [(-1, 1), (-1, 1)]),
    ("x1/(x1 - x2)", [(0, 1), (0, 1)]), ("1/(x1*x2*x3 - 0.125)", [(0, 1)] * 3),
])
def test_prove_finite_finds_each_kind_of_singularity(text, box):
    expr, symbols = parse_target(text, len(box))
    with pytest.raises(NotFiniteError):
        prove_finite(expr, symbols, box)


def test_prove_finite_says_the_magnitude_in_normal_form():
    expr, symbols = parse_target("1e300*x", 1)
    with pytest.raises(NotFiniteError, match=r"reaches about 1e\+300 near x_1 = 1,"):  # not 10e+299
        prove_finite(expr, symbols, [(-1, 1)])


@pytest.mark.parametrize("text, box, bound", [
    ("tan(x)", [(-1.5, 1.5)], 14.11), ("1/(1 + x**2)", [(-5, 5)], 1.0), ("sqrt(x)", [(0, 1)], 1.0),
    ("log(x)", [(0.001, 1)], 6.91), ("exp(x)", [(0, 690)], 1e300), ("1/sin(pi*x)", [(0.25, 0.75)], 1.4143),
    ("x1*x2 + exp(-x2**2)", [(-1, 1), (-1, 1)], 2.0),
])
def test_prove_finite_accepts_finite_targets_with_a_true_bound(text, box, bound):
    expr, symbols = parse_target(text, len(box))
    proven = prove_finite(expr, symbols, box)
    # the bound is a true upper bound (sampled values stay below) and not wildly loose
    grids = np.meshgrid(*[np.linspace(a, b, 201) for a, b in box])
    f = proven_finite_target(text, len(box), box[0]) if len(set(box)) == 1 else None
    if f is not None:
        values = np.abs(f(np.stack([g.ravel() for g in grids], axis=1)))
        assert values.max() <= proven * (1 + 1e-12)
    assert proven <= 10 * bound  # ball arithmetic over-estimates, but not wildly


def test_values_beginning_with_a_minus_sign_need_no_equals(capsys):
    assert main(["train", "1,4,1", "--target", "-x**2", "--interval", "-2,2", "--steps", "5"]) == 0
    assert "on -x**2" in capsys.readouterr().out


def test_a_warning_is_one_explained_line_and_a_numeric_warning_an_error(capsys, monkeypatch):
    original = count_command.run

    def noisy(args):
        warnings.warn("matplotlib says something\nover two lines", UserWarning, stacklevel=2)
        return original(args)

    monkeypatch.setattr(count_command, "run", noisy)
    parser_func = {"func": noisy}
    monkeypatch.setattr("symmlp.cli.build_parser", _parser_with(parser_func))
    assert main(["count", "2,3,1"]) == 0
    err = capsys.readouterr().err.strip().splitlines()
    assert err == ["symmlp: warning: matplotlib says something (UserWarning; the result is still printed)"]

    def numeric(args):
        return int(np.log(np.zeros(1))[0] == 0)  # divide by zero: a RuntimeWarning

    parser_func["func"] = numeric
    assert main(["count", "2,3,1"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "numerical failure" in err


def _parser_with(holder):
    from symmlp.cli import build_parser as real

    def build():
        parser = real()
        original = parser.parse_args

        def parse_args(argv):
            args = original(argv)
            args.func = holder["func"]
            return args

        parser.parse_args = parse_args
        return parser

    return build


# --------------------------------------------------------------------------- a trained model is never lost


def test_model_is_written_before_a_failing_plot(capsys, tmp_path, monkeypatch):
    import symmlp.cli.train_plot as train_plot

    def broken_plot(*args, **kwargs):
        raise ValueError("the plot failed after training")

    monkeypatch.setattr(train_plot, "plot_training", broken_plot)
    model, plot = tmp_path / "m.json", tmp_path / "fit.png"
    err = _one_line_error(capsys, ["train", "1,4,1", "--target", "x", "--steps", "5", "--save", str(model),
                                   "--plot", str(plot)])
    assert "plot failed" in err
    assert load(model).losses.size == 5 and not plot.exists()


def test_outputs_are_checked_before_training(capsys, tmp_path, monkeypatch):
    ran = []
    monkeypatch.setattr("symmlp.training.loop.train", lambda *a, **k: ran.append(1))
    (tmp_path / "mine.png").write_text("not symmlp's")
    for argv in (["--plot", str(tmp_path / "out.txt")], ["--plot", str(tmp_path / "mine.png")],
                 ["--save", ""], ["--save", str(tmp_path / "m.png")], ["--save", str(tmp_path / "no" / "m.json")],
                 ["--save", str(tmp_path / "same.png"), "--plot", str(tmp_path / "same.png")]):
        _one_line_error(capsys, ["train", "1,4,1", "--target", "x", "--steps", "5", *argv])
    assert ran == [] and sorted(p.name for p in tmp_path.iterdir()) == ["mine.png"]


def _interrupt_at(step):
    def progress(steps):
        def callback(k, loss, theta):
            if k == step:
                raise KeyboardInterrupt
        return callback
    return progress


def test_ctrl_c_saves_the_last_finished_step(capsys, tmp_path, monkeypatch):
    monkeypatch.setattr(train_command, "_progress", _interrupt_at(7))  # in step 8's callback
    path = tmp_path / "m.json"
    assert main(["train", "1,4,1", "--target", "sin(x)", "--steps", "50", "--save", str(path)]) == 130
    err = capsys.readouterr().err
    assert "interrupted after 8 steps; wrote" in err and str(path) in err
    saved = load(path)
    assert saved.losses.size == 8 and np.isfinite(saved.theta.astype(float)).all()
    assert json.loads(path.read_text())["format"] == "symmlp-model"


def test_ctrl_c_without_save_says_interrupted(capsys, monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(train_command, "_progress", _interrupt_at(0))
    assert main(["train", "1,4,1", "--target", "x", "--steps", "50"]) == 130
    assert capsys.readouterr().err.strip() == "symmlp: interrupted" and list(tmp_path.iterdir()) == []


def test_library_interrupt_carries_the_last_finished_theta():
    from symmlp import MLP
    from symmlp.training.loop import TrainingInterrupted, train

    X = np.linspace(-1, 1, 20).reshape(-1, 1)
    seen = []

    def callback(step, loss, theta):
        seen.append(theta)
        if step == 4:
            raise KeyboardInterrupt

    with pytest.raises(TrainingInterrupted) as info:
        train(MLP([1, 3, 1]), X, np.sin(X), steps=100, callback=callback)
    result = info.value.result
    assert result.losses.size == 5  # steps 0..4 finished their loss; theta is step 4's, not yet updated
    np.testing.assert_array_equal(result.theta, seen[4])
