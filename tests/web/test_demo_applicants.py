"""The demo applicants: forty complete profiles with ranked applications, the same on every run."""

from collections import Counter
from datetime import date

from sqlalchemy import func, select

from matcher.extensions import db
from matcher.models import Application, Opportunity, Profile, User
from matcher.seed.demo import seed
from matcher.seed.demo_applicants import COUNT, EMAIL, seed_applicants
from matcher.services.professions import DEFAULT_PROFESSION, profession_of
from matcher.services.profiles import is_complete


def _demo_profiles() -> list[Profile]:
    emails = [EMAIL.format(n=n) for n in range(1, COUNT + 1)]
    return list(db.session.scalars(select(Profile).join(Profile.user).where(User.email.in_(emails))))


def _snapshot() -> list[tuple]:
    rows = db.session.execute(
        select(User.email, Profile.level_rank, Profile.home_country_code, Opportunity.title, Application.rank)
        .join(Profile, Profile.user_id == User.id)
        .join(Application, Application.applicant_id == User.id)
        .join(Opportunity, Opportunity.id == Application.opportunity_id)
        .order_by(User.email, Application.rank)
    )
    return [tuple(row) for row in rows]


def test_forty_complete_applicants_across_levels_regions_and_interests_with_applications(app):
    seed(db.session, "demo password")
    db.session.commit()
    profiles = _demo_profiles()
    assert len(profiles) == COUNT and all(is_complete(p) for p in profiles)
    assert len({p.level_rank for p in profiles}) >= 10
    assert len({p.home_country_code for p in profiles}) >= 10
    assert len({name for p in profiles for name in p.subregions}) >= 6
    assert len({i.slug for p in profiles for i in p.interests}) >= 15
    assert Counter(p.user.role for p in profiles) == {"student": 24, "trainee": 16}
    # Each has the profession of their role and a level within it: no trainee is a consultant.
    for p in profiles:
        profession = profession_of(db.session, p.user)
        assert p.user.profession_code == profession.code == DEFAULT_PROFESSION[p.user.role]
        assert profession.level_min <= p.level_rank <= profession.level_max
    assert any(p.volunteers_to_teach for p in profiles)

    applications = db.session.scalars(
        select(Application).where(Application.applicant_id.in_([p.user_id for p in profiles]))
    ).all()
    assert len({a.applicant_id for a in applications}) == COUNT
    level = {p.user_id: p.level_rank for p in profiles}
    for a in applications:
        assert a.opportunity.status == "published"
        assert a.opportunity.level_min <= level[a.applicant_id] <= a.opportunity.level_max
    per_applicant = Counter(a.applicant_id for a in applications)
    assert max(per_applicant.values()) <= 10
    for applicant_id, n in per_applicant.items():
        ranks = sorted(a.rank for a in applications if a.applicant_id == applicant_id)
        assert ranks == list(range(1, n + 1))


def test_seeding_again_changes_nothing_and_a_fresh_seed_is_the_same(app):
    seed(db.session, "demo password")
    db.session.commit()
    first = _snapshot()
    users = db.session.scalar(select(func.count()).select_from(User))
    assert seed_applicants(db.session, "demo password", date.today()) == (0, 0)
    assert _snapshot() == first
    assert db.session.scalar(select(func.count()).select_from(User)) == users

    for profile in _demo_profiles():
        db.session.delete(profile.user)  # profiles and applications go with them (ON DELETE CASCADE)
    db.session.commit()
    assert seed_applicants(db.session, "demo password", date.today()) == (COUNT, len(first))
    assert _snapshot() == first


def test_with_no_published_opportunities_applicants_are_still_created(app):
    created, applications = seed_applicants(db.session, "demo password", date.today())
    assert (created, applications) == (COUNT, 0)
    assert len(_demo_profiles()) == COUNT
