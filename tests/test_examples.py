import codecs
import contextlib
import io
import math
import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
PNG = b"\x89PNG\r\n\x1a\n"


def run_example(name: str, out: Path) -> str:
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "MPLBACKEND": "Agg"}
    proc = subprocess.run([sys.executable, str(EXAMPLES / f"{name}.py"), "--quick", "--out", str(out)],
                          capture_output=True, text=True, timeout=300, env=env)
    assert proc.returncode == 0, proc.stderr
    png = out / f"{name}.png"
    assert png.read_bytes()[:8] == PNG
    assert f"wrote {png}" in proc.stdout
    return proc.stdout


def number_after(pattern: str, text: str) -> float:
    return float(re.search(pattern, text).group(1))


@pytest.mark.slow
def test_fit_sin(tmp_path):
    out = run_example("fit_sin", tmp_path)
    assert [line.split()[0] for line in out.splitlines()[:4]] == ["tanh", "degree-5", "ReLU", "least-squares"]
    x = np.linspace(-np.pi, np.pi, 100)
    Phi = np.vander(x, 6)
    resid = np.linalg.lstsq(Phi, np.sin(x), rcond=None)[0] @ Phi.T - np.sin(x)
    assert number_after(r"least-squares quintic\s+6 parameters\s+MSE (\S+)", out) == pytest.approx(
        np.mean(resid**2), rel=0.01)
    assert " 49 parameters" in out


def test_xor(tmp_path):
    out = run_example("xor", tmp_path)
    linear, mlp = out.splitlines()[:2]
    assert linear.startswith("linear model") and int(re.search(r"(\d)/4 correct", linear).group(1)) < 4
    assert mlp.startswith("[2,2,1]") and "4/4 correct" in mlp and " 9 parameters" in mlp


@pytest.mark.slow
def test_cross_terms(tmp_path):
    out = run_example("cross_terms", tmp_path)
    sep2 = number_after(r"separable, degree 2\s+5 parameters\s+MSE (\S+)", out)
    sep6 = number_after(r"separable, degree 6\s+13 parameters\s+MSE (\S+)", out)
    full = number_after(r"full polynomial, degree 2\s+6 parameters\s+MSE (\S+)", out)
    assert sep2 >= 0.01 and sep6 >= 0.01 and full < 1e-8
    # the floor: E[(x1 x2)^2] = 1/9 for the best separable fit on [-1, 1]^2, up to sampling
    floor = number_after(r"floor of the separable degree-2 model: MSE (\S+)", out)
    assert floor == pytest.approx(1 / 9, rel=0.15) and sep2 == pytest.approx(floor, rel=0.01)


def test_char_lm(tmp_path):
    out = run_example("char_lm", tmp_path)
    with contextlib.redirect_stdout(io.StringIO()):
        import this
    vocab = len(set(codecs.decode(this.s, "rot13").lower()))
    nats = number_after(r"uniform\s*: (\S+) nats", out)
    bits = number_after(r"uniform\s*: \S+ nats = (\S+) bits", out)
    assert bits == pytest.approx(math.log2(vocab), abs=1e-3)
    assert bits == pytest.approx(nats / math.log(2), abs=2e-3)
    bigram = number_after(r"bigram counts: (\S+) nats", out)
    mlp = number_after(r"MLP\s*: (\S+) nats", out)
    assert bigram < nats and mlp < nats
    sample = out.split("temperature 0.7):\n")[1].rsplit("wrote", 1)[0]
    assert len(sample.strip()) > 50


def test_landscape(tmp_path):
    out = run_example("landscape", tmp_path)
    counts = re.search(r"critical points found from the starts: (\d+) \((.*)\)", out)
    assert counts and int(counts.group(1)) >= 10
    assert "saddle" in counts.group(2) and "degenerate" in counts.group(2)
    assert "confirmed saddle" in out and "says saddle" in out
    assert "confirmed degenerate" in out and "says degenerate" in out
    assert (tmp_path / "landscape_spectrum.png").read_bytes()[:8] == PNG
