"""symmlp: exact symbolic MLPs and polynomials, their gradients, NumPy compilation,
training, checks and LaTeX write-ups."""

from . import approx as approx
from . import claims as claims
from . import datasets as datasets
from .activations import activation_names as activation_names
from .activations import get_activation as get_activation
from .check import check as check
from .compile import compile_model as compile  # noqa: F401  (the public name)
from .compile import compile_model as compile_model
from .counting import count as count
from .counting import count_free_symbols as count_free_symbols
from .counting import count_table as count_table
from .counting import mlp_count as mlp_count
from .counting import polynomial_count as polynomial_count
from .counting import separable_count as separable_count
from .derivation import backprop as backprop
from .grad import gradient as gradient
from .grad import hessian as hessian
from .grad import jacobian as jacobian
from .latex import derivation_document as derivation_document
from .latex import gd_step_document as gd_step_document
from .latex import polynomial_document as polynomial_document
from .losses import loss_names as loss_names
from .mlp import MLP as MLP
from .polynomial import Polynomial as Polynomial
from .polynomial import SeparablePolynomial as SeparablePolynomial
from .saving import CorruptFileError as CorruptFileError
from .saving import load as load
from .saving import save as save
from .target import TargetSyntaxError as TargetSyntaxError
from .target import parse_target as parse_target
from .train import TrainingDiverged as TrainingDiverged
from .train import TrainResult as TrainResult
from .train import gd_step as gd_step
from .train import init_theta as init_theta
from .train import train as train

__version__ = "0.1.0"
