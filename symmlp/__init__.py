"""symmlp: exact symbolic models (MLPs, polynomials, any f_theta), their gradients,
array compilation, training, checks and LaTeX write-ups.

The pipeline, one subpackage per step: :mod:`symmlp.models` (chains of stages)
-> :mod:`symmlp.derive` (the derivation) -> :mod:`symmlp.emit` (array code,
LaTeX) -> :mod:`symmlp.verify`, :mod:`symmlp.train`, :mod:`symmlp.explore`.
"""

from .derive.derivation import backprop as backprop
from .derive.grad import gradient as gradient
from .derive.grad import jacobian as jacobian
from .derive.hessian import hessian as hessian
from .emit.compile import compile_model as compile  # noqa: F401  (the public name)
from .emit.compile import compile_model as compile_model
from .emit.latex import derivation_document as derivation_document
from .emit.latex import gd_step_document as gd_step_document
from .emit.latex import polynomial_document as polynomial_document
from .explore import approx as approx
from .explore import claims as claims
from .explore import datasets as datasets
from .explore.compare import compare as compare
from .explore.target import TargetSyntaxError as TargetSyntaxError
from .explore.target import parse_target as parse_target
from .interop.jax import from_jax as from_jax
from .interop.jax import to_jax as to_jax
from .interop.torch import from_torch as from_torch
from .interop.torch import to_torch as to_torch
from .models import KAN as KAN
from .models import MLP as MLP
from .models import Expression as Expression
from .models import Model as Model
from .models import Polynomial as Polynomial
from .models import SeparablePolynomial as SeparablePolynomial
from .models import Serial as Serial
from .models import serial as serial
from .models import stages as stages
from .models.counting import count as count
from .models.counting import count_free_symbols as count_free_symbols
from .models.counting import count_table as count_table
from .models.counting import kan_count as kan_count
from .models.counting import mlp_count as mlp_count
from .models.counting import polynomial_count as polynomial_count
from .models.counting import separable_count as separable_count
from .models.recipes import fourier_series as fourier_series
from .models.recipes import gaussian_rbf as gaussian_rbf
from .models.recipes import rational_function as rational_function
from .ops.activations import activation_names as activation_names
from .ops.activations import get_activation as get_activation
from .ops.activations import register_activation as register_activation
from .ops.losses import Loss as Loss
from .ops.losses import get_loss as get_loss
from .ops.losses import loss_names as loss_names
from .ops.losses import register_loss as register_loss
from .training.exact import gd_step as gd_step
from .training.init import init_theta as init_theta
from .training.loop import TrainingDiverged as TrainingDiverged
from .training.loop import train as train
from .training.result import TrainResult as TrainResult
from .training.saving import CorruptFileError as CorruptFileError
from .training.saving import load as load
from .training.saving import save as save
from .verify.check import check as check
from .verify.hessian import certified_hessian as certified_hessian

__version__ = "0.2.0"
