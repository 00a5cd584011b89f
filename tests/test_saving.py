import json
import os
from fractions import Fraction

import numpy as np
import pytest
import sympy as sp

from symmlp import TrainResult, train
from symmlp.models.mlp import MLP
from symmlp.models.polynomial import Polynomial, SeparablePolynomial
from symmlp.training.saving import CorruptFileError, load, save


@pytest.fixture
def trained(tmp_path):
    X = np.linspace(-1, 1, 15).reshape(-1, 1)
    r = train(MLP([1, 3, 1], activation="tanh"), X, np.sin(3 * X), lr=0.1, steps=30, seed=2)
    path = tmp_path / "model.json"
    r.save(path)
    return r, path


def test_float_round_trip_is_bit_exact(trained):
    r, path = trained
    back = load(path)
    assert back.model == r.model and back.loss == "mse"
    assert back.theta.dtype == np.float64 and back.theta.tobytes() == r.theta.tobytes()
    assert back.losses.tobytes() == r.losses.tobytes()
    X = np.array([[0.3], [-0.7]])
    assert back.predict(X).tobytes() == r.predict(X).tobytes()


def test_file_holds_strings_not_code(trained):
    r, path = trained
    doc = json.loads(path.read_text())
    assert doc["kind"] == "MLP" and doc["spec"] == r.model.spec()
    assert doc["theta"] == [repr(float(v)) for v in r.theta]


@pytest.mark.parametrize(
    ("model", "theta"),
    [
        (Polynomial(2, 2), [Fraction(1, 3), -2, sp.Rational(-7, 11), 0, 0.1, sp.Integer(5)]),
        (SeparablePolynomial(2, 2), [sp.Rational(1, 3)] * 5),
        (MLP([1, 2, 1], activation="relu"), [Fraction(k - 3, 7) for k in range(7)]),
        (Polynomial(1, 1, n_outputs=2), [1e-300, -123456789.125, 2.5e17, Fraction(10**30, 3)]),
    ],
)
def test_exact_round_trip(tmp_path, model, theta):
    path = tmp_path / "m.json"
    save((model, theta), path)
    back = load(path)
    assert back.model == model
    assert list(back.theta) == [sp.Rational(v.numerator, v.denominator) if isinstance(v, Fraction)
                                else v for v in theta]
    assert [type(v) is float for v in back.theta] == [type(v) is float for v in theta]
    assert all(isinstance(v, sp.Rational) for v in back.theta if not isinstance(v, float))


def test_loss_and_mlp_activations_survive(tmp_path):
    net = MLP([2, 3, 3, 1], activation=["relu", "tanh"], output_activation="sigmoid")
    path = tmp_path / "m.json"
    save((net, np.arange(net.num_params) / 7.0, "bce"), path)
    back = load(path)
    assert back.model == net and back.loss == "bce"
    assert back.model.activation_names == ("relu", "tanh", "sigmoid")


def test_save_replaces_atomically_and_leaves_no_temp(tmp_path, trained):
    r, _ = trained
    path = tmp_path / "out.json"
    save((r.model, np.zeros(r.model.num_params)), path)  # a model file symmlp wrote: replaced
    r.save(path)
    assert load(path).theta.tobytes() == r.theta.tobytes()
    assert sorted(os.listdir(tmp_path)) == ["model.json", "out.json"]


def test_save_never_replaces_a_file_it_did_not_write_nor_follows_links(tmp_path, trained):
    r, _ = trained
    foreign = tmp_path / "notes.json"
    foreign.write_text("old contents")
    with pytest.raises(ValueError, match="was not written by symmlp"):
        r.save(foreign)
    assert foreign.read_text() == "old contents"
    outside = tmp_path / "outside.txt"
    outside.write_text("keep")
    for target in (outside, tmp_path / "missing.json"):
        link = tmp_path / f"link-to-{target.name}"
        link.symlink_to(target)
        with pytest.raises(ValueError, match="symbolic link"):
            r.save(link)
    assert outside.read_text() == "keep" and not (tmp_path / "missing.json").exists()


def test_failed_save_keeps_old_file(tmp_path):
    path = tmp_path / "out.json"
    save((Polynomial(1, 1), [1, 2]), path)
    before = path.read_bytes()
    with pytest.raises(TypeError, match="Rational or a float"):
        save((Polynomial(1, 1), [sp.sqrt(2), 2]), path)
    assert path.read_bytes() == before and os.listdir(tmp_path) == ["out.json"]


@pytest.mark.parametrize(
    ("obj", "error"),
    [((Polynomial(1, 1), [1]), ValueError), ((Polynomial(1, 1), [float("nan"), 1]), ValueError),
     ((Polynomial(1, 1), ["1", 2]), TypeError), ("model", TypeError),
     ((Polynomial(1, 1), [1, 2], "bce"), ValueError)],
)
def test_save_rejects_bad_input(tmp_path, obj, error):
    with pytest.raises(error):
        save(obj, tmp_path / "x.json")


def good_document():
    return {
        "format": "symmlp-model", "version": 1, "kind": "MLP",
        "spec": {"widths": [1, 2, 1], "activation": "tanh", "output_activation": "identity"},
        "loss": "mse", "theta": ["1/3", "0.5", "-2", "0", "1e-05", "3", "7"], "losses": [0.5, 0.25],
    }


def tampered(**changes):
    doc = good_document()
    for key, value in changes.items():
        if value is KeyError:
            del doc[key]
        else:
            doc[key] = value
    return json.dumps(doc)


def test_good_document_loads(tmp_path):
    path = tmp_path / "m.json"
    path.write_text(json.dumps(good_document()))
    r = load(path)
    assert list(r.theta) == [sp.Rational(1, 3), 0.5, -2, 0, 1e-05, 3, 7]
    assert isinstance(r.theta[1], float) and isinstance(r.theta[2], sp.Integer)


@pytest.mark.parametrize(
    "text",
    [
        tampered(theta=["1/3", "0.5"]),
        tampered(theta=["1/3", "0.5", "-2", "0", "1e-05", "3", "7", "8"]),
        tampered(spec={"widths": [1, 2, 1], "activation": "os.system", "output_activation": "identity"}),
        tampered(spec={"widths": [1, 2, 1], "activation": "tanh", "output_activation": "__import__"}),
        tampered(theta=["__import__('os')", "0.5", "-2", "0", "1e-05", "3", "7"]),
        tampered(theta=["nan", "0.5", "-2", "0", "1e-05", "3", "7"]),
        tampered(theta=["1e999", "0.5", "-2", "0", "1e-05", "3", "7"]),
        tampered(theta=["1/0", "0.5", "-2", "0", "1e-05", "3", "7"]),
        tampered(theta=[1, 0.5, -2, 0, 1e-05, 3, 7]),
        tampered(theta="1,2,3"),
        tampered(kind="Pickle"),
        tampered(kind="Polynomial"),
        tampered(loss="hinge"),
        tampered(loss="bce"),
        tampered(format="other"),
        tampered(version=2),
        tampered(version=True),
        tampered(losses=[0.5, "x"]),
        tampered(losses=None),
        tampered(theta=KeyError),
        tampered(extra=1),
        tampered(spec={"widths": [1, True, 1], "activation": "tanh", "output_activation": "identity"}),
        tampered(spec={"widths": [1, 10**9, 1], "activation": "tanh", "output_activation": "identity"}),
        tampered(spec={"widths": [1, 2, 1], "activation": ["tanh", "relu"],
                       "output_activation": "identity"}),
        tampered(spec={"widths": "1,2,1", "activation": "tanh", "output_activation": "identity"}),
        tampered(spec=[1, 2, 1]),
        json.dumps(good_document()).replace("0.25]", "NaN]"),
        json.dumps(good_document())[:-30],
        "",
        "[1, 2, 3]",
        "{not json",
        "[" * 100_000,
    ],
)
def test_corrupt_files_are_rejected(tmp_path, text):
    path = tmp_path / "bad.json"
    path.write_text(text)
    with pytest.raises(CorruptFileError, match="not a valid symmlp model file"):
        load(path)


def test_non_utf8_is_rejected(tmp_path):
    path = tmp_path / "bad.json"
    path.write_bytes(b"\xff\xfe{}")
    with pytest.raises(CorruptFileError, match="UTF-8"):
        load(path)
    assert issubclass(CorruptFileError, ValueError)


def test_rational_result_predicts_with_floats(tmp_path):
    path = tmp_path / "m.json"
    save((Polynomial(1, 2), [Fraction(1, 2), 0, Fraction(-1, 4)]), path)
    r = load(path)
    assert isinstance(r, TrainResult)
    assert r.predict([[2.0]])[0, 0] == pytest.approx(0.5 - 1.0)
    assert r.to_symbolic()[0] == sp.Rational(1, 2) - sp.Symbol("x_1") ** 2 / 4
