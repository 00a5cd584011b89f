"""Models in and out of PyTorch and JAX: ``from_torch``/``to_torch``, ``from_jax``/``to_jax``."""
