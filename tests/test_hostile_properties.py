"""Property-based hostility (hypothesis): generated command lines and generated model files.

Every command line ends in exit 0, 1 (a failing check or a divergence) or 2 with one error line --
never a traceback, never past a time bound -- and writes nothing outside its working folder, nor
through a link planted there.  Every generated file makes load() return a model or raise
CorruptFileError (a ValueError), quickly.
"""

import json
import os
import signal
import string
from contextlib import contextmanager

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from symmlp import CorruptFileError, TrainResult, load
from symmlp.cli import main

SECONDS = 60  # per command: generous for 2 cores shared with other jobs, far below unbounded work

# each list: (ordinary values, hostile values); ordinary ones are drawn 3 times in 4 so that hostile
# values are tried one or two at a time inside otherwise working commands
NUMBERS = (["1", "2", "3", "5", "0.5", "1e-3"],
           ["0", "-1", "-0", "1e-400", "1e400", "1e308", "nan", "inf", "-inf", "99999999999999999999", "10**3",
            "٣", "１", "", " ", "1_000", "0x10", "abc", "+2", "1e6"])
WIDTHS = (["2,3,1", "1,2,1", "1,3", "1,4,1"],
          ["1", "", "0,1", "-1,2", "2,,1", "٢,٣,١", "2;3", "1e3,1", "100000,100000,1", "2," * 40 + "1",
           "1," * 120 + "1", "1," * 2000 + "1", "2,3,1,", "a,b"])
INTERVALS = (["-1,1", "0,1", "-pi,pi", "-2,2"],
             ["1,0", "0,0", "0,1e308", "-1e308,1e308", "nan,1", "a,b", "", "1", "1,2,3", "-1e-300,1e-300",
              "0,800", "e,pi", "1/0,1"])
TARGETS = (["sin(x)", "x", "-x**2", "abs(x)", "relu(x)", "exp(-x**2)"],
           ["1/x", "tan(x)", "log(x)", "sqrt(x)", "exp(x)", "1/sin(pi*x)", "10**200", "x**(10**9)",
            "2**(1/1000000)", "__import__('os')", "x1*x2", "", "(" * 60 + "x", "x" * 600, "exp(exp(exp(x)))",
            "sigmoid(x)*1e300", "0/0", "x**-1", "e**e**e**e"])
LOSSES = (["mse", "huber", "logcosh"], ["bce", "softmax_ce", "nope", ""])
ACTIVATIONS = (["tanh", "relu", "sigmoid"], ["nope", "tanh,relu", "", "square", "identity"])
PATHS = (["out.png", "m.json"], ["out.txt", "", "sub/none.png", "link.png", "link.json", "dangling.png",
                                 "/dev/null", ".", "fit.PNG", "m.png"])


def _pick(values):
    ordinary, hostile = values
    return st.one_of(st.sampled_from(ordinary), st.sampled_from(ordinary), st.sampled_from(ordinary),
                     st.sampled_from(hostile))


def _option(name, values):
    return st.one_of(st.just([]), _pick(values).map(lambda v: [name, v]))


def _text(alphabet=string.printable + "٣１éπ\u200b"):
    return st.text(alphabet, max_size=40)


def _commands():
    model = st.tuples(_pick(WIDTHS), _option("-a", ACTIVATIONS), _option("--loss", LOSSES))
    show = model.map(lambda m: ["show", m[0], *m[1]])
    count = st.one_of(_pick(WIDTHS).map(lambda w: ["count", w]),
                      _pick(WIDTHS).map(lambda w: ["count", "--polynomial", w]))
    check = model.map(lambda m: ["check", m[0], *m[1], *m[2]])
    train = st.tuples(model, _option("--target", TARGETS), _option("--interval", INTERVALS),
                      _pick(NUMBERS), _option("--lr", NUMBERS), _option("--n", NUMBERS),
                      _option("--save", PATHS), _option("--plot", PATHS)).map(
        lambda t: ["train", t[0][0], *t[0][1], *t[0][2], *t[1], *t[2], "--steps", t[3], *t[4], *t[5], *t[6], *t[7]])
    approx = st.tuples(st.sampled_from(["bernstein", "staircase", "relu"]), _option("--target", TARGETS),
                       _option("--interval", INTERVALS), _option("--grid", NUMBERS),
                       st.sampled_from([["--n"], ["--steps"], ["--knots"], ["--sharpness"]]), _pick(NUMBERS),
                       _option("--plots", (["plots"], ["", "link.png", "dangling.png", "m.json"]))).map(
        lambda t: ["approx", t[0], *t[1], *t[2], *t[3], *t[4], t[5], *t[6]])
    latex = st.tuples(model, _pick((["d.tex"], ["", "link.png", "d.txt", "dangling.png"]))).map(
        lambda t: ["latex", t[0][0], *t[0][1], *t[0][2], "-o", t[1]])
    noise = st.lists(st.one_of(_text(), st.sampled_from(["--", "-", "--help=x", "-a", "--target", "train"])),
                     max_size=6)
    return st.one_of(show, count, check, train, approx, latex,
                     st.tuples(st.sampled_from(["show", "count", "train", "approx", "latex", "check"]),
                               noise).map(lambda t: [t[0], *t[1]]))


class _TooSlow(Exception):
    pass


@contextmanager
def _time_bound(seconds):
    def alarm(signum, frame):
        raise _TooSlow(f"still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, alarm)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def _arena(root):
    """A working folder inside a guarded one, with a link and a dangling link planted in it."""
    guarded = root / "guarded"
    work = guarded / "work"
    work.mkdir(parents=True)
    precious = guarded / "precious.txt"
    precious.write_text("keep")
    for name in ("link.png", "link.json"):
        (work / name).symlink_to(precious)
    (work / "dangling.png").symlink_to(guarded / "created-through-link.png")
    return guarded, work, precious


@pytest.mark.slow
@settings(max_examples=int(os.environ.get("SYMMLP_HYPOTHESIS_EXAMPLES", 40)), deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(argv=_commands())
def test_any_command_line_ends_cleanly_and_writes_only_its_folder(argv, tmp_path_factory, capsys):
    guarded, work, precious = _arena(tmp_path_factory.mktemp("cli"))
    cwd = os.getcwd()
    os.chdir(work)
    try:
        with _time_bound(SECONDS):
            code = main(argv)
    except SystemExit as exc:  # --help / --version print and exit 0
        code = exc.code
    finally:
        os.chdir(cwd)
    out, err = capsys.readouterr()
    assert code in (0, 1, 2), (argv, code, err)
    assert "Traceback" not in err + out, argv
    if code == 2:
        assert len(err.strip().splitlines()) == 1 and err.startswith("symmlp: error: "), (argv, err)
    assert sorted(p.name for p in guarded.iterdir()) == ["precious.txt", "work"], argv
    assert precious.read_text() == "keep", argv
    assert all(not (work / n).exists() or (work / n).is_symlink() for n in ("link.png", "link.json")), argv


# --------------------------------------------------------------------------- load()

GOOD = {"format": "symmlp-model", "version": 1, "kind": "MLP",
        "spec": {"widths": [1, 2, 1], "activation": "tanh", "output_activation": "identity"},
        "loss": "mse", "theta": ["1/3", "0.5", "-2", "0", "1e-05", "3", "7"], "losses": [0.5, 0.25]}

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-10**30, 10**30) | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=10), inner, max_size=5),
    max_leaves=20)


def _mutated(draw_key, value, where):
    doc = json.loads(json.dumps(GOOD))
    if where == "top":
        doc[draw_key] = value
    elif where == "spec":
        doc["spec"][draw_key] = value
    elif where == "theta" and isinstance(doc["theta"], list):
        doc["theta"][hash(draw_key) % 7] = value
    else:
        doc["losses"] = [value]
    return json.dumps(doc)


documents = st.one_of(
    st.builds(_mutated, st.sampled_from([*GOOD, "extra"]), json_values, st.just("top")),
    st.builds(_mutated, st.sampled_from(["widths", "activation", "output_activation", "n_inputs"]), json_values,
              st.just("spec")),
    st.builds(_mutated, st.text(max_size=3), json_values | st.sampled_from(["1e400", "9" * 500, "1/0", "-0", "nan"]),
              st.just("theta")),
    st.builds(_mutated, st.just(""), json_values, st.just("losses")),
    st.text(max_size=200).map(lambda t: json.dumps(GOOD)[: len(t)] + t),  # truncated and spliced
)


@settings(max_examples=150, deadline=2000, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=documents)
def test_any_model_file_loads_or_is_a_corrupt_file_error(text, tmp_path):
    path = tmp_path / "m.json"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    with _time_bound(SECONDS):
        try:
            result = load(path)
        except CorruptFileError as exc:
            assert str(exc).startswith(f"{path}: not a valid symmlp model file: ") and "\n" not in str(exc)
            return
    assert isinstance(result, TrainResult) and result.theta.shape == (result.model.num_params,)


@settings(max_examples=60, deadline=2000, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(raw=st.binary(max_size=300))
def test_any_bytes_load_or_are_a_corrupt_file_error(raw, tmp_path):
    path = tmp_path / "m.json"
    path.write_bytes(raw)
    with pytest.raises(CorruptFileError):
        load(path)
