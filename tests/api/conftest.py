"""API and page tests run on the embedded engine only.

The web layer parses, calls a service and renders; it does not depend on the engine,
and every service answer is already checked on both engines by the contract suite
(tests/contract). An API behaviour that does depend on the engine belongs there, where
``store`` (and so ``client``) runs on both.
"""

from __future__ import annotations

import pytest

from ..conftest import _clean_store


@pytest.fixture(params=["falkordb"])
def store(request):
    s = _clean_store(request, request.param)
    yield s
    s.clear()
    s.close()
