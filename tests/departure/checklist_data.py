"""Country packs and offered places for the checklists' tests, made directly in the database."""

from __future__ import annotations

from datetime import date
from typing import Any

from matcher.models import MemberStatus, Opportunity, Team, TeamBuild, TeamMember, User
from matcher.models.departure import CountryPack, CountryRule, RuleKind
from tests.support.factories import UserFactory

SOURCE = "https://example.org/council"


def rule(code: str, kind: str = RuleKind.OTHER, lead_days: int = 30, **fields: Any) -> dict[str, Any]:
    return {
        "code": code,
        "kind": kind,
        "title": fields.pop("title", code.replace("-", " ").capitalize()),
        "source_url": SOURCE,
        "source_date": date(2026, 1, 5),
        "lead_days": lead_days,
        **fields,
    }


def make_pack(users: UserFactory, country_code: str, rules: list[dict[str, Any]]) -> CountryPack:
    pack = CountryPack(country_code=country_code, reviewed_on=date(2026, 1, 5))
    pack.rules = [CountryRule(position=n, **fields) for n, fields in enumerate(rules)]
    users.session.add(pack)
    users.session.commit()
    return pack


def kenya_pack(users: UserFactory) -> CountryPack:
    """A licence for doctors and students only, yellow fever for everyone, optional insurance."""
    return make_pack(
        users,
        "KE",
        [
            rule(
                "kmpdc-temporary-licence",
                RuleKind.LICENCE,
                60,
                professions=["medical-student", "ir-physician"],
            ),
            rule("yellow-fever", RuleKind.IMMUNISATION, 21, needs_proof=True),
            rule("insurance", RuleKind.INSURANCE, 14, mandatory=False, needs_proof=False),
        ],
    )


def offered_member(users: UserFactory, volunteer: User, visit: Opportunity) -> TeamMember:
    """A confirmed team at `visit` that offers `volunteer` a place (no reply-by date)."""
    build = TeamBuild(name="Build")
    team = Team(visit_id=visit.id, build=build, status="confirmed")
    users.session.add_all([build, team])
    users.session.flush()
    member = TeamMember(team=team, build_id=build.id, user_id=volunteer.id, role="ir-physician")
    member.status = MemberStatus.OFFERED
    users.session.add(member)
    users.session.commit()
    return member
