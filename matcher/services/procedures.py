"""The procedures taxonomy as coordinators edit it: words in every language, equipment, sources.

An edited procedure carries `edited_at` and `edited_by_id`, so `flask reference sync` leaves it as
the coordinator made it. Procedures are never deleted: retiring one stops it being offered on new
requests and skills, while the records that name it keep it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from matcher import audit
from matcher.db import utcnow
from matcher.formatting import spoken_list
from matcher.models import User
from matcher.models.teaching import Procedure, ProcedureKind, Resource
from matcher.services import reference
from matcher.services.errors import Conflict, DomainError, PermissionDenied
from matcher.services.permissions import is_staff
from matcher.services.text import refuse_line_breaks
from matcher.translate import gettext as _

OTHER_LANGUAGES = ("fr", "pt", "es")
_CODE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
RESOURCE_CODES = frozenset(r.value for r in Resource)
_URL = re.compile(r"^https?://[^\s/$.?#][^\s]*$", re.IGNORECASE)


@dataclass
class ProcedureData:
    """A procedure as a coordinator describes it; `words` holds the other languages:
    {"fr": {"label": ..., "group": ...}, ...}."""

    label: str
    group: str
    kind: str
    needs_any: list[str] = field(default_factory=list)
    needs_all: list[str] = field(default_factory=list)
    sources: list[dict[str, str]] = field(default_factory=list)
    words: dict[str, dict[str, str]] = field(default_factory=dict)


def parse_sources(text: str) -> tuple[list[dict[str, str]], int | None]:
    """Sources typed one a line, "Title https://address": ([{title, url}], None), or the number of
    the first line that has no web address at its end."""
    sources = []
    for number, line in enumerate((text or "").splitlines(), start=1):
        line = line.strip()
        if not line:
            continue
        title, _sep, url = line.rpartition(" ")
        if not _URL.match(url) or not title.strip():
            return [], number
        sources.append({"title": title.strip(), "url": url})
    return sources, None


def sources_text(procedure: Procedure) -> str:
    return "\n".join(f"{s.get('title', '')} {s.get('url', '')}".strip() for s in procedure.sources or [])


def equipment_words(procedure: Procedure) -> str:
    """What a site needs for the procedure, in words: "Ultrasound and Drains; and one of: CT or ...";
    empty when it needs nothing."""
    parts = [Resource(code).label for code in procedure.needs_all if code in RESOURCE_CODES]
    if procedure.needs_any:
        parts.append(
            spoken_list([Resource(c).label for c in procedure.needs_any if c in RESOURCE_CODES], "or")
        )
    return spoken_list(parts)


def all_procedures(session: Session) -> list[Procedure]:
    """Every procedure, retired ones included, in the taxonomy's order."""
    return list(session.scalars(select(Procedure).order_by(Procedure.position, Procedure.id)))


def _require_coordinator(actor: User) -> None:
    if not is_staff(actor):
        raise PermissionDenied(_("Only coordinators can edit the procedures."))


def validate(data: ProcedureData) -> None:
    refuse_line_breaks(label_en=data.label, group_en=data.group)
    if not data.label.strip():
        raise DomainError(_("Give the procedure's name in English."), field="label_en")
    if len(data.label.strip()) > 160:
        raise DomainError(_("Keep the name to 160 characters."), field="label_en")
    if len(data.group.strip()) > 80:
        raise DomainError(_("Keep the group to 80 characters."), field="group_en")
    for lang, words in data.words.items():
        if lang not in OTHER_LANGUAGES:
            raise DomainError(_("Choose a language from the list."))
        refuse_line_breaks(**{f"label_{lang}": words.get("label"), f"group_{lang}": words.get("group")})
        if len(words.get("label") or "") > 160:
            raise DomainError(_("Keep the name to 160 characters."), field=f"label_{lang}")
        if len(words.get("group") or "") > 80:
            raise DomainError(_("Keep the group to 80 characters."), field=f"group_{lang}")
    if data.kind not in {k.value for k in ProcedureKind}:
        raise DomainError(_("Choose a kind from the list."), field="kind")
    codes = RESOURCE_CODES
    if not set(data.needs_any) <= codes:
        raise DomainError(_("Choose equipment from the list."), field="needs_any")
    if not set(data.needs_all) <= codes:
        raise DomainError(_("Choose equipment from the list."), field="needs_all")
    both = [Resource(c).label for c in data.needs_any if c in data.needs_all]
    if both:
        raise DomainError(
            _("%(items)s cannot be both needed and one of the alternatives.", items=spoken_list(both)),
            field="needs_any",
        )
    if len(data.needs_any) == 1:
        raise DomainError(
            _("One alternative alone is not a choice: tick it under “needs all” instead."), field="needs_any"
        )
    for source in data.sources:
        if not _URL.match(source.get("url", "")) or not source.get("title", "").strip():
            raise DomainError(_("Give each source as its title, a space, then its address."), field="sources")


def _apply(procedure: Procedure, data: ProcedureData, actor: User) -> None:
    procedure.label, procedure.group, procedure.kind = data.label.strip(), data.group.strip(), data.kind
    procedure.needs_any = _in_kept_order(procedure.needs_any, data.needs_any)
    procedure.needs_all = _in_kept_order(procedure.needs_all, data.needs_all)
    procedure.sources = [{"title": s["title"].strip(), "url": s["url"].strip()} for s in data.sources]
    procedure.translations = {
        lang: {key: value.strip() for key, value in words.items() if value and value.strip()}
        for lang, words in sorted(data.words.items())
        if any(v and v.strip() for v in words.values())
    }
    procedure.edited_at, procedure.edited_by_id = utcnow(), actor.id


def _in_kept_order(old: list[str] | None, chosen: list[str]) -> list[str]:
    """The chosen items, those already listed first in their order (words such as "angiography or
    C-arm" keep reading the same), then the new ones in the readiness profile's order."""
    kept = [code for code in old or [] if code in chosen]
    return kept + [r.value for r in Resource if r.value in chosen and r.value not in kept]


def create(session: Session, actor: User, code: str, data: ProcedureData) -> Procedure:
    """A new procedure at the end of the taxonomy; its code is its address and never changes."""
    _require_coordinator(actor)
    code = (code or "").strip().lower()
    if not _CODE.match(code) or len(code) > 60:
        raise DomainError(
            _("Use lower-case letters, digits and hyphens, like “uterine-artery-embolisation”."), field="code"
        )
    if session.scalar(select(Procedure.id).where(Procedure.code == code)) is not None:
        raise Conflict(_("A procedure with this code exists already."), field="code")
    validate(data)
    last = session.scalar(select(func.max(Procedure.position))) or 0
    procedure = Procedure(code=code, position=last + 1)
    _apply(procedure, data, actor)
    session.add(procedure)
    session.flush()
    reference.changed(session)
    audit.on_commit(session, "procedure_created", actor, code=code, label=procedure.label)
    return procedure


def update(session: Session, actor: User, procedure: Procedure, data: ProcedureData) -> None:
    _require_coordinator(actor)
    validate(data)
    before = {"label": procedure.label, "needs_any": procedure.needs_any, "needs_all": procedure.needs_all}
    _apply(procedure, data, actor)
    session.flush()
    reference.changed(session)
    audit.on_commit(
        session,
        "procedure_edited",
        actor,
        code=procedure.code,
        old_label=before["label"],
        new_label=procedure.label,
        old_needs_any=before["needs_any"],
        new_needs_any=procedure.needs_any,
        old_needs_all=before["needs_all"],
        new_needs_all=procedure.needs_all,
    )


def set_retired(session: Session, actor: User, procedure: Procedure, retired: bool) -> None:
    """Retire (no longer offered) or restore a procedure; either counts as an edit."""
    _require_coordinator(actor)
    if retired == (procedure.retired_at is not None):
        raise Conflict(
            _("This procedure is retired already.") if retired else _("This procedure is offered already.")
        )
    procedure.retired_at = utcnow() if retired else None
    procedure.edited_at, procedure.edited_by_id = utcnow(), actor.id
    session.flush()
    reference.changed(session)
    audit.on_commit(
        session, "procedure_retired" if retired else "procedure_restored", actor, code=procedure.code
    )
