"""The host's side of applications: who applied, with the engine's score, and the host's own order."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, joinedload, selectinload

from matcher import reason_words
from matcher.engine.scoring import Score, score
from matcher.models import Application, Membership, Opportunity, OpportunityStatus, Profile, User
from matcher.services import profiles
from matcher.services.errors import Conflict, DomainError, NotFound
from matcher.services.matching import inputs
from matcher.services.permissions import can_act_for, require_confirmed
from matcher.translate import gettext as _

_table = Application.__table__


@dataclass(frozen=True)
class ApplicantRow:
    application: Application
    applicant: User
    profile: Profile | None
    profile_complete: bool
    match_score: float | None
    eligible: bool = True
    # Why the score is what it is (or why the engine would not place them), most important first,
    # in the third person naming the applicant: the host reads about them.
    reasons: tuple[str, ...] = ()


def _scorer(session: Session, opportunity: Opportunity) -> Callable[[Profile | None], Score | None]:
    """The engine's compatibility score (without the applicant's own rank) against this opportunity,
    its spec and the taxonomy read once for all profiles; None for incomplete profiles.

    An ineligible pair scores 0, and its failures say why the engine would not place them.
    """
    spec, taxonomy = inputs.opportunity_spec(opportunity), inputs.taxonomy(session)

    def scored(profile: Profile | None) -> Score | None:
        if not profiles.is_complete(profile):
            return None
        return score(inputs.applicant_spec(profile), spec, taxonomy, include_rank=False)

    return scored


def _row(application: Application, profile: Profile | None, result: Score | None) -> ApplicantRow:
    return ApplicantRow(
        application=application,
        applicant=application.applicant,
        profile=profile,
        profile_complete=result is not None,
        match_score=None if result is None else round(result.total, 2),
        eligible=result is None or result.eligible,
        reasons=()
        if result is None
        else tuple(_sentence(r) for r in reason_words.explain(result, application.applicant.name)),
    )


def _sentence(reason: str) -> str:
    """A reason as a line of its own: the engine's failures start in lower case, to follow a name."""
    return reason[:1].upper() + reason[1:]


def _require_host(session: Session, actor: User, opportunity: Opportunity) -> None:
    # 404 rather than 403: who applied where is nobody else's business, even its existence.
    if not can_act_for(session, actor, opportunity.organisation):
        raise NotFound(_("There is no such page."))
    require_confirmed(actor)  # the applicants' names, scores and profiles are personal data


def opportunity_for_host(session: Session, actor: User, opportunity_id: int) -> Opportunity:
    """The opportunity with what scoring its applicants reads (country, interests, languages)."""
    opportunity = session.get(
        Opportunity,
        opportunity_id,
        options=[
            joinedload(Opportunity.organisation),
            joinedload(Opportunity.country),
            selectinload(Opportunity.interests),
            selectinload(Opportunity.languages),
        ],
    )
    if opportunity is None:
        raise NotFound(_("There is no such opportunity."))
    _require_host(session, actor, opportunity)
    return opportunity


def applicants_for(session: Session, actor: User, opportunity: Opportunity) -> list[ApplicantRow]:
    """The opportunity's applicants, in the organisation's order, then by date of application.

    A fixed number of statements whatever the number of applicants: the applications with their
    applicants, then the profiles with each of the lists the engine scores.
    """
    _require_host(session, actor, opportunity)
    applications = session.scalars(
        select(Application)
        .where(Application.opportunity_id == opportunity.id)
        .options(joinedload(Application.applicant).joinedload(User.profession))
        .order_by(
            Application.host_rank.is_(None), Application.host_rank, Application.created_at, Application.id
        )
    ).all()
    found = session.scalars(
        select(Profile)
        .where(Profile.user_id.in_([a.applicant_id for a in applications]))
        .options(
            joinedload(Profile.level),
            selectinload(Profile.places),
            selectinload(Profile.interests),
            selectinload(Profile.availability),
            selectinload(Profile.languages),
            selectinload(Profile.teaching_interests),
        )
    )
    by_user = {p.user_id: p for p in found}
    scored = _scorer(session, opportunity)
    return [_row(a, by_user.get(a.applicant_id), scored(by_user.get(a.applicant_id))) for a in applications]


def set_host_order(
    session: Session, actor: User, opportunity: Opportunity, positions: Mapping[int, int | None]
) -> None:
    """The organisation's order of its applicants (1 = most wanted); None leaves one unranked.

    The numbers given only need to be distinct: they are stored as 1, 2, 3... in their order.
    """
    _require_host(session, actor, opportunity)
    ids = set(session.scalars(select(Application.id).where(Application.opportunity_id == opportunity.id)))
    if not set(positions) <= ids:
        raise Conflict(_("The list of applicants changed in the meantime. Reload the page and try again."))
    given = [(position, app_id) for app_id, position in positions.items() if position is not None]
    if any(position < 1 for position, _ in given):
        raise DomainError(_("Use whole numbers from 1 upwards."), field="order")
    duplicates = _duplicates(position for position, _ in given)
    if duplicates:
        raise DomainError(
            _(
                "Give each applicant a different number: %(number)s is used more than once.",
                number=duplicates[0],
            ),
            field="order",
        )
    # Clear first, so that no two rows ever hold the same host rank on the way.
    session.execute(update(_table).where(_table.c.opportunity_id == opportunity.id).values(host_rank=None))
    for host_rank, (_position, app_id) in enumerate(sorted(given), 1):
        session.execute(update(_table).where(_table.c.id == app_id).values(host_rank=host_rank))
    session.expire_all()


def _duplicates(values: Iterable[int]) -> list[int]:
    seen: set[int] = set()
    repeated = []
    for value in values:
        if value in seen and value not in repeated:
            repeated.append(value)
        seen.add(value)
    return sorted(repeated)


@dataclass(frozen=True)
class OpportunityCounts:
    opportunity: Opportunity
    applications: int


def counts_for_member(session: Session, member: User) -> list[OpportunityCounts]:
    """The opportunities of the member's organisations, with their numbers of applications."""
    count = func.count(Application.id)
    rows = session.execute(
        select(Opportunity, count)
        .join(
            Membership,
            (Membership.organisation_id == Opportunity.organisation_id)
            & (Membership.user_id == member.id)
            & Membership.approved_at.is_not(None),
        )
        .outerjoin(Application, Application.opportunity_id == Opportunity.id)
        .where(Opportunity.status != OpportunityStatus.ARCHIVED)
        .group_by(Opportunity.id)
        .options(selectinload(Opportunity.organisation))
        .order_by(Opportunity.starts_on, Opportunity.id)
    ).all()
    return [OpportunityCounts(opportunity, n) for opportunity, n in rows]
