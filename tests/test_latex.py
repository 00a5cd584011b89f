"""symmlp.latex: line breaking, document contents, compilation, and the ``latex`` CLI."""

from __future__ import annotations

import itertools
import re
import shutil
import subprocess
from fractions import Fraction

import pytest
import sympy as sp

from symmlp.cli import main
from symmlp.latex import (
    TEXT_WIDTH_EM,
    break_expr,
    break_terms,
    derivation_document,
    doc_latex,
    gd_step_document,
    latex_width,
    polynomial_document,
)
from symmlp.mlp import MLP
from symmlp.polynomial import Polynomial

PDFLATEX = shutil.which("pdflatex")
needs_pdflatex = pytest.mark.skipif(PDFLATEX is None, reason="pdflatex is not installed "
                                    "(Debian: texlive-latex-base); documents not compiled")
OVERFULL = re.compile(r"Overfull \\hbox \((\d+(?:\.\d+)?)pt too wide\)")


def compile_log(tex: str, tmp_path) -> str:
    (tmp_path / "doc.tex").write_text(tex)
    result = subprocess.run([PDFLATEX, "-interaction=nonstopmode", "-halt-on-error", "doc.tex"],
                            cwd=tmp_path, capture_output=True, text=True, timeout=120)
    log = (tmp_path / "doc.log").read_text(errors="replace")
    errors = [line for line in log.splitlines() if line.startswith("!")]
    assert result.returncode == 0 and not errors, errors
    return log


def overfull(log: str) -> list[float]:
    return [float(w) for w in OVERFULL.findall(log) if float(w) > 5.0]


def balanced_left_right(line: str) -> bool:
    return line.count(r"\left") == line.count(r"\right")


# ------------------------------------------------------------------------------ breaking


def test_break_terms_is_lossless_and_fits():
    terms = [f"x_{{{i}}}" if i == 1 else f"+ x_{{{i}}}" for i in range(1, 41)]
    lines = break_terms(terms, 15)
    assert len(lines) > 1
    assert " ".join(lines) == " ".join(terms)
    assert all(latex_width(line) <= 15 for line in lines)


def test_break_terms_gives_an_overlong_piece_its_own_line():
    lines = break_terms(["a", "+ " + "b " * 60, "+ c"], 10)
    assert lines == ["a", "+ " + "b " * 60, "+ c"]


def test_break_expr_of_a_long_sum_splits_between_terms():
    xs = sp.symbols("x1:41")
    lines = break_expr(sp.Add(*xs), width=20)
    assert len(lines) > 2
    assert all(latex_width(line) <= 20 for line in lines)
    # joined back, the lines are exactly SymPy's own one-line LaTeX of the sum
    assert " ".join(lines) == sp.latex(sp.Add(*xs))
    assert sorted(" ".join(lines).split(" + ")) == sorted(f"x_{{{i}}}" for i in range(1, 41))
    assert all(line.startswith("+ ") for line in lines[1:])


def test_break_expr_keeps_signs_of_negative_terms():
    a, b, c = sp.symbols("a b c")
    lines = break_expr(a - b - c, width=2.5)
    assert lines == ["a", "- b", "- c"]


@pytest.mark.parametrize("activation", ["relu", "sigmoid", "tanh"])
def test_break_expr_of_expanded_gradients_keeps_delimiters_paired(activation):
    from symmlp.grad import gradient

    net = MLP([2, 2, 1], activation=activation)
    for g in gradient(net).values():
        lines = break_expr(g, width=25)
        # \left ... \right must pair on each line (each is its own cell of an align*)
        assert all(balanced_left_right(line) for line in lines)
        # \Bigl ... \Bigr may span lines but must pair overall
        text = " ".join(lines)
        assert text.count(r"\Bigl(") == text.count(r"\Bigr)")
        if len(lines) > 1:
            assert any(latex_width(line) <= 25 for line in lines)


def test_break_expr_refuses_bad_input():
    with pytest.raises(TypeError, match="SymPy expression"):
        break_expr("x + y")
    with pytest.raises(ValueError, match="width must be positive"):
        break_expr(sp.Symbol("x"), width=0)


def test_doc_latex_names_sigmoid_and_relu():
    z = sp.Symbol("z")
    assert doc_latex(1 / (1 + sp.exp(-z))) == r"\sigma\!\left(z\right)"
    assert doc_latex(sp.Max(0, z)) == r"\operatorname{ReLU}\!\left(z\right)"
    assert doc_latex(sp.Heaviside(z, 0)) == r"\operatorname{ReLU}'\!\left(z\right)"
    assert doc_latex(1 - 1 / (sp.exp(-2 * z) + 1)) == r"1 - \sigma\!\left(2 z\right)"


def test_sigmoid_gradients_print_without_raw_exponentials():
    from symmlp.grad import gradient

    for g in gradient(MLP([2, 2, 1], activation="sigmoid")).values():
        assert "e^{" not in " ".join(break_expr(g))


# ---------------------------------------------------------------------------- contents


def test_one_layer_document_contents():
    net = MLP([3, 2], output_activation="sigmoid")
    tex = derivation_document(net)
    assert tex.startswith(r"\documentclass") and tex.rstrip().endswith(r"\end{document}")
    packages = set(re.findall(r"\\usepackage(?:\[[^]]*\])?\{([^}]*)\}", tex))
    assert packages == {"geometry", "amsmath", "amssymb"}
    assert r"(3 + 1) \cdot 2 = 8" in tex  # (n0 + 1) n1, by hand
    assert r"\sigma(w_{11}x_1 + w_{12}x_2 + \cdots + w_{1n}x_n + b_{1})" in tex
    assert (r"\sigma\bigl(W^{(1)}_{1,1} x_{1} + W^{(1)}_{1,2} x_{2} + W^{(1)}_{1,3} x_{3}"
            r" + b^{(1)}_{1}\bigr)") in tex
    assert r"\mathbb{R}^{3} \xrightarrow{L_{1}} \mathbb{R}^{2} \xrightarrow{\ell} \mathbb{R}" in tex
    # every parameter's gradient is written out (8 <= 20)
    for p in net.params:
        assert rf"\frac{{\partial \ell}}{{\partial {sp.latex(p)}}} &=" in tex
    assert r"\delta^{(l)}_j &= " not in tex  # one layer: no hidden-layer recursion


def test_two_layer_document_contents():
    tex = derivation_document(MLP([2, 2, 1], activation="relu"))
    assert r"\delta^{(l)}_j &= \sigma_l'\bigl(z^{(l)}_j\bigr) \sum_{i} W^{(l+1)}_{ij}" in tex
    assert r"(2 + 1) \cdot 2 + (2 + 1) \cdot 1 = 9" in tex
    assert r"{A^{(1)}}^{\top}" in tex and r"{W^{(2)}}^{\top}" in tex
    assert not re.search(r"\^\{\(\d\)\}\^", tex), "double superscript"
    assert r"\operatorname{ReLU}'(0) = 0" in tex
    # concrete index equations: delta of the hidden units
    assert (r"\delta^{(1)}_{1} &= W^{(2)}_{1,1} \delta^{(2)}_{1} "
            r"\operatorname{ReLU}'\!\left(z^{(1)}_{1}\right)") in tex


def test_big_layers_are_elided_and_big_nets_not_expanded():
    tex = derivation_document(MLP([6, 7, 1], activation="tanh"), max_index_equations=10)
    assert r"\vdots" in tex and r"+ \cdots +" in tex
    assert "The gradient written out" not in tex  # 57 parameters > 20
    assert "scalar equations are not written out" in tex
    assert r"= 57" in tex  # (6+1)*7 + (7+1)*1


def test_derivation_document_refuses_a_polynomial():
    with pytest.raises(TypeError, match="polynomial_document"):
        derivation_document(Polynomial(2, 2))


def _brute_count(n, d):
    tuples = [k for k in itertools.product(range(d + 1), repeat=n) if sum(k) <= d]
    return len(tuples), sum(1 for k in tuples if sum(1 for e in k if e) > 1)


@pytest.mark.parametrize("n,d", [(2, 2), (3, 3), (1, 4), (4, 2)])
def test_polynomial_document_counts(n, d):
    total, cross = _brute_count(n, d)
    tex = polynomial_document(n, d)
    assert rf"\binom{{{n + d}}}{{{d}}} = {total}" in tex
    assert rf"= {n} \cdot {d} + 1 = {n * d + 1}" in tex
    if cross:
        assert f"the {cross} cross term" in tex
    else:
        assert "no cross terms, and the two" in tex
    assert rf"\mathbf{{{total}}}" in tex  # highlighted in the table


def test_polynomial_document_writes_every_term():
    tex = polynomial_document(2, 2)
    body = tex.split("The full polynomial", 1)[1].split("Counting", 1)[0]
    for term in ["a_{0,0}", "a_{1,0} x_{1}", "a_{0,1} x_{2}", "a_{2,0} x_{1}^{2}",
                 "a_{1,1} x_{1} x_{2}", "a_{0,2} x_{2}^{2}"]:
        assert term in body


def test_gd_step_document_matches_an_independent_step():
    net = MLP([1, 2, 1], activation="relu")
    theta0 = [1, -1, 0, Fraction(3, 2), Fraction(1, 2), -1, 0]
    X, Y, lr = [1, 2], [1, 0], sp.Rational(1, 4)
    # the mean loss written by hand, differentiated by sympy.diff
    W11, W21, b1, b2_, V1, V2, c = net.params
    def yhat(x):
        return V1 * sp.Max(0, W11 * x + b1) + V2 * sp.Max(0, W21 * x + b2_) + c
    L = sum((yhat(x) - y) ** 2 / 2 for x, y in zip(X, Y)) / 2
    at = dict(zip(net.params, map(sp.Rational, theta0)))
    assert L.xreplace(at) == sp.Rational(1, 2)
    grad = [sp.diff(L, p).xreplace(at) for p in net.params]
    theta1 = [sp.Rational(t) - lr * g for t, g in zip(theta0, grad)]
    L1 = L.xreplace(dict(zip(net.params, theta1)))
    tex = gd_step_document()
    column = r"\begin{bmatrix} " + r" \\ ".join(sp.latex(v) for v in theta1) + r" \end{bmatrix}"
    assert column in tex
    assert rf"L(\theta_1) = {sp.latex(L1)}" in tex and L1 < sp.Rational(1, 2)
    assert r"L(\theta_0) = \frac{1}{2}" in tex
    assert "The loss falls" in tex


def test_gd_step_document_refuses_partial_data():
    with pytest.raises(ValueError, match="needs theta, X, Y and lr"):
        gd_step_document(MLP([1, 3, 1], activation="relu"))
    with pytest.raises(ValueError, match="X has 2 rows but Y has 1"):
        gd_step_document(X=[[1], [2]], Y=[[1]])


# ------------------------------------------------------------------------------ compiling


@needs_pdflatex
@pytest.mark.parametrize("make", [
    lambda: derivation_document(MLP([4, 6, 3], activation="tanh")),
    lambda: derivation_document(MLP([2, 3, 3, 2], activation="softplus"), "softmax_ce"),
    lambda: derivation_document(MLP([2, 1], output_activation="sigmoid"), "bce"),
    lambda: derivation_document(MLP([3, 3, 1], activation="sigmoid"), expanded_max_params=20),
    lambda: derivation_document(MLP([2, 2, 2, 2, 2, 2, 2, 2, 1], activation="square")),
    lambda: polynomial_document(8, 4),
    lambda: polynomial_document(1, 0),
], ids=["4-6-3-tanh", "softmax", "bce", "3-3-1-sigmoid-expanded", "deep", "poly-8-4", "poly-1-0"])
def test_documents_compile_without_overfull_boxes(make, tmp_path):
    log = compile_log(make(), tmp_path)
    assert overfull(log) == []


@needs_pdflatex
def test_broken_lines_fit_the_page(tmp_path):
    from symmlp.grad import gradient

    g = gradient(MLP([3, 3, 1], activation="tanh"))
    rows = []
    for p, expr in g.items():
        lines = break_expr(expr, TEXT_WIDTH_EM - 8)
        rows.append(rf"\frac{{\partial \ell}}{{\partial {sp.latex(p)}}} &= " + lines[0])
        rows += [rf"&\qquad {{}}{line}" for line in lines[1:]]
    tex = (r"\documentclass[10pt,a4paper]{article}\usepackage[a4paper,margin=2.5cm]{geometry}"
           r"\usepackage{amsmath}\allowdisplaybreaks\begin{document}\begin{align*}"
           + " \\\\\n".join(rows) + r"\end{align*}\end{document}")
    log = compile_log(tex, tmp_path)
    assert overfull(log) == []
    # the same rows unbroken do overflow: the breaking is what makes them fit
    long_rows = [rf"x &= {sp.latex(expr)}" for expr in g.values()]
    tex2 = tex.split(r"\begin{align*}")[0] + r"\begin{align*}" + " \\\\\n".join(long_rows) \
        + r"\end{align*}\end{document}"
    (tmp_path / "wide").mkdir()
    assert overfull(compile_log(tex2, tmp_path / "wide"))


# ----------------------------------------------------------------------------------- CLI


def test_cli_writes_and_overwrites_only_the_file(tmp_path, capsys):
    out = tmp_path / "net.tex"
    out.write_text("old")
    (tmp_path / "other.txt").write_text("keep")
    assert main(["latex", "2,2,1", "--activation", "relu", "-o", str(out)]) == 0
    assert out.read_text() == derivation_document(MLP([2, 2, 1], activation="relu"))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["net.tex", "other.txt"]
    assert (tmp_path / "other.txt").read_text() == "keep"
    assert main(["latex", "--polynomial", "2,3", "-o", str(out)]) == 0
    assert out.read_text() == polynomial_document(2, 3)


@pytest.mark.parametrize("argv,message", [
    (["latex", "-o", "x.tex"], "needs WIDTHS"),
    (["latex", "2,x", "-o", "x.tex"], "comma-separated integers"),
    (["latex", "2,1", "-o", "x.txt"], "must name a .tex file"),
    (["latex", "--polynomial", "2", "-o", "x.tex"], "needs 2 integers"),
    (["latex", "2,1", "--loss", "bce", "-o", "x.tex"], "needs output_activation='sigmoid'"),
])
def test_cli_bad_input_exits_2_with_one_line(argv, message, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1
    assert list(tmp_path.iterdir()) == []


def test_cli_pdf_without_pdflatex_says_so(tmp_path, monkeypatch, capsys):
    import symmlp.latex_cli as latex_cli

    monkeypatch.setattr(latex_cli.shutil, "which", lambda name: None)
    out = tmp_path / "net.tex"
    assert main(["latex", "2,1", "-o", str(out), "--pdf"]) == 2
    err = capsys.readouterr().err
    assert "pdflatex is not installed" in err and err.count("\n") == 1
    assert out.is_file() and not out.with_suffix(".pdf").exists()


@needs_pdflatex
def test_cli_pdf_writes_the_pdf_beside_the_tex(tmp_path):
    out = tmp_path / "net.tex"
    assert main(["latex", "2,1", "-o", str(out), "--pdf"]) == 0
    assert out.with_suffix(".pdf").read_bytes().startswith(b"%PDF")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["net.pdf", "net.tex"]


def test_polynomial_document_of_a_large_case_writes_only_the_terms_shown():
    # 43,758 terms: only max_terms of them are built and printed
    tex = polynomial_document(10, 8)
    assert r"\binom{18}{8} = 43758" in tex
    assert f"the {43758 - 81} cross terms" in tex
    body = tex.split("The full polynomial", 1)[1].split("Counting", 1)[0]
    assert r"\cdots" in body and "a_{0,0,0,0,0,0,0,0,0,8} x_{10}^{8}" in body


def test_polynomial_document_refuses_absurd_sizes():
    with pytest.raises(ValueError, match=r"n=30, d=12.*11058116888"):
        polynomial_document(30, 12)


@pytest.mark.parametrize("text", ["__import__('os').getpid() and x", "x + 1", b"x"])
def test_doc_latex_refuses_strings(text):
    with pytest.raises(TypeError, match="string"):
        doc_latex(text)
