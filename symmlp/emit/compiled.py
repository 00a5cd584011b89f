"""What the JAX and PyTorch emitters share: the programs rendered for a backend, run, cached.

Each backend renders the same :func:`~symmlp.emit.programs.programs` recipes
as NumPy does; only what ``np.`` and the helpers stand for changes.  A
:class:`ArrayCompiledModel` holds the generated functions and checks the
arguments' shapes, which are static under ``jax.jit`` (so the checks cost
nothing inside a jitted function).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable

from ..core.display import html_pre, html_report
from ..derive.derivation import backprop
from ..models.chain import check_model
from ..ops.losses import Loss, get_loss
from .backend import Backend
from .programs import programs, render

__all__ = ["ArrayCompiledModel", "program_for", "clear_programs"]

_PROGRAMS: OrderedDict[tuple, tuple[str, dict[str, Callable]]] = OrderedDict()
_PROGRAMS_KEPT = 64


def program_for(model, loss: Loss, backend: Backend, title: str) -> tuple[str, dict[str, Callable]]:
    """The source of every program for ``backend`` and its functions by name.

    Cached by ``(model, loss, backend.name)`` (a backend's fields need not be
    hashable), so compiling again reuses the functions and JAX's traces of them.
    """
    key = (model, loss, backend.name)
    if key in _PROGRAMS:
        _PROGRAMS.move_to_end(key)
        return _PROGRAMS[key]
    derivation = backprop(model, loss)
    functions = programs(derivation)
    source = render(derivation, functions, title)
    namespace = backend.execute(source, model)
    _PROGRAMS[key] = source, {f.name: namespace[f.name] for f in functions}
    while len(_PROGRAMS) > _PROGRAMS_KEPT:
        _PROGRAMS.popitem(last=False)
    return _PROGRAMS[key]


def clear_programs() -> None:
    """Forget the compiled programs of every array backend."""
    _PROGRAMS.clear()


class ArrayCompiledModel:
    """A model's programs on an array library other than NumPy (see :func:`symmlp.compile`).

    Subclasses set ``backend`` (a :class:`~symmlp.emit.backend.Backend`) and
    ``title`` (what the generated module's docstring says ``np`` is), and
    convert arguments in :meth:`as_array`.

    Attributes
    ==========

    model, loss, derivation
        What it was compiled from.
    source : str
        The generated code: the NumPy emitter's, with ``np`` standing for the backend's module.
    functions : dict
        The generated functions by name (``forward``, ``loss_and_grad``, and any
        further program the derivation provides), unchecked.
    """

    backend: Backend
    title: str

    def __init__(self, model, loss: str | Loss = "mse") -> None:
        check_model(model)
        self.loss = get_loss(loss)
        self.derivation = backprop(model, self.loss)
        self.model = model
        self.source, self.functions = program_for(model, self.loss, self.backend, self.title)

    def as_array(self, a, like=None):
        """``a`` as the backend's array (placed like ``like`` where that matters)."""
        raise NotImplementedError

    def checked(self, theta, X, Y=None) -> tuple:
        """The arguments as arrays of the backend, their shapes checked (never their values)."""
        theta = self.as_array(theta)
        X = self.as_array(X, theta)
        n, m = self.model.num_params, self.model.n_outputs
        if tuple(theta.shape) != (n,):
            raise ValueError(f"theta must have shape ({n},) in model.params order, got {tuple(theta.shape)}")
        if X.ndim != 2 or X.shape[1] != self.model.n_inputs:
            raise ValueError(f"X must have shape (batch, {self.model.n_inputs}), got {tuple(X.shape)}")
        if Y is None:
            return theta, X
        Y = self.as_array(Y, theta)
        if tuple(Y.shape) != (X.shape[0], m):
            raise ValueError(f"Y must have shape ({X.shape[0]}, {m}) (one-hot rows for softmax_ce), "
                             f"got {tuple(Y.shape)}")
        return theta, X, Y

    def __repr__(self) -> str:
        return f"compile({self.model!r}, loss={self.loss.name!r}, backend={self.backend.name!r})"

    def _repr_html_(self) -> str:
        lines = self.source.count("\n") + 1
        return html_report(f"{self!r}: {self.model.num_params} parameters, {lines} lines",
                           html_pre(self.source, max_height="28em"))
