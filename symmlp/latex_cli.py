"""``symmlp latex``: write a derivation (or a polynomial comparison) as a LaTeX file.

``--pdf`` also compiles it with pdflatex, in a temporary directory, and copies
only the PDF next to the .tex file.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import tempfile
from pathlib import Path

__all__ = ["add_parser", "run", "compile_pdf", "PdflatexMissing"]


class PdflatexMissing(RuntimeError):
    """pdflatex is not installed."""


def compile_pdf(tex_path: str | Path, *, timeout: float = 120) -> Path:
    """Compile ``tex_path`` with pdflatex and put the PDF beside it.

    pdflatex runs in a temporary directory (``-interaction=nonstopmode
    -halt-on-error``), so its .aux and .log files never land next to the
    source; only ``<name>.pdf`` is written there.

    Parameters
    ==========

    tex_path : str or Path
    timeout : float
        Seconds before pdflatex is stopped.

    Returns
    =======

    Path
        The PDF written.

    Raises
    ======

    PdflatexMissing
        When pdflatex is not on the PATH.
    ValueError
        When the document does not compile (with the first error line of the log).

    Examples
    ========

    >>> from symmlp.latex_cli import compile_pdf
    >>> compile_pdf("no/such/file.tex")
    Traceback (most recent call last):
    ...
    ValueError: no LaTeX file at 'no/such/file.tex'
    """
    tex_path = Path(tex_path)
    if not tex_path.is_file():
        raise ValueError(f"no LaTeX file at {str(tex_path)!r}")
    exe = shutil.which("pdflatex")
    if exe is None:
        raise PdflatexMissing("pdflatex is not installed (Debian: apt-get install texlive-latex-base)")
    with tempfile.TemporaryDirectory(prefix="symmlp-latex-") as tmp:
        src = Path(tmp) / "doc.tex"
        shutil.copyfile(tex_path, src)
        result = subprocess.run(
            [exe, "-interaction=nonstopmode", "-halt-on-error", "-no-shell-escape", "doc.tex"],
            cwd=tmp, capture_output=True, text=True, timeout=timeout,
        )
        pdf = Path(tmp) / "doc.pdf"
        if result.returncode != 0 or not pdf.is_file():
            log = (Path(tmp) / "doc.log")
            text = log.read_text(errors="replace") if log.is_file() else result.stdout
            errors = [line for line in text.splitlines() if line.startswith("!")]
            first = errors[0] if errors else f"exit status {result.returncode}"
            raise ValueError(f"pdflatex failed on {str(tex_path)!r}: {first}")
        out = tex_path.with_suffix(".pdf")
        shutil.copyfile(pdf, out)
    return out


def run(args: argparse.Namespace) -> int:
    from .cli import UsageError, model_from_args, parse_ints
    from .latex import derivation_document, polynomial_document

    out = Path(args.output)
    if out.suffix != ".tex":
        raise UsageError(f"-o must name a .tex file, got {args.output!r}")
    if args.polynomial:
        if args.widths:
            raise UsageError("give either WIDTHS or --polynomial N,D, not both")
        n, d = parse_ints(args.polynomial, "--polynomial N,D", count=2)
        tex = polynomial_document(n, d)
    else:
        if not args.widths:
            raise UsageError("latex needs WIDTHS (e.g. 2,2,1) or --polynomial N,D")
        tex = derivation_document(model_from_args(args), args.loss,
                                  expanded_max_params=args.expanded_max_params)
    if not out.parent.is_dir():
        raise UsageError(f"the directory of -o {args.output!r} does not exist")
    out.write_text(tex, encoding="utf-8")
    print(f"wrote {out}")
    if args.pdf:
        try:
            pdf = compile_pdf(out)
        except PdflatexMissing as exc:
            raise UsageError(f"--pdf: {exc}; the .tex file was written") from None
        print(f"wrote {pdf}")
    return 0


def add_parser(subparsers) -> None:
    from .cli import add_model_arguments

    p = subparsers.add_parser(
        "latex", help="write a derivation or a polynomial comparison as LaTeX",
        description="Write a standalone LaTeX article: an MLP's backpropagation derivation "
                    "(WIDTHS) or the full vs separable polynomial comparison (--polynomial N,D). "
                    "FILE is overwritten; nothing else is written except FILE's .pdf with --pdf.")
    add_model_arguments(p)
    widths = next(a for a in p._actions if a.dest == "widths")
    widths.nargs, widths.default = "?", None  # WIDTHS is optional next to --polynomial
    p.add_argument("--loss", default="mse", help="mse, bce (sigmoid output) or softmax_ce")
    p.add_argument("--polynomial", metavar="N,D", help="compare polynomials in N inputs of degree D")
    p.add_argument("--expanded-max-params", type=int, default=20, metavar="K",
                   help="write each gradient out in full when there are at most K parameters")
    p.add_argument("-o", "--output", required=True, metavar="FILE.tex", help="the .tex file to write")
    p.add_argument("--pdf", action="store_true", help="also compile FILE.pdf with pdflatex")
    p.set_defaults(func=run)
