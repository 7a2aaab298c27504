"""The key test of the reports: every figure equals the same sum worked out in Python from the
rows (confirmed entries and completions only), for every filter, and the statements are few."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from matcher.extensions import db
from matcher.models import Country, Opportunity, Organisation, Procedure, Site
from matcher.models.impact import LocalLearner, LogEntry, Milestone, VisitCompletion
from matcher.services.impact.figures import (
    EntryGroup,
    ImpactFigures,
    ImpactFilter,
    Ledger,
    MilestoneRow,
    VisitRow,
    first_year,
    impact_figures,
    load,
    weeks,
)
from tests.impact.figures_scene import Y1, Y2, build, procedure_by_id
from tests.support.impact import impact_scene
from tests.support.querycount import counting_queries


@pytest.fixture
def ledger(users):
    return build(db.session, impact_scene(db.session, users))


def _region(code: str) -> tuple[str, str]:
    country = db.session.get(Country, code)
    return country.region, country.subregion


def _place_ok(filt: ImpactFilter, org: Organisation, country: str) -> bool:
    region, subregion = _region(country)
    return (
        (filt.organisation_id in (None, org.id))
        and (filt.country in (None, country))
        and (filt.region in (None, region))
        and (filt.subregion in (None, subregion))
        and (not filt.verified_only or org.verified_at is not None)
    )


def expected(filt: ImpactFilter) -> dict:
    """The figures, from the rows, in plain Python."""
    entries = db.session.scalars(select(LogEntry)).all()
    completions = db.session.scalars(select(VisitCompletion)).all()
    counted = [
        v
        for v in db.session.scalars(select(Opportunity))
        if (
            any(c.visit_id == v.id for c in completions)
            or any(e.visit_id == v.id and e.confirmed_at for e in entries)
        )
        and _place_ok(filt, v.organisation, v.country_code)
        and filt.year in (None, v.starts_on.year)
    ]
    ids = {v.id: (v.ends_on - v.starts_on).days + 1 for v in counted}
    mine = [e for e in entries if e.confirmed_at is not None and e.visit_id in ids]
    done = [c for c in completions if c.visit_id in ids]
    milestones = []
    for m in db.session.scalars(select(Milestone)):
        site = db.session.get(Site, db.session.get(LocalLearner, m.learner_id).site_id)
        if _place_ok(filt, site.organisation, site.country_code) and filt.year in (None, m.achieved_on.year):
            milestones.append(m)
    procedures = [e for e in mine if e.kind == "procedure"]
    groups = procedure_by_id({p.code: p for p in db.session.scalars(select(Procedure))})
    by_group: dict[str, int] = {}
    for e in procedures:
        by_group[groups[e.procedure_id].group] = by_group.get(groups[e.procedure_id].group, 0) + e.cases
    return {
        "visits": len(counted),
        "visitors": len({c.user_id for c in done}),
        "visit_weeks": weeks(sum(ids.values())),
        "person_weeks": weeks(sum(ids[c.visit_id] for c in done)),
        "procedures": sum(e.cases for e in procedures),
        "by_role": {
            r: sum(e.cases for e in procedures if e.learner_role == r)
            for r in ("observed", "assisted", "supervised", "independent")
        },
        "by_group": by_group,
        "lectures": sum(1 for e in mine if e.kind == "lecture"),
        "lecture_hours": sum((e.hours or Decimal(0) for e in mine if e.kind == "lecture"), Decimal(0)),
        "simulations": sum(1 for e in mine if e.kind == "simulation"),
        "simulation_hours": sum((e.hours or Decimal(0) for e in mine if e.kind == "simulation"), Decimal(0)),
        "learners_present": sum(e.learners_present for e in mine),
        "learners_trained": len(
            {e.local_learner_id for e in procedures if e.local_learner_id}
            | {m.learner_id for m in milestones}
        ),
        "independent": sum(1 for m in milestones if m.kind == "first_independent"),
        "supervised": sum(1 for m in milestones if m.kind == "first_supervised"),
    }


def actual(filt: ImpactFilter) -> dict:
    f = impact_figures(db.session, filt)
    return {
        "visits": f.visits,
        "visitors": f.visitors,
        "visit_weeks": f.visit_weeks,
        "person_weeks": f.person_weeks,
        "procedures": f.procedures,
        "by_role": f.by_role,
        "by_group": {c.group: c.total for c in f.categories},
        "lectures": f.lectures,
        "lecture_hours": f.lecture_hours,
        "simulations": f.simulations,
        "simulation_hours": f.simulation_hours,
        "learners_present": f.learners_present,
        "learners_trained": f.learners_trained,
        "independent": f.independent_milestones,
        "supervised": f.supervised_milestones,
    }


def _filters(ledger) -> list[ImpactFilter]:
    org = ledger.org.id
    return [
        ImpactFilter(),
        ImpactFilter(verified_only=True),
        ImpactFilter(organisation_id=org),
        ImpactFilter(organisation_id=ledger.unverified.id),
        ImpactFilter(country="TZ"),
        ImpactFilter(country="NP", year=Y2),
        ImpactFilter(region="Africa"),
        ImpactFilter(region="Asia"),
        ImpactFilter(subregion="Eastern Africa", verified_only=True),
        ImpactFilter(year=Y1),
        ImpactFilter(year=Y2, organisation_id=org),
        ImpactFilter(year=2019),
        ImpactFilter(region="Europe"),
    ]


def test_every_figure_equals_the_sum_of_the_confirmed_rows_for_every_filter(ledger):
    for filt in _filters(ledger):
        assert actual(filt) == expected(filt), filt


def test_the_organisations_figures_by_hand(ledger):
    """The scene's own numbers, so a mistake shared by both sums above would show here."""
    f = impact_figures(db.session, ImpactFilter(organisation_id=ledger.org.id, verified_only=True))
    # tz1 (28 days), tz2 (14), np2 (10); "nothing" has no confirmed row; the hidden visit is another's.
    assert (f.visits, f.visit_days, f.visit_weeks) == (3, 52, Decimal("7.4"))
    # student (tz1, tz2), physician (tz1), nurse (np2): 28 + 28 + 14 + 10 = 80 days.
    assert (f.visitors, f.person_weeks) == (3, Decimal("11.4"))
    assert f.procedures == 3 + 2 + 4 + 1 + 6
    assert f.by_role == {"observed": 3, "assisted": 7, "supervised": 2, "independent": 4}
    assert {c.group: c.total for c in f.categories} == {
        "Embolisation": 9,
        "Drainage and percutaneous access": 3,
        "Biopsy and vascular access": 4,
    }
    assert [c.group for c in f.categories] == [  # the taxonomy's order
        "Embolisation",
        "Drainage and percutaneous access",
        "Biopsy and vascular access",
    ]
    assert (f.lectures, f.lecture_hours, f.simulations, f.simulation_hours) == (
        2,
        Decimal("1.5"),
        2,
        Decimal(3),
    )
    assert f.learners_present == 4 + 2 + 12 + 6 + 3 + 2 + 9 + 5 + 7
    assert (f.learners_trained, f.independent_milestones, f.supervised_milestones) == (3, 2, 2)


def test_an_unconfirmed_entry_moves_nothing_until_the_host_confirms_it(ledger):
    filt = ImpactFilter(organisation_id=ledger.org.id)
    before = actual(filt)
    pending = db.session.scalar(select(LogEntry).where(LogEntry.confirmed_at.is_(None), LogEntry.cases == 5))
    pending.cases = 7
    db.session.commit()
    assert actual(filt) == before
    pending.confirmed_at = datetime(2025, 12, 2)
    db.session.commit()
    after = actual(filt)
    assert after["procedures"] == before["procedures"] + 7
    assert after["by_role"]["independent"] == before["by_role"]["independent"] + 7
    assert after == expected(filt)


def test_a_visit_with_only_unconfirmed_entries_counts_once_a_completion_is_confirmed(ledger):
    filt = ImpactFilter(organisation_id=ledger.org.id)
    before = impact_figures(db.session, filt)
    nothing = ledger.visits["nothing"]
    db.session.add(
        VisitCompletion(visit_id=nothing.id, user_id=ledger.base.stranger.id, certificate_code="n-1")
    )
    db.session.commit()
    after = impact_figures(db.session, filt)
    assert (after.visits, after.visitors, after.visit_days) == (
        before.visits + 1,
        before.visitors + 1,
        before.visit_days + 7,
    )
    assert after.procedures == before.procedures  # its entry is still unconfirmed


def test_breakdowns_add_up_to_the_total(ledger):
    ledger_ = load(db.session, ImpactFilter(verified_only=True))
    total = ledger_.figures()
    for dimension in ("region", "country", "year", "organisation", "site"):
        rows = ledger_.by(dimension)
        assert sum(r.figures.visits for r in rows) == total.visits, dimension
        assert sum(r.figures.procedures for r in rows) == total.procedures, dimension
        assert sum(r.figures.independent_milestones for r in rows) == total.independent_milestones, dimension
    years = {r.key: r.figures for r in ledger_.by("year")}
    assert list(years) == [Y2, Y1]  # newest first
    assert years[Y1] == impact_figures(db.session, ImpactFilter(year=Y1, verified_only=True))
    countries = {r.key: r.figures for r in ledger_.by("country")}
    assert countries["NP"] == impact_figures(db.session, ImpactFilter(country="NP", verified_only=True))


def test_the_statements_do_not_grow_with_the_rows(ledger, users):
    filt = ImpactFilter(verified_only=True)
    load(db.session, filt)  # the taxonomy, kept per process
    with counting_queries() as few:
        load(db.session, filt)
    for n in range(5):
        visit = users.opportunity(ledger.org, title=f"More {n}", status="closed", deadline=None)
        db.session.add(
            LogEntry(
                visit_id=visit.id,
                held_on=visit.starts_on,
                kind="lecture",
                learners_present=n,
                confirmed_at=datetime(2025, 1, 1),
            )
        )
        db.session.commit()
    with counting_queries() as many:
        ledger_ = load(db.session, filt)
    assert few.count == many.count <= 6
    assert ledger_.figures().visits == impact_figures(db.session, filt).visits


def test_the_first_year_is_the_earliest_counted_visits_whatever_the_filters_year(ledger):
    assert first_year(db.session, ImpactFilter()) == Y1  # tz1; "nothing" (Y2) has nothing confirmed
    assert first_year(db.session, ImpactFilter(year=Y2)) == Y1  # the year is ignored
    assert first_year(db.session, ImpactFilter(country="NP", year=Y1)) == Y2
    assert first_year(db.session, ImpactFilter(organisation_id=ledger.unverified.id)) == Y2
    assert first_year(db.session, ImpactFilter(region="Europe")) is None


def test_each_breakdown_names_its_lines_and_sorts_them_by_name(ledger):
    ledger_ = load(db.session, ImpactFilter())

    def lines(dimension):
        return [(r.key, r.name, r.slug) for r in ledger_.by(dimension)]

    org, other = ledger.org, ledger.unverified
    assert lines("region") == [("Africa", "Africa", ""), ("Asia", "Asia", "")]
    assert lines("country") == [("NP", "NP", ""), ("TZ", "TZ", "")]
    assert lines("year") == [(Y2, str(Y2), ""), (Y1, str(Y1), "")]
    assert lines("organisation") == [
        (org.id, "Mbeya Outreach", org.slug),
        (other.id, "Not verified yet", other.slug),
    ]
    sites = lines("site")  # met in the order Mbeya, Unverified, Bir (by the visits' first days)
    assert [(name, slug) for _, name, slug in sites] == [
        ("Bir Hospital", ""),
        ("Mbeya Zonal Referral Hospital", ""),
        ("Unverified site", ""),
    ]
    assert sites[0][0] == ledger.nepal_site.id
    with pytest.raises(ValueError, match=r"^month$"):
        ledger_.by("month")


def test_a_breakdown_has_a_line_for_a_place_with_only_a_milestone(ledger):
    year_one = load(db.session, ImpactFilter(year=Y1))  # Nepal: no visit in Y1, Sita's milestone
    countries = {r.key: (r.name, r.slug, r.figures) for r in year_one.by("country")}
    assert list(countries) == ["NP", "TZ"]
    name, slug, nepal = countries["NP"]
    assert (name, slug, nepal.visits, nepal.supervised_milestones, nepal.learners_trained) == (
        "NP",
        "",
        0,
        1,
        1,
    )
    sites = [(r.key, r.name, r.figures.visits) for r in year_one.by("site")]
    assert sites == [
        (ledger.nepal_site.id, "Bir Hospital", 0),
        (ledger.base.site.id, "Mbeya Zonal Referral Hospital", 1),
    ]


def _visit_row(visit_id: int, starts: date, days: int) -> VisitRow:
    return VisitRow(
        visit_id,
        1,
        "Org",
        "org",
        "TZ",
        "Africa",
        "Eastern Africa",
        1,
        "Site",
        starts,
        starts + timedelta(days=days - 1),
    )


def _milestone_row(learner_id: int, kind: str, on: date) -> MilestoneRow:
    return MilestoneRow(learner_id, kind, on, 1, "Org", "org", "TZ", "Africa", "Eastern Africa", 1, "Site")


def test_the_ledger_adds_up_by_hand_built_rows():
    """`Ledger` alone: the same group and role from two visits add up, a group missing from the
    taxonomy goes last, trained learners join entries and milestones, and a year picks its rows."""
    proc = "procedure"
    ledger_ = Ledger(
        visits=[_visit_row(1, date(Y1, 12, 31), 7), _visit_row(2, date(Y2, 1, 1), 14)],
        completions=[(1, 10), (2, 10), (2, 11)],
        entries=[
            EntryGroup(1, proc, "Drainage", "assisted", 2, 3, Decimal(0), 4),
            EntryGroup(2, proc, "Drainage", "assisted", 1, 5, Decimal(0), 1),
            EntryGroup(2, proc, "Unlisted", "observed", 1, 1, Decimal(0), 2),
            EntryGroup(2, proc, "Biopsy", "independent", 1, 2, Decimal(0), 0),
            EntryGroup(1, "lecture", "", None, 2, 0, Decimal("2.5"), 20),
        ],
        entry_learners=[(1, 100), (2, 101)],
        milestones=[
            _milestone_row(102, "first_independent", date(Y1, 6, 1)),
            _milestone_row(101, "first_supervised", date(Y2, 2, 1)),
        ],
        group_positions={"Drainage": 5, "Biopsy": 2},
    )
    every = ledger_.figures()
    assert [(c.group, c.roles, c.position) for c in every.categories] == [
        ("Biopsy", {"independent": 2}, 2),
        ("Drainage", {"assisted": 8}, 5),
        ("Unlisted", {"observed": 1}, 1 << 30),
    ]
    assert (every.procedures, every.by_role["assisted"], every.lectures, every.lecture_hours) == (
        11,
        8,
        2,
        Decimal("2.5"),
    )
    assert (every.visits, every.visitors, every.visit_days, every.person_days) == (2, 2, 21, 7 + 14 + 14)
    assert (every.learners_trained, every.learners_present) == (3, 27)  # 100, 101 (entries) and 102
    first, second = ledger_.figures(Y1), ledger_.figures(Y2)
    assert (first.visits, first.procedures, first.learners_trained, first.independent_milestones) == (
        1,
        3,
        2,
        1,
    )
    assert (first.supervised_milestones, first.visitors) == (0, 1)
    assert (second.visits, second.procedures, second.learners_trained, second.supervised_milestones) == (
        1,
        8,
        1,
        1,
    )
    assert (second.independent_milestones, second.visitors) == (0, 2)
    assert ledger_.figures(2019) == ImpactFigures(
        by_role=dict.fromkeys(("observed", "assisted", "supervised", "independent"), 0)
    )


def test_a_year_runs_from_the_first_of_january_to_the_thirty_first_of_december(ledger):
    learner = ledger.learners["amani"]
    code = ledger.base.procedures["abscess-drainage"].id
    for kind, day in (("first_supervised", date(Y2, 1, 1)), ("first_independent", date(Y2 + 1, 1, 1))):
        db.session.add(Milestone(learner_id=learner.id, procedure_id=code, kind=kind, achieved_on=day))
    db.session.commit()
    this_year = impact_figures(db.session, ImpactFilter(year=Y2, organisation_id=ledger.org.id))
    # the new one on 1 January; Baraka's and Sita's independent ones (February, September)
    assert (this_year.supervised_milestones, this_year.independent_milestones) == (1, 2)
    assert actual(ImpactFilter(year=Y2)) == expected(ImpactFilter(year=Y2))
    next_year = impact_figures(db.session, ImpactFilter(year=Y2 + 1))
    assert (next_year.supervised_milestones, next_year.independent_milestones) == (0, 1)


def test_a_visit_without_a_completion_counts_once_an_entry_of_it_is_confirmed(ledger):
    filt = ImpactFilter(organisation_id=ledger.org.id)
    before = impact_figures(db.session, filt)
    waiting = db.session.scalar(select(LogEntry).where(LogEntry.visit_id == ledger.visits["nothing"].id))
    waiting.confirmed_at = datetime(2025, 12, 2)
    db.session.commit()
    after = impact_figures(db.session, filt)
    assert (after.visits, after.visitors, after.visit_days) == (
        before.visits + 1,
        before.visitors,
        before.visit_days + 7,
    )
    assert after.procedures == before.procedures + 9
    assert actual(filt) == expected(filt)


def test_load_groups_by_procedure_group_keeps_zeroes_and_reads_learners_sites_and_organisations(
    ledger, users
):
    base, tz2 = ledger.base, ledger.visits["tz2"]
    neema = LocalLearner(site_id=base.site.id, name="Neema J.", level="radiology-residents")
    db.session.add(neema)
    db.session.flush()
    confirmed = datetime(2025, 12, 2)
    for fields in (  # tz2 has Baraka's independent biopsies (4); the same role in another group:
        dict(
            kind="procedure",
            procedure_id=base.procedures["nephrostomy"].id,
            learner_role="independent",
            cases=2,
        ),
        dict(kind="simulation", topic="Wires", learners_present=0),  # a group of nobody present
    ):
        fields.setdefault("learners_present", 1)
        db.session.add(
            LogEntry(
                visit_id=tz2.id,
                author_id=base.student.id,
                held_on=tz2.starts_on,
                confirmed_at=confirmed,
                **fields,
            )
        )
    db.session.add(  # Neema: named in a confirmed case, no milestone
        LogEntry(
            visit_id=tz2.id,
            author_id=base.student.id,
            held_on=tz2.starts_on,
            kind="procedure",
            procedure_id=base.procedures["image-guided-biopsy"].id,
            learner_role="observed",
            cases=1,
            learners_present=1,
            local_learner_id=neema.id,
            confirmed_at=confirmed,
        )
    )
    hidden = ledger.learners["hidden"]  # the unverified organisation: a milestone in Y1, no visit then
    db.session.add(
        Milestone(
            learner_id=hidden.id,
            procedure_id=base.procedures["abscess-drainage"].id,
            kind="first_supervised",
            achieved_on=date(Y1, 4, 1),
        )
    )
    siteless = users.opportunity(
        ledger.org, title="No site", status="closed", deadline=None, starts_on=date(Y1, 7, 1)
    )
    db.session.add(
        VisitCompletion(visit_id=siteless.id, user_id=base.nurse.id, certificate_code="siteless-1")
    )
    db.session.commit()

    tz2_groups = {
        (e.kind, e.group, e.role): (e.cases, e.present)
        for e in load(db.session, ImpactFilter(year=Y2)).entries
        if e.visit_id == tz2.id
    }
    assert tz2_groups[("procedure", "Drainage and percutaneous access", "independent")] == (2, 1)
    assert tz2_groups[("procedure", "Biopsy and vascular access", "independent")] == (4, 3)
    assert tz2_groups[("simulation", "", None)][1] == 0
    for filt in (ImpactFilter(year=Y2), ImpactFilter(year=Y1), ImpactFilter()):
        assert actual(filt) == expected(filt), filt
    before_neema = 2  # Baraka (entry and milestone), Sita (entry and milestone)
    assert (
        impact_figures(db.session, ImpactFilter(year=Y2, verified_only=True)).learners_trained
        == before_neema + 1
    )

    year_one = load(db.session, ImpactFilter(year=Y1))
    organisations = [(r.key, r.name, r.slug, r.figures.visits) for r in year_one.by("organisation")]
    assert organisations == [
        (ledger.org.id, "Mbeya Outreach", ledger.org.slug, 2),
        (ledger.unverified.id, "Not verified yet", ledger.unverified.slug, 0),
    ]
    sites = [(r.key, r.name, r.figures.visits) for r in year_one.by("site")]
    assert sites[0] == (None, "", 1)  # the visit without a site
