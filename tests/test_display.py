"""Rich display: what Jupyter shows for each public result object, and that plain text stays as it was.

The mime bundles are taken from IPython's own DisplayFormatter (what a Jupyter
kernel sends); LaTeX is compared with sympy.latex of the parts, HTML is parsed
back, PNGs are decoded.
"""

from __future__ import annotations

import base64
import html
import pickle
import re

import matplotlib
import numpy as np
import pytest
import sympy as sp

from symmlp import MLP, Polynomial, TrainResult, backprop, compile, gradient, train
from symmlp.core.display import MAX_ALIGNED_ROWS, aligned, html_table
from symmlp.derive.equations import IndexForm
from symmlp.derive.grad import Gradient
from symmlp.explore.approx import relu_interpolant, sigmoid_staircase
from symmlp.explore.claims import kan_product, polynomial_collapse
from symmlp.explore.criteria import CRITERIA, criteria_table
from symmlp.explore.epsilon import parameters_for_epsilon
from symmlp.explore.landscape import CriticalPoint
from symmlp.models.counting import count_table
from symmlp.models.symbols import indexed
from symmlp.verify.second_order import SecondOrderReport

PNG = b"\x89PNG\r\n\x1a\n"


def bundle(obj) -> dict:
    """The mime bundle a Jupyter kernel would send for ``obj``."""
    formatters = pytest.importorskip("IPython.core.formatters")
    data, _ = formatters.DisplayFormatter().format(obj)
    return data


def inline_pngs(text: str) -> list[bytes]:
    return [base64.b64decode(m) for m in re.findall(r"data:image/png;base64,([A-Za-z0-9+/=]+)", text)]


# ------------------------------------------------------------------ symbol names


def test_pretty_names_follow_the_latex_ones():
    w, a, d = indexed("W", 2, 1, 1), indexed("a", None, 0, 0, 12), indexed("delta", 1, 3)
    assert sp.pretty(w, use_unicode=True) == "W⁽²⁾₁,₁"
    assert sp.pretty(a, use_unicode=True) == "a₀,₀,₁₂"
    assert sp.pretty(d, use_unicode=True) == "δ⁽¹⁾₃"
    assert (sp.latex(w), sp.latex(a), sp.latex(d)) == ("W^{(2)}_{1,1}", "a_{0,0,12}", r"\delta^{(1)}_{3}")
    for s in (w, a, d):  # the ASCII form is the name, as str prints it
        assert sp.pretty(s, use_unicode=False) == str(s)


def test_pretty_names_inside_expressions_and_layouts():
    net = MLP([2, 2, 1], activation="tanh")
    text = sp.pretty(net.output[0], use_unicode=True, wrap_line=False)
    assert "W⁽²⁾₁,₁⋅tanh(W⁽¹⁾₁,₁⋅x₁ + W⁽¹⁾₁,₂⋅x₂ + b⁽¹⁾₁)" in text
    assert "₂ ₁" not in text  # SymPy's own rendering of W2_1_1 was "W₂ ₁ ₁"
    assert "W2_1_1*tanh(W1_1_1*x_1" in sp.pretty(net.output[0], use_unicode=False, wrap_line=False)
    grid = sp.pretty(sp.Matrix([net.params[:2], net.params[2:4]]), use_unicode=True)
    assert grid.splitlines()[0].count("W⁽¹⁾") == 2


def test_names_outside_the_indexed_form_print_as_symbols():
    odd = indexed("W", 1, 1).func("W1_a")
    assert sp.pretty(odd, use_unicode=True) == sp.pretty(sp.Symbol("W1_a"), use_unicode=True)


# ------------------------------------------------------------------ mathematics


def test_gradient_is_a_dict_and_shows_as_aligned_latex():
    net = MLP([2, 2, 1], activation="tanh")
    g = gradient(net)
    plain = backprop(net).expand()
    assert isinstance(g, dict) and type(plain) is dict
    assert g == plain and list(g) == list(net.params) and repr(g) == repr(plain)
    assert pickle.loads(pickle.dumps(g)) == g
    data = bundle(g)
    latex = data["text/latex"]
    assert latex.startswith(r"$\displaystyle \begin{aligned}") and latex.endswith(r"\end{aligned}$")
    rows = latex.split(r"\\")
    assert len(rows) == net.num_params
    for row, (p, v) in zip(rows, g.items()):
        lhs, rhs = row.split("&=")
        assert lhs.strip().endswith(rf"\frac{{\partial \ell}}{{\partial {sp.latex(p)}}}")
        assert rhs.strip().removesuffix(r"\end{aligned}$").strip() == sp.latex(v)
    assert sp.latex(g) == g._latex()
    assert "W^{(1)}_{1,1}" in latex and "W1_1_1" not in latex


def test_direct_gradient_displays_too_and_long_blocks_are_cut():
    g = gradient(Polynomial(1, 2), method="direct")
    assert isinstance(g, Gradient) and "text/latex" in bundle(g)
    big = Gradient({sp.Symbol(f"p{i}"): sp.Integer(i) for i in range(MAX_ALIGNED_ROWS + 5)})
    latex = big._repr_latex_()
    assert latex.count("&=") == MAX_ALIGNED_ROWS and r"\text{(5 more)}" in latex


def test_index_form_is_a_tuple_shown_aligned():
    d = backprop(MLP([2, 2, 1], activation="tanh"))
    form = d.index
    assert isinstance(form, tuple) and isinstance(form, IndexForm)
    assert form == tuple(form) and isinstance(form[:3], IndexForm) and form[0] == tuple(form)[0]
    latex = bundle(form[:4])["text/latex"]
    expected = [e._latex().replace(" = ", " &= ", 1) for e in form[:4]]
    assert latex == "$\\displaystyle " + aligned([tuple(r.split(" &= ")) for r in expected]) + "$"
    for e in form[:4]:  # each equation displays on its own too
        assert bundle(e)["text/latex"] == f"$\\displaystyle {e._latex()}$"


def test_derivation_and_matrix_equations_render_latex():
    d = backprop(MLP([2, 3, 1], activation="relu"))
    assert bundle(d)["text/latex"].count("&=") == len(d.matrix)
    assert bundle(d.matrix[1])["text/latex"] == f"$\\displaystyle {d.matrix[1].lhs_latex} = {d.matrix[1].rhs_latex}$"
    assert "&" not in d.index_latex()[0]


# ------------------------------------------------------------------ tables and reports


def cells(text: str) -> list[str]:
    return [html.unescape(c) for c in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", text, flags=re.S)]


def test_html_table_escapes_and_aligns():
    out = html_table(["a<b", "n"], [["<script>", 3], ["x & y", ">2048"]], caption="c<d")
    assert "<script>" not in out and cells(out) == ["a<b", "n", "<script>", "3", "x & y", ">2048"]
    assert "c&lt;d" in out
    assert out.count("text-align: right") == 3  # 3, ">2048" and the header above them
    mixed = html_table(None, [["steps", 3], ["model", "MLP"]])
    assert "text-align: right" not in mixed
    gaps = html_table(["fit"], [["-"], ["1.6e-01 (11)"]])
    assert gaps.count("text-align: right") == 3


def test_count_table_html_has_every_cell():
    t = count_table(ns=[2, 8], degrees=[2, 6], hidden=16)
    data = bundle(t)
    assert data["text/plain"] == str(t)
    assert cells(data["text/html"]) == [*t.headers, *(str(c) for row in t.rows for c in row)]
    assert html.escape(t.title, quote=False) in data["text/html"]


def test_criteria_table_html_shows_values_and_reasons():
    t = criteria_table()
    out = bundle(t)["text/html"]
    grid = cells(out)
    assert grid[: 1 + len(CRITERIA)] == ["model", *CRITERIA]
    for name, row in t.rows:
        i = grid.index(name)
        assert grid[i + 1: i + 1 + len(CRITERIA)] == [c.value for c in row]
        for c in row:
            assert html.escape(c.reason, quote=False) in out


def test_epsilon_result_html_holds_both_tables():
    import sympy as sp

    x = sp.Symbol("x")
    r = parameters_for_epsilon({"x^2": (x**2, (0, 1))}, epsilons=[0.05])
    out = bundle(r)["text/html"]
    assert r.table._repr_html_() in out and r.inputs_table._repr_html_() in out


def test_claim_reports_show_their_text():
    for r in (polynomial_collapse("square", 2), kan_product()):
        assert html.unescape(bundle(r)["text/html"]) == f'<pre style="font-family: monospace">{r}</pre>'


def test_train_result_html_has_a_table_and_the_loss_curve():
    X = np.linspace(-1, 1, 11).reshape(-1, 1)
    r = train(Polynomial(1, 1), X, 2 * X, lr=0.3, steps=30)
    out = bundle(r)["text/html"]
    assert "final loss" in out and f"{r.losses[-1]:.4g}" in out
    (png,) = inline_pngs(out)
    assert png.startswith(PNG) and png == r.loss_png()
    assert inline_pngs(TrainResult(Polynomial(1, 1), [0.0, 1.0])._repr_html_()) == []


def test_compiled_model_html_shows_its_source():
    f = compile(MLP([2, 3, 1], activation="tanh"))
    out = bundle(f)["text/html"]
    body = re.search(r"<pre[^>]*>(.*)</pre>", out, flags=re.S).group(1)
    assert html.unescape(body) == f.source and "13 parameters" in out
    assert bundle(f)["text/plain"] == repr(f)


def test_approximation_png_is_drawn_without_pyplot():
    import matplotlib.pyplot as plt

    backend, figures = matplotlib.get_backend(), plt.get_fignums()
    x = sp.Symbol("x")
    for a in (sigmoid_staircase(sp.sin(3 * x), 8, 40, (-1, 1)), relu_interpolant(sp.Abs(x), 5, (-1, 1))):
        assert a.target is not None and "image/png" in bundle(a)
        assert bundle(a)["image/png"].startswith(PNG)
    assert matplotlib.get_backend() == backend and plt.get_fignums() == figures


def test_second_order_report_html_says_ok_or_disagree():
    fields = dict(model=MLP([1, 1]), loss="mse", batch=4, fd_error=1e-9, exact_error=1e-20, direct_error=None,
                  asymmetry=0.0, gauss_newton_min_eigenvalue=0.5, scale=1.0)
    good, bad = SecondOrderReport(**fields), SecondOrderReport(**{**fields, "fd_error": 1.0})
    assert ": OK" in good._repr_html_() and "DISAGREE" in bad._repr_html_()
    good_cells, bad_cells = cells(good._repr_html_()), cells(bad._repr_html_())
    direct = good_cells.index("exact R-operator vs sympy.diff twice")
    assert "skipped" in good_cells[direct + 1]
    fd = bad_cells.index("compiled HVP vs finite differences of the gradient")
    assert bad_cells[fd + 1: fd + 3] == ["1.0e+00", "<= 1e-05"]


def test_critical_point_html_lists_its_spectrum():
    p = CriticalPoint(np.array([0.5, -1.0]), 0.25, 1e-12, np.array([-0.5, 2.0]), 3)
    grid = cells(bundle(p)["text/html"])
    assert grid[:2] == ["kind", "saddle"] and "-0.5, 2" in grid


def test_check_report_html_lists_every_parameter_and_failures():
    import dataclasses

    from symmlp import check

    net = MLP([1, 2, 1], activation="tanh")
    report = check(net)
    out = bundle(report)["text/html"]
    grid = cells(out)
    assert ": OK" in out.split("</b>")[0] and "coverage:" in out
    for r in report.rows:
        i = grid.index(str(r.param))
        assert grid[i + 1] == f"{r.value:.16g}" and grid[i + 5] == "yes"
    broken = dataclasses.replace(report, failures=("W1_1_1: routes disagree",))
    assert "FAILED" in broken._repr_html_().split("</b>")[0]
    assert "FAILED because: W1_1_1: routes disagree" in broken._repr_html_()


def test_compare_result_html_holds_its_table_and_the_parameters_needed():
    from symmlp import compare

    r = compare("x1*x2", 2, budgets=[6, 12], steps=30, n_train=60, n_test=60)
    out = bundle(r)["text/html"]
    assert r.table()._repr_html_() in out
    assert html.escape(r.needed_text(), quote=False) in out


@pytest.mark.parametrize("env, expected", [({"MPLBACKEND": "module://matplotlib_inline.backend_inline"}, "inline"),
                                           ({}, "agg")])
def test_importing_the_plots_keeps_a_chosen_backend(env, expected):
    import os
    import subprocess
    import sys

    if env:
        pytest.importorskip("matplotlib_inline")
    clean = {k: v for k, v in os.environ.items() if k != "MPLBACKEND"}
    code = "import symmlp.explore.plots, matplotlib; print(matplotlib.get_backend())"
    out = subprocess.run([sys.executable, "-c", code], env={**clean, **env}, capture_output=True, text=True, check=True)
    assert expected in out.stdout.lower()


def test_torch_compiled_model_html_shows_its_source():
    pytest.importorskip("torch")
    f = compile(MLP([2, 3, 1], activation="tanh"), backend="torch")
    body = re.search(r"<pre[^>]*>(.*)</pre>", bundle(f)["text/html"], flags=re.S).group(1)
    assert html.unescape(body) == f.source and "backend='torch'" in bundle(f)["text/plain"]
