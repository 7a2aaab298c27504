"""What a session remembers to save statements: reference data, and who may act for an organisation."""

from __future__ import annotations

from weakref import WeakKeyDictionary

from matcher.db import utcnow
from matcher.extensions import db
from matcher.models import Country, Membership, MembershipRole
from matcher.reference.sync import sync_reference_data
from matcher.services import reference
from matcher.services.permissions import can_act_for
from tests.support.querycount import counting_queries


def test_reference_data_is_read_once_per_process_and_version_and_survives_a_commit(app, monkeypatch):
    # A process that has read nothing yet: the app (so its engine) is shared with earlier tests.
    monkeypatch.setattr(reference, "_shared", WeakKeyDictionary())
    session = db.session
    with counting_queries() as first:
        countries, levels, interests = (
            reference.countries(session),
            reference.levels(session),
            reference.interests(session),
        )
    session.commit()
    with counting_queries() as again:
        assert reference.countries(session) is countries and reference.levels(session) is levels
        assert reference.interests(session) is interests
        assert "Eastern Africa" in reference.regions(session)["Africa"]
        assert reference.country_by_code(session)["TZ"].subregion == "Eastern Africa"
    reference.forget(session)  # as a new request's session: only the version is read
    with counting_queries() as next_request:
        assert reference.countries(session) is countries and reference.interests(session) is interests
    # The version, then the three tables; nothing more in the same session; the version alone after.
    assert (first.count, again.count, next_request.count) == (4, 0, 1)
    assert [lv.rank for lv in levels] == sorted(lv.rank for lv in levels)


def test_a_change_to_reference_data_is_seen_at_once_and_undone_by_a_rollback(app):
    session = db.session
    before = reference.countries(session)
    session.get(Country, "TZ").name = "Tanzania, renamed"
    session.flush()  # the flush gives the reference data a new version
    assert reference.country_by_code(session)["TZ"].name == "Tanzania, renamed"
    sync_reference_data(session)  # puts the shipped name back
    assert reference.country_by_code(session)["TZ"] == next(c for c in before if c.iso2 == "TZ")
    session.get(Country, "TZ").name = "Tanzania, rolled back"
    session.flush()
    assert reference.country_by_code(session)["TZ"].name == "Tanzania, rolled back"
    session.rollback()
    assert reference.country_by_code(session)["TZ"] == next(c for c in before if c.iso2 == "TZ")


def test_who_may_act_for_an_organisation_is_asked_once_until_the_next_flush(app, users):
    organisation = users.organisation()
    outsider = users.create("org_member")
    session = db.session
    assert outsider.role and organisation.id  # loaded again after the factories' commits
    with counting_queries() as log:
        assert not can_act_for(session, outsider, organisation)
        assert not can_act_for(session, outsider, organisation)
    assert log.count == 1
    session.add(
        Membership(user=outsider, organisation=organisation, role=MembershipRole.MEMBER, approved_at=utcnow())
    )
    session.flush()  # the new membership counts at once
    assert can_act_for(session, outsider, organisation)
    session.rollback()  # and no longer once rolled back
    assert not can_act_for(session, outsider, organisation)
