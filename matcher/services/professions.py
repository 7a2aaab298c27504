"""Professions: what someone does decides their account role, and what their profile asks.

A profession (reference data, `matcher.models.teaching.Profession`) on a "levels" ladder asks for a
training level between its level_min and level_max ranks (a medical student: years 1-6; an IR
physician: consultant only); on a "grades" ladder it asks for one of its own grades (a nurse:
staff nurse, senior nurse, nurse specialist). Accounts made before professions existed, and test
accounts, may have none: a student counts as a medical student and a trainee as an IR trainee.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from matcher.formatting import language
from matcher.models import Profession, Role, TrainingLevel, User
from matcher.models.teaching import Ladder

# The profession an account of an old role stands for when it names none.
DEFAULT_PROFESSION = {Role.STUDENT: "medical-student", Role.TRAINEE: "ir-trainee"}


def signup_professions(session: Session) -> list[Profession]:
    """The professions someone can sign up as, in their shipped order."""
    return list(session.scalars(select(Profession).order_by(Profession.position, Profession.code)))


def profession_named(session: Session, code: str | None) -> Profession | None:
    return session.get(Profession, code) if code else None


def profession_of(session: Session, user: User) -> Profession | None:
    """The user's profession; for an account without one, the one its role stands for (None for staff)."""
    code = user.profession_code or DEFAULT_PROFESSION.get(user.role_enum)
    return profession_named(session, code)


def uses_levels(profession: Profession | None) -> bool:
    return profession is None or profession.ladder == Ladder.LEVELS


def levels_for(session: Session, profession: Profession | None) -> list[TrainingLevel]:
    """The training levels someone of this profession may choose (none for a "grades" profession)."""
    if not uses_levels(profession):
        return []
    stmt = select(TrainingLevel).order_by(TrainingLevel.rank)
    if profession is not None and profession.level_min is not None:
        stmt = stmt.where(TrainingLevel.rank >= profession.level_min)
    if profession is not None and profession.level_max is not None:
        stmt = stmt.where(TrainingLevel.rank <= profession.level_max)
    return list(session.scalars(stmt))


def grade_codes(profession: Profession | None) -> list[str]:
    """The codes of the profession's own grades, in their shipped order (none on a "levels" ladder)."""
    if profession is None or profession.ladder != Ladder.GRADES:
        return []
    return [grade["code"] for grade in profession.grades or []]


def grade_label(profession: Profession | None, code: str | None, language_code: str | None = None) -> str:
    """A grade's words in the reader's language; "" when the profession has no such grade."""
    if profession is None or not code:
        return ""
    reader = language_code or language()
    for grade in profession.grades or []:
        if grade["code"] == code:
            return (grade.get("translations") or {}).get(reader) or grade["label"]
    return ""


def grade_choices(profession: Profession | None) -> list[tuple[str, str]]:
    """(code, words) for each of the profession's grades, in the reader's language."""
    return [(code, grade_label(profession, code)) for code in grade_codes(profession)]


def teaches(session: Session, user: User) -> bool:
    """Whether the user's profession can offer to teach (IR trainees, physicians, nurses...)."""
    profession = profession_of(session, user)
    return user.is_applicant and profession is not None and profession.teaches
