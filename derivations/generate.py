"""Regenerate the derivations of the post's storyline: ``python derivations/generate.py [--pdf]``.

Writes one .tex per document next to this script; with ``--pdf`` also compiles
each to .pdf and renders its first page to .png (pdflatex and pdftoppm).
``tests/test_derivations.py`` fails when a committed .tex differs from what
:func:`documents` produces now.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from pathlib import Path

from symmlp import KAN, MLP
from symmlp.emit.latex import compile_pdf, derivation_document, gd_step_document, polynomial_document

HERE = Path(__file__).resolve().parent


def documents() -> dict[str, str]:
    """``{file stem: LaTeX source}`` of every document, in storyline order."""
    return {
        "one_layer_sigmoid": derivation_document(
            MLP([3, 2], output_activation="sigmoid"),
            title="One layer: sigma(Wx + b) for an MLP [3, 2] with sigmoid"),
        "two_layer_relu": derivation_document(
            MLP([2, 2, 1], activation="relu"),
            title="Two layers with ReLU: an MLP [2, 2, 1]"),
        "two_layer_sigmoid": derivation_document(
            MLP([2, 2, 1], activation="sigmoid"),
            title="Two layers with sigmoid: an MLP [2, 2, 1]"),
        "polynomials": polynomial_document(3, 3),
        "kan": derivation_document(
            KAN([2, 2, 1], degree=2),
            title="Composition restores the cross terms: a Kolmogorov-Arnold network [2, 2, 1]"),
        "gd_step": gd_step_document(),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pdf", action="store_true",
                        help="also compile each document to PDF and its first page to PNG")
    args = parser.parse_args(argv)
    if args.pdf and shutil.which("pdftoppm") is None:
        print("generate.py: --pdf needs pdftoppm (Debian: poppler-utils)", file=sys.stderr)
        return 2
    for stem, tex in documents().items():
        path = HERE / f"{stem}.tex"
        path.write_text(tex, encoding="utf-8")
        print(f"wrote {path.name}")
        if args.pdf:
            pdf = compile_pdf(path)
            subprocess.run(["pdftoppm", "-png", "-r", "60", "-singlefile", str(pdf),
                            str(HERE / stem)], check=True)
            print(f"wrote {pdf.name}, {stem}.png")
    return 0


if __name__ == "__main__":
    sys.exit(main())
