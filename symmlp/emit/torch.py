"""The PyTorch emitter: the derivation's programs on torch tensors, without autograd.

The generated code is the NumPy emitter's, line for line; ``np`` stands for
:class:`NumPyOnTorch`, which maps the few NumPy calls the equations use
(``np.sum(x, axis=0)``, ``np.maximum(z, 0.0)``, ``np.where``, ...) to torch.
It runs on whatever device and in whatever dtype the tensors have, under
``torch.no_grad()``.  Needs the ``torch`` extra: ``pip install "symmlp[torch]"``.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from functools import lru_cache
from types import ModuleType

from ..core.extras import require
from ..ops.losses import Loss
from .backend import Backend
from .compiled import ArrayCompiledModel

__all__ = ["NumPyOnTorch", "TorchBackend", "TorchCompiledModel", "lambdify_namespace", "torch_backend"]

REQUIRES_EXTRA = "torch"  # the doctests below run only where it is installed (see conftest.py)

_UNARY = ("abs", "exp", "expm1", "log", "log1p", "sqrt", "tanh", "sin", "cos", "sign", "square")


class NumPyOnTorch:
    """What ``np.`` means in generated code run on tensors: NumPy's names and keywords on torch.

    Python numbers stay Python numbers (``np.log(2.0)``); a name the
    equations do not use is refused rather than guessed.

    Examples
    ========

    >>> import torch
    >>> from symmlp.emit.torch import NumPyOnTorch
    >>> np = NumPyOnTorch(torch)
    >>> x = torch.tensor([[1.0, -2.0], [3.0, 4.0]])
    >>> np.sum(x, axis=0), np.maximum(x, 0.0)[0], np.max(x, axis=1, keepdims=True).shape
    (tensor([4., 2.]), tensor([1., 0.]), torch.Size([2, 1]))
    >>> np.arctan2
    Traceback (most recent call last):
    ...
    AttributeError: np.arctan2 has no torch counterpart in symmlp.emit.torch.NumPyOnTorch; add it there
    """

    def __init__(self, torch) -> None:
        self.torch = torch
        for name in _UNARY:
            setattr(self, name, self._unary(getattr(torch, name), getattr(math, name, None)))

    def _unary(self, on_tensor, on_number):
        torch = self.torch
        return lambda x: on_tensor(x) if isinstance(x, torch.Tensor) else on_number(x)

    def __getattr__(self, name: str):
        raise AttributeError(f"np.{name} has no torch counterpart in symmlp.emit.torch.NumPyOnTorch; add it there")

    def sum(self, x, axis=None, keepdims=False):
        return x.sum() if axis is None else x.sum(dim=axis, keepdim=keepdims)

    def max(self, x, axis=None, keepdims=False):
        return x.max() if axis is None else self.torch.amax(x, dim=axis, keepdim=keepdims)

    def maximum(self, a, b):
        if not isinstance(b, self.torch.Tensor):
            return self.torch.clamp_min(a, b)
        if not isinstance(a, self.torch.Tensor):
            return self.torch.clamp_min(b, a)
        return self.torch.maximum(a, b)

    def minimum(self, a, b):
        if not isinstance(b, self.torch.Tensor):
            return self.torch.clamp_max(a, b)
        if not isinstance(a, self.torch.Tensor):
            return self.torch.clamp_max(b, a)
        return self.torch.minimum(a, b)

    def where(self, condition, a, b):
        return self.torch.where(condition, a, b)

    def clip(self, x, low, high):
        return self.torch.clamp(x, low, high)

    def concatenate(self, parts, axis=0):
        return self.torch.cat(list(parts), dim=axis)


_LAMBDIFY_UNARY = {"exp": "exp", "expm1": "expm1", "log": "log", "log1p": "log1p", "log2": "log2", "log10": "log10",
                   "sqrt": "sqrt", "abs": "abs", "sign": "sign", "sin": "sin", "cos": "cos", "tan": "tan",
                   "tanh": "tanh", "sinh": "sinh", "cosh": "cosh", "arcsin": "asin", "arccos": "acos",
                   "arctan": "atan", "arcsinh": "asinh", "arccosh": "acosh", "arctanh": "atanh"}
_LAMBDIFY_BINARY = {"maximum": "maximum", "minimum": "minimum", "power": "pow"}
_LAMBDIFY_COMPARE = {"greater": "gt", "less": "lt", "equal": "eq", "not_equal": "ne", "greater_equal": "ge",
                     "less_equal": "le"}


class _Masks:
    """``logical_and`` / ``logical_or`` on 0/1 masks, with NumPy's ``.reduce`` over a tuple."""

    def __init__(self, op) -> None:
        self.op = op

    def __call__(self, a, b):
        return self.op(a, b)

    def reduce(self, masks):
        return functools.reduce(self.op, masks)


def lambdify_namespace(torch) -> ModuleType:
    """What :func:`sympy.lambdify` needs to write a user's activation for torch.

    A module named ``numpy``, so SymPy prints with its NumPy printer (whose
    ``select``, ``maximum`` and ``heaviside`` cover ``Piecewise``, ``Max`` and
    ``Heaviside``, where its torch printer refuses them), holding torch
    functions under NumPy's names.  Comparisons give 0/1 masks in their operands'
    dtype, so a ``Piecewise`` of constants (a Heaviside) keeps it; ``DiracDelta``
    (in the second derivative of a kink) is 0 away from the kink, like ReLU's.
    """

    def tensor(x, like):
        return x if isinstance(x, torch.Tensor) else torch.as_tensor(x, dtype=like.dtype, device=like.device)

    def binary(op, mask=False):
        def apply(a, b):
            like = a if isinstance(a, torch.Tensor) else b
            out = op(tensor(a, like), tensor(b, like))
            return out.to(like.dtype) if mask else out
        return apply

    def select(conditions, choices, default=math.nan):
        out = torch.full_like(next(x for x in [*conditions, *choices] if isinstance(x, torch.Tensor)), default)
        for condition, choice in zip(reversed(conditions), reversed(choices)):
            out = torch.where(tensor(condition, out) != 0, tensor(choice, out), out)
        return out

    namespace = ModuleType("numpy", "torch functions under NumPy's names, for sympy.lambdify")
    unary = NumPyOnTorch(torch)._unary
    namespace.__dict__.update(
        {name: unary(getattr(torch, t), getattr(math, t, None)) for name, t in _LAMBDIFY_UNARY.items()})
    namespace.__dict__.update({name: binary(getattr(torch, t)) for name, t in _LAMBDIFY_BINARY.items()})
    namespace.__dict__.update({name: binary(getattr(torch, t), True) for name, t in _LAMBDIFY_COMPARE.items()})
    namespace.__dict__.update(
        select=select, where=lambda c, a, b: torch.where(c != 0, a, b), logical_and=_Masks(lambda a, b: a * b),
        logical_or=_Masks(lambda a, b: torch.clamp_max(a + b, 1)), DiracDelta=torch.zeros_like,
        heaviside=lambda z, h0=0.5: torch.heaviside(z, tensor(h0, z)), reduce=functools.reduce,
        nan=math.nan, inf=math.inf, pi=math.pi, e=math.e)
    return namespace


@dataclass(frozen=True)
class TorchBackend(Backend):
    """``np`` is :class:`NumPyOnTorch`; the primitives are written in torch."""

    torch: object = None

    def ones_column(self, X):
        return self.torch.ones((X.shape[0], 1), dtype=X.dtype, device=X.device)

    def columns(self, X, idx):
        return X[:, list(idx)]

    def concat_columns(self, parts):
        return self.torch.cat(list(parts), dim=1)

    def sigmoid(self, z):
        return self.torch.sigmoid(z)

    def softplus(self, z):
        # torch.nn.functional.softplus returns z itself above z = 20 (an error of 2e-9)
        return self.torch.clamp_min(z, 0.0) + self.torch.log1p(self.torch.exp(-self.torch.abs(z)))


@lru_cache(maxsize=1)
def torch_backend() -> TorchBackend:
    """The PyTorch backend (imports torch, or says how to install it)."""
    torch = require("torch", "backend='torch'")
    np = NumPyOnTorch(torch)
    return TorchBackend("torch", np, lambdify_namespace(torch), torch)


class TorchCompiledModel(ArrayCompiledModel):
    """A model's forward pass and loss gradient as functions of torch tensors.

    ``forward`` and ``loss_and_grad`` run the derivation's equations under
    ``torch.no_grad()`` on the device and in the dtype of ``theta`` (``X``
    and ``Y`` must match it; NumPy arrays are taken as CPU tensors).  ``Y``
    holds one row per sample (one-hot rows for ``softmax_ce``).

    Examples
    ========

    >>> import torch
    >>> from symmlp import MLP, compile
    >>> f = compile(MLP([2, 3, 1], activation="relu"), backend="torch")
    >>> print(f.source.splitlines()[0])
    \"\"\"Generated by symmlp (PyTorch: np is symmlp.emit.torch.NumPyOnTorch) from backprop(MLP(...), loss='mse').
    >>> loss, grad = f.loss_and_grad(torch.zeros(13), torch.ones(4, 2), torch.ones(4, 1))
    >>> float(loss), grad.shape, grad.requires_grad
    (0.5, torch.Size([13]), False)
    """

    title = "PyTorch: np is symmlp.emit.torch.NumPyOnTorch"

    def __init__(self, model, loss: str | Loss = "mse") -> None:
        self.backend = torch_backend()
        super().__init__(model, loss)
        self._torch = self.backend.torch

    def as_array(self, a, like=None):
        torch = self._torch
        t = a if isinstance(a, torch.Tensor) else torch.as_tensor(a)
        if like is not None and (t.dtype != like.dtype or t.device != like.device):
            raise TypeError(f"tensors must share theta's dtype and device ({like.dtype}, {like.device}); "
                            f"got {t.dtype} on {t.device}")
        return t

    def forward(self, theta, X):
        """The outputs ``(B, n_outputs)`` for a batch ``X`` of shape ``(B, n_inputs)``."""
        args = self.checked(theta, X)
        with self._torch.no_grad():
            return self.functions["forward"](*args)

    def loss_and_grad(self, theta, X, Y):
        """The batch-mean loss (a 0-d tensor) and its gradient in ``model.params`` order."""
        args = self.checked(theta, X, Y)
        with self._torch.no_grad():
            return self.functions["loss_and_grad"](*args)
