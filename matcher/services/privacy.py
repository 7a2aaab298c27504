"""An applicant's data: everything we hold about them, as JSON, and deleting their account."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import delete, or_, select
from sqlalchemy.orm import Session, joinedload

from matcher import uploads
from matcher.models import Application, Membership, Opportunity, OutboxMessage, Profile, User
from matcher.models.impact import FeedbackSide, VisitFeedback
from matcher.models.matching import PUBLISHED_OR_LATER, Match
from matcher.security import verify_password
from matcher.services import applications, profiles, volunteers
from matcher.services.departure import documents as trip_documents
from matcher.services.departure.trips import export_of as trips_export
from matcher.services.errors import DomainError, PermissionDenied
from matcher.services.profile_reads import full_profile
from matcher.translate import gettext as _

EXPORT_FORMAT = 1


def _iso(value: date | datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def export(session: Session, user: User) -> dict[str, Any]:
    """Everything stored about the user, in a form they can read and take elsewhere.

    The password hash and session token are left out: they are secrets, not information about
    the person, and a copy of them would only weaken the account.
    """
    _require_applicant(user)
    profile = full_profile(session, user.id)
    written = {
        row.visit_id: row
        for row in session.scalars(
            select(VisitFeedback).where(
                VisitFeedback.visitor_id == user.id, VisitFeedback.side == FeedbackSide.VISITOR.value
            )
        )
    }
    return {
        "format": EXPORT_FORMAT,
        "exported_at": _iso(datetime.now(UTC)),
        "account": {
            "name": user.name,
            "email": user.email,
            "role": user.role,
            "profession": user.profession_code,
            "email_verified_at": _iso(user.email_verified_at),
            "created_at": _iso(user.created_at),
            "last_login_at": _iso(user.last_login_at),
        },
        "profile": _profile(profile),
        "teaching": _teaching(session, profile),
        "applications": [_application(a) for a in applications.applications_of(session, user)],
        "withdrawn_applications": [
            {
                "opportunity": {"id": w.opportunity_id, "title": w.opportunity.title},
                "withdrawn_at": _iso(w.withdrawn_at),
            }
            for w in applications.withdrawals_of(session, user)
        ],
        "organisation_memberships": [
            {"organisation": m.organisation.name, "role": m.role, "approved_at": _iso(m.approved_at)}
            for m in session.scalars(
                select(Membership)
                .where(Membership.user_id == user.id)
                .options(joinedload(Membership.organisation))
                .order_by(Membership.id)
            )
        ],
        "emails": [
            {
                "subject": m.subject,
                "to": m.to_address,
                "category": m.category,
                "status": m.status,
                "created_at": _iso(m.created_at),
                "sent_at": _iso(m.sent_at),
                # Account emails carry one-time links (reset, confirm): a copy must not be a key.
                "body": m.body_text if m.category != "account" else _("(left out: it held a one-time link)"),
            }
            for m in session.scalars(
                select(OutboxMessage).where(_emails_of(user)).order_by(OutboxMessage.created_at)
            )
        ],
        # Offers the user was shown, and what became of them; proposals still under a coordinator's
        # review are not news to give out early, and are told when published.
        "placements": [
            {
                "opportunity": m.opportunity.title,
                "organisation": m.opportunity.organisation.name,
                "status": m.status,
                "reply_by": _iso(m.response_deadline),
                "replied_at": _iso(m.responded_at),
                "attendance_confirmed_at": _iso(m.attendance_confirmed_at),
                # The visitor's side of the visit's feedback (issue 22), as they wrote it.
                "rating": written[m.opportunity_id].rating if m.opportunity_id in written else None,
                "feedback": written[m.opportunity_id].comments if m.opportunity_id in written else None,
            }
            for m in session.scalars(
                select(Match)
                .where(Match.applicant_id == user.id, Match.status.in_(PUBLISHED_OR_LATER))
                .options(joinedload(Match.opportunity).joinedload(Opportunity.organisation))
                .order_by(Match.id)
            )
        ],
        # The proof documents of the user's trips: names and dates; the files are on the trip pages.
        "trip_documents": trip_documents.export_of(session, user),
        "trips": trips_export(session, user),
    }


def _profile(profile: Profile | None) -> dict[str, Any] | None:
    if profile is None:
        return None
    return {
        "training_level": profile.level.label if profile.level else None,
        "training_level_rank": profile.level_rank,
        "grade": profile.grade,
        "institution": profile.institution,
        "home_country": profile.home_country_code,
        "regions_of_interest": profile.regions,
        "subregions_of_interest": profile.subregions,
        "interests": [i.slug for i in profile.interests],
        "availability": [{"from": _iso(w.starts_on), "to": _iso(w.ends_on)} for w in profile.availability],
        "languages": [{"language": lang.language, "level": lang.level} for lang in profile.languages],
        "statement": profile.statement,
        "volunteers_to_teach": profile.volunteers_to_teach,
        # The interests the old teaching form asked for, kept as they were given.
        "can_teach": [i.slug for i in profile.teaching_interests],
        "teaching_weeks": profile.teaching_weeks,
        "cv": (
            {
                "file_name": profile.cv_original_name,
                "size_bytes": profile.cv_size,
                "uploaded_at": _iso(profile.cv_uploaded_at),
                "note": _("Download the file itself from your profile page."),
            }
            if profile.has_cv
            else None
        ),
        "complete": profiles.is_complete(profile),
        "created_at": _iso(profile.created_at),
        "updated_at": _iso(profile.updated_at),
    }


def _teaching(session: Session, profile: Profile | None) -> dict[str, Any] | None:
    """The volunteer teaching profile: skills, experience, licences, months, remote, directory."""
    if profile is None:
        return None
    skills, licences = volunteers.teaching_rows(session, profile)
    return {
        "procedures": [{"procedure": skill.procedure.code, "level": skill.level} for skill in skills],
        "teaching_years": profile.teaching_years,
        "teaching_experience": profile.teaching_experience,
        "languages_of_instruction": [lang.language for lang in profile.languages if lang.instructs],
        "licences": [
            {"country": lic.country_code, "issuing_body": lic.body, "expires_on": _iso(lic.expires_on)}
            for lic in licences
        ],
        "weeks_a_year": profile.teaching_weeks,
        "months": list(profile.teaching_months),
        "teaches_remotely": profile.teaches_remotely,
        "listed_in_volunteer_directory": profile.directory_listed,
    }


def _application(application: Application) -> dict[str, Any]:
    opportunity = application.opportunity
    return {
        "rank": application.rank,
        "opportunity": {
            "id": opportunity.id,
            "title": opportunity.title,
            "organisation": opportunity.organisation.name,
        },
        "motivation": application.motivation,
        "organisation_order": application.host_rank,
        "created_at": _iso(application.created_at),
        "updated_at": _iso(application.updated_at),
    }


def _emails_of(user: User):
    return or_(OutboxMessage.user_id == user.id, OutboxMessage.to_address == user.email)


def _require_applicant(user: User) -> None:
    if not user.is_applicant:
        raise PermissionDenied(_("Only applicants and volunteers can do this here; ask an administrator."))


def delete_account(session: Session, user: User, password: str) -> None:
    """Delete the account with its profile, CV, applications and trips' documents, once the
    password is confirmed.

    The files (CV, documents) go only when the deletion commits. Emails to the user are deleted too: they
    hold the address and what was said to it.
    """
    _require_applicant(user)
    if not verify_password(user.password_hash, password):
        raise DomainError(_("That is not your password."), field="password")
    profile = profiles.profile_of(session, user)
    if profile is not None:
        uploads.delete_after_commit(session, profile.cv_filename)
    trip_documents.forget_traveller(session, user)
    # Matches stay, anonymised (matches.applicant_id is ON DELETE SET NULL), so that coordinators'
    # records of rounds and places stay true.
    session.execute(delete(Application).where(Application.applicant_id == user.id))
    session.execute(delete(Profile).where(Profile.user_id == user.id))
    session.execute(delete(OutboxMessage).where(_emails_of(user)))
    session.delete(user)
    session.flush()
