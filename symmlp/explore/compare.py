"""The post's question, run: which f_theta fits a function of ``n`` inputs best for a given
number of parameters?

:func:`compare` fits every family at matched parameter budgets -- the full
polynomial and the separable one by least squares (their exact optimum), a
Kolmogorov–Arnold network and two MLPs by L-BFGS on the compiled gradient, and
any user :class:`~symmlp.models.expression.Expression` -- on one seeded
train/test split, and reports the test error against the parameter count
(:mod:`symmlp.explore.compare_report` prints, plots and writes it).

At each budget a family takes its largest model within the budget: the
polynomial's degree, the networks' hidden width (the KAN has cubic edges and
tanh between its layers: without it, a two-layer KAN is a polynomial of degree 9,
which fits the 8-input default target no better than the full polynomial).  Inputs are rescaled to
``[-1, 1]`` and targets standardised before fitting; errors are reported in
the target's own units.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..core.validate import check_float_interval, check_int, check_real, check_seed
from ..models.chain import Model, check_model
from ..models.counting import kan_count, mlp_count, polynomial_count, separable_count
from ..models.kan import KAN
from ..models.mlp import MLP
from ..models.polynomial import Polynomial, SeparablePolynomial
from .compare_report import CompareResult, Fit, describe
from .fitting import lbfgs, least_squares, rmse

__all__ = ["compare", "default_target", "Family", "families", "recipe", "RECIPES", "DEFAULT_BUDGETS", "MAX_INPUTS",
           "MAX_BUDGET"]

DEFAULT_BUDGETS = (25, 50, 100, 200, 400)
MAX_INPUTS = 8
MAX_BUDGET = 5000
MAX_DEGREE = 30
KAN_DEGREE = 3


def default_target(n: int) -> str:
    """The default target of ``n`` inputs: cross terms, a non-polynomial part, and for
    ``n >= 4`` a ridge over the remaining inputs.

    Examples
    ========

    >>> from symmlp.explore.compare import default_target
    >>> default_target(3), default_target(5)
    ('x1*x2 + sin(x3)', 'x1*x2 + sin(x3) + tanh(x4 + x5)')
    """
    n = check_int(n, "n_inputs", 1, MAX_INPUTS)
    if n == 1:
        return "sin(3*x1)"
    if n == 2:
        return "x1*x2 + sin(x1 + x2)"
    ridge = " + ".join(f"x{i}" for i in range(4, n + 1))
    return "x1*x2 + sin(x3)" + (f" + tanh({ridge})" if ridge else "")


@dataclass(frozen=True)
class Family:
    """One candidate ``f_theta``: ``build(budget)`` gives its largest model within the budget
    (None when even the smallest is over); ``linear`` families are fitted by least squares."""

    name: str
    build: Callable[[int], Model | None]
    minimum: int
    linear: bool = False


def _largest(size: Callable[[int], int], start: int, cap: int, budget: int) -> int | None:
    """The largest ``k`` in ``start..cap`` with ``size(k) <= budget`` (sizes grow with ``k``)."""
    best = None
    for k in range(start, cap + 1):
        if size(k) > budget:
            break
        best = k
    return best


def families(n: int, kan_degree: int = KAN_DEGREE) -> list[Family]:
    """The classic families on ``n`` inputs, each sized to a budget.

    Examples
    ========

    >>> from symmlp.explore.compare import families
    >>> [(f.name, f.minimum, f.build(100)) for f in families(3)]  # doctest: +NORMALIZE_WHITESPACE
    [('full polynomial', 4, Polynomial(n_inputs=3, degree=6)),
     ('separable polynomial', 4, SeparablePolynomial(n_inputs=3, degree=30)),
     ('KAN', 14, KAN([3, 7, 1], degree=3, activation='tanh')),
     ('MLP relu', 6, MLP([3, 19, 1], activation='relu', output_activation='identity')),
     ('MLP tanh', 6, MLP([3, 19, 1], activation='tanh', output_activation='identity'))]
    """
    d = kan_degree

    def full(b):
        k = _largest(lambda k: polynomial_count(n, k), 1, MAX_DEGREE, b)
        return None if k is None else Polynomial(n, k)

    def separable(b):
        k = _largest(lambda k: separable_count(n, k), 1, MAX_DEGREE, b)
        return None if k is None else SeparablePolynomial(n, k)

    def kan(b):
        h = (b - 1) // (n * d + d + 1)
        return KAN([n, h, 1], d, activation="tanh") if h >= 1 else None

    def mlp(activation):
        def build(b):
            h = (b - 1) // (n + 2)
            return MLP([n, h, 1], activation=activation) if h >= 1 else None
        return build

    return [Family("full polynomial", full, polynomial_count(n, 1), linear=True),
            Family("separable polynomial", separable, separable_count(n, 1), linear=True),
            Family("KAN", kan, kan_count([n, 1, 1], d)),
            Family("MLP relu", mlp("relu"), mlp_count([n, 1, 1])),
            Family("MLP tanh", mlp("tanh"), mlp_count([n, 1, 1]))]


RECIPES = ("rbf", "fourier")


def recipe(name: str, n: int) -> Callable[[int], Model | None]:
    """``budget -> model`` for a ready-made Expression family: ``"rbf"`` (:func:`~symmlp.gaussian_rbf`
    with as many centers as fit) or ``"fourier"`` (:func:`~symmlp.fourier_series` of the highest
    order that fits, period 4 so that ``[-1, 1]`` is half a period).

    Examples
    ========

    >>> from symmlp.explore.compare import recipe
    >>> recipe("rbf", 3)(50).num_params, recipe("fourier", 2)(50).num_params
    (46, 41)
    """
    from ..models.recipes import fourier_frequencies, fourier_series, gaussian_rbf

    if name == "rbf":
        return lambda b: gaussian_rbf(n, (b - 1) // (n + 2)) if b > n + 2 else None

    if name == "fourier":
        def fourier(b):
            m = _largest(lambda m: 1 + 2 * len(fourier_frequencies(n, m)), 1, 10, b)
            return None if m is None else fourier_series(n, m, period=4)
        return fourier
    raise ValueError(f"recipe must be one of {', '.join(RECIPES)}, got {name!r}")


def _user_family(name: str, given: Any, n: int) -> Family:
    """A user's Expression (one fixed size) or ``budget -> model`` as a family."""
    if not isinstance(name, str) or not name.strip():
        raise ValueError(f"expressions must map names to models, got the name {name!r}")
    if callable(given) and not isinstance(given, Model):
        build = given
    else:
        model = check_model(given, f"expressions[{name!r}]")
        build = lambda b, model=model: model if model.num_params <= b else None  # noqa: E731

    def checked(b):
        model = build(b)
        if model is None:
            return None
        check_model(model, f"expressions[{name!r}]({b})")
        if model.n_inputs != n or model.n_outputs != 1:
            raise ValueError(f"expressions[{name!r}] must have {n} inputs and 1 output, got {model!r:.80}")
        if model.num_params > b:
            raise ValueError(f"expressions[{name!r}]({b}) has {model.num_params} parameters, over the budget {b}")
        return model

    return Family(name, checked, 0)


def _budgets(budgets: Sequence[int], fams: list[Family]) -> tuple[int, ...]:
    if isinstance(budgets, str | bytes) or not isinstance(budgets, Sequence):
        raise TypeError(f"budgets must be a sequence of integers such as (25, 50, 100), got {budgets!r:.60}")
    if not budgets:
        raise ValueError("budgets is empty; give at least one parameter budget, e.g. (25, 50, 100)")
    if len(budgets) > 12:
        raise ValueError(f"at most 12 budgets, got {len(budgets)}")
    out = tuple(sorted({check_int(b, "budget", 1, MAX_BUDGET) for b in budgets}))
    smallest = min(f.minimum for f in fams if f.minimum) if any(f.minimum for f in fams) else 1
    if out[-1] < smallest:
        mins = ", ".join(f"{f.name} {f.minimum}" for f in fams if f.minimum)
        raise ValueError(f"every budget ({', '.join(map(str, out))}) is below every family's smallest model "
                         f"({mins}); give a budget of at least {smallest}")
    return out


def _data(text: str, n: int, interval: tuple[float, float], n_train: int, n_test: int, seed: int):
    from .target import proven_finite_target

    f = proven_finite_target(text, n, interval)
    rng = np.random.default_rng(seed)
    lo, hi = interval
    X = rng.uniform(lo, hi, size=(n_train + n_test, n))
    y = f(X)
    U = (2 * X - (lo + hi)) / (hi - lo)  # every family sees inputs in [-1, 1]
    return U[:n_train], y[:n_train], U[n_train:], y[n_train:]


def _fit_all(plan, data, steps: int, seed: int, log) -> list[Fit]:
    """Fit each ``(family, budget, model)`` of ``plan`` once (a model repeated at a larger budget
    is reused), on standardised targets; errors in the target's units."""
    Xtr, ytr, Xte, yte = data
    mean, scale = float(np.mean(ytr)), float(np.std(ytr)) or 1.0
    ztr, zte = (ytr - mean) / scale, (yte - mean) / scale
    fits, done = [], {}
    for i, (fam, budget, model) in enumerate(plan, 1):
        key = (fam.name, model)
        if key not in done:
            t0 = time.perf_counter()
            theta = (least_squares(model, Xtr, ztr) if fam.linear
                     else lbfgs(model, Xtr, ztr, steps=steps, seed=seed * 7919 + i))
            done[key] = (rmse(model, theta, Xtr, ztr) * scale, rmse(model, theta, Xte, zte) * scale,
                         time.perf_counter() - t0)
        train_err, test_err, seconds = done[key]
        fits.append(Fit(fam.name, budget, model, train_err, test_err))
        if log is not None:
            log(f"[{i:>2}/{len(plan)}] {fam.name:<20} budget {budget:>4}: {model.num_params:>4} parameters, "
                f"{describe(model):<28} test RMSE {test_err:.3e}  ({seconds:.1f} s)")
    return fits


def compare(target: str | None = None, n_inputs: int = 3, *, interval: Sequence[float] = (-1.0, 1.0),
            budgets: Sequence[int] = DEFAULT_BUDGETS, expressions: Mapping[str, Any] | None = None,
            n_train: int = 1000, n_test: int = 2000, steps: int = 400, seed: int = 0,
            target_error: float = 1e-2, log: Callable[[str], None] | None = None) -> CompareResult:
    """Fit every family at matched parameter budgets and compare their test errors.

    Parameters
    ==========

    target : str, optional
        The function of ``x1 .. xn``, parsed by :func:`symmlp.explore.target.parse_target`
        (never evaluated) and proven finite on the box; :func:`default_target` by default.
    n_inputs : int
        ``1 .. MAX_INPUTS`` (8).
    interval : (float, float)
        Each input is drawn uniformly from it.
    budgets : sequence of int
        Parameter budgets (at most 12, each at most ``MAX_BUDGET``).
    expressions : mapping, optional
        ``{name: Expression}`` (fitted once, at its own size) or ``{name: budget -> model}``.
    n_train, n_test : int
        Sample sizes of the seeded split.
    steps : int
        L-BFGS iterations for the families that are not linear in their parameters.
    seed : int
        Seeds the data and every fit: the same seed gives the same table.
    target_error : float
        The test RMSE whose parameter cost :meth:`CompareResult.needed` reports.
    log : callable, optional
        Receives one progress line per fit.

    Returns
    =======

    CompareResult

    Examples
    ========

    >>> from symmlp.explore.compare import compare
    >>> r = compare("x1*x2", 2, budgets=[6, 12], steps=200, n_train=200, n_test=200)
    >>> r.best("full polynomial").test_rmse < 1e-12, r.best("separable polynomial").test_rmse > 0.3
    (True, True)
    """
    n = check_int(n_inputs, "n_inputs", 1, MAX_INPUTS)
    text = default_target(n) if target is None else target
    if not isinstance(text, str):
        raise TypeError(f"target must be the text of a function such as 'x1*x2 + sin(x3)', got {text!r:.60}")
    interval = check_float_interval(interval, "interval")
    fams = families(n) + [_user_family(k, v, n) for k, v in (expressions or {}).items()]
    budgets = _budgets(budgets, fams)
    n_train, n_test = check_int(n_train, "n_train", 10, 100_000), check_int(n_test, "n_test", 10, 100_000)
    steps, seed = check_int(steps, "steps", 1, 100_000), check_seed(seed)
    target_error = check_real(target_error, "target_error", low=0, low_open=True)
    Xtr, ytr, Xte, yte = _data(text, n, interval, n_train, n_test, seed)
    plan = [(fam, b, model) for fam in fams for b in budgets if (model := fam.build(b)) is not None]
    fits = _fit_all(plan, (Xtr, ytr, Xte, yte), steps, seed, log)
    return CompareResult(text, n, interval, budgets, seed, n_train, n_test, steps, float(np.std(yte)),
                         target_error, tuple(fits), tuple(f.name for f in fams))

