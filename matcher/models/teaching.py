"""Teaching: professions, the procedures taxonomy, sites with their readiness, and teaching requests.

The people who teach (IR physicians, trainees, nurses, radiographers, and more to come), what each
host site has (its readiness profile, modelled on published IR readiness assessments) and what it
asks to be taught. Professions and procedures are reference data shipped in the repo with their
words in every interface language (`Translated`); a new profession is a new row, not a migration.
"""

from __future__ import annotations

from datetime import date, datetime, time
from enum import StrEnum
from typing import TYPE_CHECKING

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Column,
    ForeignKey,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from matcher.db import db, sql_in, utcnow
from matcher.models.opportunity import CONTENT_LANGUAGES_SQL
from matcher.models.reference import Translated
from matcher.translate import lazy_gettext as _l

if TYPE_CHECKING:
    from matcher.models.organisation import Organisation
    from matcher.models.profile import Profile
    from matcher.models.reference import Country


class Ladder(StrEnum):
    """How a profession says how far along someone is."""

    # The medical training levels (TrainingLevel ranks between the profession's min and max rank).
    LEVELS = "levels"
    # The profession's own grades (Profession.grades), e.g. a nurse's "staff nurse", "nurse specialist".
    GRADES = "grades"


class Profession(Translated, db.Model):
    """What someone does: medical student, IR trainee, IR physician, IR nurse, radiographer...

    Reference data (matcher/reference/professions.py, `flask reference sync`). `role` is the account
    role people of this profession sign up with (student, trainee or professional); `ladder` says
    what the profile asks: a training level in [level_min, level_max] or one of `grades`
    (`[{"code": "...", "label": "...", "translations": {"fr": "...", ...}}, ...]`). `teaches`: whether
    people of this profession can offer to teach and take a role in a teaching team (the role's
    code is the profession's code).
    """

    __tablename__ = "professions"
    __table_args__ = (
        CheckConstraint(f"ladder IN {sql_in(Ladder)}", name="ladder_known"),
        CheckConstraint("role IN ('student', 'trainee', 'professional')", name="role_known"),
    )

    code: Mapped[str] = mapped_column(String(30), primary_key=True)
    label: Mapped[str] = mapped_column(String(120))
    role: Mapped[str] = mapped_column(String(20))
    ladder: Mapped[str] = mapped_column(String(10), default=Ladder.LEVELS)
    level_min: Mapped[int | None] = mapped_column(ForeignKey("training_levels.rank"))
    level_max: Mapped[int | None] = mapped_column(ForeignKey("training_levels.rank"))
    grades: Mapped[list[dict]] = mapped_column(JSON, default=list, server_default="[]")
    teaches: Mapped[bool] = mapped_column(Boolean, default=False)
    position: Mapped[int] = mapped_column(default=0)

    def __repr__(self) -> str:
        return f"<Profession {self.code}>"


class ProcedureKind(StrEnum):
    PROCEDURE = "procedure"
    # Non-procedure teaching: ultrasound skills, simulation, nursing care, radiation safety.
    TEACHING = "teaching"


class Resource(StrEnum):
    """The items of a site's readiness profile (after published IR readiness assessments)."""

    # Imaging
    ULTRASOUND = "ultrasound"
    CT = "ct"
    FLUOROSCOPY = "fluoroscopy"
    C_ARM = "c_arm"
    ANGIOGRAPHY = "angiography"  # angiography suite / DSA
    # Consumables
    CATHETERS_WIRES = "catheters_wires"
    DRAINS = "drains"
    EMBOLIC_AGENTS = "embolic_agents"
    # Support
    NURSING_RECOVERY = "nursing_recovery"
    SEDATION = "sedation"  # sedation / anaesthesia support
    POWER_BACKUP = "power_backup"
    IMAGE_ARCHIVE = "image_archive"  # PACS or another image archive

    @property
    def label(self) -> str:
        return str(RESOURCE_LABELS[self])


RESOURCE_LABELS = {
    Resource.ULTRASOUND: _l("Ultrasound"),
    Resource.CT: _l("CT"),
    Resource.FLUOROSCOPY: _l("Fluoroscopy"),
    Resource.C_ARM: _l("C-arm fluoroscopy"),
    Resource.ANGIOGRAPHY: _l("Angiography suite (DSA)"),
    Resource.CATHETERS_WIRES: _l("Catheters and guidewires"),
    Resource.DRAINS: _l("Drains"),
    Resource.EMBOLIC_AGENTS: _l("Embolic agents"),
    Resource.NURSING_RECOVERY: _l("Nursing and recovery area"),
    Resource.SEDATION: _l("Sedation or anaesthesia support"),
    Resource.POWER_BACKUP: _l("Power backup"),
    Resource.IMAGE_ARCHIVE: _l("Image archive (PACS)"),
}


class Availability(StrEnum):
    """How far a site has one readiness item."""

    YES = "yes"
    LIMITED = "limited"  # present but unreliable or shared: still supports teaching, flagged
    NO = "no"


class Procedure(Translated, db.Model):
    """A procedure (or a non-procedure subject) a volunteer can teach and a site can ask for.

    Shipped in matcher/reference/procedures.py with sources; coordinators can edit one in the app,
    after which `flask reference sync` leaves it alone (`edited_at` is set). Never deleted:
    retired ones (`retired_at`) stay on the records that name them but are not offered any more.
    Equipment: the site needs every resource in `needs_all` and at least one in `needs_any`
    (an empty list asks nothing), e.g. embolisation: any of angiography, C-arm; all of catheters
    and wires, embolic agents.
    """

    __tablename__ = "procedures"
    __table_args__ = (CheckConstraint(f"kind IN {sql_in(ProcedureKind)}", name="kind_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(60), unique=True)
    label: Mapped[str] = mapped_column(String(160))
    # The group it is listed under ("Embolisation", "Drainage", ...), English; translations hold the others.
    group: Mapped[str] = mapped_column(String(80), default="")
    kind: Mapped[str] = mapped_column(String(12), default=ProcedureKind.PROCEDURE)
    needs_any: Mapped[list[str]] = mapped_column(JSON, default=list, server_default="[]")
    needs_all: Mapped[list[str]] = mapped_column(JSON, default=list, server_default="[]")
    # [{"title": "...", "url": "https://..."}]: where the entry and its equipment come from.
    sources: Mapped[list[dict]] = mapped_column(JSON, default=list, server_default="[]")
    position: Mapped[int] = mapped_column(default=0)
    retired_at: Mapped[datetime | None]
    edited_at: Mapped[datetime | None]
    edited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    def __repr__(self) -> str:
        return f"<Procedure {self.code}>"


class Site(db.Model):
    """A hospital where an organisation hosts visitors, with its readiness profile."""

    __tablename__ = "sites"
    __table_args__ = (
        UniqueConstraint("organisation_id", "slug"),
        CheckConstraint("local_learners >= 0", name="local_learners_not_negative"),
        CheckConstraint(f"written_in IN {CONTENT_LANGUAGES_SQL}", name="written_in_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    slug: Mapped[str] = mapped_column(String(80))
    city: Mapped[str] = mapped_column(String(100))
    country_code: Mapped[str] = mapped_column(ForeignKey("countries.iso2"), index=True)
    description: Mapped[str] = mapped_column(Text, default="")
    written_in: Mapped[str] = mapped_column(String(8), default="en", server_default="en")
    # An IANA zone name: remote teaching hours are given in it.
    timezone: Mapped[str] = mapped_column(String(64), default="UTC", server_default="UTC")
    # The language teaching is given in there (ISO 639-1).
    instruction_language: Mapped[str] = mapped_column(String(3), default="en")
    # Local IR learners: how many, and at which level (a LearnerLevel code).
    local_learners: Mapped[int] = mapped_column(default=0)
    learner_level: Mapped[str] = mapped_column(String(30), default="")
    assessed_on: Mapped[date | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    organisation: Mapped[Organisation] = relationship()
    country: Mapped[Country] = relationship()
    resources: Mapped[list[SiteResource]] = relationship(
        back_populates="site", cascade="all, delete-orphan", order_by="SiteResource.resource"
    )

    def availability(self) -> dict[str, str]:
        """{resource code: yes | limited | no}; a resource the site has not described is absent."""
        return {r.resource: r.availability for r in self.resources}

    def __repr__(self) -> str:
        return f"<Site {self.id} {self.name!r}>"


class SiteResource(db.Model):
    """One item of a site's readiness profile."""

    __tablename__ = "site_resources"
    __table_args__ = (
        UniqueConstraint("site_id", "resource"),
        CheckConstraint(f"resource IN {sql_in(Resource)}", name="resource_known"),
        CheckConstraint(f"availability IN {sql_in(Availability)}", name="availability_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id", ondelete="CASCADE"))
    resource: Mapped[str] = mapped_column(String(30))
    availability: Mapped[str] = mapped_column(String(10))
    note: Mapped[str] = mapped_column(String(200), default="")

    site: Mapped[Site] = relationship(back_populates="resources")


class TeachingMode(StrEnum):
    ON_SITE = "on_site"
    REMOTE = "remote"


class RemoteFormat(StrEnum):
    LECTURE_SERIES = "lecture_series"
    CASE_REVIEW = "case_review"
    MENTORSHIP = "mentorship"


class RequestStatus(StrEnum):
    DRAFT = "draft"
    OPEN = "open"
    CLOSED = "closed"


teaching_request_procedures = Table(
    "teaching_request_procedures",
    db.metadata,
    Column("request_id", ForeignKey("teaching_requests.id", ondelete="CASCADE"), primary_key=True),
    Column("procedure_id", ForeignKey("procedures.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class TeachingRequest(db.Model):
    """A host's request, for one site, to have procedures taught (on site or remotely).

    On site: preferred months (1-12), the length of a visit in weeks and the roles wanted (per
    profession a minimum and a maximum). Remote: a format and the hours, in the site's time zone,
    when sessions can happen (`remote_from`..`remote_until`), `hours_per_month` of teaching wanted
    and, for mentorship, how many mentees.
    """

    __tablename__ = "teaching_requests"
    __table_args__ = (
        CheckConstraint(f"mode IN {sql_in(TeachingMode)}", name="mode_known"),
        CheckConstraint(f"status IN {sql_in(RequestStatus)}", name="status_known"),
        CheckConstraint(
            f"remote_format IS NULL OR remote_format IN {sql_in(RemoteFormat)}", name="remote_format_known"
        ),
        CheckConstraint("learners >= 1", name="learners_positive"),
        CheckConstraint("weeks IS NULL OR (weeks >= 1 AND weeks <= 26)", name="weeks_in_range"),
        CheckConstraint(
            "mode = 'remote' OR (weeks IS NOT NULL AND remote_format IS NULL)", name="on_site_has_weeks"
        ),
        CheckConstraint(
            "mode = 'on_site' OR (remote_format IS NOT NULL AND remote_from IS NOT NULL"
            " AND remote_until IS NOT NULL AND remote_until > remote_from)",
            name="remote_has_hours",
        ),
        CheckConstraint(f"written_in IN {CONTENT_LANGUAGES_SQL}", name="written_in_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id", ondelete="CASCADE"), index=True)
    mode: Mapped[str] = mapped_column(String(10), default=TeachingMode.ON_SITE)
    status: Mapped[str] = mapped_column(String(10), default=RequestStatus.DRAFT, index=True)
    title: Mapped[str] = mapped_column(String(200))
    details: Mapped[str] = mapped_column(Text, default="")
    written_in: Mapped[str] = mapped_column(String(8), default="en", server_default="en")
    learners: Mapped[int] = mapped_column(default=1)
    learner_level: Mapped[str] = mapped_column(String(30), default="")
    # Preferred months, 1-12, sorted; empty: any month.
    months: Mapped[list[int]] = mapped_column(JSON, default=list, server_default="[]")
    year: Mapped[int | None]
    weeks: Mapped[int | None]
    instruction_language: Mapped[str] = mapped_column(String(3), default="en")
    remote_format: Mapped[str | None] = mapped_column(String(20))
    remote_from: Mapped[time | None]
    remote_until: Mapped[time | None]
    hours_per_month: Mapped[int | None]
    mentees: Mapped[int | None]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    site: Mapped[Site] = relationship()
    procedures: Mapped[list[Procedure]] = relationship(
        secondary=teaching_request_procedures, order_by="Procedure.position"
    )
    roles: Mapped[list[RequestRole]] = relationship(
        back_populates="request", cascade="all, delete-orphan", order_by="RequestRole.profession_code"
    )

    def __repr__(self) -> str:
        return f"<TeachingRequest {self.id} {self.mode}>"


class RequestRole(db.Model):
    """A role a teaching request wants filled: from `minimum` to `maximum` people of a profession."""

    __tablename__ = "teaching_request_roles"
    __table_args__ = (
        UniqueConstraint("request_id", "profession_code"),
        CheckConstraint("minimum >= 0 AND maximum >= 1 AND minimum <= maximum", name="range_valid"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("teaching_requests.id", ondelete="CASCADE"))
    profession_code: Mapped[str] = mapped_column(ForeignKey("professions.code"))
    minimum: Mapped[int] = mapped_column(default=0)
    maximum: Mapped[int] = mapped_column(default=1)

    request: Mapped[TeachingRequest] = relationship(back_populates="roles")
    profession: Mapped[Profession] = relationship()


class SkillLevel(StrEnum):
    """What a volunteer can do for a procedure."""

    TEACH = "teach"  # can teach it (lead the case, supervise a local learner)
    ASSIST = "assist"  # can assist a lead teacher

    @property
    def label(self) -> str:
        return str(_SKILL_LABELS[self])


_SKILL_LABELS = {SkillLevel.TEACH: _l("Can teach"), SkillLevel.ASSIST: _l("Can assist")}


class ProcedureSkill(db.Model):
    """A volunteer's skill in one procedure."""

    __tablename__ = "profile_procedure_skills"
    __table_args__ = (
        UniqueConstraint("profile_id", "procedure_id"),
        CheckConstraint(f"level IN {sql_in(SkillLevel)}", name="level_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    profile_id: Mapped[int] = mapped_column(ForeignKey("profiles.id", ondelete="CASCADE"), index=True)
    procedure_id: Mapped[int] = mapped_column(ForeignKey("procedures.id", ondelete="CASCADE"), index=True)
    level: Mapped[str] = mapped_column(String(10))

    profile: Mapped[Profile] = relationship(back_populates="procedure_skills")
    procedure: Mapped[Procedure] = relationship()


class Licence(db.Model):
    """A licence or registration to practise held by a volunteer (country, body, expiry)."""

    __tablename__ = "profile_licences"
    __table_args__ = (UniqueConstraint("profile_id", "country_code", "body"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    profile_id: Mapped[int] = mapped_column(ForeignKey("profiles.id", ondelete="CASCADE"), index=True)
    country_code: Mapped[str] = mapped_column(ForeignKey("countries.iso2"))
    # The council or board that issued it ("Kenya Medical Practitioners and Dentists Council").
    body: Mapped[str] = mapped_column(String(160), default="")
    expires_on: Mapped[date | None]

    profile: Mapped[Profile] = relationship(back_populates="licences")
    country: Mapped[Country] = relationship()
