"""Initial parameters, drawn stage by stage by each stage's own rule."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..core.validate import check_choice, check_seed
from ..models.chain import check_model

__all__ = ["init_theta", "INITS", "MAX_INIT_PARAMS"]

INITS = ("xavier", "he")
MAX_INIT_PARAMS = 10**8  # float64 numbers drawn at once (800 MB), as training's own bound


def init_theta(model, init: str | Any = "xavier", seed: int | np.random.Generator = 0) -> np.ndarray:
    """Initial parameters as a float64 vector in ``model.params`` order.

    Parameters
    ==========

    model : any symmlp model
    init : str or array
        ``"xavier"`` (Glorot uniform: ``W ~ U(-a, a)``, ``a = sqrt(6 / (n_in +
        n_out))``) or ``"he"`` (``W ~ N(0, 2 / n_in)``), with biases
        ``b ~ U(-1/sqrt(n_in), 1/sqrt(n_in))`` as in PyTorch's ``Linear``
        (with zero biases, an odd target on a symmetric interval has zero bias
        gradient and every unit stays centred at 0); or an array of
        ``num_params`` finite numbers, used as given.  Polynomials are linear
        in their coefficients and start from all zeros under both names.
    seed : int or numpy.random.Generator

    Returns
    =======

    numpy.ndarray of shape (num_params,)

    Examples
    ========

    >>> from symmlp import MLP
    >>> from symmlp.training.init import init_theta
    >>> theta = init_theta(MLP([2, 3, 1]), "xavier", seed=0)
    >>> theta.shape, bool(abs(theta[:6]).max() <= 6 ** 0.5 / 5 ** 0.5)
    ((13,), True)
    >>> bool(abs(theta[6:9]).max() <= 1 / 2 ** 0.5)
    True
    """
    check_model(model)
    n = model.num_params
    if n > MAX_INIT_PARAMS:
        raise ValueError(f"{model!r:.80} has {n:.3g} parameters; drawing them would allocate "
                         f"{8 * n / 1e9:.3g} GB (more than {MAX_INIT_PARAMS:.0e} float64 numbers); use smaller widths")
    if not isinstance(init, str):
        t = np.asarray(init)
        if t.dtype == object:
            t = np.asarray([float(v) for v in t.ravel()]).reshape(t.shape)
        if t.dtype.kind not in "fiu" or t.shape != (n,):
            raise ValueError(
                f"init array must be real with shape ({n},) (one value per parameter in "
                f"model.params order), got shape {t.shape} and dtype {t.dtype}"
            )
        t = t.astype(np.float64)
        if not np.isfinite(t).all():
            raise ValueError("init array holds NaN or inf")
        return t
    check_choice(init, "init", INITS)
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(check_seed(seed))
    return model.init_theta(init, rng)
