"""Models in and out of PyTorch and JAX: exact formulas equal the modules' outputs, round trips keep
theta exactly, unsupported modules are named; without the extras symmlp still works."""

import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest
import sympy as sp

from symmlp import MLP, Polynomial, check, compile, from_jax, from_torch, serial, to_jax, to_torch
from symmlp.interop.layers import DenseLayer, model_of_layers
from symmlp.models.stages import Affine, Elementwise

TOL = 1e-12


def assert_exact_formula_matches(model, theta, module_forward, inputs):
    """The exact output with ``theta`` put in, at 30 digits, against ``module_forward`` in float64."""
    for x in inputs:
        exact = np.array([float(sp.N(v, 30)) for v in model.subs(list(theta), list(x))])
        got = np.asarray(module_forward(np.asarray(x)[None, :]), dtype=np.float64)[0]
        np.testing.assert_allclose(got, exact, rtol=TOL, atol=TOL)


def _torch_nets():
    nn = pytest.importorskip("torch").nn
    return [
        nn.Sequential(nn.Linear(3, 5), nn.Tanh(), nn.Linear(5, 4), nn.ReLU(), nn.Linear(4, 2), nn.Sigmoid()),
        nn.Sequential(nn.Linear(2, 4), nn.Softplus(), nn.Identity(), nn.Linear(4, 1)),
        nn.Sequential(nn.Linear(2, 3, bias=False), nn.Tanh(), nn.Linear(3, 1)),
        nn.Sequential(nn.Linear(2, 3), nn.Linear(3, 2), nn.ReLU(inplace=True)),
    ]


@pytest.mark.parametrize("index", range(4))
def test_from_torch_exact_formula_equals_the_module(index):
    torch = pytest.importorskip("torch")
    torch.manual_seed(index)
    net = _torch_nets()[index].double()
    model, theta = from_torch(net)
    inputs = np.random.default_rng(index).uniform(-2, 2, size=(3, model.n_inputs))
    with torch.no_grad():
        assert_exact_formula_matches(model, theta, lambda x: net(torch.from_numpy(x)).numpy(), inputs)
    back = to_torch(model, theta)
    with torch.no_grad():
        x = torch.from_numpy(inputs)
        assert torch.equal(back(x), net(x))


def test_a_perturbed_weight_or_a_transposed_layout_is_caught():
    torch = pytest.importorskip("torch")
    net = torch.nn.Sequential(torch.nn.Linear(3, 3), torch.nn.Tanh(), torch.nn.Linear(3, 1)).double()
    model, theta = from_torch(net)
    inputs = np.random.default_rng(0).uniform(-1, 1, size=(2, 3))

    def forward(x):
        with torch.no_grad():
            return net(torch.from_numpy(x)).numpy()

    off = theta.copy()
    off[4] += 1e-9
    with pytest.raises(AssertionError):
        assert_exact_formula_matches(model, off, forward, inputs)
    W1, b1 = (p.detach().numpy() for p in net[0].parameters())
    W2, b2 = (p.detach().numpy() for p in net[2].parameters())
    transposed, t_theta = model_of_layers([DenseLayer(W1.T, b1, "tanh"), DenseLayer(W2, b2)])
    with pytest.raises(AssertionError):
        assert_exact_formula_matches(transposed, t_theta, forward, inputs)


def test_round_trips_keep_theta_exactly():
    torch = pytest.importorskip("torch")
    torch.manual_seed(0)
    for net in _torch_nets():  # float32 modules: their values are exact in float64
        model, theta = from_torch(net)
        again = to_torch(model, theta)
        for a, b in zip(net.parameters(), again.parameters()):
            assert b.dtype == torch.float64 and torch.equal(a.detach().double(), b.detach())
        model2, theta2 = from_torch(again)
        assert model2 == model and np.array_equal(theta2, theta)
    model = serial(Affine(2, 3, 1, bias=False), Elementwise(3, 1, "softplus"), Affine(3, 2, 2),
                   Elementwise(2, 2, "identity"))
    theta = np.random.default_rng(1).normal(size=model.num_params)
    back, theta_back = from_torch(to_torch(model, theta))
    assert back == model and np.array_equal(theta_back, theta)
    assert to_torch(model, theta, dtype=torch.float32)[0].weight.dtype == torch.float32


def test_a_trained_torch_mlp_round_trips_with_its_exact_formula_and_a_checked_gradient():
    torch = pytest.importorskip("torch")
    torch.manual_seed(0)
    net = torch.nn.Sequential(torch.nn.Linear(1, 6), torch.nn.Tanh(), torch.nn.Linear(6, 1))
    x = torch.linspace(-2, 2, 64).reshape(-1, 1)
    y = torch.sin(2 * x)
    optimizer = torch.optim.Adam(net.parameters(), lr=0.02)
    for _ in range(300):
        optimizer.zero_grad()
        loss = 0.5 * ((net(x) - y) ** 2).sum(1).mean()
        loss.backward()
        optimizer.step()
    assert loss.item() < 0.05
    model, theta = from_torch(net)
    formula = model.subs(list(theta))[0]
    assert formula.free_symbols == set(model.inputs) and str(formula).count("tanh") == 6
    net64 = net.double()
    with torch.no_grad():
        assert_exact_formula_matches(model, theta, lambda v: net64(torch.from_numpy(v)).numpy(), [[-1.5], [0.3]])
    assert check(model).ok
    X, Y = x.double(), y.double()
    net64.zero_grad()
    (0.5 * ((net64(X) - Y) ** 2).sum(1).mean()).backward()
    autograd = np.concatenate([p.grad.numpy().ravel() for p in net64.parameters()])
    _, grad = compile(model).loss_and_grad(theta, X.numpy(), Y.numpy())
    np.testing.assert_allclose(grad, autograd, rtol=1e-10, atol=1e-13)


def test_unsupported_modules_are_named_with_what_is_supported():
    torch = pytest.importorskip("torch")
    nn = torch.nn
    supported = "Linear, ReLU, Tanh, Sigmoid, Softplus and Identity"
    for net, named in [(nn.Sequential(nn.Linear(2, 3), nn.GELU()), "module 1 is GELU"),
                       (nn.Sequential(nn.Linear(2, 3), nn.Dropout(0.1), nn.Linear(3, 1)), "module 1 is Dropout"),
                       (nn.Sequential(nn.Sequential(nn.Linear(2, 1))), "module 0 is Sequential")]:
        with pytest.raises(ValueError, match=named) as info:
            from_torch(net)
        assert supported in str(info.value)
    with pytest.raises(ValueError, match="module 0 .* follows nothing"):
        from_torch(nn.Sequential(nn.Tanh(), nn.Linear(2, 1)))
    with pytest.raises(ValueError, match="follows another activation"):
        from_torch(nn.Sequential(nn.Linear(2, 1), nn.Tanh(), nn.Tanh()))
    with pytest.raises(ValueError, match="beta=1 only"):
        from_torch(nn.Sequential(nn.Linear(2, 1), nn.Softplus(beta=2)))
    with pytest.raises(TypeError, match="needs a torch.nn.Sequential, got Linear"):
        from_torch(nn.Linear(2, 1))
    with pytest.raises(ValueError, match="stage 0 of Polynomial.* is Monomials"):
        to_torch(Polynomial(2, 2), np.zeros(6))
    with pytest.raises(ValueError, match=r"theta must be a real array of shape \(13,\)"):
        to_torch(MLP([2, 3, 1]), np.zeros(12))


def test_jax_pairs_match_a_plain_jax_forward_and_round_trip():
    jax = pytest.importorskip("jax")
    jax.config.update("jax_enable_x64", True)
    jnp = jax.numpy
    model = MLP([3, 4, 2], activation="relu", output_activation="tanh")
    theta = np.random.default_rng(3).normal(size=model.num_params)
    X = np.random.default_rng(4).normal(size=(5, 3))
    expected = compile(model).forward(theta, X)
    a = jnp.asarray(X)
    (W1, b1), (W2, b2) = to_jax(model, theta)
    plain = jnp.tanh(jnp.dot(jax.nn.relu(jnp.dot(a, W1.T) + b1), W2.T) + b2)
    np.testing.assert_allclose(plain, expected, rtol=TOL, atol=TOL)
    (K1, c1), (K2, c2) = to_jax(model, theta, kernel="in_out")
    stax = jnp.tanh(jax.nn.relu(a @ K1 + c1) @ K2 + c2)
    np.testing.assert_allclose(stax, expected, rtol=TOL, atol=TOL)
    for kernel in ("out_in", "in_out"):
        back, theta_back = from_jax(to_jax(model, theta, kernel), "relu", "tanh", kernel=kernel)
        assert back == model and np.array_equal(theta_back, theta)
    with pytest.raises(ValueError, match="layer 1 .* has no bias"):
        to_jax(serial(Affine(2, 1, 1, bias=False)), np.zeros(2))


def test_from_jax_checks_its_pairs():
    with pytest.raises(ValueError, match=r"params\[1\] must hold W of shape \(n_out, n_in\)"):
        from_jax([(np.ones((3, 2)), np.ones(3)), (np.ones((1, 3)), np.ones(2))])
    with pytest.raises(ValueError, match="layer 2 takes 4 inputs but layer 1 gives 3"):
        from_jax([(np.ones((3, 2)), np.ones(3)), (np.ones((1, 4)), np.ones(1))])
    with pytest.raises(ValueError, match="activation must be one of identity, relu"):
        from_jax([(np.ones((3, 2)), np.ones(3)), (np.ones((1, 3)), np.ones(1))], activation="gelu")
    with pytest.raises(ValueError, match="activation names 2 hidden layers but params has 1"):
        from_jax([(np.ones((3, 2)), np.ones(3)), (np.ones((1, 3)), np.ones(1))], activation=["relu", "tanh"])
    with pytest.raises(TypeError, match="non-empty list of"):
        from_jax([])


_WITHOUT_EXTRAS = textwrap.dedent("""
    import sys
    import numpy as np
    import symmlp
    from symmlp import MLP, compile, train, from_torch, to_torch, to_jax
    assert not [m for m in sys.modules if m.split(".")[0] in ("jax", "torch") and sys.modules[m] is not None]
    model = MLP([2, 3, 1])
    assert compile(model).loss_and_grad(np.zeros(13), np.ones((2, 2)), np.ones((2, 1)))[0] == 0.5
    X = np.ones((4, 2))
    calls = [lambda: compile(model, backend="jax"), lambda: compile(model, backend="torch"),
             lambda: from_torch(None), lambda: to_torch(model, np.zeros(13)), lambda: to_jax(model, np.zeros(13)),
             lambda: train(model, X, X[:, :1], steps=2, backend="jax")]
    for call in calls:
        try:
            call()
        except ImportError as exc:
            print(exc)
""")


def test_symmlp_works_without_the_extras_and_says_how_to_install_them(tmp_path):
    (tmp_path / "sitecustomize.py").write_text('import sys\nsys.modules["jax"] = None\nsys.modules["torch"] = None\n')
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tmp_path), os.environ.get("PYTHONPATH", "")])}
    out = subprocess.run([sys.executable, "-c", _WITHOUT_EXTRAS], env=env, capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    lines = out.stdout.splitlines()
    assert lines == [
        "backend='jax' needs jax, which is not installed: pip install \"symmlp[jax]\"",
        "backend='torch' needs torch, which is not installed: pip install \"symmlp[torch]\"",
        "from_torch needs torch, which is not installed: pip install \"symmlp[torch]\"",
        "to_torch needs torch, which is not installed: pip install \"symmlp[torch]\"",
        "to_jax needs jax, which is not installed: pip install \"symmlp[jax]\"",
        "train(..., backend='jax') needs jax, which is not installed: pip install \"symmlp[jax]\"",
    ]
