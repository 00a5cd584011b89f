"""``symmlp latex``: write a model's derivation (or the polynomial comparison) as a LaTeX file.

``--pdf`` also compiles it with pdflatex, in a temporary folder, and writes
only the PDF next to the .tex file.  Neither replaces a file symmlp did not
write.
"""

from __future__ import annotations

from pathlib import Path

from .args import UsageError, add_model_arguments, model_from_args, parse_ints, parse_number, value_option

__all__ = ["add_parser", "run", "MAX_PARAMS"]

MAX_PARAMS = 10**7


def run(args) -> int:
    from ..core.files import check_output_path, has_text_mark, write_file
    from ..emit.latex import PdflatexMissing, compile_pdf, derivation_document, polynomial_document

    out = Path(args.output)
    if out.suffix != ".tex":
        raise UsageError(f"-o must name a .tex file, got {args.output!r}")
    check_output_path(out, "-o", has_text_mark)
    expanded = parse_number(args.expanded_max_params, "--expanded-max-params", integer=True, low=0, high=200)
    if args.compare:
        if args.widths or args.polynomial:
            raise UsageError("give WIDTHS, --polynomial N,D or --compare N,D, one of them")
        n, d = parse_ints(args.compare, "--compare N,D", count=2)
        tex = polynomial_document(n, d)
    else:
        model = model_from_args(args, "latex")
        if model.num_params > MAX_PARAMS:
            raise UsageError(f"{model!r} has {model.num_params} parameters; the document describes up to "
                             f"{MAX_PARAMS}")
        tex = derivation_document(model, args.loss, expanded_max_params=expanded)
    write_file(out, tex, "-o", has_text_mark)
    print(f"wrote {out}")
    if args.pdf:
        try:
            pdf = compile_pdf(out)
        except PdflatexMissing as exc:
            raise UsageError(f"--pdf: {exc}; the .tex file was written") from None
        print(f"wrote {pdf}")
    return 0


def add_parser(sub) -> None:
    p = sub.add_parser(
        "latex", help="write a model's derivation, or the polynomial comparison, as LaTeX",
        description="Write a standalone LaTeX article: a model's backpropagation derivation "
                    "(WIDTHS or --polynomial N,D) or the full vs separable polynomial comparison "
                    "(--compare N,D).  FILE is replaced only if symmlp wrote it.")
    add_model_arguments(p)
    value_option(p, "--compare", metavar="N,D", help="compare polynomials in N inputs of degree D")
    value_option(p, "--expanded-max-params", default="20", metavar="K",
                 help="write each gradient out in full when there are at most K parameters (default 20)")
    value_option(p, "-o", "--output", required=True, metavar="FILE.tex", help="the .tex file to write")
    p.add_argument("--pdf", action="store_true", help="also compile FILE.pdf with pdflatex")
    p.set_defaults(func=run)
