"""Saved Expression models: the srepr text is read back by the allowlisting reader only,
and hostile files are refused without anything in them being run."""

from __future__ import annotations

import builtins
import json

import numpy as np
import pytest
import sympy as sp
import sympy.parsing.sympy_parser

import symmlp
from symmlp import CorruptFileError, Expression, gaussian_rbf
from symmlp.models.safe_srepr import MAX_TEXT, SreprError, read_srepr

x, a, b = sp.symbols("x a b")


@pytest.fixture
def no_eval(monkeypatch):
    """Fail the test if loading evaluates text: eval, exec, parse_expr, or sympify of a string."""
    real_sympify = sp.sympify

    def refuse(*args, **kwargs):
        raise AssertionError("text was evaluated while loading")

    def sympify(value, *args, **kwargs):
        if isinstance(value, str):
            refuse()
        return real_sympify(value, *args, **kwargs)

    monkeypatch.setattr(builtins, "eval", refuse)
    monkeypatch.setattr(builtins, "exec", refuse)
    monkeypatch.setattr(sympy.parsing.sympy_parser, "parse_expr", refuse)
    monkeypatch.setattr(sp, "sympify", sympify)


@pytest.fixture
def saved(tmp_path):
    path = tmp_path / "model.json"
    model = Expression(a * sp.exp(-b**2 * x**2) + sp.Piecewise((x, x < 0), (sp.Rational(1, 3), True)), [x], [a, b])
    symmlp.save((model, [sp.Rational(1, 2), 0.25]), path)
    return path, model


def test_round_trip_reads_without_evaluating_text(saved, no_eval):
    path, model = saved
    back = symmlp.load(path)
    assert back.model == model and list(back.theta) == [sp.Rational(1, 2), 0.25]


def test_every_recipe_round_trips(tmp_path):
    for i, model in enumerate([gaussian_rbf(2, 2), symmlp.fourier_series(2, 2), symmlp.rational_function(3, 2)]):
        path = tmp_path / f"m{i}.json"
        symmlp.save((model, np.arange(model.num_params) / 7), path)
        assert symmlp.load(path).model == model


def _tamper(path, **changes):
    document = json.loads(path.read_text())
    document["spec"].update(changes)
    path.write_text(json.dumps(document))


HOSTILE = [
    ("__import__('os').system('touch PWNED')", "not a name"),
    ("__import__(Symbol('os'))", "not an allowed class"),
    ("Symbol('x').__class__", "not a name"),
    ("Lambda(Symbol('x'), Symbol('x'))", "not an allowed class"),
    ("Function('f')(Symbol('x'))", "not an allowed class"),
    ("Pow(Integer(10), Integer(100000000))", "power too large"),
    ("Add(" * 500 + "Symbol('x')" + ")" * 500, "nesting deeper"),
    ("Symbol('x')" + " " * MAX_TEXT, "characters"),
    ("Float('nan')", "expected Integer"),
    ("Symbol('x', commutative=False)", "assumptions allowed"),
    ("Symbol('__class__')", "a symbol needs one quoted name"),
    ("Mul(I, Symbol('x'))", "expected '\\(' after a class name"),
    ("Mul(Symbol('a'), Symbol('x'));Symbol('b')", "not a name"),
    ("Mul(Symbol('a'), Symbol('y'))", "uses y, declared neither"),
    ("Mul(Symbol('a'), re(Symbol('x')))", "not an allowed class"),
    ("Integer(" + "9" * 500 + ")", "not a name"),
]


@pytest.mark.parametrize("text, message", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_expression_text_is_refused(saved, no_eval, tmp_path, monkeypatch, text, message):
    path, _ = saved
    monkeypatch.chdir(tmp_path)
    _tamper(path, exprs=[text])
    with pytest.raises(CorruptFileError, match=message):
        symmlp.load(path)
    assert not (tmp_path / "PWNED").exists()


@pytest.mark.parametrize("changes, message", [
    ({"exprs": "Symbol('a')"}, "spec.exprs must be a list"),
    ({"exprs": [3]}, "an srepr must be text"),
    ({"params": ["Integer(1)"]}, "spec.params must hold symbols"),
    ({"inputs": []}, "spec.inputs must be a list of 1"),
    ({"output_activation": "gelu"}, "unknown activation"),
    ({"outputs": ["not a name"]}, "output names"),
    ({"extra": 1}, "needs exactly the keys"),
])
def test_malformed_specs_are_refused(saved, changes, message):
    path, _ = saved
    _tamper(path, **changes)
    with pytest.raises(CorruptFileError, match=message):
        symmlp.load(path)


def test_reader_builds_what_srepr_wrote_for_every_allowed_construct():
    y = sp.Symbol("y", real=True)
    exprs = [sp.atan2(x, y) + sp.erf(x) * sp.pi - sp.E ** x, sp.Max(x, y, 0) + sp.Min(x, 1) + sp.floor(x / 3),
             sp.Piecewise((x, (x > 0) & (y <= 1)), (y, sp.Ne(x, y) | ~(x < -1)), (0, True)),
             sp.Heaviside(x, sp.Rational(1, 2)) + sp.sign(y) * sp.Abs(x) + sp.Float("1.25e-3", 30)]
    for e in exprs:
        assert read_srepr(sp.srepr(e)) == e


def test_reader_refuses_non_text_and_trailing_junk():
    with pytest.raises(SreprError, match="must be text"):
        read_srepr(b"Symbol('x')")
    with pytest.raises(SreprError, match="text after the expression"):
        read_srepr("Symbol('x') Symbol('y')")
