"""Teaching fit: each rule alone (one change from a volunteer who fits), coverage, the weeks budget
counted from accepted teaching placements, and the rules worded to the volunteer."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest

from matcher import fit_words
from matcher.extensions import db
from matcher.services import teaching_fit
from tests.support.teaching import profile_of, site, teaching_request, volunteer

TODAY = date(2026, 12, 2)


@pytest.fixture
def request_(users):
    """Two weeks in March or April 2027 at a Tanzanian site, in English, for an IR physician or trainee."""
    organisation = users.organisation()
    return teaching_request(db.session, site(db.session, organisation))


def fit_of(user, request, **kwargs):
    db.session.expire_all()
    return teaching_fit.fit(profile_of(db.session, user), request, today=TODAY, **kwargs)


FITS = {"teaches": ("pph-embolisation",), "licences": (("TZ", None),)}


def test_a_volunteer_who_fits_fails_no_rule(users, request_):
    result = fit_of(volunteer(users, **FITS), request_)
    assert result.failed == () and result.warnings == ()
    assert [p.code for p in result.teach] == ["pph-embolisation"]
    assert [p.code for p in result.missing] == ["nephrostomy"] and result.assist == ()
    assert result.covers and result.weeks_left == 4 and result.year == 2027


@pytest.mark.parametrize(
    ("change", "rule"),
    [
        ({"months": (9, 10)}, "months"),
        ({"months": ()}, "months"),
        ({"instructs": (("fr", "professional"),)}, "language"),
        (
            {"instructs": (), "speaks": (("en", "professional"),)},
            "language",
        ),  # speaks it, does not teach in it
        ({"weeks": 1}, "weeks"),
        ({"weeks": None}, "weeks"),
        ({"profession": "ir-nurse"}, "role"),
    ],
)
def test_each_rule_alone(users, request_, change, rule):
    result = fit_of(volunteer(users, **{**FITS, **change}), request_)
    assert result.failed == (rule,)
    assert result.warnings == ()


@pytest.mark.parametrize(
    "licences",
    [(), (("KE", None),), (("TZ", TODAY - timedelta(days=1)),)],
    ids=["none", "another country", "expired"],
)
def test_no_valid_licence_for_the_site_s_country_is_a_warning_not_a_failure(users, request_, licences):
    result = fit_of(volunteer(users, **{**FITS, "licences": licences}), request_)
    assert result.failed == () and result.warnings == ("licence",)


def test_a_request_with_no_preferred_months_or_roles_takes_any(users, request_):
    request_.months, request_.roles = [], []
    db.session.commit()
    result = fit_of(volunteer(users, **FITS, months=(11,), profession="ir-nurse"), request_)
    assert result.failed == ()


def test_remote_requests_ask_for_remote_teaching_and_skip_the_on_site_rules(users):
    remote = teaching_request(
        db.session,
        site(db.session, users.organisation()),
        mode="remote",
        remote_format="mentorship",
        remote_from=time(14),
        remote_until=time(16),
        hours_per_month=4,
        roles=(),
    )
    on_site_misfit = {**FITS, "months": (), "weeks": None, "licences": ()}
    assert fit_of(volunteer(users, **on_site_misfit, remote=True), remote).failed == ()
    result = fit_of(volunteer(users, **on_site_misfit, remote=False), remote)
    assert result.failed == ("remote",) and result.warnings == ()


def test_teach_and_assist_are_told_apart(users, request_):
    result = fit_of(volunteer(users, **{**FITS, "assists": ("nephrostomy",)}), request_)
    assert [p.code for p in result.teach] == ["pph-embolisation"]
    assert [p.code for p in result.assist] == ["nephrostomy"] and result.missing == ()
    nothing = fit_of(volunteer(users, **{**FITS, "teaches": ("paracentesis-thoracentesis",)}), request_)
    assert not nothing.covers and len(nothing.missing) == 2


def _accepted_teaching_visit(users, person, starts_on, days):
    visit = users.opportunity(
        type="teaching_visit",
        starts_on=starts_on,
        ends_on=starts_on + timedelta(days=days - 1),
        deadline=None,
    )
    users.match(person, visit, "accepted")
    return visit


def test_weeks_already_committed_that_year_count_against_the_budget(users, request_):
    person = volunteer(users, **{**FITS, "weeks": 4})
    _accepted_teaching_visit(users, person, date(2027, 6, 1), 14)  # 2 weeks in 2027
    _accepted_teaching_visit(users, person, date(2026, 6, 1), 21)  # another year: not counted
    committed = teaching_fit.committed_weeks(db.session, [person.id])[person.id]
    assert committed == {2027: 2, 2026: 3}
    assert fit_of(person, request_, committed=committed[2027]).failed == ()  # 2 left, 2 asked
    _accepted_teaching_visit(users, person, date(2027, 9, 1), 7)  # 1 more week
    committed = teaching_fit.committed_weeks(db.session, [person.id])[person.id]
    result = fit_of(person, request_, committed=committed[2027])
    assert result.failed == ("weeks",) and result.weeks_left == 1


def test_declined_places_and_other_kinds_do_not_use_the_budget(users):
    person = volunteer(users)
    declined = users.opportunity(type="teaching_visit", starts_on=date(2027, 6, 1), deadline=None)
    users.match(person, declined, "declined")
    elective = users.opportunity(starts_on=date(2027, 6, 1), deadline=None)
    users.match(person, elective, "accepted")
    assert teaching_fit.committed_weeks(db.session, [person.id]) == {}


def test_the_browse_page_service_keeps_by_default_the_requests_the_volunteer_covers(users, request_):
    other = teaching_request(
        db.session, request_.site, title="Drainage", procedure_codes=("abscess-drainage",)
    )
    draft = teaching_request(db.session, request_.site, title="Draft", status="draft")
    person = volunteer(users, **FITS)
    mine, _ = teaching_fit.browse(db.session, person)
    every, _ = teaching_fit.browse(db.session, person, show_all=True)
    assert [f.request.id for f in mine] == [request_.id]
    assert {f.request.id for f in every} == {request_.id, other.id}
    assert draft.id not in {f.request.id for f in every}


@pytest.mark.parametrize(
    ("change", "rule", "words"),
    [
        (
            {"months": (9, 10)},
            "months",
            "The host prefers March and April; none of your months (September and October)",
        ),
        ({"months": ()}, "months", "You have not said which months you can travel to teach."),
        (
            {"instructs": (("fr", "professional"),)},
            "language",
            "Teaching there is in English; you have not marked",
        ),
        ({"weeks": 1}, "weeks", "The visit takes 2 weeks; you have 1 week left to give in 2027."),
        ({"weeks": None}, "weeks", "You have not said how many weeks a year you offer to teach."),
        ({"profession": "ir-nurse"}, "role", "your profession, IR nurse, is not among them"),
        ({"licences": ()}, "licence", "You hold no valid licence to practise in Tanzania."),
    ],
)
def test_each_rule_is_worded_to_the_volunteer(app, users, request_, change, rule, words):
    person = volunteer(users, **{**FITS, **change})
    result = fit_of(person, request_)
    assert rule in (*result.failed, *result.warnings)
    with app.test_request_context():
        sentence = fit_words.rule_sentence(rule, result, request_, profile_of(db.session, person))
    assert words in sentence
