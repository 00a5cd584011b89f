"""Each activation's and each loss's faces, certified to agree at the very point checked.

Routes A (backward equations) and B (forward R-pass) share no chain-rule
assembly, but both read the same elementary derivatives: an activation's
``derivative_source`` and the loss's ``matrix_gradient``.  This module checks
those against independent faces, in the same balls, at every pre-activation
and every output of the batch:

- activation: ``source`` against the SymPy ``form``; ``derivative_source``
  against ``sympy.diff`` of the form and against the exact ``first``
  derivative (and for second order ``second_source`` against both);
- loss: the array code's ``L`` and ``∂L/∂A`` (``∂L/∂Z`` when fused) against the
  per-sample SymPy ``sample`` and its ``sympy.diff``, and against the loss's
  own exact ``gradient`` (and for second order its ``matrix_curvature`` against
  ``sympy.diff`` twice).

A broken face of either kind is caught whatever the size of the model.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import sympy as sp
from flint import fmpq

from ..derive.derivation import Derivation
from ..derive.equations import Var
from ..derive.grad import kink_convention
from ..emit.arb import ARB, FMPQ, ArbArray, KinkError, to_arb
from ..emit.arb.array import agreeing, as_array
from ..emit.arb.sympy_ball import lambdify_ball

__all__ = ["FaceCheck", "activation_faces", "loss_faces", "all_faces", "face_names"]


@dataclass(frozen=True)
class FaceCheck:
    """One comparison of two faces over a batch of values."""

    subject: str
    faces: str
    ok: bool
    detail: str = ""

    def __str__(self) -> str:
        return f"{self.subject}: {self.faces}: {'agree' if self.ok else 'DISAGREE'}" + (
            f" ({self.detail})" if self.detail else "")


def _agree(x, y) -> tuple[bool, str]:
    """Whether every pair of entries can be equal (balls overlap, rationals equal)."""
    a, b, _ = x.aligned(y)
    ok = agreeing(a, b)
    if ok.all():
        return True, ""
    where = np.argwhere(~np.broadcast_to(ok, np.broadcast_shapes(a.shape, b.shape)))[0]
    p, q = np.broadcast_to(a, ok.shape)[tuple(where)], np.broadcast_to(b, ok.shape)[tuple(where)]
    return False, f"{int((~ok).sum())} entries differ, e.g. {_short(p)} vs {_short(q)}"


def _short(v) -> str:
    return str(v) if isinstance(v, fmpq) else to_arb(v).str(8)


def face_names(derivation: Derivation) -> list[str]:
    """The intermediates the faces read: each activation's input and output, the output, logits."""
    names = [derivation.output.code, derivation.logits.code]
    for stage, x in zip(derivation.model.stages, derivation.inputs):
        if stage.activation is not None and not stage.activation.is_identity:
            names += [x.code, stage.out.code]
    return list(dict.fromkeys(names))


def _backend(values: dict):
    field = next(iter(values.values())).field
    return FMPQ if field.exact else ARB


def _template(code: str, backend, helpers: dict, **arrays) -> ArbArray:
    namespace = {**backend.namespace(), **helpers, **arrays}
    value = eval(compile(code, "<symmlp-face>", "eval"), namespace)  # a face's own template, as compiled code runs it
    return as_array(value, backend.field)


def activation_faces(derivation: Derivation, values: dict, order: int = 1) -> list[FaceCheck]:
    """The faces of every activation of the model at its pre-activations ``values``."""
    backend, out, seen = _backend(values), [], set()
    z = sp.Symbol("z", real=True)
    for stage, x in zip(derivation.model.stages, derivation.inputs):
        s = stage.activation
        if s is None or s.is_identity:
            continue
        Z, A = values[x.code], values[stage.out.code]
        helpers = s.helpers(backend)
        pairs = [("σ", s.source, s(z), "form"),
                 ("σ′", s.derivative_source, kink_convention(sp.diff(s(z), z)), "sympy.diff of form"),
                 ("σ′", s.derivative_source, s.derivative(z), "first")]
        if order > 1 and not s.kinks:
            pairs += [("σ″", s.second_source, sp.diff(s(z), z, 2), "sympy.diff of form, twice"),
                      ("σ″", s.second_source, s.second_derivative(z), "second")]
        for what, template, expr, face in pairs:
            key = (s.name, what, face)
            code = _template(template.format(z="Z", a="A"), backend, helpers, Z=Z, A=A)
            exact = lambdify_ball([z], expr, backend)(Z)
            ok, detail = _agree(code, as_array(exact, backend.field))
            if key in seen and ok:
                continue
            seen.add(key)
            out.append(FaceCheck(f"activation {s.name} (layer {stage.layer})",
                                 f"{what}: code template vs {face}", ok, detail))
    return out


def _loss_symbols(derivation: Derivation):
    m = derivation.model.n_outputs
    yhat = [sp.Symbol(f"yhat{k}", real=True) for k in range(m)]
    y = [sp.Symbol(f"y{k}", real=True) for k in range(m)]
    same = derivation.logits.code == derivation.output.code
    z = yhat if same else [sp.Symbol(f"z{k}", real=True) for k in range(m)]
    return yhat, y, z


def _array_code(derivation: Derivation, values: dict, Y: ArbArray, backend, direction: ArbArray | None) -> dict:
    """The loss's own array code run on the batch's outputs: ``loss``, ``G`` (its gradient) and, given
    a direction ``R`` (of the outputs, or the logits when fused), ``HR`` (its curvature times ``R``)."""
    loss, out_var, z_var = derivation.loss, derivation.output, derivation.logits
    code = f"{loss.matrix_loss(out_var, z_var).code}\nG = {loss.matrix_gradient(out_var, z_var).code}"
    if direction is not None:
        r = Var("Rdir", "R", "R", derivation.model.n_outputs)
        code += f"\nHR = {loss.matrix_curvature(out_var, z_var, r).code}"
    namespace = {**backend.namespace(), out_var.code: values[out_var.code], z_var.code: values[z_var.code],
                 "Y": Y, "B": Y.shape[0], "Rdir": direction}
    exec(compile(code, "<symmlp-loss-face>", "exec"), namespace)  # the loss's own array code
    return namespace


def _direction(B: int, m: int, field) -> ArbArray:
    """A fixed direction of dyadic entries, none of them 0."""
    return ArbArray.from_values([[((b + 2 * k) % 5 - 2 or 3) / 4 for k in range(m)] for b in range(B)], field)


def loss_faces(derivation: Derivation, values: dict, Y: ArbArray, order: int = 1) -> list[FaceCheck]:
    """The loss's array code against its per-sample SymPy faces, at the batch's outputs (for
    ``order=2`` also its curvature ``matrix_curvature`` along a fixed direction)."""
    loss, backend = derivation.loss, _backend(values)
    B, m = Y.shape
    R = _direction(B, m, backend.field) if order > 1 else None
    namespace = _array_code(derivation, values, Y, backend, R)
    yhat, y, z = _loss_symbols(derivation)
    fused = loss.fused and derivation.ends_in_activation
    outputs, wrt = ([derivation.model.output_activation(v) for v in z], z) if fused else (yhat, yhat)
    sample = loss.sample(outputs, y, z)
    args = [*yhat, *y, *(z if z is not yhat else [])]
    columns = [values[derivation.output.code][:, k] for k in range(m)] + [Y[:, k] for k in range(m)]
    if z is not yhat:
        columns += [values[derivation.logits.code][:, k] for k in range(m)]
    ones = backend.np.ones_like(columns[0])

    def per_sample(exprs: list) -> list[ArbArray]:
        return [backend.np.asarray(c) * ones for c in lambdify_ball(args, exprs, backend)(*columns)]

    def as_matrix(cols: list[ArbArray]) -> ArbArray:
        return backend.np.concatenate([c.reshape(B, 1) for c in cols], axis=1) / B

    subject, of = f"loss {loss.name}", "Z" if fused else "A"
    ok, detail = _agree(namespace["loss"], backend.np.sum(per_sample([sample])[0]) / B)
    checks = [FaceCheck(subject, "L: array code vs mean of the SymPy sample", ok, detail)]
    for face, exprs in {"sympy.diff of sample": [kink_convention(sp.diff(sample, v)) for v in wrt],
                        "the loss's exact gradient": loss.gradient(outputs, y, z)}.items():
        ok, detail = _agree(namespace["G"], as_matrix(per_sample(exprs)))
        checks.append(FaceCheck(subject, f"∂L/∂{of}: array code vs {face}", ok, detail))
    if R is not None:
        second = per_sample([kink_convention(sp.diff(sample, a, b)) for a in wrt for b in wrt])
        HR = [sum((second[j * m + k] * R[:, k] for k in range(m)), start=0 * ones) for j in range(m)]
        ok, detail = _agree(namespace["HR"], as_matrix(HR))
        checks.append(FaceCheck(subject, f"curvature along R{{{of}}}: array code vs sympy.diff twice", ok, detail))
    return checks


def all_faces(derivation: Derivation, values: dict, Y: ArbArray, order: int = 1) -> list[FaceCheck]:
    """:func:`activation_faces` and :func:`loss_faces`; an undecidable comparison is a failed face."""
    try:
        return [*activation_faces(derivation, values, order), *loss_faces(derivation, values, Y, order)]
    except KinkError as exc:
        return [FaceCheck("faces", "evaluation", False, f"undecided at a kink: {exc}")]
