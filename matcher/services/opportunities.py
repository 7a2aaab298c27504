"""Opportunities: create, edit, duplicate, and move through draft → published → closed → archived."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field, fields
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from matcher.db import utcnow
from matcher.formatting import language_in_sentence
from matcher.models import (
    Country,
    Interest,
    LanguageLevel,
    Opportunity,
    OpportunityLanguage,
    OpportunityStatus,
    OpportunityType,
    Organisation,
    Site,
    TrainingLevel,
    User,
)
from matcher.models.opportunity import CONTENT_LANGUAGES
from matcher.models.webhook import WebhookEvent
from matcher.services import costs
from matcher.services.errors import Conflict, DomainError, NotFound, PermissionDenied
from matcher.services.permissions import can_act_for, is_staff
from matcher.services.text import refuse_line_breaks
from matcher.services.webhooks import events as webhook_events
from matcher.translate import gettext as _
from matcher.translate import lazy_gettext as _l
from matcher.translate import ngettext
from matcher.words import long_date

S = OpportunityStatus
# Which status each action may start from.
TRANSITIONS: dict[str, tuple[set[str], str]] = {
    "publish": ({S.DRAFT, S.CLOSED}, S.PUBLISHED),
    "close": ({S.PUBLISHED}, S.CLOSED),
    "archive": ({S.DRAFT, S.CLOSED}, S.ARCHIVED),
}
# Why an action cannot start from the opportunity's status (a whole sentence per action).
_CANNOT = {
    "publish": _l("This opportunity is %(status)s, so it cannot be published."),
    "close": _l("This opportunity is %(status)s, so it cannot be closed."),
    "archive": _l("This opportunity is %(status)s, so it cannot be archived."),
}


@dataclass
class OpportunityData:
    """What an organisation member fills in; checked here, whatever form or API sent it."""

    title: str
    description: str
    type: str
    host_institution: str
    city: str
    country_code: str
    level_min: int
    level_max: int
    starts_on: date
    ends_on: date
    capacity: int
    interests: list[str]
    languages: list[tuple[str, str]]
    flexible: bool = False
    min_weeks: int | None = None
    fee_amount: Decimal | None = None
    fee_currency: str | None = None
    accommodation_provided: bool = False
    stipend_provided: bool = False
    accommodation_cost: Decimal | None = None
    fee_waiver: bool = False
    travel_grant: bool = False
    deadline: date | None = None
    requirements: str = ""
    needs_visa: bool = False
    needs_temporary_licence: bool = False
    needs_indemnity: bool = False
    needs_immunisations: bool = False
    contact_name: str = ""
    contact_email: str = ""
    # The language the text is written in, and short summaries in other languages ({"fr": "..."}).
    written_in: str = "en"
    summaries: dict[str, str] = field(default_factory=dict)
    # A teaching visit's site (one of the organisation's); None for other kinds.
    site_id: int | None = None


SIMPLE_FIELDS = [
    f.name for f in fields(OpportunityData) if f.name not in ("interests", "languages", "summaries")
]
SUMMARY_MAX = 600  # characters: a few sentences, not a second description


def summary_problems(written_in: str | None, summaries: dict[str, str]) -> list[tuple[str, str]]:
    """What is wrong with the summaries, as (field, message); the form's fields are summary_<code>."""
    problems = []
    for code, text in summaries.items():
        text = (text or "").strip()
        if code not in CONTENT_LANGUAGES:
            problems.append(("written_in", _("Summaries can only be in the languages listed.")))
        elif text and code == written_in:
            message = _(
                "The opportunity is written in %(language)s: it needs no summary in that language.",
                language=language_in_sentence(code),
            )
            problems.append((f"summary_{code}", message))
        elif len(text) > SUMMARY_MAX:
            problems.append(
                (f"summary_{code}", _("Keep the summary to %(max)d characters.", max=SUMMARY_MAX))
            )
    return problems


def validate(session: Session, data: OpportunityData, places_filled: int = 0) -> None:
    """Raise DomainError on the first field that breaks a rule of the domain."""
    refuse_line_breaks(
        title=data.title,
        host_institution=data.host_institution,
        city=data.city,
        fee_currency=data.fee_currency,
        contact_name=data.contact_name,
        contact_email=data.contact_email,
    )
    title = data.title.strip()
    if not title:
        raise DomainError(_("Give the opportunity a title."), field="title")
    if len(title) > 200:
        raise DomainError(_("Keep the title to 200 characters."), field="title")
    if data.type not in {t.value for t in OpportunityType}:
        raise DomainError(_("Choose a type from the list."), field="type")
    if session.get(Country, data.country_code or "") is None:
        raise DomainError(_("Choose a country from the list."), field="country_code")
    ranks = set(session.scalars(select(TrainingLevel.rank)))
    if data.level_min not in ranks or data.level_max not in ranks:
        raise DomainError(_("Choose training levels from the list."), field="level_min")
    problems = cross_field_problems(data)
    if problems:
        name, message = problems[0]
        raise DomainError(message, field=name)
    if data.capacity < 1:
        raise DomainError(_("Offer at least one place."), field="capacity")
    if data.capacity < places_filled:
        taken = ngettext(
            "%(num)d place is already taken; capacity cannot be lower.",
            "%(num)d places are already taken; capacity cannot be lower.",
            places_filled,
        )
        raise DomainError(taken, field="capacity")
    if data.fee_amount is not None and data.fee_amount < 0:
        raise DomainError(_("A fee cannot be negative."), field="fee_amount")
    if not data.interests:
        raise DomainError(_("Choose at least one interest."), field="interests")
    known = set(session.scalars(select(Interest.slug).where(Interest.slug.in_(data.interests))))
    if known != set(data.interests):
        raise DomainError(_("Choose interests from the list."), field="interests")
    codes = [code for code, _level in data.languages]
    if len(codes) != len(set(codes)):
        raise DomainError(_("List each language once."), field="languages")
    if any(level not in {v.value for v in LanguageLevel} for _code, level in data.languages):
        raise DomainError(_("Choose a language level from the list."), field="languages")
    if data.written_in not in CONTENT_LANGUAGES:
        raise DomainError(_("Choose the language it is written in from the list."), field="written_in")
    problems = summary_problems(data.written_in, data.summaries)
    if problems:
        name, message = problems[0]
        raise DomainError(message, field=name)


def cross_field_problems(data: Any) -> list[tuple[str, str]]:
    """The rules that tie fields together, as (field, message), all of them at once.

    `data` has OpportunityData's attributes; a value that is None (a form field the person left
    empty or got wrong) skips the rules that need it, so the form runs these beside its own field
    checks and reports every problem in one pass, and `validate` raises the first.
    """
    problems: list[tuple[str, str]] = []
    low, high = data.level_min, data.level_max
    if low is not None and high is not None and low > high:
        problems.append(("level_max", _("The lowest level accepted must not be above the highest.")))
    starts, ends = data.starts_on, data.ends_on
    if starts and ends and ends < starts:
        problems.append(("ends_on", _("The end date must not be before the start date.")))
    if data.flexible:
        if not data.min_weeks or data.min_weeks < 1:
            problems.append(("min_weeks", _("Give the minimum length in weeks for a flexible window.")))
        elif starts and ends and starts + timedelta(weeks=data.min_weeks) > ends + timedelta(days=1):
            problems.append(("min_weeks", _("The window is shorter than the minimum length.")))
    if data.deadline and starts and data.deadline > starts:
        problems.append(("deadline", _("The application deadline must be on or before the start date.")))
    if data.fee_amount and not data.fee_currency:
        problems.append(("fee_currency", _("Give the currency of the fee.")))
    return problems + costs.cost_problems(data)


def check_site(session: Session, organisation: Organisation, data: OpportunityData) -> None:
    """A site named must be one of the organisation's, and only a teaching visit names one."""
    if data.site_id is None:
        return
    if data.type != OpportunityType.TEACHING_VISIT:
        raise DomainError(_("Only a teaching visit takes place at one of your sites."), field="site_id")
    site = session.get(Site, data.site_id)
    if site is None or site.organisation_id != organisation.id:
        raise DomainError(_("Choose one of your organisation's sites."), field="site_id")


def _apply(session: Session, opportunity: Opportunity, data: OpportunityData) -> None:
    for name in SIMPLE_FIELDS:
        setattr(opportunity, name, getattr(data, name))
    opportunity.title = data.title.strip()
    opportunity.summaries = {
        code: text.strip() for code, text in sorted(data.summaries.items()) if text and text.strip()
    }
    opportunity.min_weeks = data.min_weeks if data.flexible else None
    opportunity.fee_currency = (data.fee_currency or "").upper() or None
    opportunity.interests = list(session.scalars(select(Interest).where(Interest.slug.in_(data.interests))))
    by_code = {lang.language: lang for lang in opportunity.languages}
    opportunity.languages = [_language(by_code.get(code), code, level) for code, level in data.languages]


def _language(existing: OpportunityLanguage | None, code: str, level: str) -> OpportunityLanguage:
    row = existing or OpportunityLanguage(language=code)
    row.level = level
    return row


def require_editor(session: Session, actor: User, organisation: Organisation) -> None:
    if not can_act_for(session, actor, organisation):
        raise PermissionDenied(_("You do not act for this organisation."))


def new_form_token() -> str:
    """A one-time token for a "new opportunity" form (see `create`)."""
    return secrets.token_urlsafe(32)


def create(
    session: Session,
    actor: User,
    organisation: Organisation,
    data: OpportunityData,
    form_token: str | None = None,
) -> Opportunity:
    """A new draft of the organisation; the same form sent again saves into the draft it made.

    A form sent again after its draft was published leaves that opportunity as it is.
    """
    require_editor(session, actor, organisation)
    earlier = _made_by_form(session, organisation, form_token)
    if earlier is not None:
        if earlier.status == S.DRAFT:
            update(session, actor, earlier, data)
        return earlier
    validate(session, data)
    check_site(session, organisation, data)
    opportunity = Opportunity(
        organisation=organisation, created_by_id=actor.id, status=S.DRAFT, form_token=form_token or None
    )
    _apply(session, opportunity, data)
    try:
        with session.begin_nested():  # the same form sent twice at once: the unique token keeps one
            session.add(opportunity)
            session.flush()
    except IntegrityError:
        earlier = _made_by_form(session, organisation, form_token)
        if earlier is None:
            raise
        return earlier
    return opportunity


def _made_by_form(session: Session, organisation: Organisation, form_token: str | None) -> Opportunity | None:
    if not form_token:
        return None
    return session.scalar(
        select(Opportunity).where(
            Opportunity.form_token == form_token, Opportunity.organisation_id == organisation.id
        )
    )


def update(session: Session, actor: User, opportunity: Opportunity, data: OpportunityData) -> None:
    require_editor(session, actor, opportunity.organisation)
    if opportunity.status == S.ARCHIVED:
        raise Conflict(_("An archived opportunity cannot be edited. Duplicate it instead."))
    validate(session, data, places_filled=opportunity.places_filled)
    check_site(session, opportunity.organisation, data)
    _apply(session, opportunity, data)


def duplicate(session: Session, actor: User, opportunity: Opportunity) -> Opportunity:
    """A draft copy for the next intake, its dates moved on by a year."""
    require_editor(session, actor, opportunity.organisation)
    copy = Opportunity(organisation=opportunity.organisation, created_by_id=actor.id, status=S.DRAFT)
    for name in SIMPLE_FIELDS:
        setattr(copy, name, getattr(opportunity, name))
    copy.starts_on, copy.ends_on = _next_year(opportunity.starts_on), _next_year(opportunity.ends_on)
    copy.deadline = _next_year(opportunity.deadline) if opportunity.deadline else None
    copy.summaries = dict(opportunity.summaries or {})
    copy.interests = list(opportunity.interests)
    copy.languages = [OpportunityLanguage(language=x.language, level=x.level) for x in opportunity.languages]
    session.add(copy)
    session.flush()
    return copy


def _next_year(day: date) -> date:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year + 1, day=28)


def transition(
    session: Session, actor: User, opportunity: Opportunity, action: str, today: date | None = None
) -> None:
    """Publish, close or archive; publishing needs a verified organisation and dates still ahead."""
    require_editor(session, actor, opportunity.organisation)
    if action not in TRANSITIONS:
        raise NotFound(_("Unknown action."))
    sources, target = TRANSITIONS[action]
    if opportunity.status not in sources:
        raise Conflict(str(_CANNOT[action]) % {"status": S(opportunity.status).label})
    if target == S.PUBLISHED:
        if not opportunity.organisation.is_verified:
            raise Conflict(
                _(
                    "Your organisation is not verified yet, so its opportunities cannot be published. "
                    "A coordinator will review it soon."
                )
            )
        require_dates_ahead(opportunity, today or date.today())
        opportunity.published_at = opportunity.published_at or utcnow()
    opportunity.status = target
    if target == S.PUBLISHED:
        webhook_events.about_opportunity(session, opportunity, WebhookEvent.OPPORTUNITY_PUBLISHED)


def require_dates_ahead(opportunity: Opportunity, today: date) -> None:
    """Refuse, at the date's field, to publish what nobody could still apply to or attend."""
    if opportunity.ends_on < today:
        raise DomainError(
            _(
                "It ended on %(day)s, so nobody can apply. Give this year's dates "
                "(or duplicate it for the next intake) before publishing.",
                day=long_date(opportunity.ends_on),
            ),
            field="ends_on",
        )
    if opportunity.starts_on < today:
        left = opportunity.ends_on - today + timedelta(days=1)
        if not opportunity.flexible:
            raise DomainError(
                _(
                    "It started on %(day)s, which has passed. Give a start date "
                    "from today on before publishing.",
                    day=long_date(opportunity.starts_on),
                ),
                field="starts_on",
            )
        if opportunity.min_weeks and left < timedelta(weeks=opportunity.min_weeks):
            raise DomainError(
                ngettext(
                    "Less than the minimum length of %(num)d week is left of the window. "
                    "Give later dates before publishing.",
                    "Less than the minimum length of %(num)d weeks is left of the window. "
                    "Give later dates before publishing.",
                    opportunity.min_weeks,
                ),
                field="ends_on",
            )
    if opportunity.deadline is not None and opportunity.deadline < today:
        raise DomainError(
            _(
                "The application deadline, %(day)s, has passed. Give a later "
                "deadline (or none) before publishing.",
                day=long_date(opportunity.deadline),
            ),
            field="deadline",
        )


PUBLIC_STATUSES = frozenset({S.PUBLISHED, S.CLOSED})


def visible_to(session: Session, opportunity: Opportunity, viewer: User) -> bool:
    """Published (or closed) ones of verified organisations are public; the rest only to editors."""
    if opportunity.status in PUBLIC_STATUSES and opportunity.organisation.is_verified:
        return True
    return is_staff(viewer) or can_act_for(session, viewer, opportunity.organisation)
