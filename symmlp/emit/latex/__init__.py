"""Standalone LaTeX documents: derivations, polynomial counts, one exact GD step.

The documents use only ``amsmath``, ``amssymb`` and ``geometry`` (all in TeX
Live's base set); :func:`compile_pdf` turns one into a PDF with pdflatex.
"""

from .derivation import derivation_document as derivation_document
from .documents import polynomial_document as polynomial_document
from .gd_step import gd_step_document as gd_step_document
from .layout import TEXT_WIDTH_EM as TEXT_WIDTH_EM
from .layout import break_expr as break_expr
from .layout import break_terms as break_terms
from .layout import doc_latex as doc_latex
from .layout import latex_width as latex_width
from .pdf import PdflatexMissing as PdflatexMissing
from .pdf import compile_pdf as compile_pdf
