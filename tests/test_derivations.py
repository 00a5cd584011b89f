"""derivations/: the committed documents are what the generator produces now, and compile."""

from __future__ import annotations

import importlib.util
import re
import shutil
import subprocess
from pathlib import Path

import pytest

DERIVATIONS = Path(__file__).resolve().parent.parent / "derivations"
PDFLATEX = shutil.which("pdflatex")
OVERFULL = re.compile(r"Overfull \\hbox \((\d+(?:\.\d+)?)pt too wide\)")


def load_generator():
    spec = importlib.util.spec_from_file_location("derivations_generate", DERIVATIONS / "generate.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def documents() -> dict[str, str]:
    return load_generator().documents()


def test_the_storyline_is_all_there(documents):
    assert set(documents) == {"one_layer_sigmoid", "two_layer_relu", "two_layer_sigmoid",
                              "polynomials", "kan", "gd_step"}
    assert r"c^{(2)}_{1,2,2}" in documents["kan"] and "Kolmogorov--Arnold" in documents["polynomials"]
    assert r"\xrightarrow{L_{1}}" in documents["one_layer_sigmoid"]
    assert r"\operatorname{ReLU}" in documents["two_layer_relu"]
    assert r"\binom{6}{3} = 20" in documents["polynomials"]  # C(3+3, 3)
    assert r"\theta_1 = \theta_0 - \eta \nabla L(\theta_0)" in documents["gd_step"]


def test_committed_tex_is_up_to_date(documents):
    stale = [name for name, tex in documents.items()
             if not (DERIVATIONS / f"{name}.tex").is_file()
             or (DERIVATIONS / f"{name}.tex").read_text(encoding="utf-8") != tex]
    assert stale == [], f"run 'python derivations/generate.py --pdf' to refresh {stale}"


def test_generator_is_deterministic(documents):
    assert load_generator().documents() == documents


def test_committed_binaries_stay_small():
    binaries = [p for p in DERIVATIONS.iterdir() if p.suffix in (".pdf", ".png")]
    assert sum(p.stat().st_size for p in binaries) < 2_000_000


@pytest.mark.skipif(PDFLATEX is None, reason="pdflatex is not installed (Debian: "
                    "texlive-latex-base); committed derivations not compiled")
@pytest.mark.parametrize("name", ["one_layer_sigmoid", "two_layer_relu", "two_layer_sigmoid",
                                  "polynomials", "gd_step"])
def test_committed_tex_compiles_cleanly(name, tmp_path):
    shutil.copyfile(DERIVATIONS / f"{name}.tex", tmp_path / "doc.tex")
    result = subprocess.run([PDFLATEX, "-interaction=nonstopmode", "-halt-on-error", "doc.tex"],
                            cwd=tmp_path, capture_output=True, text=True, timeout=120)
    log = (tmp_path / "doc.log").read_text(errors="replace")
    assert result.returncode == 0, [line for line in log.splitlines() if line.startswith("!")]
    assert [w for w in OVERFULL.findall(log) if float(w) > 5.0] == []
    assert "Warning" not in "\n".join(line for line in log.splitlines() if "LaTeX Warning" in line)
