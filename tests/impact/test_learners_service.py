"""Local learners (issue 22): who may see them, registering and editing one, their progress across
visits, and the host's milestones from before the platform."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from matcher.db import utcnow
from matcher.extensions import db
from matcher.models.impact import LocalLearner, LogEntry, Milestone
from matcher.services.errors import DomainError, NotFound
from matcher.services.impact import learners
from matcher.services.impact.learners import LearnerData
from tests.support.impact import impact_scene
from tests.support.teaching import make_site


@pytest.fixture
def scene(users):
    return impact_scene(db.session, users)


def _count() -> int:
    return db.session.scalar(select(func.count()).select_from(LocalLearner))


def test_only_the_sites_members_and_coordinators_find_the_site(scene):
    for person in (scene.host, scene.coordinator):
        assert learners.site_for(db.session, person, scene.site.id) == scene.site
    for person in (scene.other_host, scene.student, scene.stranger):
        with pytest.raises(NotFound):
            learners.site_for(db.session, person, scene.site.id)


def test_a_learner_is_registered_with_name_and_level(scene):
    learner = learners.register(
        db.session, scene.host, scene.site, LearnerData(name="  A.   M. ", level="radiology-residents")
    )
    db.session.commit()
    assert (learner.name, learner.level, learner.active) == ("A. M.", "radiology-residents", True)
    assert learner.site_id == scene.site.id and learner.created_by_id == scene.host.id


@pytest.mark.parametrize(
    ("name", "level", "field"),
    [
        ("", "", "name"),
        ("   ", "nurses", "name"),
        ("x" * 81, "", "name"),
        ("Two\nlines", "", "name"),
        ("A. M.", "surgeons", "level"),
        ("A. M.", "mixed", "level"),  # a group, not one person's level
    ],
)
def test_bad_input_is_refused_at_its_field(scene, name, level, field):
    with pytest.raises(DomainError) as refused:
        learners.register(db.session, scene.host, scene.site, LearnerData(name=name, level=level))
    db.session.rollback()
    assert refused.value.field == field
    assert _count() == 0


def test_a_name_is_unique_at_a_site_whatever_its_case_but_not_across_sites(scene):
    learners.register(db.session, scene.host, scene.site, LearnerData(name="Grace K."))
    db.session.commit()
    with pytest.raises(DomainError) as refused:
        learners.register(db.session, scene.host, scene.site, LearnerData(name="grace  k."))
    db.session.rollback()
    assert refused.value.field == "name"
    other_site = make_site(db.session, scene.org, name="Other hospital", slug="other-hospital")
    learners.register(db.session, scene.host, other_site, LearnerData(name="Grace K."))
    db.session.commit()
    assert _count() == 2


def test_editing_keeps_the_name_unique_and_can_retire_a_learner(scene):
    first = learners.register(db.session, scene.host, scene.site, LearnerData(name="A"))
    second = learners.register(db.session, scene.host, scene.site, LearnerData(name="B"))
    db.session.commit()
    with pytest.raises(DomainError) as refused:
        learners.update(db.session, scene.host, second, LearnerData(name="a", level="nurses"))
    db.session.rollback()
    assert refused.value.field == "name"
    assert db.session.get(LocalLearner, second.id).name == "B"
    learners.update(db.session, scene.host, second, LearnerData(name="B", level="nurses", active=False))
    db.session.commit()
    db.session.refresh(second)
    assert (second.level, second.active) == ("nurses", False)
    assert [row.learner.id for row in learners.learners_of(db.session, scene.site)] == [first.id, second.id]


def test_another_organisations_member_cannot_register_or_change_one(scene):
    learner = learners.register(db.session, scene.host, scene.site, LearnerData(name="A"))
    db.session.commit()
    with pytest.raises(NotFound):
        learners.register(db.session, scene.other_host, scene.site, LearnerData(name="B"))
    with pytest.raises(NotFound):
        learners.update(db.session, scene.other_host, learner, LearnerData(name="C"))
    db.session.rollback()
    assert [row.learner.name for row in learners.learners_of(db.session, scene.site)] == ["A"]


# -- progress across visits ------------------------------------------------------------------------


def _entry(scene, visit, learner, procedure, role, days_ago, *, confirmed=True, author=None):
    entry = LogEntry(
        visit_id=visit.id,
        author_id=(author or scene.student).id,
        held_on=scene.today - timedelta(days=days_ago),
        kind="procedure",
        procedure_id=procedure.id,
        learner_role=role,
        cases=1,
        learners_present=1,
        local_learner_id=learner.id,
        confirmed_at=utcnow() if confirmed else None,
        confirmed_by_id=scene.host.id if confirmed else None,
    )
    db.session.add(entry)
    db.session.flush()
    return entry


def test_progress_across_two_visits(scene, users):
    learner = learners.register(db.session, scene.host, scene.site, LearnerData(name="A. M."))
    drain, biopsy = scene.procedures["abscess-drainage"], scene.procedures["image-guided-biopsy"]
    on_elective = _entry(scene, scene.elective, learner, drain, "supervised", 20)
    on_teaching = _entry(scene, scene.teaching, learner, drain, "independent", 5, author=scene.physician)
    _entry(scene, scene.teaching, learner, biopsy, "supervised", 4, confirmed=False, author=scene.physician)
    # A visit of the same organisation at another site: its entries are not this site's.
    elsewhere = users.opportunity(
        scene.org,
        status="closed",
        site_id=make_site(db.session, scene.org, name="Elsewhere", slug="elsewhere").id,
        starts_on=scene.today - timedelta(days=30),
        ends_on=scene.today - timedelta(days=2),
    )
    _entry(scene, elsewhere, learner, biopsy, "observed", 3)
    db.session.add_all(
        [
            Milestone(
                learner_id=learner.id,
                procedure_id=drain.id,
                kind="first_supervised",
                achieved_on=on_elective.held_on,
                visit_id=scene.elective.id,
                entry_id=on_elective.id,
            ),
            Milestone(
                learner_id=learner.id,
                procedure_id=drain.id,
                kind="first_independent",
                achieved_on=on_teaching.held_on,
                visit_id=scene.teaching.id,
                entry_id=on_teaching.id,
            ),
        ]
    )
    db.session.commit()

    found = learners.progress(db.session, learner)

    assert [row.procedure.code for row in found.procedures] == ["abscess-drainage"]
    row = found.procedures[0]
    assert (row.supervised.achieved_on, row.supervised.visit.id) == (on_elective.held_on, scene.elective.id)
    assert (row.independent.achieved_on, row.independent.visit.id) == (on_teaching.held_on, scene.teaching.id)
    assert [e.id for e in found.entries] == [on_teaching.id, on_elective.id]  # confirmed, here, newest first
    counts = learners.learners_of(db.session, scene.site)[0]
    assert (counts.supervised, counts.independent) == (1, 1)


# -- the host's milestones from before the platform ------------------------------------------------


def _add(scene, learner, days_ago, kind="first_supervised", code="abscess-drainage"):
    return learners.add_milestone(
        db.session,
        scene.host,
        learner,
        scene.procedures[code].id,
        kind,
        scene.today - timedelta(days=days_ago),
        scene.today,
    )


def _milestones(learner) -> list[tuple[str, str, int, int | None]]:
    rows = db.session.scalars(
        select(Milestone).where(Milestone.learner_id == learner.id).order_by(Milestone.id)
    )
    return [(m.procedure.code, m.kind, (m.achieved_on - date.today()).days, m.visit_id) for m in rows]


def test_a_milestone_from_before_the_platform_is_entered_by_the_host(scene):
    learner = learners.register(db.session, scene.host, scene.site, LearnerData(name="A"))
    milestone = _add(scene, learner, 400)
    db.session.commit()
    assert (milestone.visit_id, milestone.entry_id, milestone.recorded_by_id) == (None, None, scene.host.id)
    assert _milestones(learner) == [("abscess-drainage", "first_supervised", -400, None)]


@pytest.mark.parametrize(
    ("procedure", "kind", "days_ago", "field"),
    [
        ("abscess-drainage", "first_supervised", -1, "achieved_on"),  # tomorrow
        ("abscess-drainage", "first_case", 10, "kind"),
        (None, "first_supervised", 10, "procedure"),
        ("ultrasound-skills", "first_supervised", 10, "procedure"),  # a skill, not a procedure
    ],
)
def test_bad_milestones_are_refused(scene, procedure, kind, days_ago, field):
    learner = learners.register(db.session, scene.host, scene.site, LearnerData(name="A"))
    db.session.commit()
    with pytest.raises(DomainError) as refused:
        learners.add_milestone(
            db.session,
            scene.host,
            learner,
            scene.procedures[procedure].id if procedure else None,
            kind,
            scene.today - timedelta(days=days_ago),
            scene.today,
        )
    db.session.rollback()
    assert refused.value.field == field
    assert _milestones(learner) == []


def test_a_later_date_never_overwrites_an_earlier_first_case(scene):
    learner = learners.register(db.session, scene.host, scene.site, LearnerData(name="A"))
    _add(scene, learner, 100)
    db.session.commit()
    for later in (100, 50):
        with pytest.raises(DomainError) as refused:
            _add(scene, learner, later)
        db.session.rollback()
        assert refused.value.field == "achieved_on"
    # Another kind, or another procedure, is another milestone.
    _add(scene, learner, 50, kind="first_independent")
    _add(scene, learner, 50, code="image-guided-biopsy")
    db.session.commit()
    assert _milestones(learner) == [
        ("abscess-drainage", "first_supervised", -100, None),
        ("abscess-drainage", "first_independent", -50, None),
        ("image-guided-biopsy", "first_supervised", -50, None),
    ]


def test_an_earlier_date_replaces_a_later_first_case_from_a_visit(scene):
    learner = learners.register(db.session, scene.host, scene.site, LearnerData(name="A"))
    entry = _entry(scene, scene.elective, learner, scene.procedures["abscess-drainage"], "supervised", 10)
    db.session.add(
        Milestone(
            learner_id=learner.id,
            procedure_id=entry.procedure_id,
            kind="first_supervised",
            achieved_on=entry.held_on,
            visit_id=scene.elective.id,
            entry_id=entry.id,
        )
    )
    db.session.commit()
    _add(scene, learner, 300)
    db.session.commit()
    assert _milestones(learner) == [("abscess-drainage", "first_supervised", -300, None)]
