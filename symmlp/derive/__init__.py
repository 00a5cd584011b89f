"""The derivation: matrix and index form by the chain rule, gradients, second order."""
