"""Verification: the numbers checked against the exact ones by independent routes.

- :mod:`~symmlp.verify.check`: :func:`~symmlp.verify.check.check`, the certified gradient and the
  ``against`` oracle;
- :mod:`~symmlp.verify.routes`: routes A (reverse mode), B (forward mode), C (``sympy.diff``) in balls;
- :mod:`~symmlp.verify.points`: points worth checking, and their certified coverage;
- :mod:`~symmlp.verify.faces`: each activation's and loss's faces against each other;
- :mod:`~symmlp.verify.report`: :class:`~symmlp.verify.report.CheckReport`;
- :mod:`~symmlp.verify.limits`: time and memory known before a check starts, float tolerances;
- :mod:`~symmlp.verify.hessian`: certified Hessians; :mod:`~symmlp.verify.second_order`: the
  second-order routes against each other in floats.
"""
