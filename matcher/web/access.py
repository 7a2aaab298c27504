"""Access rules for views: role checks and ownership checks."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import ParamSpec, TypeVar

from flask import abort
from flask_login import current_user

from matcher.extensions import db, login_manager
from matcher.models import Organisation, Role, User
from matcher.services import permissions

P = ParamSpec("P")
R = TypeVar("R")


def role_required(*roles: Role) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Anonymous visitors go to the login page; signed-in users of another role get 403."""
    allowed = frozenset(roles)

    def decorator(view: Callable[P, R]) -> Callable[P, R]:
        @wraps(view)
        def wrapped(*args: P.args, **kwargs: P.kwargs) -> R:
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if current_user.role_enum not in allowed:
                abort(403)
            return view(*args, **kwargs)

        wrapped.allowed_roles = allowed  # read by the access tests
        return wrapped

    return decorator


def can_act_for(user: User, organisation: Organisation) -> bool:
    """Coordinators and admins act for any organisation; members for their own."""
    return permissions.can_act_for(db.session, user, organisation)
