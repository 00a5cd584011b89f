"""The JAX emitter against jax.grad of the exact formula; jit, vmap, float32; the three backends
agree; training on one and on two JAX devices gives the same loss curve."""

import json
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest
from autodiff_reference import CASES, data, exact_forward, plain_loss, relative_error, user_activations, wrong_tanh

from symmlp import MLP, compile, train

jax = pytest.importorskip("jax")
jax.config.update("jax_enable_x64", True)
jnp = jax.numpy

TOL = 1e-12


def jax_reference(model, loss, theta, X, Y):
    """jax.value_and_grad of a plain loss of the exact formula, lambdified for JAX."""
    forward = exact_forward(model, "jax", lambda cols: jnp.stack([jnp.broadcast_to(c, X.shape[:1]) for c in cols], 1))

    def plain(t):
        out, logits = forward(t, jnp.asarray(X))
        return plain_loss(loss, jnp, out, logits, jnp.asarray(Y))

    return jax.jit(jax.value_and_grad(plain))(jnp.asarray(theta))


def assert_matches_jax_grad(compiled, theta, X, Y):
    value, grad = compiled.loss_and_grad(theta, X, Y)
    ref_value, ref_grad = jax_reference(compiled.model, compiled.loss.name, theta, X, Y)
    assert abs(float(value) - float(ref_value)) <= TOL * max(1.0, abs(float(ref_value)))
    assert relative_error(grad, ref_grad) <= TOL, relative_error(grad, ref_grad)


@pytest.mark.parametrize("factory, loss", CASES)
def test_gradient_equals_jax_grad_of_the_exact_formula(factory, loss):
    with user_activations():
        model = factory()
        theta, X, Y = data(model, loss)
        compiled = compile(model, loss, backend="jax")
        assert_matches_jax_grad(compiled, theta, X, Y)
        assert np.asarray(compiled.loss_and_grad(theta, X, Y)[1]).dtype == np.float64


def test_a_broken_derivative_is_caught():
    with wrong_tanh() as model:
        theta, X, Y = data(model, "mse")
        with pytest.raises(AssertionError):
            assert_matches_jax_grad(compile(model, backend="jax"), theta, X, Y)


@pytest.mark.parametrize("factory, loss", CASES)
def test_three_backends_agree(factory, loss):
    torch = pytest.importorskip("torch")
    with user_activations():
        model = factory()
        theta, X, Y = data(model, loss, batch=9, seed=1)
        ref_value, ref_grad = compile(model, loss).loss_and_grad(theta, X, Y)
        j_value, j_grad = compile(model, loss, backend="jax").loss_and_grad(theta, X, Y)
        t_value, t_grad = compile(model, loss, backend="torch").loss_and_grad(
            *(torch.from_numpy(a) for a in (theta, X, Y)))
        for value, grad in ((j_value, j_grad), (t_value, t_grad)):
            assert abs(float(value) - ref_value) <= TOL * max(1.0, abs(ref_value))
            assert relative_error(np.asarray(grad), ref_grad) <= TOL
        outputs = [np.asarray(compile(model, loss, backend=b).forward(theta, X)) for b in ("numpy", "jax")]
        np.testing.assert_allclose(outputs[1], outputs[0], rtol=TOL, atol=TOL)


def test_jit_vmap_and_float32():
    model = MLP([3, 6, 2], activation="tanh")
    f = compile(model, backend="jax")
    theta, X, Y = data(model, "mse", batch=16)
    eager = f.functions["loss_and_grad"](jnp.asarray(theta), jnp.asarray(X), jnp.asarray(Y))
    jitted = jax.jit(f.loss_and_grad)(theta, X, Y)
    np.testing.assert_allclose(jitted[1], eager[1], rtol=1e-13, atol=1e-15)
    thetas = np.stack([theta, 2 * theta, -theta])
    batched = jax.vmap(f.loss_and_grad, in_axes=(0, None, None))(thetas, X, Y)[1]
    for row, t in zip(np.asarray(batched), thetas):
        np.testing.assert_allclose(row, f.loss_and_grad(t, X, Y)[1], rtol=1e-12, atol=1e-15)
    value32, grad32 = f.loss_and_grad(*(a.astype(np.float32) for a in (theta, X, Y)))
    assert grad32.dtype == np.float32 and value32.dtype == np.float32
    np.testing.assert_allclose(grad32, eager[1], rtol=1e-4, atol=1e-5)


def test_shapes_are_checked_with_clear_errors():
    f = compile(MLP([2, 3, 1]), backend="jax")
    with pytest.raises(ValueError, match=r"theta must have shape \(13,\)"):
        f.forward(np.zeros(12), np.zeros((4, 2)))
    with pytest.raises(ValueError, match=r"X must have shape \(batch, 2\)"):
        f.forward(np.zeros(13), np.zeros((4, 3)))
    with pytest.raises(ValueError, match=r"Y must have shape \(4, 1\)"):
        f.loss_and_grad(np.zeros(13), np.zeros((4, 2)), np.zeros(4))


_TRAINING = textwrap.dedent("""
    import json, jax
    jax.config.update("jax_enable_x64", True)
    import numpy as np
    from symmlp import MLP, train
    from symmlp.training.jax_loop import data_devices
    rng = np.random.default_rng(0)
    X = rng.normal(size=(256, 3))
    Y = np.sin(X[:, :1]) * X[:, 1:2]
    model = MLP([3, 16, 16, 1], activation="tanh")
    runs = {}
    for batch, momentum in ((64, 0.9), (None, 0.0)):
        options = dict(lr=0.05, steps=40, batch_size=batch, momentum=momentum, seed=3)
        runs[f"jax-{batch}"] = train(model, X, Y, backend="jax", **options).losses.tolist()
        runs[f"numpy-{batch}"] = train(model, X, Y, **options).losses.tolist()
    runs["devices"] = len(data_devices(64, jax.devices()))
    print(json.dumps(runs))
""")


def _train_on(devices: int) -> dict:
    env = {**os.environ, "XLA_FLAGS": f"--xla_force_host_platform_device_count={devices}"}
    out = subprocess.run([sys.executable, "-c", _TRAINING], env=env, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    return json.loads(out.stdout.splitlines()[-1])


@pytest.mark.slow
def test_two_devices_give_the_one_device_loss_curve():
    one, two = _train_on(1), _train_on(2)
    assert (one["devices"], two["devices"]) == (1, 2)
    for key in ("jax-64", "jax-None"):
        a, b, numpy_curve = np.array(one[key]), np.array(two[key]), np.array(one[key.replace("jax", "numpy")])
        assert a.size == b.size == 40 and a[-1] < a[0]
        np.testing.assert_allclose(b, a, rtol=1e-10, atol=0)
        np.testing.assert_allclose(a, numpy_curve, rtol=1e-10, atol=0)


def test_training_results_follow_the_numpy_loop():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(60, 2))
    Y = X[:, :1] * X[:, 1:]
    model = MLP([2, 8, 1])
    seen = []
    result = train(model, X, Y, lr=0.1, steps=30, batch_size=20, momentum=0.5, backend="jax",
                   callback=lambda k, value, theta: seen.append((k, value, theta.shape)))
    reference = train(model, X, Y, lr=0.1, steps=30, batch_size=20, momentum=0.5)
    np.testing.assert_allclose(result.losses, reference.losses, rtol=1e-12)
    np.testing.assert_allclose(result.theta, reference.theta, rtol=1e-12, atol=1e-14)
    assert result.theta.dtype == np.float64 and len(seen) == 30 and seen[0][2] == (model.num_params,)


def test_jax_training_diverges_like_the_numpy_loop():
    from symmlp import Polynomial, TrainingDiverged

    X = np.linspace(-1, 1, 5).reshape(-1, 1)
    errors = []
    for backend in ("numpy", "jax"):
        with pytest.raises(TrainingDiverged) as info:
            train(Polynomial(1, 1), X, 2 * X, lr=1e3, steps=50, backend=backend)
        errors.append(info.value)
    assert str(errors[1]) == str(errors[0])
    scale = np.abs(errors[0].last_theta).max()
    np.testing.assert_allclose(errors[1].last_theta, errors[0].last_theta, rtol=1e-12, atol=1e-12 * scale)


def test_a_batch_the_devices_do_not_divide_warns():
    from symmlp.training.jax_loop import data_devices

    with pytest.warns(UserWarning, match="split over 1 of the 2 devices"):
        assert data_devices(33, ["d0", "d1"]) == ["d0"]
    with pytest.raises(ValueError, match="backend must be one of numpy, jax"):
        train(MLP([1, 1]), [[0.0]], [[0.0]], backend="torch")


def test_the_benchmark_baseline_computes_the_emitter_s_gradient():
    from symmlp.bench.backends import jax_autodiff_mlp

    model = MLP([4, 32, 32, 1], activation="tanh")
    theta, X, Y = data(model, "mse", batch=17)
    value, grad = jax_autodiff_mlp(model.widths)(jnp.asarray(theta), jnp.asarray(X), jnp.asarray(Y))
    ref_value, ref_grad = compile(model).loss_and_grad(theta, X, Y)
    assert abs(float(value) - ref_value) <= 1e-13 * ref_value
    assert relative_error(grad, ref_grad) <= TOL
