"""Fixtures of the web tests: the East Africa world of the match-round pages, and bystanders."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.factories import UserFactory
from tests.support.rounds import RoundBuilder, east_africa


@pytest.fixture
def world(users: UserFactory) -> dict[str, Any]:
    """Two electives in East Africa and four students who applied to them in different orders."""
    return east_africa(users)


@pytest.fixture
def bystanders(users: UserFactory) -> dict[str, Any]:
    """Another open round holding a place outside Africa: no East Africa step may touch it."""
    builder = RoundBuilder(users.session)
    kathmandu = users.opportunity(title="Kathmandu teaching visit", country_code="NP", capacity=3)
    other_round = builder.round("South Asia 2027")
    approved = builder.match(
        builder.run(other_round), users.create(role="trainee"), kathmandu, status="approved"
    )
    return {"opportunity": kathmandu, "round": other_round, "approved": approved}
