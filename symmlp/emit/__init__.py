"""Emitters: the derivation as array code (NumPy, JAX, PyTorch), ball arithmetic and LaTeX."""
