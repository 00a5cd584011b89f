"""``symmlp.check``: certified gradients at a point worth checking, and an oracle for float code.

The gradient of the batch-mean loss is enclosed in balls (or computed exactly)
by independent routes (:mod:`symmlp.verify.routes`: reverse mode, forward mode,
and ``sympy.diff`` for small models), at a point chosen to exercise every
unit (:mod:`symmlp.verify.points`), with every activation's and the loss's
faces certified against each other (:mod:`symmlp.verify.faces`).  The
compiled NumPy gradient, and optionally a user's own ``fn(theta, X, Y) ->
(loss, grad)``, must then lie within their floating-point bound of the
certified values.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ..core.validate import check_choice, check_int
from ..derive.derivation import backprop
from ..emit.arb import ArbArray, KinkError
from ..emit.arb.field import ARB_FIELD, QQ_FIELD, can_equal, working_precision
from ..emit.numpy import compile_model
from ..models.chain import check_model
from ..ops.losses import Loss
from .faces import all_faces, face_names
from .limits import ROUTE_C_AUTO, ROUTE_C_MAX, estimate, float_bound, precision_bits, route_c_size
from .points import CheckPoint, Coverage, coverage, draw_point, kinked_stages
from .report import CheckReport, CheckRow, RouteSummary, block_scales, certified_digits, combine, midpoint, radius
from .routes import RouteResult, route_a, route_b, route_c

__all__ = ["check", "CheckReport", "CheckRow", "resolve_routes"]


def resolve_routes(routes, model) -> tuple[str, ...]:
    """``routes`` ("A,B,C", a sequence, or None for A, B and C when the model is small) checked."""
    if routes is None:
        return ("A", "B", "C") if route_c_size(model) <= ROUTE_C_AUTO else ("A", "B")
    names = routes.split(",") if isinstance(routes, str) else list(routes)
    names = [check_choice(str(n).strip().upper(), "route", ("A", "B", "C")) for n in names]
    if len(set(names)) < 2:
        raise ValueError(f"routes must name at least two different routes of A, B, C, got {routes!r}")
    if "C" in names and route_c_size(model) > ROUTE_C_MAX:
        raise ValueError(f"route C (sympy.diff of the expanded model) is refused for {model!r}: its size x "
                         f"parameters is {route_c_size(model)}, over {ROUTE_C_MAX} (minutes of SymPy); use A,B")
    return tuple(sorted(set(names)))


@dataclass
class _Found:
    """Everything the routes found, before the float implementations are compared with it."""

    results: list[RouteResult]
    prec: int
    failures: list[str]
    notes: list[str]


def _run_routes(derivation, point: CheckPoint, names: tuple[str, ...], prec: int, digits: int, progress,
                explicit: bool) -> _Found:
    failures: list[str] = []
    notes: list[str] = []
    wanted = [*face_names(derivation), *(name for _, name, _ in kinked_stages(derivation))]
    for _ in range(3):
        results = []
        try:
            a = route_a(derivation, point, prec, wanted)
            results.append(a)
            progress(f"route A: {a.seconds:.2f} s")
            if "B" in names:
                try:
                    results.append(route_b(derivation, point, prec, a.exact, progress))
                except NotImplementedError as exc:
                    (failures if explicit else notes).append(f"route B is not available for this model and "
                                                             f"loss ({exc})")
            if "C" in names:
                progress("route C: sympy.diff of the expanded model ...")
                results.append(route_c(derivation, point, prec, a.exact))
        except KinkError as exc:
            return _Found(results, prec, [f"a comparison at a kink could not be decided ({exc})"], notes)
        short = min((_fewest_digits(r) for r in results), default=digits)
        if short >= digits:
            break
        prec *= 2
        failures, notes = [], []
        progress(f"fewer than {digits} digits certified; again at {prec} bits")
    if len(results) < 2:
        failures.append("only one route could run: nothing independent to compare it with (use --routes A,C "
                        "on a small model)")
    return _Found(results, prec, failures, notes)


def _fewest_digits(result: RouteResult) -> float:
    return min((certified_digits(g) for g in result.grad), default=float("inf"))


def _float_gradient(fn: Callable, point: CheckPoint, n: int, what: str) -> tuple[float, np.ndarray, float]:
    """``fn``'s loss and gradient at the point (as floats), and its unit roundoff."""
    theta, X, Y = point.floats()
    out = fn(theta.copy(), X.copy(), Y.copy())
    if not isinstance(out, tuple | list) or len(out) != 2:
        raise TypeError(f"{what} must return (loss, grad), got {type(out).__name__}")
    loss, grad = out
    try:
        grad = np.asarray(grad)
        loss = float(np.asarray(loss))
    except (TypeError, ValueError, RuntimeError) as exc:
        raise TypeError(f"{what} must return a float loss and a gradient convertible to a NumPy array "
                        f"(detach tensors first): {exc}") from None
    if grad.shape != (n,) or grad.dtype.kind not in "fiu":
        raise ValueError(f"{what} returned a gradient of shape {grad.shape} and dtype {grad.dtype}; it must be "
                         f"a real array of shape ({n},) in model.params order")
    eps = float(np.finfo(grad.dtype).eps) / 2 if grad.dtype.kind == "f" else 2.0**-53
    return loss, grad.astype(np.float64), max(eps, 2.0**-53)


def _errors(values: np.ndarray, encl: list, layout, bound: float) -> tuple[np.ndarray, np.ndarray]:
    mids = np.array([midpoint(e) for e in encl])
    errors = np.abs(values - mids)
    errors[~np.isfinite(values)] = np.inf
    allowed = np.array([radius(e) for e in encl]) + bound * (np.abs(mids) + block_scales(layout, mids))
    return errors, allowed


def _direct_errors(results: list[RouteResult], encl: list) -> list[float | None]:
    """Route C's distance from the certified values (0.0 where its enclosure is consistent), or None."""
    route_c = [r for r in results if r.name == "C"]
    if not route_c:
        return [None] * len(encl)
    return [0.0 if can_equal(c, e) else abs(midpoint(c) - midpoint(e)) for c, e in zip(route_c[0].grad, encl)]


def _loss_failure(what: str, value: float, encl, bound: float) -> list[str]:
    error = abs(value - midpoint(encl))
    if error <= radius(encl) + bound * abs(midpoint(encl)) + 1e-300:
        return []
    return [f"{what}'s loss {value!r} is {error:.2e} from the certified {midpoint(encl)!r}"]


def _describe(rows: list[CheckRow], column: str, what: str) -> list[str]:
    bad = [r for r in rows if not getattr(r, f"{column}_ok")]
    if not bad:
        return []
    worst = max(bad, key=lambda r: getattr(r, f"{column}_error"))
    names = ", ".join(str(r.param) for r in bad[:8]) + (" ..." if len(bad) > 8 else "")
    return [f"{len(bad)} entries of {what} are outside their float bound ({names}); worst "
            f"{worst.param}: {getattr(worst, f'{column}_error'):.3e} off the certified {worst.value!r}"]


def check(model, loss: str | Loss = "mse", *, seed: int = 0, batch: int = 8, digits: int = 30,
          routes: str | None = None, against: Callable | None = None, order: int = 1,
          progress: Callable[[str], None] | None = None) -> CheckReport:
    """Certify the gradient at a point worth checking; compare compiled NumPy (and ``against``) with it.

    Parameters
    ==========

    model : any symmlp model
    loss : str or Loss
    seed : int
        Chooses the point (see :mod:`symmlp.verify.points`).
    batch : int
        Samples in the batch (the loss is their mean).
    digits : int
        Certified significant digits wanted; the precision is raised until every entry has them.
    routes : str, optional
        Which of ``"A"`` (reverse mode), ``"B"`` (forward mode), ``"C"`` (``sympy.diff``) to run,
        e.g. ``"A,B"``; by default A and B, and C when the model is small.
    against : callable, optional
        ``fn(theta, X, Y) -> (loss, grad)``: your own implementation (hand-written backprop, a torch
        or JAX model wrapped in a function), checked entry by entry.
    order : int
        2 also certifies the Hessian (``report.hessian``).
    progress : callable, optional
        Called with a line of text during long checks.

    Returns
    =======

    CheckReport
        ``.ok``, ``.rows`` (one per parameter), ``.failures``, ``.coverage`` and a readable ``str``.

    Examples
    ========

    >>> from symmlp import MLP, check
    >>> report = check(MLP([2, 3, 1], activation="relu"))
    >>> report.ok, len(report.rows), report.coverage.complete
    (True, 13, True)
    >>> print(report.coverage)
    layer 1 relu: 3/3 units on both sides of the kink, 0 pre-activations touching it
    8/8 gradient rows and 13/13 entries certified non-zero
    """
    t0 = time.perf_counter()
    check_model(model)
    seed, batch = check_int(seed, "seed", 0), check_int(batch, "batch", 1, 4096)
    digits, order = check_int(digits, "digits", 1, 1000), check_int(order, "order", 1, 2)
    if against is not None and not callable(against):
        raise TypeError(f"against must be a function (theta, X, Y) -> (loss, grad), got {against!r:.60}")
    derivation = backprop(model, loss)
    names = resolve_routes(routes, model)
    prec = precision_bits(digits, model)
    refusal = estimate(model, batch, names, prec, order).refusal()
    if refusal:
        raise ValueError(refusal)
    say = progress or (lambda _: None)
    point = draw_point(derivation, seed, batch)
    found = _run_routes(derivation, point, names, prec, digits, say, routes is not None)
    return _report(derivation, point, names, found, against, order, say, t0)


def _report(derivation, point, names, found: _Found, against, order, say, t0) -> CheckReport:
    model, failures, notes = derivation.model, list(found.failures), list(found.notes)
    results = found.results
    if not results:
        return CheckReport(model, derivation.loss.name, point, found.prec, (), (), None, Coverage((), 0, 0, 0, 0),
                           (), tuple(failures), against=against is not None, seconds=time.perf_counter() - t0)
    with working_precision(found.prec):  # intersections are rounded at the working precision
        combined = [combine([r.grad[i] for r in results]) for i in range(model.num_params)]
        loss_encl, loss_agree = combine([r.loss for r in results])
    if not loss_agree:
        failures.append("the routes' losses disagree")
    disagree = sum(1 for _, ok in combined if not ok)
    if disagree:
        failures.append(f"routes {'/'.join(r.name for r in results)} disagree on {disagree} gradient entries")
    encl = [e for e, _ in combined]
    a = results[0]
    field = QQ_FIELD if a.exact else ARB_FIELD
    faces = all_faces(derivation, a.values, ArbArray.from_values(point.Y, field), order)
    failures += [f"faces disagree: {f}" for f in faces if not f.ok]
    cov = coverage(derivation, a.values, np.array(encl, dtype=object))
    failures += cov.problems()
    say("comparing the compiled NumPy gradient")
    compiled = compile_model(model, derivation.loss)
    layout, bound = model.layout, float_bound(model, point.batch, 2.0**-53)
    np_loss, np_grad, _ = _float_gradient(compiled.loss_and_grad, point, model.num_params, "compiled NumPy")
    np_err, np_allowed = _errors(np_grad, encl, layout, bound)
    failures += _loss_failure("compiled NumPy", np_loss, loss_encl, bound)
    ag_err = ag_allowed = [None] * model.num_params
    if against is not None:
        ag_loss, ag_grad, eps = _float_gradient(against, point, model.num_params, "against")
        ag_bound = float_bound(model, point.batch, eps)
        ag_err, ag_allowed = _errors(ag_grad, encl, layout, ag_bound)
        failures += _loss_failure("against", ag_loss, loss_encl, ag_bound)
    direct = _direct_errors(results, encl)
    rows = [CheckRow(p, e, ok, float(np_err[i]), float(np_allowed[i]),
                     None if ag_err[i] is None else float(ag_err[i]),
                     None if ag_allowed[i] is None else float(ag_allowed[i]), direct[i])
            for i, (p, (e, ok)) in enumerate(zip(model.params, combined))]
    failures += _describe(rows, "numpy", "the compiled NumPy gradient")
    failures += _describe(rows, "against", "your gradient (against)")
    if not point.dyadic():
        notes.append("some targets are not dyadic: float code sees them rounded (within its bound)")
    hessian = None
    if order > 1:
        from .hessian import certified_hessian_check

        hessian = certified_hessian_check(derivation, point, found.prec, compiled, say)
        failures += hessian.failures
    summaries = tuple(RouteSummary(r.name, r.title, r.exact, r.seconds) for r in results)
    prec = None if all(r.exact for r in results) else found.prec
    return CheckReport(model, derivation.loss.name, point, prec, summaries, tuple(rows), loss_encl, cov,
                       tuple(faces), tuple(failures), tuple(notes), against is not None,
                       time.perf_counter() - t0, hessian)
