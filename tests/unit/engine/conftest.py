"""Fixtures for the engine's unit tests: no app, no database."""

from __future__ import annotations

import pytest

from matcher.engine._backend import compiled_available

BACKENDS = [
    "python",
    pytest.param("compiled", marks=pytest.mark.skipif(not compiled_available(), reason="numba")),
]


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    """Each allocation test runs on both back-ends, which must agree."""
    return request.param
