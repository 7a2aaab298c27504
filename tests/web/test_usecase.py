"""One way for a view to run a use case: `attempt` commits, or rolls back and shows the refusal."""

from __future__ import annotations

import pytest
from flask import get_flashed_messages
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import DataRequired

from matcher.extensions import db
from matcher.models import User
from matcher.services.errors import Conflict, DomainError, NotFound, PermissionDenied
from matcher.web.usecase import attempt, render_form, submitted


class NameForm(FlaskForm):
    name = StringField("Name")


def rename(user: User, name: str, refusal: DomainError | None = None) -> str:
    """A use case that changes a row, then perhaps refuses: the change must not survive a refusal."""
    user.name = name
    db.session.flush()
    if refusal is not None:
        raise refusal
    return f"renamed to {name}"


def name_in_database(user_id: int) -> str:
    db.session.expire_all()
    return db.session.get(User, user_id).name


@pytest.fixture
def person(users) -> User:
    return users.create(role="student", name="Before")


def test_success_commits_and_hands_back_the_value(app, person):
    with app.test_request_context(method="POST"):
        outcome = attempt(rename, person, "After")
        db.session.rollback()  # nothing left to undo: the change is committed
        assert outcome.ok and outcome.value == "renamed to After" and outcome.error is None
        assert name_in_database(person.id) == "After"


def test_a_refusal_rolls_back_and_shows_at_the_field_it_names(app, person):
    with app.test_request_context(method="POST", data={"name": "After"}):
        form = NameForm(meta={"csrf": False})
        outcome = attempt(rename, person, "After", DomainError("Too short.", field="name"), form=form)
        assert not outcome.ok and outcome.value is None and outcome.error.message == "Too short."
        assert form.name.errors == ["Too short."] and form.form_errors == []
        assert get_flashed_messages() == []
        assert name_in_database(person.id) == "Before"


def test_a_refusal_for_no_one_field_shows_at_the_top_of_the_form(app, person):
    with app.test_request_context(method="POST"):
        form = NameForm(meta={"csrf": False})
        outcome = attempt(rename, person, "After", Conflict("Someone else changed it."), form=form)
        assert not outcome.ok
        assert form.form_errors == ["Someone else changed it."] and not form.name.errors
        assert name_in_database(person.id) == "Before"


def test_without_a_form_the_refusal_is_flashed(app, person):
    with app.test_request_context(method="POST"):
        outcome = attempt(rename, person, "After", Conflict("This round is already published."))
        assert not outcome.ok
        assert get_flashed_messages(with_categories=True) == [("error", "This round is already published.")]
        assert name_in_database(person.id) == "Before"


@pytest.mark.parametrize("refusal", [NotFound("No such match."), PermissionDenied("Not yours.")])
def test_not_found_and_not_allowed_go_on_to_the_app_handlers_after_a_rollback(app, person, refusal):
    with app.test_request_context(method="POST"):
        form = NameForm(meta={"csrf": False})
        with pytest.raises(type(refusal)):
            attempt(rename, person, "After", refusal, form=form)
        assert form.errors == {}
        assert name_in_database(person.id) == "Before"


def test_a_permission_refusal_about_a_field_stays_on_the_form(app, person):
    with app.test_request_context(method="POST"):
        form = NameForm(meta={"csrf": False})
        refusal = PermissionDenied("That account type cannot be chosen.", field="name")
        outcome = attempt(rename, person, "After", refusal, form=form)
        assert not outcome.ok and form.name.errors == ["That account type cannot be chosen."]


def test_render_form_answers_422_only_when_the_form_has_errors(app):
    with app.test_request_context(method="POST"):
        form = NameForm(meta={"csrf": False})
        assert render_form("errors/error.html", form, code=400, title="t", message="m")[1] == 200
        form.name.errors = ["Enter your name."]
        assert render_form("errors/error.html", form, code=400, title="t", message="m")[1] == 422


def test_a_valid_form_from_another_page_is_submitted_without_a_flash(app):
    with app.test_request_context(method="POST", data={"name": "x"}):
        assert submitted(NameForm(meta={"csrf": False}), "Say why.") is True
        assert get_flashed_messages() == []


def test_an_invalid_form_from_another_page_is_flashed_with_the_given_words(app):
    class ReasonForm(FlaskForm):
        reason = StringField("Reason", validators=[DataRequired("Give the reason.")])

    with app.test_request_context(method="POST", data={"reason": ""}):
        assert submitted(ReasonForm(meta={"csrf": False}), "Say why, so they can put it right.") is False
        assert get_flashed_messages(with_categories=True) == [("error", "Say why, so they can put it right.")]
    with app.test_request_context(method="POST", data={"reason": ""}):
        assert submitted(ReasonForm(meta={"csrf": False})) is False
        assert get_flashed_messages() == ["Give the reason."]


def test_a_service_s_not_found_becomes_the_404_page_with_its_message(auth, client):
    auth.login("student")
    response = client.get("/applications/987654/motivation")
    assert response.status_code == 404
    assert "You have no such application." in response.get_data(as_text=True)


def test_an_unknown_email_link_shows_the_link_problem_page(client):
    response = client.get("/invites/not-a-real-token")
    assert response.status_code == 400
    assert "This link is not valid. Check that you copied all of it." in response.get_data(as_text=True)
