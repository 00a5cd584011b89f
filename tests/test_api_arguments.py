"""Every public function validates its arguments: a wrong type is a TypeError, a wrong value a
ValueError, and the message names the argument or the value given -- never an AttributeError,
ZeroDivisionError or OSError from deep inside.  Also: repeated compile() does not grow global state."""

import gc
import linecache
import tracemalloc

import numpy as np
import pytest
import sympy as sp

import symmlp
from symmlp.explore import approx

NET = symmlp.MLP([1, 2, 1])
X, Y = np.ones((3, 1)), np.ones((3, 1))
T7 = np.zeros(7)

CALLS = {
    "compile('net')": (lambda: symmlp.compile("net"), TypeError, "'net'"),
    "compile(net, backend=3)": (lambda: symmlp.compile(NET, backend=3), (TypeError, ValueError), "backend"),
    "compile(net, None)": (lambda: symmlp.compile(NET, None), (TypeError, ValueError), "loss"),
    "gradient([2,3,1])": (lambda: symmlp.gradient([2, 3, 1]), TypeError, "[2, 3, 1]"),
    "gradient(net, method=3)": (lambda: symmlp.gradient(NET, method=3), (TypeError, ValueError), "method"),
    "jacobian(3)": (lambda: symmlp.jacobian(3), TypeError, "3"),
    "backprop('x')": (lambda: symmlp.backprop("x"), TypeError, "'x'"),
    "backprop(net, 'nope')": (lambda: symmlp.backprop(NET, "nope"), ValueError, "nope"),
    "backprop(net, 3)": (lambda: symmlp.backprop(NET, 3), (TypeError, ValueError), "3"),
    "check('x')": (lambda: symmlp.check("x"), TypeError, "'x'"),
    "check(net, seed=-1)": (lambda: symmlp.check(NET, seed=-1), ValueError, "seed"),
    "check(net, seed='a')": (lambda: symmlp.check(NET, seed="a"), TypeError, "seed"),
    "hessian('x')": (lambda: symmlp.hessian("x"), TypeError, "'x'"),
    "hessian(net, at=3)": (lambda: symmlp.hessian(NET, at=3), TypeError, "at"),
    "hessian(net, digits=0)": (lambda: symmlp.hessian(NET, digits=0), ValueError, "digits"),
    "hessian(net, max_params='x')": (lambda: symmlp.hessian(NET, max_params="x"), TypeError, "max_params"),
    "count('x')": (lambda: symmlp.count("x"), TypeError, "'x'"),
    "count_free_symbols(3)": (lambda: symmlp.count_free_symbols(3), TypeError, "3"),
    "mlp_count('x')": (lambda: symmlp.mlp_count("x"), (TypeError, ValueError), "widths"),
    "mlp_count([2])": (lambda: symmlp.mlp_count([2]), ValueError, "widths"),
    "polynomial_count(None, 2)": (lambda: symmlp.polynomial_count(None, 2), TypeError, "n_inputs"),
    "polynomial_count(-1, 2)": (lambda: symmlp.polynomial_count(-1, 2), ValueError, "n_inputs"),
    "separable_count(2, -1)": (lambda: symmlp.separable_count(2, -1), ValueError, "-1"),
    "count_table(hidden=0)": (lambda: symmlp.count_table(hidden=0), ValueError, "hidden"),
    "save(obj, '')": (lambda: symmlp.save(symmlp.TrainResult(NET, T7), ""), ValueError, "empty"),
    "save(obj, 3)": (lambda: symmlp.save(symmlp.TrainResult(NET, T7), 3), TypeError, "path"),
    "save(3, path)": (lambda: symmlp.save(3, "m.json"), TypeError, "TrainResult"),
    "save(net, path)": (lambda: symmlp.save(NET, "m.json"), TypeError, "TrainResult"),
    "load(3)": (lambda: symmlp.load(3), TypeError, "path"),
    "load('')": (lambda: symmlp.load(""), ValueError, "empty"),
    "TrainResult('x', [1])": (lambda: symmlp.TrainResult("x", [1]), TypeError, "'x'"),
    "TrainResult(net, [1, 2])": (lambda: symmlp.TrainResult(NET, [1, 2]), ValueError, "7"),
    "train('x', X, Y)": (lambda: symmlp.train("x", X, Y), TypeError, "'x'"),
    "train(net, 'abc', Y)": (lambda: symmlp.train(NET, "abc", Y, steps=2), (TypeError, ValueError), "X"),
    "train(net, X, Y, lr=0)": (lambda: symmlp.train(NET, X, Y, lr=0), ValueError, "lr"),
    "train(net, X, Y, steps=1.5)": (lambda: symmlp.train(NET, X, Y, steps=1.5), TypeError, "steps"),
    "train(net, X, Y, callback=3)": (lambda: symmlp.train(NET, X, Y, steps=2, callback=3), TypeError, "callback"),
    "train(net, X, Y, init='nope')": (lambda: symmlp.train(NET, X, Y, steps=2, init="nope"), ValueError, "nope"),
    "init_theta('x')": (lambda: symmlp.init_theta("x"), TypeError, "'x'"),
    "gd_step('x', ...)": (lambda: symmlp.gd_step("x", "mse", [1], X, Y, 1), TypeError, "'x'"),
    "gd_step(net, theta too short)": (lambda: symmlp.gd_step(NET, "mse", [1], [[1]], [[1]], 1), ValueError,
                                      "theta"),
    "derivation_document('x')": (lambda: symmlp.derivation_document("x"), TypeError, "'x'"),
    "derivation_document(net, expanded_max_params=-1)": (
        lambda: symmlp.derivation_document(NET, expanded_max_params=-1), ValueError, "expanded_max_params"),
    "polynomial_document('x', 2)": (lambda: symmlp.polynomial_document("x", 2), TypeError, "'x'"),
    "polynomial_document(0, 2)": (lambda: symmlp.polynomial_document(0, 2), ValueError, "0"),
    "gd_step_document('x')": (lambda: symmlp.gd_step_document("x"), TypeError, "'x'"),
    "get_activation(3)": (lambda: symmlp.get_activation(3), (TypeError, ValueError), "3"),
    "get_loss(3)": (lambda: symmlp.get_loss(3), (TypeError, ValueError), "3"),
    "register_activation(3, sin)": (lambda: symmlp.register_activation(3, sp.sin), TypeError, "name"),
    "register_loss(3)": (lambda: symmlp.register_loss(3), TypeError, "3"),
    "parse_target(3)": (lambda: symmlp.parse_target(3), TypeError, "text"),
    "parse_target('x', 0)": (lambda: symmlp.parse_target("x", 0), ValueError, "n_inputs"),
    "MLP('x')": (lambda: symmlp.MLP("x"), (TypeError, ValueError), "widths"),
    "MLP([2, 'x'])": (lambda: symmlp.MLP([2, "x"]), (TypeError, ValueError), "'x'"),
    "MLP([2, 1], activation=3)": (lambda: symmlp.MLP([2, 1], activation=3), (TypeError, ValueError), "3"),
    "Polynomial('x', 2)": (lambda: symmlp.Polynomial("x", 2), TypeError, "'x'"),
    "Polynomial(2, -1)": (lambda: symmlp.Polynomial(2, -1), ValueError, "-1"),
    "SeparablePolynomial(2, 'x')": (lambda: symmlp.SeparablePolynomial(2, "x"), TypeError, "'x'"),
    "serial(3)": (lambda: symmlp.serial(3), TypeError, "3"),
    "compare(3)": (lambda: symmlp.compare(3), TypeError, "3"),
    "compare('x')": (lambda: symmlp.compare("x"), ValueError, "'x'"),
    "certified_hessian('x')": (lambda: symmlp.certified_hessian("x"), TypeError, "'x'"),
    "approx.bernstein(sin, 'x')": (lambda: approx.bernstein(np.sin, "x"), TypeError, "'x'"),
    "approx.bernstein(sin, 0)": (lambda: approx.bernstein(np.sin, 0), ValueError, "n"),
    "approx.bernstein('x', 2)": (lambda: approx.bernstein("x", 2), TypeError, "'x'"),
    "approx.sup_error(sin, cos, (1, 0))": (lambda: approx.sup_error(np.sin, np.cos, (1, 0)), ValueError, "a < b"),
    "approx.sup_error(sin, cos, grid=1.5)": (lambda: approx.sup_error(np.sin, np.cos, grid=1.5), TypeError, "grid"),
    "approx.sigmoid_staircase(sin, 3, 0)": (lambda: approx.sigmoid_staircase(np.sin, 3, 0), ValueError,
                                            "sharpness"),
    "approx.error_curves(sin, (0,1), 'x')": (lambda: approx.error_curves(np.sin, (0, 1), "x"), TypeError, "sizes"),
    "approx.approximation_error(sin, 'x', 3)": (lambda: approx.approximation_error(np.sin, "x", 3), ValueError,
                                                "family"),
}


@pytest.mark.parametrize("name", list(CALLS))
def test_public_functions_refuse_wrong_arguments_by_name(name, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # nothing is written anywhere else, and nothing should be written here
    call, error, needle = CALLS[name]
    with pytest.raises(error) as info:
        call()
    message = str(info.value)
    assert needle in message, message
    assert 0 < len(message) < 800 and "Traceback" not in message
    assert list(tmp_path.iterdir()) == []


def test_every_public_callable_is_exercised():
    """A public function added later must get a row above (or be listed here as taking no arguments)."""
    no_arguments = {"activation_names", "loss_names", "Loss", "Model"}
    exceptions = {"CorruptFileError", "TargetSyntaxError", "TrainingDiverged"}
    optional = {"from_jax", "to_jax", "from_torch", "to_torch", "compile_model", "KAN", "Expression", "Serial",
                "fourier_series", "gaussian_rbf", "rational_function", "kan_count", "count_table"}
    exercised = {name.split("(")[0] for name in CALLS}
    public = {n for n in dir(symmlp) if not n.startswith("_") and callable(getattr(symmlp, n))
              and not isinstance(getattr(symmlp, n), type(symmlp))}
    missing = public - exercised - no_arguments - exceptions - optional
    assert not missing, f"public functions without an argument test: {sorted(missing)}"


def test_repeated_compile_does_not_grow_global_state():
    models = [symmlp.MLP([1, 2, 1]), symmlp.MLP([2, 3, 1], activation="relu"), symmlp.Polynomial(2, 2)]
    for m in models:
        symmlp.compile(m)  # warm: the first compile of each model may cache
    gc.collect()
    entries = len(linecache.cache)
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        for k in range(20_000):
            symmlp.compile(models[k % len(models)], ("mse", "mse", "mse")[k % 3])
        gc.collect()
        grown = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert len(linecache.cache) <= entries + 3
    assert grown < 2_000_000, f"20 000 compile calls kept {grown} bytes"


def test_compiling_many_distinct_models_keeps_linecache_bounded():
    from symmlp.emit.tracebacks import SOURCES_KEPT as bound

    before = {k for k in linecache.cache if k.startswith("<symmlp")}
    for width in range(1, bound + 40):
        symmlp.compile(symmlp.MLP([1, width, 1]))
    ours = {k for k in linecache.cache if k.startswith("<symmlp")}
    assert len(ours) <= bound + len(before)
