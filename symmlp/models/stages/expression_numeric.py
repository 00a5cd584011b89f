"""The functions an expression stage's generated code calls, for one array backend.

Each is written against the backend primitives (``columns``, ``ones_column``,
``concat_columns``, ``np.sum``) around functions that ``sympy.lambdify(cse=True)``
compiles from the stage's expressions and derivatives.  A lambdified function
returns one value per expression: a ``(B, 1)`` column, or a scalar where the
expression does not depend on the inputs; multiplying by a column of ones
makes every value a column.  Functions are compiled on their first call, so
the second-order ones cost nothing until a Hessian-vector product is asked for.
"""

from __future__ import annotations

from collections.abc import Callable

__all__ = ["expression_helpers"]


def _lazy(build: Callable[[], Callable]) -> Callable:
    """A function compiled on its first call."""
    cell: list[Callable] = []

    def call(*args):
        if not cell:
            cell.append(build())
        return cell[0](*args)

    return call


def _arguments(backend, n_in: int, n_par: int, X, theta, V=None, RX=None) -> list:
    """The lambdified functions' arguments: input columns, parameters, then (for the tangent)
    the direction and ``R{a}`` (zeros when the stage's input does not move)."""
    col = backend.columns
    xs = [col(X, [i]) for i in range(n_in)]
    ts = [theta[j] for j in range(n_par)]
    if V is None:
        return [*xs, *ts]
    rs = [col(RX, [i]) for i in range(n_in)] if RX is not None else [0.0] * n_in
    return [*xs, *ts, *(V[j] for j in range(n_par)), *rs]


def expression_helpers(stage, backend) -> dict:
    """``expr<l>``, ``expr<l>_grad``, ``expr<l>_grad_input``, ``expr<l>_tangent``, ``expr<l>_hvp`` and
    ``expr<l>_hvp_input`` of ``stage`` written for ``backend``."""
    calc, col, cat = stage.calculus, backend.columns, backend.concat_columns  # columns: (B, 1) values
    n_in, n_out, n_par = stage.n_in, stage.n_out, len(stage.params)
    v_syms, r_syms = (lambda: calc.directions[0]), (lambda: calc.directions[1])
    values = _lazy(lambda: calc.numeric(stage.exprs, backend))
    first = _lazy(lambda: calc.numeric([d for row in calc.D for d in row], backend))
    first_x = _lazy(lambda: calc.numeric([d for row in calc.J for d in row], backend))
    tangent = _lazy(lambda: calc.numeric(calc.tangent, backend, [*v_syms(), *r_syms()]))
    second = _lazy(lambda: calc.numeric([d for row in calc.second[0] for d in row], backend,
                                        [*v_syms(), *r_syms()]))
    second_x = _lazy(lambda: calc.numeric([d for row in calc.second[1] for d in row], backend,
                                          [*v_syms(), *r_syms()]))

    def args(X, theta, V=None, RX=None):
        return _arguments(backend, n_in, n_par, X, theta, V, RX)

    def columns(X, flat, rows, width):
        ones = backend.ones_column(X)
        return [[ones * flat[r * width + c] for c in range(width)] for r in range(rows)]

    def weighted(G, blocks):
        """``sum_o G[:, o] * blocks[o][c]`` for each column ``c``, side by side."""
        total = None
        for o in range(n_out):
            term = col(G, [o]) * cat(blocks[o])
            total = term if total is None else total + term
        return total

    def forward(X, theta):
        ones = backend.ones_column(X)
        return cat([ones * v for v in values(*args(X, theta))])

    def grad(G, X, theta):
        blocks = columns(X, first(*args(X, theta)), n_out, n_par)
        return backend.np.sum(weighted(G, blocks), axis=0)

    def grad_input(G, X, theta):
        return weighted(G, columns(X, first_x(*args(X, theta)), n_out, n_in))

    def tangent_fn(X, theta, V, RX):
        ones = backend.ones_column(X)
        return cat([ones * v for v in tangent(*args(X, theta, V, RX))])

    def hvp(G, RG, X, theta, V, RX):
        plain = columns(X, first(*args(X, theta)), n_out, n_par)
        moved = columns(X, second(*args(X, theta, V, RX)), n_out, n_par)
        return backend.np.sum(weighted(RG, plain) + weighted(G, moved), axis=0)

    def hvp_input(G, RG, X, theta, V, RX):
        plain = columns(X, first_x(*args(X, theta)), n_out, n_in)
        moved = columns(X, second_x(*args(X, theta, V, RX)), n_out, n_in)
        return weighted(RG, plain) + weighted(G, moved)

    p = stage.prefix
    return {p: forward, f"{p}_grad": grad, f"{p}_grad_input": grad_input, f"{p}_tangent": tangent_fn,
            f"{p}_hvp": hvp, f"{p}_hvp_input": hvp_input}
