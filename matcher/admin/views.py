"""Admin pages: list users and change their roles."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, or_, select
from sqlalchemy.orm import joinedload

from matcher.admin import bp
from matcher.admin.forms import RoleForm
from matcher.db import contains_pattern
from matcher.extensions import db
from matcher.models import Role, User
from matcher.services import accounts
from matcher.translate import gettext as _
from matcher.web.access import role_required
from matcher.web.converters import as_id
from matcher.web.usecase import attempt, submitted

PER_PAGE = 50


@bp.get("/users")
@role_required(Role.ADMIN)
def users():
    query = (request.args.get("q") or "").strip()[:100]
    page = request.args.get("page", 1, type=as_id) or 1
    stmt = select(User).options(joinedload(User.profession)).order_by(User.created_at.desc(), User.id.desc())
    if query:
        like = contains_pattern(query.lower())
        stmt = stmt.where(
            or_(User.email.like(like, escape="\\"), func.lower(User.name).like(like, escape="\\"))
        )
    pagination = db.paginate(stmt, page=max(page, 1), per_page=PER_PAGE, error_out=False)
    return render_template("admin/users.html", pagination=pagination, query=query, form=RoleForm())


@bp.post("/users/<int:user_id>/role")
@role_required(Role.ADMIN)
def set_role(user_id: int):
    user = db.session.get(User, user_id) or abort(404)
    form = RoleForm()
    if not submitted(form, _("Choose one of the listed roles.")):
        return redirect(url_for("admin.users"))
    if attempt(accounts.set_role, db.session, current_user, user, Role(form.role.data)).ok:
        flash(
            _("%(email)s is now %(role)s.", email=user.email, role=Role(form.role.data).label.lower()),
            "success",
        )
    return redirect(url_for("admin.users"))
