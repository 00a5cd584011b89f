"""The post's question, run: symmlp.compare and `symmlp compare`.

Expectations come from the families' closed-form counts, from targets whose best
fit is known (a polynomial target is fitted exactly by least squares; the
separable polynomial cannot hold x1*x2), and from the file rules of symmlp.core.files.
"""

from __future__ import annotations

import os

import numpy as np
import pytest
import sympy as sp

from symmlp import Expression, Polynomial, TargetSyntaxError
from symmlp.cli import main
from symmlp.core.files import has_png_mark, has_text_mark
from symmlp.explore.compare import compare, default_target, families, recipe
from symmlp.models.counting import polynomial_count

SMALL = dict(budgets=[8, 20], n_train=120, n_test=200, steps=60)


def small(**kwargs):
    return compare("x1*x2 + sin(x2)", 2, **{**SMALL, **kwargs})


def test_table_is_deterministic_for_a_seed():
    a, b, c = small(seed=3), small(seed=3), small(seed=4)
    assert str(a) == str(b)
    assert [f.test_rmse for f in a.fits] == [f.test_rmse for f in b.fits]
    assert str(a) != str(c)


def test_each_family_takes_its_largest_model_within_the_budget():
    for n in (1, 3, 8):
        for b in (25, 50, 100, 200, 400):
            for fam in families(n):
                model = fam.build(b)
                if model is not None:
                    assert model.num_params <= b
    # the explosion: at n = 8 a budget of 400 buys the full polynomial degree 3 only
    assert families(8)[0].build(400) == Polynomial(8, 3)
    assert polynomial_count(8, 4) > 400 >= polynomial_count(8, 3)


def test_least_squares_is_exact_on_a_polynomial_target_and_the_separable_one_misses_the_cross_term():
    r = compare("x1*x2 - 2*x1**2 + 0.5", 2, budgets=[6, 12], n_train=100, n_test=100, steps=20)
    assert r.fit("full polynomial", 6).test_rmse < 1e-12
    assert r.best("separable polynomial").test_rmse > 0.25
    assert r.needed(1e-6)["full polynomial"].params == 6


def test_a_user_expression_is_fitted_and_reported():
    x1, x2, a, b = sp.symbols("x_1 x_2 a b")
    exact = Expression(a * x1 * x2 + b, [x1, x2], [a, b])
    r = compare("3*x1*x2 - 1", 2, budgets=[8], n_train=100, n_test=100, steps=100,
                expressions={"mine": exact, "rbf": recipe("rbf", 2)})
    assert r.fit("mine", 8).test_rmse < 1e-6 and r.fit("mine", 8).params == 2
    assert r.fit("rbf", 8).params == 5
    assert "mine" in str(r) and r.families[-2:] == ("mine", "rbf")


def test_default_targets_have_cross_terms():
    assert default_target(3) == "x1*x2 + sin(x3)"
    assert "x1*x2" in default_target(8) and "x8" in default_target(8)


@pytest.mark.parametrize("kwargs, error, match", [
    (dict(n_inputs=0), ValueError, "n_inputs must be an integer in 1..8"),
    (dict(n_inputs=9), ValueError, "n_inputs must be an integer in 1..8"),
    (dict(budgets=[]), ValueError, "budgets is empty"),
    (dict(budgets=[2, 3]), ValueError, "below every family's smallest model"),
    (dict(budgets=[10**6]), ValueError, "budget must be an integer in 1..5000"),
    (dict(target="x1*x9"), TargetSyntaxError, "unknown name"),
    (dict(target="1/x1"), ValueError, "not finite"),
    (dict(expressions={"bad": Polynomial(2, 1)}), ValueError, "must have 3 inputs and 1 output"),
    (dict(steps=0), ValueError, "steps must be an integer in 1..100000"),
])
def test_bad_input_is_refused(kwargs, error, match):
    args = {"target": None, "n_inputs": 3, "budgets": [25], "steps": 5, **kwargs}
    with pytest.raises(error, match=match):
        compare(**args)


def test_result_plots_and_writes_marked_files(tmp_path):
    r = small()
    paths = r.write(tmp_path / "out")
    assert has_text_mark(paths["table"]) and has_text_mark(paths["report"]) and has_png_mark(paths["plot"])
    assert "parameters needed for test RMSE" in paths["table"].read_text()
    assert "![test RMSE against parameters](compare.png)" in paths["report"].read_text()
    r.write(tmp_path / "out")  # its own files: replaced


# ------------------------------------------------------------------------------ the command


def run(capsys, *argv):
    code = main(["compare", *argv])
    out, err = capsys.readouterr()
    return code, out, err


TINY = ["--n", "2", "--budgets", "8,20", "--train", "100", "--test", "100", "--steps", "30"]


def test_cli_prints_progress_table_and_writes(capsys, tmp_path):
    code, out, err = run(capsys, *TINY, "--out", str(tmp_path / "o"), "--expression", "rbf")
    assert code == 0, err
    assert out.count("] ") >= 10 and "budget" in out and "parameters needed for test RMSE <= 0.01" in out
    assert sorted(os.listdir(tmp_path / "o")) == ["compare.md", "compare.png", "compare.txt"]
    code, out2, _ = run(capsys, *TINY, "--out", str(tmp_path / "o"), "--expression", "rbf")
    table = lambda text: text.split("\n\n", 1)[1].split("wrote")[0]  # noqa: E731  (progress lines hold times)
    assert code == 0 and table(out2) == table(out)


@pytest.mark.parametrize("argv, message", [
    (["--n", "0"], "--n must be an integer >= 1 and <= 8"),
    (["--n", "9"], "--n must be an integer >= 1 and <= 8"),
    (["--budgets", ""], "--budgets is empty"),
    (["--budgets", "1,2"], "below every family's smallest model"),
    (["--budgets", "25,x"], "--budgets must be comma-separated integers"),
    (["--target", "__import__('os')"], "refused"),
    (["--interval", "1,-1"], "--interval must be two finite numbers"),
    (["--expression", "gpt"], "invalid choice"),
])
def test_cli_bad_input_exits_2_with_one_line(capsys, argv, message):
    code, out, err = run(capsys, *argv)
    assert code == 2 and message in err and err.count("\n") == 1 and "] " not in out


def test_cli_never_writes_over_foreign_files_or_through_links(capsys, tmp_path):
    folder = tmp_path / "o"
    folder.mkdir()
    (folder / "compare.md").write_text("my notes")
    code, out, err = run(capsys, *TINY, "--out", str(folder))
    assert code == 2 and "was not written by symmlp" in err and "] " not in out  # refused before fitting
    assert (folder / "compare.md").read_text() == "my notes" and not (folder / "compare.txt").exists()
    (folder / "compare.md").unlink()
    (folder / "compare.png").symlink_to(tmp_path / "elsewhere.png")  # dangling
    code, _, err = run(capsys, *TINY, "--out", str(folder))
    assert code == 2 and "symbolic link" in err and not (tmp_path / "elsewhere.png").exists()
    (folder / "compare.png").unlink()
    os.symlink(folder, tmp_path / "linked")
    code, _, err = run(capsys, *TINY, "--out", str(tmp_path / "linked"))
    assert code == 2 and "symbolic link" in err
    code, _, err = run(capsys, *TINY, "--out", str(tmp_path / "missing" / "deeper"))
    assert code == 2 and "does not exist" in err


def test_plot_has_one_line_per_family(tmp_path):
    import matplotlib.pyplot as plt

    r = small()
    closed = []
    real_close = plt.close
    plt.close = lambda fig=None: (closed.append(fig), real_close(fig))[1]
    try:
        r.plot(tmp_path / "p.png")
    finally:
        plt.close = real_close
    lines = closed[0].axes[0].get_lines()
    assert len(lines) == len(r.families) + 1  # and the target line
    first = sorted({(f.params, f.test_rmse) for f in r.fits if f.family == r.families[0]})
    np.testing.assert_allclose(lines[0].get_xdata(), [p for p, _ in first])
    np.testing.assert_allclose(lines[0].get_ydata(), [e for _, e in first])
