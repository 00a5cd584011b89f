"""The PyTorch emitter against torch.autograd of the exact formula; dtypes, devices, no autograd."""

import numpy as np
import pytest
from autodiff_reference import CASES, data, exact_forward, plain_loss, relative_error, user_activations, wrong_tanh

from symmlp import MLP, compile

torch = pytest.importorskip("torch")

TOL = 1e-12


def torch_reference(model, loss, theta, X, Y):
    """torch.autograd through a plain loss of the exact formula, lambdified for torch."""
    batch = X.shape[0]
    forward = exact_forward(model, "torch",
                            lambda cols: torch.stack([torch.as_tensor(c).expand(batch) for c in cols], 1))
    t = torch.tensor(theta, requires_grad=True)
    out, logits = forward(t, torch.from_numpy(X))
    value = plain_loss(loss, torch, out, logits, torch.from_numpy(Y))
    (grad,) = torch.autograd.grad(value, t)
    return value.detach(), grad


def assert_matches_autograd(compiled, theta, X, Y):
    value, grad = compiled.loss_and_grad(*(torch.from_numpy(a) for a in (theta, X, Y)))
    ref_value, ref_grad = torch_reference(compiled.model, compiled.loss.name, theta, X, Y)
    assert abs(float(value) - float(ref_value)) <= TOL * max(1.0, abs(float(ref_value)))
    assert relative_error(grad.numpy(), ref_grad.numpy()) <= TOL, relative_error(grad.numpy(), ref_grad.numpy())


@pytest.mark.parametrize("factory, loss", CASES)
def test_gradient_equals_autograd_of_the_exact_formula(factory, loss):
    with user_activations():
        model = factory()
        theta, X, Y = data(model, loss, seed=2)
        assert_matches_autograd(compile(model, loss, backend="torch"), theta, X, Y)


def test_a_broken_derivative_is_caught():
    with wrong_tanh() as model:
        theta, X, Y = data(model, "mse")
        with pytest.raises(AssertionError):
            assert_matches_autograd(compile(model, backend="torch"), theta, X, Y)


def test_float32_stays_float32_and_no_graph_is_built():
    model = MLP([3, 5, 2], activation="softplus")
    f = compile(model, "logcosh", backend="torch")
    theta, X, Y = data(model, "logcosh", batch=11)
    t32 = torch.tensor(theta, dtype=torch.float32, requires_grad=True)
    value, grad = f.loss_and_grad(t32, torch.tensor(X, dtype=torch.float32), torch.tensor(Y, dtype=torch.float32))
    assert grad.dtype == torch.float32 and not grad.requires_grad and value.grad_fn is None
    reference = f.loss_and_grad(*(torch.from_numpy(a) for a in (theta, X, Y)))[1].numpy()
    np.testing.assert_allclose(grad.numpy(), reference, rtol=1e-4, atol=1e-5)
    out = f.forward(t32, torch.tensor(X, dtype=torch.float32))
    assert out.shape == (11, 2) and out.dtype == torch.float32


def test_tensors_of_mixed_dtypes_are_refused():
    f = compile(MLP([2, 3, 1]), backend="torch")
    with pytest.raises(TypeError, match="tensors must share theta's dtype and device"):
        f.forward(torch.zeros(13, dtype=torch.float64), torch.zeros(4, 2, dtype=torch.float32))
    with pytest.raises(ValueError, match=r"theta must have shape \(13,\)"):
        f.loss_and_grad(torch.zeros(12), torch.zeros(4, 2), torch.zeros(4, 1))


@pytest.mark.skipif(not torch.cuda.is_available(), reason="no CUDA device here")
def test_runs_on_the_device_of_the_tensors():
    model = MLP([3, 4, 1])
    theta, X, Y = data(model, "mse")
    f = compile(model, backend="torch")
    value, grad = f.loss_and_grad(*(torch.from_numpy(a).cuda() for a in (theta, X, Y)))
    assert grad.is_cuda
    np.testing.assert_allclose(grad.cpu().numpy(), compile(model).loss_and_grad(theta, X, Y)[1], rtol=1e-12)


def test_the_numpy_names_map_to_torch():
    from symmlp.emit.torch import NumPyOnTorch

    np_ = NumPyOnTorch(torch)
    x = torch.tensor([[1.0, -2.0], [3.0, 0.5]], dtype=torch.float64)
    a = x.numpy()
    pairs = [
        (np_.sum(x), np.sum(a)), (np_.sum(x, axis=0), np.sum(a, axis=0)),
        (np_.sum(x, axis=1, keepdims=True), np.sum(a, axis=1, keepdims=True)),
        (np_.max(x, axis=1, keepdims=True), np.max(a, axis=1, keepdims=True)),
        (np_.maximum(x, 0.0), np.maximum(a, 0.0)), (np_.maximum(0.0, x), np.maximum(0.0, a)),
        (np_.minimum(x, 1.0), np.minimum(a, 1.0)), (np_.maximum(x, x.T), np.maximum(a, a.T)),
        (np_.where(x > 0, x, 0.0), np.where(a > 0, a, 0.0)), (np_.clip(x, -1.0, 1.0), np.clip(a, -1.0, 1.0)),
        (np_.log1p(np_.exp(-np_.abs(x))), np.log1p(np.exp(-np.abs(a)))), (np_.tanh(x), np.tanh(a)),
        (np_.concatenate([x.ravel(), x[:, 0]]), np.concatenate([a.ravel(), a[:, 0]])),
    ]
    for got, want in pairs:
        np.testing.assert_array_equal(np.asarray(got), want)
    assert np_.log(2.0) == np.log(2.0)


def test_the_benchmark_baseline_computes_the_emitter_s_gradient():
    from symmlp.bench.backends import torch_autograd_mlp

    model = MLP([4, 32, 32, 1], activation="tanh")
    theta, X, Y = data(model, "mse", batch=17)
    value, grad = torch_autograd_mlp(model.widths)(*(torch.from_numpy(a) for a in (theta, X, Y)))
    ref_value, ref_grad = compile(model).loss_and_grad(theta, X, Y)
    assert abs(float(value) - ref_value) <= 1e-13 * ref_value
    assert relative_error(grad.numpy(), ref_grad) <= TOL
