"""Every form with errors: a summary at the top linking to each field, every error in one pass (the
rules that tie fields together run with the field checks), and messages in our words, never a
library default or a parameter name."""

from __future__ import annotations

import html
import importlib
import pkgutil
import re
from datetime import date, timedelta

import pytest
from flask_wtf import FlaskForm
from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict

import matcher
from matcher.extensions import db
from matcher.models import MatchRound, Opportunity, Profession
from matcher.services.matching import rounds
from matcher.web.forms import MESSAGES, PLURAL_MESSAGES, AppForm, error_links
from tests.web.test_opportunity_editing import form_data
from tests.web.test_profiles import complete_form

TODAY = date.today()


def summary(page: str) -> tuple[list[tuple[str, str]], str]:
    """(link target, text) of each entry of the error summary, and the summary's text."""
    found = re.search(r'<div class="form-errors error-summary" role="alert"[^>]*>(.*?)</div>', page, re.S)
    assert found, "no error summary on the page"
    box = found.group(1)
    assert "<h2>There is a problem</h2>" in box
    links = [
        (target, html.unescape(text)) for target, text in re.findall(r'<a href="#([^"]+)">(.*?)</a>', box)
    ]
    return links, html.unescape(re.sub(r"<[^>]+>", " ", box))


def field_error(page: str, field_id: str) -> str:
    found = re.search(rf'<p class="error" id="{re.escape(field_id)}-error">(.*?)</p>', page, re.S)
    assert found, f"no error at the field {field_id}"
    return html.unescape(found.group(1))


@pytest.fixture
def member(auth, users):
    organisation = users.organisation(name="Road2IR", slug="road2ir")
    return auth.login("org_member", organisation=organisation), organisation


def test_the_opportunity_form_reports_field_and_cross_field_errors_together_in_a_linked_summary(
    client, member
):
    start = TODAY + timedelta(days=90)
    response = client.post(
        "/organisations/road2ir/opportunities/new",
        data=form_data(
            title="",
            level_min="6",
            level_max="4",
            ends_on=(start - timedelta(days=5)).isoformat(),
            starts_on=start.isoformat(),
            deadline=(start + timedelta(days=1)).isoformat(),
            fee_currency="",
            capacity="many",
        ),
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    links, _ = summary(page)
    assert links == [
        ("title", "Give the opportunity a title."),
        ("level_max", "The lowest level accepted must not be above the highest."),
        ("ends_on", "The end date must not be before the start date."),
        ("capacity", "Enter a whole number, like 12."),
        ("fee_currency", "Give the currency of the fee."),
        ("deadline", "The application deadline must be on or before the start date."),
    ]
    for target, message in links:
        assert message in field_error(page, target)
        assert f'id="{target}"' in page
    assert db.session.scalar(select(func.count()).select_from(Opportunity)) == 0


def test_a_cross_field_rule_waits_for_its_fields_to_be_readable(client, member):
    """A date that is not a date gets its own message; the order of the dates is not guessed."""
    response = client.post(
        "/organisations/road2ir/opportunities/new", data=form_data(starts_on="31/02/2027", deadline=None)
    )
    links, _ = summary(response.get_data(as_text=True))
    assert links == [("starts_on", "Enter a real date, like 2027-03-01.")]


def test_the_round_form_reports_a_missing_name_and_a_backwards_window_in_one_pass(client, auth, users):
    auth.login("coordinator")
    response = client.post(
        "/coordination/rounds/new",
        data={
            "name": "",
            "mode": "ranked",
            "starts_after": (TODAY + timedelta(days=60)).isoformat(),
            "ends_before": (TODAY + timedelta(days=30)).isoformat(),
            "response_deadline": (TODAY - timedelta(days=1)).isoformat(),
            "regions": ["Atlantis"],
        },
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    links, text = summary(page)
    assert [target for target, _ in links] == ["name", "regions-0", "ends_before", "response_deadline"]
    assert "The window ends before it starts" in field_error(page, "ends_before")
    assert "ends_before" not in text and "starts_after" not in text
    assert db.session.scalar(select(func.count()).select_from(MatchRound)) == 0


def test_the_profile_form_reports_a_long_statement_and_a_backwards_period_together(client, auth):
    auth.login("student")
    response = client.post(
        "/profile/edit",
        data=complete_form(
            statement="x" * 5000,
            **{"availability-1-starts_on": (TODAY + timedelta(days=90)).isoformat()},
            **{"availability-1-ends_on": (TODAY + timedelta(days=60)).isoformat()},
        ),
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    links, _ = summary(page)
    assert ("availability-0-starts_on", "Period 2 ends before it starts.") in links
    assert [target for target, _ in links if target == "statement"] == ["statement"]
    assert "Period 2 ends before it starts." in field_error(page, "availability")


def test_a_row_error_in_the_summary_names_its_row_and_links_to_its_input(client, auth):
    auth.login("student")
    response = client.post("/profile/edit", data=complete_form(**{"availability-1-starts_on": "31/02/2027"}))
    links, _ = summary(response.get_data(as_text=True))
    assert links == [("availability-1-starts_on", "Row 2, from: Enter a real date, like 2027-03-01.")]


def test_sign_in_errors_link_to_their_fields(client):
    response = client.post("/login", data={"email": "not an address", "password": ""})
    links, _ = summary(response.get_data(as_text=True))
    assert [target for target, _ in links] == ["email", "password"]


def test_search_filter_errors_name_the_filters_as_the_page_does_and_link_to_them(client):
    response = client.get(
        "/opportunities?starts_after=2027-05-01&ends_before=2027-04-01&country=ZZ&open=maybe"
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    links, text = summary(page)
    assert ("ends_before", "“Available until” must not be before “Available from”.") in links
    assert any(target == "country" and "“ZZ”" in message for target, message in links)
    assert "“Only with places left and still open” is either on" in text
    for name in ("starts_after", "ends_before", "open=", "ISO"):
        assert name not in text


def test_multi_selects_are_checkbox_lists(client, auth, users):
    auth.login("coordinator")
    page = client.get("/coordination/rounds/new").get_data(as_text=True)
    assert "multiple" not in page and "Ctrl" not in page
    assert 'type="checkbox" name="regions"' in page and 'type="checkbox" name="types"' in page
    organisation = users.organisation(slug="kigali")
    auth.login("org_member", organisation=organisation)
    page = client.get("/organisations/kigali/edit").get_data(as_text=True)
    assert "multiple" not in page and 'type="checkbox" name="countries" id="countries-0"' in page
    assert "Ctrl" not in page


def _form_classes() -> list[type[FlaskForm]]:
    for module in pkgutil.walk_packages(matcher.__path__, "matcher."):
        if module.name.endswith(".forms") or module.name.endswith(".views"):
            importlib.import_module(module.name)

    def below(cls: type) -> list[type]:
        return [c for sub in cls.__subclasses__() for c in (sub, *below(sub))]

    return [c for c in below(FlaskForm) if c.__module__.startswith("matcher.")]


def test_every_form_of_the_app_speaks_in_our_words(app):
    forms = _form_classes()
    assert len(forms) > 20
    assert [f.__qualname__ for f in forms if not issubclass(f, AppForm)] == []


JUNK = ["x" * 6000, "31/02/2027", "-5", "not a choice", ""]


def _build(cls: type[FlaskForm], data: MultiDict) -> FlaskForm:
    options = {"meta": {"csrf": False}, "formdata": data}
    if cls.__name__ == "HostOrderForm":
        return cls.for_applications([1, 2], **options)
    if cls.__name__ == "ProfileForm":
        return cls(db.session.get(Profession, "ir-trainee"), **options)
    form = cls(**options)
    # Choices a view fills from the database (sites, volunteers, requests...): none here, so the
    # junk meets "not a choice" rather than WTForms' "Choices cannot be None".
    for field in form:
        if hasattr(field, "choices") and field.choices is None:
            field.choices = []
    return form


@pytest.mark.parametrize("junk", JUNK)
def test_no_form_shows_a_library_default_message(app, junk):
    """Every field of every form filled with junk: no message is one WTForms says by default."""
    shown: list[str] = []
    with app.test_request_context(method="POST"):
        for cls in _form_classes():
            names = [f.name for f in _build(cls, MultiDict()) if f.type != "CSRFTokenField"]
            rows = [f"{name}-{n}-{part}" for name in names for n in range(3) for part in ROW_PARTS]
            form = _build(cls, MultiDict([(name, junk) for name in names + rows]))
            form.validate()
            shown.extend(message for _, message in error_links(form))
    assert shown, "the junk gave errors"
    assert sorted({m for m in shown if any(_is_default(m, d) for d in [*MESSAGES, *PLURAL_MESSAGES])}) == []


ROW_PARTS = ("language", "level", "starts_on", "ends_on")


def _is_default(message: str, default: str) -> bool:
    """The default message, with its placeholders filled in or not."""
    pattern = re.sub(r"%\\\((\w+)\\\)[sd]|\\\{\w+\\\}", ".+", re.escape(default))
    return re.fullmatch(pattern, message) is not None


def test_a_bad_invitation_address_comes_back_on_the_organisation_page_with_what_was_typed(
    auth, client, users
):
    organisation = users.organisation(slug="kigali")
    auth.login_as(users.create("org_member", organisation=organisation))
    response = client.post("/organisations/kigali/invite", data={"email": "colleague at example"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    links, _ = summary(page)
    assert links == [("email", "Enter a valid email address.")]
    assert 'value="colleague at example"' in page and "<title>Error: " in page


def test_a_bad_seed_comes_back_on_the_round_page_with_its_summary(auth, client, users):
    coordinator = auth.login("coordinator")
    match_round = rounds.create_round(
        db.session, coordinator, name="Spring", mode="ranked", scope=rounds.Scope(), response_deadline=None
    )
    db.session.commit()
    response = client.post(f"/coordination/rounds/{match_round.id}/run", data={"seed": "lucky"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    links, _ = summary(page)
    assert links == [("seed", "Enter a whole number, like 12.")]
    assert not match_round.runs


def test_feedback_without_a_rating_comes_back_with_the_text_kept(auth, client, users):
    student = auth.login("student")
    opportunity = users.opportunity(starts_on=TODAY - timedelta(days=40), deadline=None)
    match = users.match(student, opportunity, "completed")
    response = client.post(
        f"/placements/{match.id}/feedback", data={"rating": "", "feedback": "Great teaching."}
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    links, _ = summary(page)
    assert links == [(f"rating-{match.id}", "Give a rating from 1 to 5.")]
    assert field_error(page, f"rating-{match.id}") == "Give a rating from 1 to 5."
    assert ">Great teaching.</textarea>" in page
    assert db.session.get(type(match), match.id).rating is None
