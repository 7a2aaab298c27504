"""The volunteer teaching profile: what a trainee, physician, nurse or radiographer offers to teach.

For each procedure (or teaching subject) whether they can teach it or assist; their teaching
experience; the languages they can teach in; the licences they hold; the weeks a year and the
months they offer; whether they also teach remotely; and whether they are listed in the volunteer
directory (never by default). Only professions that teach (`Profession.teaches`) have one.

Languages of instruction are chosen among the languages the volunteer speaks (their profile's
languages, with the level given there), at conversational level or better: teaching a procedure
in a language spoken at a basic level would not be safe. The old generic "what I can teach"
interests (Profile.teaching_interests) are kept as they were, shown read-only: the teaching fit
now uses procedures.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload, selectinload

from matcher.db import utcnow
from matcher.models import Country, Licence, Procedure, ProcedureSkill, Profession, Profile, User
from matcher.models.opportunity import LanguageLevel
from matcher.models.profile import MAX_TEACHING_WEEKS
from matcher.models.teaching import ProcedureKind, SkillLevel
from matcher.services import professions, profiles
from matcher.services.errors import DomainError, PermissionDenied
from matcher.services.text import refuse_line_breaks
from matcher.translate import gettext as _

MAX_LICENCES = 8
MAX_BODY = 160
MAX_EXPERIENCE = 2000
MAX_TEACHING_YEARS = 60
# The levels at which someone may teach in a language.
INSTRUCTION_LEVELS = frozenset({LanguageLevel.CONVERSATIONAL.value, LanguageLevel.PROFESSIONAL.value})


@dataclass(frozen=True)
class LicenceData:
    country_code: str
    body: str = ""
    expires_on: date | None = None


@dataclass
class TeachingData:
    """What a volunteer fills in on the teaching page; checked here, whatever form sent it."""

    volunteers_to_teach: bool = False
    # Procedure code -> "teach" or "assist"; a procedure left out: neither.
    skills: dict[str, str] = field(default_factory=dict)
    teaching_years: int | None = None
    teaching_experience: str = ""
    # Codes of spoken languages the volunteer can teach in.
    instructs: list[str] = field(default_factory=list)
    licences: list[LicenceData] = field(default_factory=list)
    teaching_weeks: int | None = None
    months: list[int] = field(default_factory=list)
    teaches_remotely: bool = False
    directory_listed: bool = False


# ---------------------------------------------------------------------------------------------
# Reading


def can_teach(session: Session, user: User) -> bool:
    """Whether the user has a teaching profile: an applicant whose profession teaches."""
    return professions.teaches(session, user)


def require_teacher(session: Session, user: User) -> None:
    if not can_teach(session, user):
        raise PermissionDenied(
            _(
                "Volunteer teaching is for IR trainees, physicians, nurses, radiographers and the other "
                "professions that teach. Medical students apply for electives and observerships instead."
            )
        )


def offer_of(session: Session, user: User) -> tuple[bool, bool, bool]:
    """(their profession teaches, they volunteer, they are listed in the directory), in one
    statement, for the pages that only say so (the dashboard, the profile page)."""
    code = user.profession_code or professions.DEFAULT_PROFESSION.get(user.role_enum)
    if not user.is_applicant or code is None:
        return False, False, False
    row = session.execute(
        select(Profession.teaches, Profile.volunteers_to_teach, Profile.directory_listed)
        .select_from(Profession)
        .outerjoin(Profile, Profile.user_id == user.id)
        .where(Profession.code == code)
    ).one_or_none()
    return (bool(row[0]), bool(row[1]), bool(row[2])) if row else (False, False, False)


def teaching_rows(session: Session, profile: Profile) -> tuple[list[ProcedureSkill], list[Licence]]:
    """A profile's skills (with their procedures, in the procedures' order) and licences: two statements."""
    skills = session.scalars(
        select(ProcedureSkill)
        .join(ProcedureSkill.procedure)
        .where(ProcedureSkill.profile_id == profile.id)
        .options(joinedload(ProcedureSkill.procedure))
        .order_by(Procedure.position)
    ).all()
    licences = session.scalars(
        select(Licence).where(Licence.profile_id == profile.id).order_by(Licence.country_code, Licence.id)
    ).all()
    return list(skills), list(licences)


def offered_procedures(session: Session) -> list[Procedure]:
    """The procedures and teaching subjects a volunteer can choose: not retired, in their order."""
    return list(
        session.scalars(
            select(Procedure)
            .where(Procedure.retired_at.is_(None))
            .order_by(Procedure.kind, Procedure.position, Procedure.id)
        )
    )


def grouped_procedures(
    procedures: list[Procedure],
) -> list[tuple[str, list[tuple[Procedure, list[Procedure]]]]]:
    """[(kind, [(first procedure of a group, the group's procedures), ...])], procedures first.

    The first procedure stands for its group, so a page can name the group in the reader's language
    (`label_for(first, "group")`)."""
    kinds: list[tuple[str, list[tuple[Procedure, list[Procedure]]]]] = []
    for kind in (ProcedureKind.PROCEDURE, ProcedureKind.TEACHING):
        groups: dict[str, list[Procedure]] = {}
        for procedure in procedures:
            if procedure.kind == kind:
                groups.setdefault(procedure.group, []).append(procedure)
        if groups:
            kinds.append((kind.value, [(members[0], members) for members in groups.values()]))
    return kinds


def teaching_profile(session: Session, user: User) -> Profile | None:
    """The user's profile with its skills, licences and languages loaded (None before any is saved)."""
    return session.scalar(
        select(Profile)
        .where(Profile.user_id == user.id)
        .options(
            selectinload(Profile.procedure_skills).joinedload(ProcedureSkill.procedure),
            selectinload(Profile.licences).joinedload(Licence.country),
            selectinload(Profile.languages),
            selectinload(Profile.teaching_interests),
        )
    )


def load_teaching(session: Session, profile: Profile | None) -> Profile | None:
    """Load a volunteer's skills (with their procedures) and licences into an already read profile:
    three statements, only for a volunteer, so other profiles' pages read no more than before."""
    if profile is None or not profile.volunteers_to_teach:
        return profile
    session.scalars(
        select(Profile)
        .where(Profile.id == profile.id)
        .options(
            selectinload(Profile.procedure_skills).joinedload(ProcedureSkill.procedure),
            selectinload(Profile.licences).joinedload(Licence.country),
        )
    ).one()
    return profile


def is_expired(licence: Licence, today: date) -> bool:
    """A licence past its expiry day: kept and shown, flagged, never refused."""
    return licence.expires_on is not None and licence.expires_on < today


def skills_by_level(profile: Profile | None) -> dict[str, list[Procedure]]:
    """{"teach": [procedures], "assist": [procedures]}, in the procedures' order."""
    found: dict[str, list[Procedure]] = {SkillLevel.TEACH.value: [], SkillLevel.ASSIST.value: []}
    for skill in sorted(profile.procedure_skills if profile else [], key=lambda s: s.procedure.position):
        found.setdefault(skill.level, []).append(skill.procedure)
    return found


# ---------------------------------------------------------------------------------------------
# Writing


def validate(session: Session, user: User, profile: Profile, data: TeachingData, today: date) -> None:
    """Raise DomainError on the first field that breaks a rule; chosen values are compared with the
    known ones in Python, so that what a browser sends never reaches a query unchecked."""
    codes = {p.code for p in offered_procedures(session)}
    for code, level in data.skills.items():
        if code not in codes or level not in {s.value for s in SkillLevel}:
            raise DomainError(_("Choose, for each procedure, none, can assist or can teach."), field="skills")
    if data.teaching_years is not None and not 0 <= data.teaching_years <= MAX_TEACHING_YEARS:
        raise DomainError(
            _("Give your years of teaching, from 0 to %(num)d.", num=MAX_TEACHING_YEARS),
            field="teaching_years",
        )
    if len(profiles.check_text(data.teaching_experience, "teaching_experience")) > MAX_EXPERIENCE:
        raise DomainError(
            _("Keep your teaching experience to %(num)d characters.", num=MAX_EXPERIENCE),
            field="teaching_experience",
        )
    _check_instruction_languages(profile, data.instructs)
    _check_licences(session, data.licences)
    if data.teaching_weeks is not None and not 1 <= data.teaching_weeks <= MAX_TEACHING_WEEKS:
        raise DomainError(
            _("Give the number of weeks you can teach, from 1 to %(num)d.", num=MAX_TEACHING_WEEKS),
            field="teaching_weeks",
        )
    if not set(data.months) <= set(range(1, 13)):
        raise DomainError(_("Choose months from the list."), field="months")
    if data.volunteers_to_teach:
        _check_volunteer(data)
    elif data.directory_listed:
        raise DomainError(
            _("Only volunteers are listed in the directory: tick “I volunteer to teach” first."),
            field="directory_listed",
        )


def _check_instruction_languages(profile: Profile, codes: list[str]) -> None:
    spoken = {lang.language: lang.level for lang in profile.languages}
    for code in codes:
        if code not in spoken:
            raise DomainError(
                _("Choose languages of instruction among the languages on your profile."), field="instructs"
            )
        if spoken[code] not in INSTRUCTION_LEVELS:
            raise DomainError(
                _(
                    "You speak %(language)s at a basic level: teaching in a language needs at least "
                    "a conversational level.",
                    language=profiles.language_name(code),
                ),
                field="instructs",
            )


def _check_licences(session: Session, licences: list[LicenceData]) -> None:
    if len(licences) > MAX_LICENCES:
        raise DomainError(_("List at most %(num)d licences.", num=MAX_LICENCES), field="licences")
    countries = set(session.scalars(select(Country.iso2)))
    seen: set[tuple[str, str]] = set()
    for number, licence in enumerate(licences, 1):
        if licence.country_code not in countries:
            raise DomainError(
                _("Licence %(num)d: choose the country that issued it.", num=number), field="licences"
            )
        refuse_line_breaks(licences=licence.body)
        body = profiles.check_text(licence.body, "licences")
        if len(body) > MAX_BODY:
            raise DomainError(
                _("Licence %(num)d: keep the issuing body to %(max)d characters.", num=number, max=MAX_BODY),
                field="licences",
            )
        key = (licence.country_code, body.casefold())
        if key in seen:
            raise DomainError(
                _("Licence %(num)d is listed twice: list each licence once.", num=number), field="licences"
            )
        seen.add(key)


def _check_volunteer(data: TeachingData) -> None:
    """A volunteer says what they teach, in which language, and for how many weeks a year."""
    if not data.skills:
        raise DomainError(_("Choose at least one procedure you can teach or assist with."), field="skills")
    if not data.instructs:
        raise DomainError(_("Choose at least one language you can teach in."), field="instructs")
    if data.teaching_weeks is None:
        raise DomainError(
            _("Give the number of weeks you can teach, from 1 to %(num)d.", num=MAX_TEACHING_WEEKS),
            field="teaching_weeks",
        )


def save_teaching_profile(session: Session, user: User, data: TeachingData, today: date) -> Profile:
    """Save the volunteer's teaching profile: all of it or, on any error, none of it.

    Not volunteering (any more) takes them out of the directory and clears their weeks (a volunteer's
    budget); what they can teach, their languages and licences stay for when they come back.
    """
    require_teacher(session, user)
    profile = teaching_profile(session, user) or profiles.get_or_create(session, user)
    validate(session, user, profile, data, today)
    by_code = {p.code: p for p in offered_procedures(session)}
    existing = {s.procedure.code: s for s in profile.procedure_skills}
    kept_retired = [s for code, s in existing.items() if code not in by_code]
    chosen = []
    for code, level in sorted(data.skills.items(), key=lambda item: by_code[item[0]].position):
        skill = existing.get(code) or ProcedureSkill(procedure=by_code[code])
        skill.level = level
        chosen.append(skill)
    profile.procedure_skills = kept_retired + chosen
    profile.teaching_years = data.teaching_years
    profile.teaching_experience = data.teaching_experience.strip()
    for language in profile.languages:
        language.instructs = language.language in data.instructs
    held = {(lic.country_code, lic.body.casefold()): lic for lic in profile.licences}
    licences = []
    for item in data.licences:
        body = item.body.strip()
        licence = held.get((item.country_code, body.casefold())) or Licence(country_code=item.country_code)
        licence.body, licence.expires_on = body, item.expires_on
        licences.append(licence)
    profile.licences = licences
    profile.teaching_months = sorted(set(data.months))
    profile.teaches_remotely = data.teaches_remotely
    # Weeks before the flag: a CHECK allows weeks only for volunteers, at every flush.
    profile.teaching_weeks = data.teaching_weeks if data.volunteers_to_teach else None
    profile.volunteers_to_teach = data.volunteers_to_teach
    profile.directory_listed = data.directory_listed and data.volunteers_to_teach
    profile.updated_at = utcnow()
    session.flush()
    return profile
