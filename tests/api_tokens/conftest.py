"""Fixtures of the API token tests: two organisations, a member of each, and a way to make tokens."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest

from matcher.extensions import db
from matcher.models import Organisation, User
from matcher.services import api_tokens

TOKEN = re.compile(r'value="(irm_[A-Za-z0-9_-]{43})"')


@dataclass
class Partners:
    road: Organisation
    rad: Organisation
    member: User  # acts for Road2IR
    other: User  # acts for RAD-AID

    def token(self, scope: str = "write", organisation: Organisation | None = None) -> str:
        """A token made through the service, for Road2IR unless told otherwise; the secret."""
        organisation = organisation or self.road
        actor = self.member if organisation is self.road else self.other
        made = api_tokens.create(db.session, actor, organisation, f"{scope} key", scope)
        db.session.commit()
        return made.secret


@pytest.fixture
def partners(users) -> Partners:
    road = users.organisation(name="Road2IR", slug="road2ir")
    rad = users.organisation(name="RAD-AID", slug="rad-aid")
    return Partners(
        road=road,
        rad=rad,
        member=users.create(role="org_member", organisation=road),
        other=users.create(role="org_member", organisation=rad),
    )


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}
