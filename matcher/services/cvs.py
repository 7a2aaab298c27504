"""Applicants' CVs: store a new one, remove it, and find the one a viewer may download."""

from __future__ import annotations

from datetime import date
from typing import BinaryIO

from sqlalchemy import select
from sqlalchemy.orm import Session

from matcher import uploads
from matcher.db import utcnow
from matcher.models import User
from matcher.models.profile import Profile
from matcher.services import profiles
from matcher.services.errors import DomainError, NotFound
from matcher.services.profile_access import applicant_for_viewer
from matcher.services.profiles import get_or_create, profile_of, require_applicant
from matcher.translate import gettext as _


def replace_cv(session: Session, user: User, stream: BinaryIO, filename: str | None) -> Profile:
    """Check and store a new CV; the old file is deleted once this commits, the new one if not."""
    require_applicant(user)
    content = uploads.read_pdf(stream, field="cv")
    profile = get_or_create(session, user)
    # Locked, so that two uploads at once cannot both think they replace the same old file.
    old_file = session.scalar(select(Profile.cv_filename).where(Profile.id == profile.id).with_for_update())
    uploads.delete_after_commit(session, old_file)
    profile.cv_filename = uploads.store(session, content)
    profile.cv_original_name = uploads.display_name(filename)
    profile.cv_size = len(content)
    profile.cv_uploaded_at = utcnow()
    session.flush()
    return profile


def save_profile(
    session: Session,
    user: User,
    data: profiles.ProfileData,
    today: date,
    cv_stream: BinaryIO | None = None,
    cv_filename: str | None = None,
) -> Profile:
    """The profile form: its fields and, when a file was chosen, the new CV; all of it or none."""
    profile = profiles.update(session, user, data, today)
    if cv_stream is not None:
        profile = replace_cv(session, user, cv_stream, cv_filename)
    return profile


def remove_cv(session: Session, user: User) -> None:
    profile = profile_of(session, user)
    if profile is None or profile.cv_filename is None:
        raise DomainError(_("You have not uploaded a CV."))
    uploads.delete_after_commit(session, profile.cv_filename)
    profile.cv_filename = profile.cv_original_name = None
    profile.cv_size = profile.cv_uploaded_at = None


def cv_for_viewer(session: Session, viewer: User, applicant_id: int) -> Profile:
    """The profile whose CV the viewer may download, or NotFound."""
    _applicant, profile = applicant_for_viewer(session, viewer, applicant_id)
    if profile is None or profile.cv_filename is None:
        raise NotFound(_("There is no CV here."))
    return profile
