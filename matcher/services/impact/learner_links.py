"""Local learners' anonymous feedback on a visit's teaching, through links that need no account.

A host makes links (`make_links`) and hands one to each local learner: only the sha256 of each
token is kept, so the links are shown once. Whoever holds a link may answer once (`answer`): in
one transaction the link is marked used by a conditional UPDATE (not used yet, not expired), then
the answer is saved with the visit and the day alone. Nothing ties an answer to its link: the
link keeps only that it was used, and the day (not the time), so the order of use tells nothing.
`revoke_unused` closes every link not used yet (they then count as expired).

The answers show to the visit's hosts, visitors and staff only together (`summary`): once at
least RELEASE_AT have answered, or once the feedback window after the visit has closed.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import case, func, select, update
from sqlalchemy.orm import Session

from matcher.formatting import day
from matcher.models import Opportunity, User
from matcher.models.impact import LearnerLink, LearnerResponse
from matcher.services.errors import DomainError, NotFound, PermissionDenied
from matcher.services.impact import visits
from matcher.services.impact.identifiers import looks_identifying
from matcher.translate import gettext as _

MAX_LINKS = 100  # links made at once
DEFAULT_DAYS = 60  # a link works this many days unless the host says otherwise
MAX_DAYS = 180
MAX_TEXT = 2000  # each comment
RELEASE_AT = 3  # answers needed before they show (else the window must have closed)
SCALE = (1, 2, 3, 4, 5)
# Tokens: 12 characters a person can type from paper without confusing them (no 0/o, 1/l/i),
# about 59 bits; printed in groups of four ("abcd-efgh-jkmn"), read without dashes or capitals.
TOKEN_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # noqa: S105 (an alphabet, not a secret)
TOKEN_LENGTH = 12


class LinkClosed(DomainError):
    """The link was used already, or it expired (or the host withdrew it): 410 Gone."""

    status = 410

    def __init__(self, message: str, used: bool) -> None:
        super().__init__(message)
        self.used = used


@dataclass(frozen=True)
class LinkCounts:
    made: int
    used: int
    unused: int  # not used and still open
    expired: int  # not used and past their last day (withdrawn ones included)


@dataclass(frozen=True)
class NewLink:
    token: str  # as printed, with dashes
    expires_on: date


@dataclass(frozen=True)
class Answers:
    usefulness: int
    confidence: int | None
    helped: str
    improve: str


@dataclass(frozen=True)
class Distribution:
    """How many chose each point of the 1-5 scale, of those who answered the question."""

    counts: tuple[int, ...]  # for 1, 2, 3, 4, 5
    answered: int
    average: float | None  # to one decimal

    @property
    def rows(self) -> list[tuple[int, int]]:
        return list(zip(SCALE, self.counts, strict=True))


@dataclass(frozen=True)
class Summary:
    """The local learners' answers on one visit, together. Before release only `count` and when
    they show are filled: the figures and comments stay empty."""

    count: int
    released: bool
    shows_on: date  # the day the answers show whatever their number
    needed: int  # answers still needed to show them before `shows_on` (0 once released)
    usefulness: Distribution | None = None
    confidence: Distribution | None = None
    helped: tuple[str, ...] = ()  # "what helped most", in a shuffled but stable order
    improve: tuple[str, ...] = ()  # "what could be better", likewise


def normalise(token: str) -> str:
    """A token as typed from paper: without dashes, spaces or capitals."""
    return "".join(token.split()).replace("-", "").lower()


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _hashes(token: str) -> list[str]:
    """The token as given and as normalised (a typed link may carry capitals or dashes)."""
    return list(dict.fromkeys([token_hash(token), token_hash(normalise(token))]))


def _new_token() -> str:
    return "".join(secrets.choice(TOKEN_ALPHABET) for _ in range(TOKEN_LENGTH))


def printed(token: str) -> str:
    return "-".join(token[i : i + 4] for i in range(0, len(token), 4))


def _require_host(session: Session, user: User, visit: Opportunity) -> None:
    if not visits.is_host(session, user, visit):
        raise PermissionDenied(_("Only the visit's hosts can make feedback links."))


def counts(session: Session, visit_id: int, today: date) -> LinkCounts:
    """How many links the visit has, used, unused and expired (one statement)."""
    unused = (LearnerLink.used_at.is_(None)) & (LearnerLink.expires_on >= today)
    expired = (LearnerLink.used_at.is_(None)) & (LearnerLink.expires_on < today)
    made, used, still, gone = session.execute(
        select(
            func.count(LearnerLink.id),
            func.coalesce(func.sum(case((LearnerLink.used_at.is_not(None), 1), else_=0)), 0),
            func.coalesce(func.sum(case((unused, 1), else_=0)), 0),
            func.coalesce(func.sum(case((expired, 1), else_=0)), 0),
        ).where(LearnerLink.visit_id == visit_id)
    ).one()
    return LinkCounts(made=made, used=int(used), unused=int(still), expired=int(gone))


def make_links(
    session: Session, user: User, visit: Opportunity, number: int, days: int, today: date
) -> list[NewLink]:
    """Make `number` links that work until `days` days from today; the tokens are returned once."""
    _require_host(session, user, visit)
    if not visits.has_started(visit, today):
        raise DomainError(
            _(
                "You can make feedback links from the first day of the visit, %(day)s.",
                day=day(visit.starts_on),
            )
        )
    if not 1 <= number <= MAX_LINKS:
        raise DomainError(_("Make from 1 to %(most)d links at a time.", most=MAX_LINKS), field="number")
    if not 1 <= days <= MAX_DAYS:
        raise DomainError(_("Choose from 1 to %(most)d days.", most=MAX_DAYS), field="days")
    expires_on = today + timedelta(days=days)
    made = [_new_token() for _ in range(number)]
    session.add_all(
        LearnerLink(
            visit_id=visit.id, token_hash=token_hash(token), created_by_id=user.id, expires_on=expires_on
        )
        for token in made
    )
    session.flush()
    return [NewLink(token=printed(token), expires_on=expires_on) for token in made]


def revoke_unused(session: Session, user: User, visit: Opportunity, today: date) -> int:
    """Close every link of the visit not used yet (their last day becomes yesterday, and they
    remember the day they were withdrawn); how many."""
    _require_host(session, user, visit)
    result = session.execute(
        update(LearnerLink)
        .where(
            LearnerLink.visit_id == visit.id,
            LearnerLink.used_at.is_(None),
            LearnerLink.expires_on >= today,
        )
        .values(expires_on=today - timedelta(days=1), withdrawn_on=today)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount


def _closed(link: LearnerLink) -> LinkClosed:
    if link.used_at is not None:
        return LinkClosed(_("This link has been used already: each link takes one answer."), used=True)
    if link.withdrawn_on is not None:
        return LinkClosed(_("This link no longer works: the hosts of the visit withdrew it."), used=False)
    return LinkClosed(_("This link no longer works: its time to answer is over."), used=False)


def find_link(session: Session, token: str) -> LearnerLink:
    """The link behind a token, used or not; NotFound for a token no link has."""
    link = session.scalar(select(LearnerLink).where(LearnerLink.token_hash.in_(_hashes(token))))
    if link is None:
        raise NotFound(_("There is no such feedback link. Check that you typed it as it is printed."))
    return link


def check_open(link: LearnerLink, today: date) -> None:
    """LinkClosed when the link was used or has expired (or was withdrawn)."""
    if link.used_at is not None or link.expires_on < today:
        raise _closed(link)


def open_link(session: Session, token: str, today: date) -> LearnerLink:
    """The link behind a token, still open; NotFound for an unknown token, LinkClosed when used or
    expired."""
    link = find_link(session, token)
    check_open(link, today)
    return link


def answer(session: Session, token: str, answers: Answers, today: date) -> None:
    """Save one answer through a link and use the link up, in the caller's one transaction.

    The UPDATE takes the link only while it is unused and open: of two answers sent at once, the
    second finds no row (the database serialises them) and is refused with nothing saved."""
    link = open_link(session, token, today)
    if answers.usefulness not in SCALE:
        raise DomainError(_("Choose a number from 1 to 5."), field="usefulness")
    if answers.confidence is not None and answers.confidence not in SCALE:
        raise DomainError(_("Choose a number from 1 to 5."), field="confidence")
    for field in ("helped", "improve"):
        if looks_identifying(getattr(answers, field)):  # see services.impact.identifiers
            raise DomainError(
                _(
                    "This looks like a patient's name or number (a hospital or file number, a date of"
                    " birth). Patients' details must stay private: please take it out and write only"
                    " about the teaching."
                ),
                field=field,
            )
    taken = session.execute(
        update(LearnerLink)
        .where(LearnerLink.id == link.id, LearnerLink.used_at.is_(None), LearnerLink.expires_on >= today)
        .values(used_at=datetime.combine(today, time.min))  # the day only: the order of use stays unknown
        .execution_options(synchronize_session=False)
    )
    if taken.rowcount != 1:
        session.expire(link)
        raise _closed(session.get(LearnerLink, link.id) or link)
    session.add(
        LearnerResponse(
            visit_id=link.visit_id,
            usefulness=answers.usefulness,
            confidence=answers.confidence,
            helped=answers.helped.strip()[:MAX_TEXT],
            improve=answers.improve.strip()[:MAX_TEXT],
            answered_on=today,
        )
    )
    session.flush()


def release_day(visit: Opportunity) -> date:
    """The first day the answers show whatever their number: the window after the visit has closed."""
    return visits.feedback_shows_on(visit)


def _distribution(values: list[int]) -> Distribution:
    counts_by_point = tuple(values.count(point) for point in SCALE)
    average = round(sum(values) / len(values), 1) if values else None
    return Distribution(counts=counts_by_point, answered=len(values), average=average)


def _shuffled(visit_id: int, part: str, texts: list[tuple[int, str]]) -> tuple[str, ...]:
    """The non-empty texts in an order that looks random and stays the same from view to view."""

    def key(item: tuple[int, str]) -> str:
        return hashlib.sha256(f"{visit_id}:{part}:{item[0]}".encode()).hexdigest()

    return tuple(text for _, text in sorted(texts, key=key) if text)


def summary(session: Session, visit_id: int, today: date) -> Summary:
    """The visit's local learners' answers together (two statements: the visit, the answers)."""
    visit = session.get(Opportunity, visit_id)
    if visit is None:
        raise NotFound(_("There is no such visit."))
    rows = session.execute(
        select(
            LearnerResponse.id,
            LearnerResponse.usefulness,
            LearnerResponse.confidence,
            LearnerResponse.helped,
            LearnerResponse.improve,
        ).where(LearnerResponse.visit_id == visit_id)
    ).all()
    shows_on = release_day(visit)
    released = len(rows) >= RELEASE_AT or today >= shows_on
    if not released:
        return Summary(count=len(rows), released=False, shows_on=shows_on, needed=RELEASE_AT - len(rows))
    return Summary(
        count=len(rows),
        released=True,
        shows_on=shows_on,
        needed=0,
        usefulness=_distribution([r.usefulness for r in rows]),
        confidence=_distribution([r.confidence for r in rows if r.confidence is not None]),
        helped=_shuffled(visit_id, "helped", [(r.id, r.helped) for r in rows]),
        improve=_shuffled(visit_id, "improve", [(r.id, r.improve) for r in rows]),
    )
