"""symmlp: exact symbolic MLPs and polynomials, their gradients, NumPy compilation,
training, checks and LaTeX write-ups."""

from .activations import activation_names as activation_names
from .activations import get_activation as get_activation
from .counting import count as count
from .counting import count_free_symbols as count_free_symbols
from .counting import count_table as count_table
from .counting import mlp_count as mlp_count
from .counting import polynomial_count as polynomial_count
from .counting import separable_count as separable_count
from .mlp import MLP as MLP
from .polynomial import Polynomial as Polynomial
from .polynomial import SeparablePolynomial as SeparablePolynomial

__version__ = "0.1.0"
