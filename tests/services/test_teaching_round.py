"""Teaching fit in a match round: a teaching visit answering a host's request proposes no volunteer
beyond the weeks they offered that year, nor one who does not teach in its language."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from matcher.engine.scoring import score
from matcher.extensions import db
from matcher.models import Match, User
from matcher.services.matching import inputs
from tests.support.rounds import create_round, run
from tests.support.teaching import profile_of, site, teaching_request, volunteer

START = date.today() + timedelta(days=100)


@pytest.fixture
def visit(users):
    organisation = users.organisation()
    at = site(db.session, organisation)
    request = teaching_request(db.session, at, year=START.year, months=[START.month])
    return users.opportunity(
        organisation,
        title="PPH embolisation teaching visit",
        type="teaching_visit",
        starts_on=START,
        ends_on=START + timedelta(days=13),  # two weeks
        level_min=1,
        level_max=12,
        capacity=5,
        site_id=at.id,
        teaching_request_id=request.id,
    )


def _completed_visit(users, person, weeks: int):
    """A teaching visit done earlier in the same calendar year (completed frees the volunteer)."""
    starts = date(START.year, 1, 2)
    done = users.opportunity(
        type="teaching_visit", starts_on=starts, ends_on=starts + timedelta(days=7 * weeks - 1), deadline=None
    )
    users.match(person, done, "completed")


def test_a_round_never_proposes_a_volunteer_beyond_their_weeks_or_outside_their_languages(
    auth, client, users, visit
):
    people = {
        "fits": volunteer(users, name="Fits", weeks=4),
        "one_week": volunteer(users, name="One week", weeks=1),
        "used_up": volunteer(users, name="Used up", weeks=4),
        "french_only": volunteer(
            users, name="French only", instructs=(("fr", "professional"),), speaks=(("en", "professional"),)
        ),
        "no_budget": volunteer(users, name="No budget", weeks=None),
    }
    _completed_visit(users, people["used_up"], 3)  # 1 week left that year, the visit takes 2
    for person in people.values():
        users.application(person, visit)
    auth.login("coordinator")
    done = run(client, create_round(client))
    proposed = set(db.session.scalars(select(Match.applicant_id).where(Match.run_id == done.id)))
    assert proposed == {people["fits"].id}
    codes = {
        int(applicant): {entry[2].get("code") for entry in entries if len(entry) > 2}
        for applicant, entries in (done.unmatched or {}).items()
    }
    assert codes == {
        people["one_week"].id: {"weeks.over"},
        people["used_up"].id: {"weeks.over"},
        people["french_only"].id: {"instruction.missing"},
        people["no_budget"].id: {"weeks.none"},
    }


@pytest.mark.parametrize(
    ("change", "constraint", "code"),
    [
        ({"weeks": 1}, "weeks", "weeks.over"),
        ({"weeks": None}, "weeks", "weeks.none"),
        (
            {"instructs": (("fr", "professional"),), "speaks": (("en", "professional"),)},
            "instruction",
            "instruction.missing",
        ),
    ],
)
def test_the_engine_s_hard_rules_from_the_database(users, visit, change, constraint, code):
    person = volunteer(users, **change)
    spec = inputs.applicant_spec(profile_of(db.session, person))
    result = score(spec, inputs.opportunity_spec(visit), inputs.taxonomy(db.session))
    assert not result.eligible
    assert [(f.constraint, f.code) for f in result.failures] == [(constraint, code)]


def test_the_row_path_and_the_orm_path_give_the_same_volunteer(users, visit):
    person = volunteer(users, teaches=("pph-embolisation",), assists=("nephrostomy",), weeks=6)
    _completed_visit(users, person, 2)
    orm = inputs.applicant_spec(profile_of(db.session, person))
    rows = inputs.applicant_specs(
        db.session, select(Match.applicant_id).where(Match.applicant_id == person.id)
    )
    assert rows[person.id] == orm
    assert orm.teaches == {"pph-embolisation"} and orm.assists == {"nephrostomy"}
    assert orm.instructs == {"en"} and orm.teaching_weeks == 6
    assert orm.weeks_left(START.year) == 4


def test_procedures_replace_the_generic_interests_and_teaching_counts_more_than_assisting(users, visit):
    spec = inputs.opportunity_spec(visit)
    assert spec.from_request and spec.procedures == {"pph-embolisation", "nephrostomy"}
    taxonomy = inputs.taxonomy(db.session)
    values = {}
    for name, skills in {
        "teaches both": {"teaches": ("pph-embolisation", "nephrostomy")},
        "teaches one": {"teaches": ("pph-embolisation",)},
        "assists one": {"teaches": (), "assists": ("pph-embolisation",)},
        "neither": {"teaches": ("abscess-drainage",)},
    }.items():
        person = volunteer(users, **skills)
        part = score(inputs.applicant_spec(profile_of(db.session, person)), spec, taxonomy).part("teaching")
        values[name] = part.value
    assert values["teaches both"] == 1.0
    assert values["teaches both"] > values["teaches one"] > values["assists one"] > values["neither"] == 0.0


def test_nurses_and_radiographers_with_grades_not_levels_are_matched_by_the_roles_a_visit_asks_for(
    auth, client, users
):
    organisation = users.organisation()
    at = site(db.session, organisation)
    request = teaching_request(
        db.session,
        at,
        year=START.year,
        months=[START.month],
        roles=(("ir-physician", 1, 1), ("ir-nurse", 0, 1)),
    )
    visit = users.opportunity(
        organisation,
        type="teaching_visit",
        starts_on=START,
        ends_on=START + timedelta(days=13),
        capacity=2,
        site_id=at.id,
        teaching_request_id=request.id,
    )
    nurse = volunteer(users, name="Nurse", profession="ir-nurse", level_rank=None, grade="staff-nurse")
    radiographer = volunteer(
        users, name="Radiographer", profession="radiographer", level_rank=None, grade="radiographer"
    )
    physician = volunteer(users, name="Physician")
    people = (nurse, radiographer, physician)
    for person in people:
        users.application(person, visit)
    # Both paths see the nurse as complete (her grade stands for a level) and as an IR nurse.
    rows = inputs.applicant_specs(db.session, select(User.id).where(User.id.in_([p.id for p in people])))
    assert set(rows) == {p.id for p in people}
    assert rows[nurse.id] == inputs.applicant_spec(profile_of(db.session, nurse))
    assert (rows[nurse.id].profession, rows[nurse.id].level) == ("ir-nurse", 0)
    assert inputs.opportunity_spec(visit).roles == {"ir-physician", "ir-nurse"}

    auth.login("coordinator")
    done = run(client, create_round(client))
    proposed = set(db.session.scalars(select(Match.applicant_id).where(Match.run_id == done.id)))
    assert proposed == {nurse.id, physician.id}
    codes = {
        int(applicant): {entry[2].get("code") for entry in entries if len(entry) > 2}
        for applicant, entries in (done.unmatched or {}).items()
    }
    assert codes == {radiographer.id: {"role"}}


def test_a_visit_page_names_its_roles_and_tells_each_profession_whether_it_may_come(auth, client, users):
    organisation = users.organisation()
    request = teaching_request(
        db.session,
        site(db.session, organisation),
        year=START.year,
        months=[START.month],
        roles=(("ir-physician", 1, 1), ("ir-nurse", 0, 2)),
    )
    visit = users.opportunity(
        organisation,
        type="teaching_visit",
        starts_on=START,
        ends_on=START + timedelta(days=13),
        site_id=request.site_id,
        teaching_request_id=request.id,
    )
    nurse = volunteer(users, profession="ir-nurse", level_rank=None, grade="staff-nurse")
    radiographer = volunteer(users, profession="radiographer", level_rank=None, grade="radiographer")
    seen = {}
    for person in (nurse, radiographer):
        auth.login_as(person)
        seen[person.id] = " ".join(client.get(f"/opportunities/{visit.id}").get_data(as_text=True).split())
        auth.logout()
    assert "Roles wanted" in seen[nurse.id] and "Training levels" not in seen[nurse.id]
    assert "IR nurse (0–2), IR physician (consultant or attending) (1)" in seen[nurse.id]
    assert "cannot be matched" not in seen[nurse.id]
    assert (
        "is for these professions: IR nurse and IR physician (consultant or attending); "
        "your profile says Radiographer or technologist"
    ) in seen[radiographer.id]
