"""Benchmark rows for the JAX and PyTorch emitters against each library's own autodiff.

The baselines are what a user of the library would write: a plain forward
pass of a tanh MLP with the mean-squared error, differentiated by
``jax.jit(jax.value_and_grad(...))`` or by ``torch.autograd``.  They decode
``theta`` themselves, with one small decoder of their own (a baseline must not
share the code it checks).  Both
sides run in float32 on the CPU, interleaved in the same run; torch with one
intra-op thread on both sides (on a net this small a second thread only
contends, as for NumPy's BLAS in :mod:`symmlp.training.threads`).
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import contextmanager

import numpy as np

from ..core.extras import available
from ..emit.compile import compile_model
from ..models import MLP
from ..training.init import init_theta

__all__ = ["backend_timings", "jax_autodiff_mlp", "torch_autograd_mlp"]


def _dense_layers(theta, widths: tuple[int, ...]):
    """``(W, b, is_last)`` of each layer of a plain MLP, sliced from ``theta`` (``W`` row-major, then
    ``b``, layer by layer) with the array library's own ``reshape``: the baselines' decoder, written
    apart from ``model.layout`` on purpose."""
    k = 0
    for i, (n_out, n_in) in enumerate(zip(widths[1:], widths)):
        W = theta[k:k + n_out * n_in].reshape(n_out, n_in)
        b = theta[k + n_out * n_in:k + n_out * n_in + n_out]
        k += n_out * n_in + n_out
        yield W, b, i == len(widths) - 2


def jax_autodiff_mlp(widths: tuple[int, ...]) -> Callable:
    """``jax.jit(jax.value_and_grad(loss))`` of a plain tanh MLP with mse (identity output)."""
    import jax
    import jax.numpy as jnp

    def loss(theta, X, Y):
        a = X
        for W, b, last in _dense_layers(theta, widths):
            z = a @ W.T + b
            a = z if last else jnp.tanh(z)
        return 0.5 * jnp.sum((a - Y) ** 2) / X.shape[0]

    return jax.jit(jax.value_and_grad(loss))


def torch_autograd_mlp(widths: tuple[int, ...]) -> Callable:
    """The same network and loss in torch, its gradient by ``torch.autograd.grad``."""
    import torch

    def loss_and_grad(theta, X, Y):
        t = theta.detach().requires_grad_()
        a = X
        for W, b, last in _dense_layers(t, widths):
            z = a @ W.T + b
            a = z if last else torch.tanh(z)
        value = 0.5 * ((a - Y) ** 2).sum() / X.shape[0]
        (grad,) = torch.autograd.grad(value, t)
        return value.detach(), grad

    return loss_and_grad


def _jax_pair(model, theta, X, Y):
    import jax

    ours = jax.jit(compile_model(model, backend="jax").functions["loss_and_grad"])
    theirs = jax_autodiff_mlp(model.widths)
    args = [jax.device_put(a.astype(np.float32)) for a in (theta, X, Y)]

    def run(f):
        return lambda: jax.block_until_ready(f(*args))

    return run(ours), run(theirs), lambda f: np.asarray(f()[1])


def _torch_pair(model, theta, X, Y):
    import torch

    compiled = compile_model(model, backend="torch")
    raw = compiled.functions["loss_and_grad"]
    theirs = torch_autograd_mlp(model.widths)
    args = [torch.from_numpy(a.astype(np.float32)) for a in (theta, X, Y)]

    def ours():
        with torch.no_grad():
            return raw(*args)

    return ours, lambda: theirs(*args), lambda f: f()[1].numpy()


@contextmanager
def _one_torch_thread(library: str):
    if library != "PyTorch":
        yield
        return
    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(before)


def backend_timings(interleaved: Callable, rounds: int, log: Callable[[str], None]
                    ) -> list[tuple[str, int, float, float]]:
    """``(library, batch, emitter seconds, autodiff seconds)`` for each installed extra and batch
    64 and 1024 on a [4,32,32,1] tanh MLP, after checking both compute the same gradient."""
    model = MLP([4, 32, 32, 1], activation="tanh")
    rng = np.random.default_rng(0)
    theta = init_theta(model, "xavier", rng)
    out = []
    for library, pair in (("JAX", _jax_pair), ("PyTorch", _torch_pair)):
        if not available("jax" if library == "JAX" else "torch"):
            continue
        for batch, number in ((64, 200), (1024, 40)):
            log(f"f. {library} emitter vs {library} autodiff, batch {batch} ...")
            X = rng.normal(size=(batch, 4))
            Y = np.sin(X[:, :1])
            ours, theirs, grad = pair(model, theta, X, Y)
            if not np.allclose(grad(ours), grad(theirs), rtol=1e-4, atol=1e-6):
                raise RuntimeError(f"the {library} emitter and {library} autodiff disagree; benchmark void")
            with _one_torch_thread(library):
                t_ours, t_theirs = interleaved(ours, theirs, rounds=rounds, number=number)
            out.append((library, batch, t_ours, t_theirs))
    return out
