"""Accounts: sign-up, email verification, login, password reset, email and role changes."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from flask import has_request_context, url_for
from sqlalchemy import func, select
from sqlalchemy.orm import Session, object_session

from matcher import audit
from matcher.db import utcnow
from matcher.formatting import language
from matcher.i18n import LANGUAGES, locale_code
from matcher.mail.outbox import queue_email
from matcher.models import Membership, MembershipRole, Organisation, Profession, Role, User
from matcher.models.opportunity import CONTENT_LANGUAGES
from matcher.security import (
    EMAIL_CHANGE,
    EMAIL_VERIFICATION,
    PASSWORD_RESET,
    TokenError,
    fingerprint,
    hash_password,
    make_token,
    needs_rehash,
    read_token,
    verify_password,
)
from matcher.services import password_advice
from matcher.services.errors import Conflict, DomainError, PermissionDenied
from matcher.services.professions import DEFAULT_PROFESSION, profession_named
from matcher.services.text import refuse_line_breaks
from matcher.timezones import is_known_zone
from matcher.translate import gettext as _
from matcher.translate import lazy_gettext as _l

SIGNUP_ROLES = (Role.STUDENT, Role.TRAINEE, Role.PROFESSIONAL, Role.ORG_MEMBER)
MIN_PASSWORD_LENGTH = 10
MIN_PASSWORD_SCORE = 2  # zxcvbn's "somewhat guessable": protected from unthrottled online attacks
ZXCVBN_PREFIX = 40


class AlreadyVerified(TokenError):
    """The verification link was used before; the address is confirmed, nothing is wrong."""


def normalise_email(email: str) -> str:
    return email.strip().lower()


def slugify(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:80] or "organisation"


@cache
def _common_passwords() -> frozenset[str]:
    """The 30,000 most common passwords, from the list bundled with zxcvbn."""
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(FREQUENCY_LISTS["passwords"])


def check_password_policy(password: str, personal: Sequence[str] = ()) -> None:
    """At least 10 characters, not a common password, and a zxcvbn score of at least 2.

    `personal` (the person's email and name) counts as easy to guess, as zxcvbn's user inputs.
    """
    if len(password) < MIN_PASSWORD_LENGTH:
        raise DomainError(_("Use at least %(min)d characters.", min=MIN_PASSWORD_LENGTH), field="password")
    if password.lower() in _common_passwords():
        raise DomainError(
            _("This password is one of the most common ones, so it is easy to guess. Choose another."),
            field="password",
        )
    from zxcvbn import zxcvbn  # a third of a second to import: only when a password is set

    # zxcvbn's time grows faster than the length (0.1 s at 40 characters, up to 0.7 s at its limit
    # of 72), so it judges the first 40 characters: enough to tell a guessable password.
    strength = zxcvbn(password[:ZXCVBN_PREFIX], user_inputs=[value for value in personal if value])
    if strength["score"] < MIN_PASSWORD_SCORE:
        feedback = strength["feedback"]
        advice = password_advice.worded([feedback["warning"], *feedback["suggestions"]])
        raise DomainError(
            _(
                "This password would be easy to guess. %(advice)s",
                advice=advice or _("Add another word or two."),
            ),
            field="password",
        )


def find_by_email(session: Session, email: str) -> User | None:
    return session.scalar(select(User).where(User.email == normalise_email(email)))


@dataclass(frozen=True)
class SignUp:
    """`role` is org_member for an organisation contact; applicants give their `profession_code`,
    whose profession decides the role (an old client's "student" or "trainee" stands for the
    medical-student or ir-trainee profession)."""

    email: str
    name: str
    password: str
    role: Role | None = None
    organisation_name: str | None = None
    profession_code: str | None = None


def create_user(session: Session, *, email: str, name: str, password: str, role: Role) -> User:
    """Create an account (any role); the caller decides whether it starts verified."""
    refuse_line_breaks(name=name, email=email)
    check_password_policy(password, personal=(email, name))
    if find_by_email(session, email) is not None:
        raise Conflict(
            _("An account with this email already exists. Log in, or reset your password."),
            field="email",
        )
    user = User(
        email=normalise_email(email),
        name=name.strip(),
        password_hash=hash_password(password),
        role=role,
    )
    session.add(user)
    session.flush()
    return user


def _signup_profession(session: Session, data: SignUp) -> Profession:
    """The profession an applicant signs up as: the one chosen, else the one an old role stands for."""
    if data.profession_code:
        profession = profession_named(session, data.profession_code)
        if profession is None:
            raise DomainError(_("Choose what you do from the list."), field="profession")
        return profession
    profession = profession_named(session, DEFAULT_PROFESSION.get(data.role))
    if profession is None:
        raise DomainError(_("Choose what you do."), field="profession")
    return profession


def sign_up(session: Session, data: SignUp) -> User | None:
    """Self-service sign-up as an applicant of a profession or as an organisation contact.

    An address that already has an account gets an email saying someone tried to sign up with it,
    and nothing changes; the caller answers both cases alike, so sign-up never tells a stranger who
    has an account. Returns the new user, or None in that case.
    """
    if data.role is not None and data.role not in SIGNUP_ROLES:
        raise PermissionDenied(_("That account type cannot be chosen at sign-up."), field="role")
    profession = None if data.role == Role.ORG_MEMBER else _signup_profession(session, data)
    role = Role(profession.role) if profession is not None else Role.ORG_MEMBER
    if role == Role.ORG_MEMBER and not (data.organisation_name or "").strip():
        raise DomainError(_("Name the organisation you act for."), field="organisation_name")
    refuse_line_breaks(organisation_name=data.organisation_name)
    existing = find_by_email(session, data.email)
    if existing is not None:
        check_password_policy(data.password)  # the same refusals as for a free address
        hash_password(data.password)  # and the same cost, so timing does not tell either
        _tell_owner_of_signup_attempt(session, existing)
        return None
    user = create_user(session, email=data.email, name=data.name, password=data.password, role=role)
    user.profession_code = profession.code if profession is not None else None
    # Their emails (this one first) follow the language they signed up in.
    user.locale = locale_code() if has_request_context() else None
    if role == Role.ORG_MEMBER:
        _join_or_create_organisation(session, user, data.organisation_name.strip())
    send_verification(session, user)
    return user


def _tell_owner_of_signup_attempt(session: Session, user: User) -> None:
    queue_email(
        session,
        to=user,
        template="signup_attempt",
        subject=_l("Someone tried to sign up with your email address"),
        category="account",
        context={
            "login_link": url_for("auth.login", _external=True),
            "reset_link": url_for("auth.forgot_password", _external=True),
        },
    )


def _join_or_create_organisation(session: Session, user: User, name: str) -> Membership:
    """A new name creates an unverified organisation; a known one is claimed, pending approval.

    Coordinators hear of either only once the address is confirmed (see
    organisations.alert_coordinators), so an unconfirmed address never reaches their queue.
    """
    slug = slugify(name)
    organisation = _same_organisation(session, name)
    if organisation is None:
        # Its description will be written in its founder's language: theirs, else the page's.
        written_in = user.locale if user.locale in CONTENT_LANGUAGES else language()
        organisation = Organisation(name=name, slug=_free_slug(session, slug), written_in=written_in)
        session.add(organisation)
        session.flush()
        membership = Membership(
            user=user, organisation=organisation, role=MembershipRole.OWNER, approved_at=utcnow()
        )
    else:
        membership = Membership(user=user, organisation=organisation, role=MembershipRole.MEMBER)
    session.add(membership)
    session.flush()
    return membership


def _name_key(name: str) -> str:
    """Letters and digits only, so "Road 2 IR", "road2ir" and "RAD AID" find their organisation."""
    return re.sub(r"[^a-z0-9]", "", slugify(name))


def _same_organisation(session: Session, name: str) -> Organisation | None:
    key = _name_key(name)
    for organisation in session.scalars(select(Organisation).order_by(Organisation.id)):
        if key and key in (_name_key(organisation.name), _name_key(organisation.slug)):
            return organisation
    return None


def _free_slug(session: Session, slug: str) -> str:
    candidate, n = slug, 2
    while session.scalar(select(Organisation.id).where(Organisation.slug == candidate)):
        candidate, n = f"{slug[:75]}-{n}", n + 1
    return candidate


def send_verification(session: Session, user: User) -> None:
    token = make_token(EMAIL_VERIFICATION, {"uid": user.id, "email": user.email})
    queue_email(
        session,
        to=user,
        template="verify_email",
        subject=_l("Confirm your email address"),
        category="account",
        context={"link": url_for("auth.verify_email", token=token, _external=True)},
    )


def verify_email(session: Session, token: str) -> User:
    """Mark the address verified; a link works once and only for the address it was sent to."""
    payload = read_token(EMAIL_VERIFICATION, token)
    user = session.get(User, payload.get("uid"))
    if user is None or user.email != payload.get("email"):
        raise TokenError(_("This link is no longer valid. Log in to ask for a new one."))
    if user.email_verified_at is not None:
        raise AlreadyVerified(_("This link has already been used: your email address is confirmed."))
    user.email_verified_at = utcnow()
    return user


def authenticate(session: Session, email: str, password: str) -> User | None:
    """The user whose password matches, else None; upgrades the hash when parameters changed."""
    user = find_by_email(session, email)
    if user is None:
        hash_password(password)  # same cost as a real check, so timing does not tell
        return None
    if not verify_password(user.password_hash, password):
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_login_at = utcnow()
    return user


def log_out(user: User) -> None:
    """Invalidate every session and remember-me cookie of this user."""
    user.rotate_session_token()


def request_password_reset(session: Session, email: str) -> None:
    """Email a reset link if the account exists; say nothing either way."""
    user = find_by_email(session, email)
    if user is None:
        return
    token = make_token(PASSWORD_RESET, {"uid": user.id, "pw": fingerprint(user.password_hash)})
    queue_email(
        session,
        to=user,
        template="reset_password",
        subject=_l("Reset your password"),
        category="account",
        context={"link": url_for("auth.reset_password", token=token, _external=True)},
    )


def user_for_reset_token(session: Session, token: str) -> User:
    """The user a reset link belongs to; the link dies once the password has changed."""
    payload = read_token(PASSWORD_RESET, token)
    user = session.get(User, payload.get("uid"))
    if user is None or fingerprint(user.password_hash) != payload.get("pw"):
        raise TokenError(_("This link has already been used or is no longer valid."))
    return user


def reset_password(session: Session, token: str, new_password: str) -> User:
    user = user_for_reset_token(session, token)
    _set_password(user, new_password)
    # Following the emailed link proves the address, too.
    user.email_verified_at = user.email_verified_at or utcnow()
    return user


def _set_password(user: User, new_password: str) -> None:
    check_password_policy(new_password, personal=(user.email, user.name))
    user.password_hash = hash_password(new_password)
    user.rotate_session_token()
    audit.on_commit(object_session(user), "password_changed", user)


def change_password(user: User, current_password: str, new_password: str) -> None:
    if not verify_password(user.password_hash, current_password):
        raise DomainError(_("That is not your current password."), field="current_password")
    _set_password(user, new_password)


def set_timezone(user: User, name: str) -> None:
    """The zone the user's dates and times are shown in."""
    if not is_known_zone(name):
        raise DomainError(_("Choose a time zone from the list."), field="timezone")
    user.timezone = name


def set_locale(user: User, code: str | None) -> None:
    """The language the user's pages are shown in; None or "" lets the cookie or the browser decide."""
    if code and code not in LANGUAGES:
        raise DomainError(_("Choose a language from the list."), field="locale")
    user.locale = code or None


def request_email_change(session: Session, user: User, password: str, new_email: str) -> None:
    """Send a confirmation link to the new address; nothing changes until it is followed."""
    if not verify_password(user.password_hash, password):
        raise DomainError(_("That is not your current password."), field="password")
    refuse_line_breaks(new_email=new_email)
    new_email = normalise_email(new_email)
    if new_email == user.email:
        raise DomainError(_("That is already your email address."), field="new_email")
    if find_by_email(session, new_email) is not None:
        raise Conflict(_("Another account uses this email address."), field="new_email")
    token = make_token(EMAIL_CHANGE, {"uid": user.id, "old": user.email, "new": new_email})
    queue_email(
        session,
        to=(new_email, user.name),
        locale=user.locale,
        template="confirm_email_change",
        subject=_l("Confirm your new email address"),
        category="account",
        context={"link": url_for("auth.confirm_email_change", token=token, _external=True)},
    )


def confirm_email_change(session: Session, token: str) -> User:
    payload = read_token(EMAIL_CHANGE, token)
    user = session.get(User, payload.get("uid"))
    if user is None or user.email != payload.get("old"):
        raise TokenError(_("This link has already been used or is no longer valid."))
    if find_by_email(session, payload["new"]) is not None:
        raise TokenError(_("Another account now uses that email address."))
    old_email = user.email
    user.email, user.email_verified_at = payload["new"], utcnow()
    user.rotate_session_token()
    queue_email(
        session,
        to=(old_email, user.name),
        locale=user.locale,
        template="email_changed",
        subject=_l("Your email address was changed"),
        category="account",
        context={"new_email": user.email},
    )
    return user


def set_role(session: Session, actor: User, user: User, role: Role) -> None:
    """An admin changes a user's role; the last admin cannot demote themself."""
    if actor.role_enum != Role.ADMIN:
        raise PermissionDenied(_("Only an administrator can change roles."))
    if user.role_enum == Role.ADMIN and role != Role.ADMIN:
        admins = session.scalar(select(func.count()).where(User.role == Role.ADMIN))
        if admins <= 1:
            raise Conflict(_("This is the last administrator; make another one first."), field="role")
    audit.on_commit(session, "role_changed", actor, target_user_id=user.id, old=user.role, new=str(role))
    user.role = role
    # The new role takes effect at once: old sessions must log in again.
    user.rotate_session_token()
