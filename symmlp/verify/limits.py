"""What a check costs, known before it starts, and the tolerances of float code.

:func:`estimate` predicts a check's time and memory from the model's shape
(the routes' work is a count of ball operations and matrix entries, measured
on this machine's python-flint at the default precision), so a check that
would take minutes is refused with a message saying what it would need,
instead of being started.  :func:`float_bound` is the relative error a float
implementation of the gradient is allowed.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

__all__ = ["CheckCost", "estimate", "float_bound", "precision_bits", "directions_per_evaluation", "MAX_SECONDS",
           "MAX_BYTES", "ROUTE_C_AUTO", "ROUTE_C_MAX", "STACK_ENTRIES"]

MAX_SECONDS = 120.0
MAX_BYTES = 2 * 2**30

#: route C (sympy.diff) runs by default below this many expanded nodes times parameters...
ROUTE_C_AUTO = 10_000
#: ...and is refused above this many (it grows quadratically and SymPy takes minutes)
ROUTE_C_MAX = 5_000_000

_SECONDS_PER_ENTRY = 8e-8  # one ball operation on a stacked entry (object arrays of arb)
_SECONDS_PER_PRODUCT = 2e-9  # one multiply-add inside arb_mat at ~200 bits
_SECONDS_PER_C_NODE = 2.2e-5  # sympy.diff + lambdify, per expanded node per parameter
_SECONDS_PER_EQUATION = 1.7e-5  # the fixed cost of one equation of one stacked evaluation (deep narrow nets)
#: stacked entries (directions x batch x width) a block of directions may hold at once
STACK_ENTRIES = 2**19
_BYTES_PER_ENTRY = 120


@dataclass(frozen=True)
class CheckCost:
    """Predicted seconds and peak bytes of a check, with the part that dominates."""

    seconds: float
    bytes: int
    detail: str
    memory_detail: str = ""

    def refusal(self) -> str | None:
        """Why the check should not start, or None."""
        if self.seconds > MAX_SECONDS:
            return (f"the check would take about {self.seconds:.0f} s ({self.detail}), over the "
                    f"{MAX_SECONDS:.0f} s limit: use fewer --routes, a smaller --batch or a narrower net")
        if self.bytes > MAX_BYTES:
            return (f"the check would need about {self.bytes / 2**30:.1f} GiB ({self.memory_detail}), over the "
                    f"{MAX_BYTES / 2**30:.0f} GiB limit: use order 1, a smaller --batch or a narrower net")
        return None


def _per_stage(model) -> list[tuple[int, int, int]]:
    """``(n_in, n_out, has parameters)`` of each stage."""
    return [(s.n_in, s.n_out, int(s.num_params > 0)) for s in model.stages]


def _route_a(model, batch: int) -> float:
    work = sum(batch * (n_out * 4 + has * n_in * n_out * 2) for n_in, n_out, has in _per_stage(model))
    return work * _SECONDS_PER_ENTRY / 4 + 0.005


def directions_per_evaluation(model, batch: int) -> int:
    """How many basis directions one stacked evaluation of route B takes (bounded memory)."""
    widest = max(s.n_out for s in model.stages)
    return max(1, STACK_ENTRIES // (batch * widest))


def _route_b(model, batch: int, prec: int) -> tuple[float, int]:
    """Each direction of a block entering at stage ``s`` runs the stages from ``s`` on; every stacked
    evaluation also pays a fixed cost per equation of the program, which dominates deep narrow nets."""
    stages, seconds = _per_stage(model), 0.0
    per = directions_per_evaluation(model, batch)
    evaluations = sum(-(-block.size // per) for block in model.layout)
    for block in model.layout:
        rest = stages[block.stage:]
        entries = sum(batch * n_out for _, n_out, _ in rest) * 4
        products = sum(batch * n_in * n_out for n_in, n_out, has in rest[1:] if has)
        seconds += block.size * (entries * _SECONDS_PER_ENTRY + products * _SECONDS_PER_PRODUCT)
    overhead = evaluations * (4 * len(stages) + 4) * _SECONDS_PER_EQUATION * max(1.0, prec / 400) ** 0.5
    widest = max(n_out for _, n_out, _ in stages)
    memory = STACK_ENTRIES * 4 * _BYTES_PER_ENTRY + batch * widest * 1000
    return seconds * max(1.0, prec / 200) + overhead + 0.01, memory


def route_c_size(model) -> int:
    """The work of route C: expanded nodes of the output times parameters."""
    return model.expanded_size() * model.num_params


def estimate(model, batch: int, routes: tuple[str, ...], prec: int = 200, order: int = 1) -> CheckCost:
    """The predicted cost of :func:`symmlp.check` with these routes.

    Examples
    ========

    >>> from symmlp import MLP
    >>> from symmlp.verify.limits import estimate
    >>> estimate(MLP([2, 3, 1]), 8, ("A", "B")).refusal() is None
    True
    >>> print(estimate(MLP([64, 512, 512, 512, 1]), 64, ("A", "B")).refusal())  # doctest: +ELLIPSIS
    the check would take about ... s (route B, forward mode over 559105 directions), over the 120 s limit: ...
    """
    parts = {"route A": (_route_a(model, batch), 0)}
    if "B" in routes or order > 1:
        seconds, memory = _route_b(model, batch, prec)
        parts[f"route B, forward mode over {model.num_params} directions"] = (seconds * (3 if order > 1 else 1),
                                                                              memory)
    if "C" in routes:
        parts["route C, sympy.diff"] = (route_c_size(model) * _SECONDS_PER_C_NODE, 0)
    if order > 1:
        n = model.num_params
        parts[f"the {n} x {n} Hessian's balls"] = (0.0, n * n * 200)
    seconds = sum(s for s, _ in parts.values())
    memory = max(m for _, m in parts.values()) + 100 * 2**20
    return CheckCost(seconds, memory, max(parts, key=lambda k: parts[k][0]), max(parts, key=lambda k: parts[k][1]))


def precision_bits(digits: int, model) -> int:
    """Working precision for ``digits`` certified digits: the digits, plus guard bits for the depth."""
    return int(math.ceil(digits * math.log2(10))) + 32 + 8 * len(model.stages)


def float_bound(model, batch: int, eps: float) -> float:
    """The relative error allowed a float gradient: ``4 N eps`` with ``N`` the longest chain of
    roundings (every term of the affine sums along the depth, the batch sum, the loss), measured
    against the entry's magnitude plus its block's largest (cancellation in the batch sum).

    An a-priori bound of the usual ``gamma_N`` kind, not itself certified.

    Examples
    ========

    >>> from symmlp import MLP
    >>> from symmlp.verify.limits import float_bound
    >>> float_bound(MLP([2, 3, 1]), 8, 2.0**-53) < 1e-13
    True
    """
    chain = sum(n_in + 4 for n_in, _, _ in _per_stage(model)) + batch + 16
    return 4 * chain * eps
