"""Doctests of a module needing an optional extra (its ``REQUIRES_EXTRA``) skip, visibly, where it is absent."""

import pytest

from symmlp.core.extras import available


def pytest_collection_modifyitems(config, items):
    for item in items:
        dtest = getattr(item, "dtest", None)
        extra = dtest.globs.get("REQUIRES_EXTRA") if dtest is not None else None
        if extra and not available(extra):
            item.add_marker(pytest.mark.skip(reason=f'needs the {extra} extra: pip install "symmlp[{extra}]"'))
