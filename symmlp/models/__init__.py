"""Models: chains of stages with one parameter layout (see :mod:`symmlp.models.chain`).

:data:`FAMILIES` maps each model family's name (``model.kind``) to its class;
:func:`model_from_spec` rebuilds a model from ``(kind, spec)``, as saved files
store it.
"""

from .chain import Model as Model
from .expression import Expression as Expression
from .kan import KAN as KAN
from .layout import Block as Block
from .layout import Layout as Layout
from .mlp import MLP as MLP
from .polynomial import Polynomial as Polynomial
from .polynomial import SeparablePolynomial as SeparablePolynomial
from .serial import Serial as Serial
from .serial import serial as serial
from .spec import FAMILIES as FAMILIES
from .spec import model_from_spec as model_from_spec
