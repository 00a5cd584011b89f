"""Second order by Pearlmutter's R-operator: Hessian-vector products in matrix and index form.

For a direction ``V`` laid out like ``theta`` (blocks ``V_W1``, ``V_b1``, ...),
``R{f} = d/dt f(theta + t V)`` at ``t = 0``.  Applied to the derivation:

- the **forward R-pass** ``R{Z1} = V_W1 A0 + V_b1 1ᵀ``, ``R{A1} = sigma'(Z1) ⊙ R{Z1}``, ...
  (each stage owns its part) gives ``J V``, the output's directional derivative;
- the **backward R-pass** ``R{Δ} = R{G} ⊙ sigma'(Z) + G ⊙ sigma''(Z) ⊙ R{Z}``,
  ``R{∂L/∂W} = R{Δ} Aᵀ + Δ R{A}ᵀ``, ``R{G} = V_Wᵀ Δ + Wᵀ R{Δ}`` gives ``H V``;
- the **Gauss–Newton product** ``Jᵀ H_loss J V`` runs the ordinary backward pass on
  the loss curvature ``H_loss R{output}``: positive semi-definite for every loss here.

:class:`SecondOrder` holds the three as named equations (text, LaTeX, code); the
index form (:meth:`SecondOrder.index`) gives the exact Hessian one column at a time.
"""

from __future__ import annotations

from functools import cached_property, lru_cache

import sympy as sp

from ..models.symbols import indexed
from .derivation import Derivation
from .equations import IndexEquation, MatrixEquation, Term, Var

__all__ = ["SecondOrder", "second_order"]


def _r(v: Var) -> Var:
    return Var(f"R{v.code}", f"R{{{v.text}}}", rf"\mathcal{{R}}\{{{v.tex}\}}", v.rows)


class SecondOrder:
    """The R-operator applied to a :class:`~symmlp.derive.derivation.Derivation`.

    Attributes
    ==========

    derivation
    rforward : tuple of MatrixEquation
        The forward R-pass.
    rloss : MatrixEquation
        ``R{L}``, the loss's directional derivative (forward mode).
    hvp_backward, gn_backward : tuple of MatrixEquation
        The backward passes of ``H V`` and of the Gauss–Newton product.

    Examples
    ========

    >>> from symmlp import MLP, backprop
    >>> from symmlp.derive.second_order import second_order
    >>> so = second_order(backprop(MLP([2, 3, 1], activation="tanh")))
    >>> print("\\n".join(map(str, so.rforward)))
    R{Z1} = V_W1 A0 + V_b1 1ᵀ
    R{A1} = tanh′(Z1) ⊙ R{Z1}
    R{Z2} = V_W2 A1 + W2 R{A1} + V_b2 1ᵀ
    R{A2} = R{Z2}
    >>> for e in so.hvp_backward[:6]:
    ...     print(e)
    ∂L/∂A2 = (A2 − Y) / B
    Δ2 = ∂L/∂A2
    R{Δ2} = R{A2} / B
    R{∂L/∂W2} = R{Δ2} A1ᵀ + Δ2 R{A1}ᵀ
    R{∂L/∂b2} = R{Δ2} 1
    ∂L/∂A1 = W2ᵀ Δ2
    >>> print(so.hvp_backward[7])
    R{Δ1} = (V_W2ᵀ Δ2 + W2ᵀ R{Δ2}) ⊙ tanh′(Z1) + ∂L/∂A1 ⊙ tanh″(Z1) ⊙ R{Z1}
    """

    def __init__(self, derivation: Derivation) -> None:
        self.derivation = d = derivation
        eqs, rx, r_inputs = [], None, []
        for stage, x in zip(d.model.stages, d.inputs):
            r_inputs.append(rx)
            e, rx = stage.rforward(x, rx)
            eqs += e
        self.rforward = tuple(eqs)
        self.r_inputs = tuple(r_inputs)
        self.r_output = rx
        fused_head = d.loss.fused and d.ends_in_activation
        self.r_loss_arg = r_inputs[-1] if fused_head else rx
        layer = d.model.stages[-1].layer
        g = d.loss.matrix_gradient(d.output, d.logits)
        r = self.r_loss_arg
        self.rloss = MatrixEquation("rloss", layer, "R{L}", f"1ᵀ ({g.text}) ⊙ {r.text} 1",
                                    r"\mathcal{R}\{L\}", rf"\mathbf{{1}}^\top \left({g.tex}\right) \odot {r.tex}"
                                    r" \mathbf{1}", f"RL = np.sum(({g.code}) * {r.code})", "scalar")
        self._fused_head, self._layer = fused_head, layer

    @cached_property
    def curvature(self) -> Term:
        """``H_loss R{output}`` (``R{logits}`` for a fused loss); NotImplementedError for a loss without it."""
        d = self.derivation
        return d.loss.matrix_curvature(d.output, d.logits, self.r_loss_arg)

    @cached_property
    def hvp_backward(self) -> tuple[MatrixEquation, ...]:
        return tuple(self._hvp_backward())

    @cached_property
    def gn_backward(self) -> tuple[MatrixEquation, ...]:
        return tuple(self.derivation.backward_equations(self.curvature))

    def _hvp_backward(self) -> list[MatrixEquation]:
        d, rg, eqs, layer = self.derivation, self.curvature, [], self._layer
        g = d.loss.matrix_gradient(d.output, d.logits)
        if self._fused_head:
            D = d.output_delta()
            eqs += [MatrixEquation.assign("delta", layer, D, g), MatrixEquation.assign("rdelta", layer, _r(D), rg)]
            g, rg = D.term(), _r(D).term()
        for k in reversed(d.backward_stages()):
            stage, x, rx = d.model.stages[k], d.inputs[k], self.r_inputs[k]
            if g.var is None and not g.atomic:  # used twice below: compute it once
                out = stage.out
                G = Var(f"G{out.code}", f"∂L/∂{out.text}", rf"\frac{{\partial L}}{{\partial {out.tex}}}", out.rows)
                eqs.append(MatrixEquation.assign("delta", stage.layer, G, g))
                g = G.term()
            back, g_in = stage.backward(g, x, need_input=k > 0)
            eqs += [e for e in back if e.kind != "gradient"]
            r_back, rg = stage.rbackward(g, rg, x, rx, need_input=k > 0)
            eqs += r_back
            g = g_in
        return eqs

    # ------------------------------------------------------------------- index form
    @cached_property
    def directions(self) -> dict[str, sp.Matrix]:
        """The direction's symbols, block by block: ``v_W1_1_1``, ... named after the parameters."""
        model = self.derivation.model
        out = {}
        for block in model.layout:
            syms = model.block_symbols(block.name)
            out[block.name] = syms.applyfunc(lambda s: sp.Symbol(f"v_{s.name}"))
        return out

    def direction_symbols(self) -> tuple[sp.Symbol, ...]:
        """The direction's symbols in ``model.params`` order."""
        return tuple(s for block in self.derivation.model.layout for s in self.directions[block.name])

    @cached_property
    def index(self) -> tuple[IndexEquation, ...]:
        """The R-passes for one sample, after :attr:`Derivation.index` (whose symbols they use):
        forward R (``rpre``, ``ract``), ``rdelta`` and ``hvp`` (``R{dl/dθ}``, lhs the parameter)."""
        d, v = self.derivation, self.directions
        model, stages, ins = d.model, d.model.stages, d.index_inputs
        a = d.index_output
        eqs, ra, r_ins = [], None, []
        for stage, x in zip(stages, ins):
            r_ins.append(ra)
            e, ra = stage.index_rforward(x, ra, v)
            eqs += e
        y = list(model.targets)
        logits = ins[-1] if d.ends_in_activation else a
        fused_head = d.loss.fused and d.ends_in_activation
        r = r_ins[-1] if fused_head else ra
        rg = d.loss.curvature(a, y, logits, r)
        if fused_head:
            rd = [indexed("rdelta", stages[-1].layer, i) for i in range(1, len(rg) + 1)]
            eqs += [IndexEquation("rdelta", s, e) for s, e in zip(rd, rg)]
            rg = rd
        for k in reversed(d.backward_stages()):
            back, rg = stages[k].index_rbackward(d.index_pending[k], rg, ins[k], r_ins[k], v, need_input=k > 0)
            eqs += back
        return tuple(eqs)


@lru_cache(maxsize=128)
def second_order(derivation: Derivation) -> SecondOrder:
    """The R-operator equations of ``derivation`` (see :class:`SecondOrder`), built once per derivation."""
    return SecondOrder(derivation)
