"""The links of a model's chain: affine maps, elementwise activations, feature maps."""

from .affine import Affine as Affine
from .affine import Label as Label
from .base import Stage as Stage
from .elementwise import Elementwise as Elementwise
from .features import Monomials as Monomials
from .features import Powers as Powers
