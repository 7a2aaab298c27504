"""The volunteer directory: who may see it, who is listed (only those who chose it), its filters."""

from __future__ import annotations

import itertools
import re
from dataclasses import replace

import pytest

from matcher.extensions import db
from matcher.models import Membership, MembershipRole, Role
from matcher.services import directory
from tests.support.teaching import volunteer

CARD = re.compile(r'<li class="card volunteer">\s*<h2 class="card-title">([^<]+)</h2>')


def names_on(page: str) -> list[str]:
    return CARD.findall(page)


@pytest.fixture
def crowd(users):
    """Listed volunteers of several professions, and people who must never be listed."""
    people = {
        "listed_physician": volunteer(
            users,
            name="Listed Physician",
            teaches=("pph-embolisation", "nephrostomy"),
            months=(3, 4),
            remote=True,
        ),
        "listed_nurse": volunteer(
            users,
            profession="ir-nurse",
            name="Listed Nurse",
            teaches=("ir-nursing-care",),
            assists=("pph-embolisation",),
            instructs=(("fr", "professional"), ("en", "conversational")),
            months=(9,),
        ),
        "listed_trainee": volunteer(
            users,
            profession="ir-trainee",
            name="Listed Trainee",
            teaches=(),
            assists=("nephrostomy",),
            instructs=(("pt", "professional"),),
            months=(4, 10),
            remote=True,
        ),
        # Same skills as the physician, but not listed: never shown, whatever the filters.
        "hidden_physician": volunteer(
            users,
            name="Hidden Physician",
            listed=False,
            teaches=("pph-embolisation", "nephrostomy"),
            months=(3, 4),
            remote=True,
        ),
        # Listed once, but no longer offers to teach.
        "former_volunteer": volunteer(
            users,
            name="Former Volunteer",
            volunteers=False,
            teaches=("pph-embolisation",),
            months=(3, 4),
            remote=True,
        ),
    }
    return people


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get("/volunteers")
    assert response.status_code == 302 and "/login?next=" in response.headers["Location"]


@pytest.mark.parametrize("role", ["coordinator", "admin"])
def test_coordinators_see_the_directory(auth, client, crowd, role):
    auth.login(role)
    page = client.get("/volunteers").get_data(as_text=True)
    assert sorted(names_on(page)) == ["Listed Nurse", "Listed Physician", "Listed Trainee"]


def test_a_member_of_a_verified_host_sees_the_directory(auth, client, users, crowd):
    auth.login_as(users.create(Role.ORG_MEMBER, organisation=users.organisation(verified=True)))
    response = client.get("/volunteers")
    assert response.status_code == 200
    assert "Listed Physician" in names_on(response.get_data(as_text=True))


def test_a_member_of_an_unverified_organisation_is_refused(auth, client, users, crowd):
    auth.login_as(users.create(Role.ORG_MEMBER, organisation=users.organisation(verified=False)))
    response = client.get("/volunteers")
    assert response.status_code == 403
    assert "Listed Physician" not in response.get_data(as_text=True)


def test_a_member_whose_membership_is_not_approved_is_refused(auth, client, users, crowd):
    member = users.create(Role.ORG_MEMBER, organisation=users.organisation(verified=False))
    db.session.add(Membership(user=member, organisation=users.organisation(), role=MembershipRole.MEMBER))
    db.session.commit()
    auth.login_as(member)
    assert client.get("/volunteers").status_code == 403


@pytest.mark.parametrize("role", ["student", "trainee", "professional"])
def test_applicants_and_volunteers_are_refused(auth, client, crowd, role):
    auth.login(role)
    assert client.get("/volunteers").status_code == 403
    assert client.get(f"/volunteers/{crowd['listed_physician'].id}/invite").status_code == 403


# Each filter's values: none, one the hidden physician matches, one he does not (the pages apart).
FILTERS = {
    "profession": ["", "ir-physician", "ir-nurse"],
    "procedure": ["", "pph-embolisation", "ir-nursing-care"],
    "skill": ["", "teach", "assist"],
    "language": ["", "en", "fr"],
    "month": ["", "3", "9"],
    "remote": ["", "y"],
}
PAGES = ["1", "2", "99"]


def test_unlisted_volunteers_never_appear_whatever_the_filters_or_page(app, users, crowd):
    """Every combination of the filters' values, and each of its pages (one volunteer a page)."""
    coordinator = users.create("coordinator")
    hidden = {crowd["hidden_physician"].id, crowd["former_volunteer"].id}
    combinations, shown = 0, set()
    for values in itertools.product(*FILTERS.values()):
        chosen = dict(zip(FILTERS, values, strict=True))
        filters = directory.DirectoryFilters(
            profession=chosen["profession"] or None,
            procedure=chosen["procedure"] or None,
            skill=chosen["skill"] or None,
            language=chosen["language"] or None,
            month=int(chosen["month"]) if chosen["month"] else None,
            remote=bool(chosen["remote"]),
        )
        first = directory.search(db.session, coordinator, filters, per_page=1)
        shown |= {p.user_id for p in first.items}
        assert not shown & hidden, chosen
        for number in range(2, first.pages + 1):
            page = directory.search(db.session, coordinator, replace(filters, page=number), per_page=1)
            ids = {p.user_id for p in page.items}
            assert not ids & hidden, (chosen, number)
            shown |= ids
        combinations += 1
    assert combinations == 3 * 3 * 3 * 3 * 3 * 2
    assert shown == {crowd[k].id for k in ("listed_physician", "listed_nurse", "listed_trainee")}


@pytest.mark.parametrize(
    ("name", "value"), [(k, v) for k, values in {**FILTERS, "page": PAGES}.items() for v in values if v]
)
def test_unlisted_volunteers_never_appear_on_the_page_with_any_filter(auth, client, crowd, name, value):
    auth.login("coordinator")
    hidden_physician_filters = {"procedure": "pph-embolisation", "month": "3", "remote": "y"}
    for query in ({name: value}, {**hidden_physician_filters, name: value}):
        response = client.get("/volunteers", query_string=query)
        page = response.get_data(as_text=True)
        assert response.status_code == 200, query
        assert "Hidden Physician" not in page and "Former Volunteer" not in page, query


def test_the_service_lists_only_listed_volunteers_on_every_page(app, users, crowd):
    coordinator = users.create("coordinator")
    seen = []
    for number in (1, 2, 3):
        page = directory.search(db.session, coordinator, directory.DirectoryFilters(page=number), per_page=1)
        seen.extend(p.user.name for p in page.items)
        assert page.total == 3 and page.pages == 3
    assert sorted(seen) == ["Listed Nurse", "Listed Physician", "Listed Trainee"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"profession": "ir-nurse"}, ["Listed Nurse"]),
        ({"procedure": "pph-embolisation"}, ["Listed Nurse", "Listed Physician"]),
        ({"procedure": "pph-embolisation", "skill": "teach"}, ["Listed Physician"]),
        ({"procedure": "pph-embolisation", "skill": "assist"}, ["Listed Nurse"]),
        ({"procedure": "nephrostomy", "skill": "assist"}, ["Listed Trainee"]),
        ({"language": "fr"}, ["Listed Nurse"]),
        ({"language": "en"}, ["Listed Nurse", "Listed Physician"]),
        ({"month": "4"}, ["Listed Physician", "Listed Trainee"]),
        ({"month": "9"}, ["Listed Nurse"]),
        ({"remote": "y"}, ["Listed Physician", "Listed Trainee"]),
        ({"remote": "y", "language": "pt"}, ["Listed Trainee"]),
        ({"month": "12"}, []),
    ],
)
def test_filters(auth, client, crowd, query, expected):
    auth.login("coordinator")
    page = client.get("/volunteers", query_string=query).get_data(as_text=True)
    assert names_on(page) == expected


def test_a_filter_that_is_not_understood_is_said_and_ignored(auth, client, crowd):
    auth.login("coordinator")
    response = client.get("/volunteers", query_string={"month": "13", "profession": "ir-nurse"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Some filters were not understood and were ignored" in page
    assert names_on(page) == ["Listed Nurse"]


def test_a_card_shows_the_teaching_profile_but_never_the_email_address(auth, client, users):
    from datetime import date, timedelta

    physician = volunteer(
        users,
        name="Dr Card",
        teaches=("pph-embolisation",),
        assists=("nephrostomy",),
        instructs=(("en", "professional"), ("fr", "conversational")),
        months=(3, 9),
        weeks=6,
        remote=True,
        licences=(("KE", date.today() + timedelta(days=300)), ("TZ", date.today() - timedelta(days=3))),
    )
    physician.timezone = "Africa/Nairobi"
    db.session.commit()
    auth.login("coordinator")
    page = client.get("/volunteers").get_data(as_text=True)
    card = page[page.index("Dr Card") :]
    card = card[: card.index("</li>\n") if "</li>\n" in card else len(card)]
    assert physician.email not in page
    for words in (
        "IR physician",
        "Post-partum haemorrhage embolisation",
        "Percutaneous nephrostomy",
        "English (professional)",
        "French (conversational)",
        "March and September",
        "Africa/Nairobi",
        "Kenya",
        "valid until",
        "Tanzania",
        "expired",
    ):
        assert words in page, words
    assert ">6<" in page.replace("</dd>", "<").replace("<dd>", ">")


def test_the_directory_pages_its_results(auth, client, users):
    for n in range(23):
        volunteer(users, name=f"Volunteer {n:02d}")
    auth.login("coordinator")
    first = client.get("/volunteers").get_data(as_text=True)
    second = client.get("/volunteers", query_string={"page": 2}).get_data(as_text=True)
    assert len(names_on(first)) == 20 and len(names_on(second)) == 3
    assert not set(names_on(first)) & set(names_on(second))
    assert "Page 1 of 2" in first and 'rel="next"' in first
