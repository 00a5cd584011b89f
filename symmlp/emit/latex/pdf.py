"""Compiling a document to PDF with pdflatex, in a temporary folder."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from ...core.files import write_file

__all__ = ["compile_pdf", "PdflatexMissing"]


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

    >>> from symmlp.emit.latex import compile_pdf
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
        return write_file(tex_path.with_suffix(".pdf"), pdf.read_bytes(), "the PDF", has_pdf_mark)


def has_pdf_mark(path: Path) -> bool:
    """Whether ``path`` is a PDF that symmlp's documents produced (they carry ``/Creator (symmlp)``)."""
    try:
        data = Path(path).read_bytes()
    except OSError:
        return False
    return data.startswith(b"%PDF") and b"/Creator (symmlp)" in data
