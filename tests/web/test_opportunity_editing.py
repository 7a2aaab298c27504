"""Organisation members create, edit, duplicate and move opportunities through their statuses."""

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from matcher.extensions import db
from matcher.models import Opportunity, OpportunityStatus

START = date.today() + timedelta(days=90)


def form_data(**changes):
    data = {
        "title": "IR elective at Bugando",
        "type": "clinical_elective",
        "description": "Four weeks with the IR team.\n\nLong days, good teaching.",
        "host_institution": "Bugando Medical Centre",
        "city": "Mwanza",
        "country_code": "TZ",
        "level_min": "4",
        "level_max": "6",
        "interests": ["abscess-drainage", "nephrostomy"],
        "starts_on": START.isoformat(),
        "ends_on": (START + timedelta(days=27)).isoformat(),
        "capacity": "3",
        "deadline": (START - timedelta(days=30)).isoformat(),
        "languages-0-language": "en",
        "languages-0-level": "professional",
        "languages-1-language": "sw",
        "languages-1-level": "basic",
        "fee_amount": "150",
        "fee_currency": "usd",
        "needs_visa": "y",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


@pytest.fixture
def member(auth, users):
    organisation = users.organisation(name="Road2IR", slug="road2ir")
    user = auth.login("org_member", organisation=organisation)
    return user, organisation


def count() -> int:
    return db.session.scalar(select(func.count()).select_from(Opportunity))


def test_member_creates_a_draft_then_publishes_it(client, member):
    _, organisation = member
    response = client.post("/organisations/road2ir/opportunities/new", data=form_data())
    assert response.status_code == 302
    opportunity = db.session.scalars(select(Opportunity)).one()
    assert opportunity.status == "draft" and opportunity.organisation_id == organisation.id
    assert [i.slug for i in opportunity.interests] == ["abscess-drainage", "nephrostomy"]
    assert {(lang.language, lang.level) for lang in opportunity.languages} == {
        ("en", "professional"),
        ("sw", "basic"),
    }
    assert opportunity.fee_currency == "USD" and opportunity.needs_visa
    client.post(f"/opportunities/{opportunity.id}/publish")
    assert db.session.get(Opportunity, opportunity.id).status == "published"
    page = client.get(f"/opportunities/{opportunity.id}").get_data(as_text=True)
    assert "Four weeks with the IR team.</p>" in page and "3 of 3 left" in page


def test_publishing_is_refused_for_an_unverified_organisation(client, auth, users):
    organisation = users.organisation(name="New Org", slug="new-org", verified=False)
    auth.login("org_member", organisation=organisation)
    client.post("/organisations/new-org/opportunities/new", data=form_data())
    opportunity = db.session.scalars(select(Opportunity)).one()
    response = client.post(f"/opportunities/{opportunity.id}/publish", follow_redirects=True)
    assert "not verified yet" in response.get_data(as_text=True)
    assert db.session.get(Opportunity, opportunity.id).status == "draft"


@pytest.mark.parametrize(
    ("start", "action", "result"),
    [
        ("draft", "publish", "published"),
        ("published", "close", "closed"),
        ("closed", "publish", "published"),
        ("closed", "archive", "archived"),
        ("draft", "archive", "archived"),
        ("draft", "close", "draft"),
        ("published", "archive", "published"),
        ("archived", "publish", "archived"),
    ],
)
def test_status_transitions(client, member, users, start, action, result):
    _, organisation = member
    opportunity = users.opportunity(organisation, status=start)
    client.post(f"/opportunities/{opportunity.id}/{action}")
    assert db.session.get(Opportunity, opportunity.id).status == result


def test_duplicate_makes_a_draft_for_next_year(client, member, users):
    _, organisation = member
    original = users.opportunity(organisation, title="Yearly elective", interests=("tace",))
    response = client.post(f"/opportunities/{original.id}/duplicate")
    copy = db.session.scalars(select(Opportunity).where(Opportunity.id != original.id)).one()
    assert response.headers["Location"].endswith(f"/opportunities/{copy.id}/edit")
    assert copy.status == "draft" and copy.title == "Yearly elective"
    assert copy.starts_on == original.starts_on.replace(year=original.starts_on.year + 1)
    assert [i.slug for i in copy.interests] == ["tace"]


def test_edit_page_shows_and_saves_the_current_values(client, member, users):
    _, organisation = member
    opportunity = users.opportunity(organisation, title="Before", capacity=2)
    page = client.get(f"/opportunities/{opportunity.id}/edit").get_data(as_text=True)
    assert 'value="Before"' in page
    client.post(f"/opportunities/{opportunity.id}/edit", data=form_data(title="After", capacity="5"))
    saved = db.session.get(Opportunity, opportunity.id)
    assert (saved.title, saved.capacity) == ("After", 5)


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"ends_on": (START - timedelta(days=1)).isoformat()}, "ends_on", "must not be before the start"),
        ({"capacity": "0"}, "capacity", "From 1 to 1000."),
        ({"capacity": "-3"}, "capacity", "From 1 to 1000."),
        ({"deadline": (START + timedelta(days=1)).isoformat()}, "deadline", "on or before the start date"),
        ({"country_code": "XX"}, "country_code", "Choose one of the options in the list."),
        ({"level_min": "10", "level_max": "4"}, "level_max", "must not be above the highest"),
        ({"title": "x" * 5000}, "title", "Keep it to 200 characters."),
        ({"interests": None}, "interests", "Choose at least one interest."),
        ({"flexible": "y", "min_weeks": None}, "min_weeks", "minimum length in weeks"),
        ({"flexible": "y", "min_weeks": "8"}, "min_weeks", "shorter than the minimum length"),
        ({"starts_on": "31/02/2027"}, "starts_on", "Enter a real date, like 2027-03-01."),
        ({"languages-1-language": "en"}, "languages", "List each language once."),
    ],
)
def test_bad_input_gets_a_field_error_and_saves_nothing(client, member, changes, field, message):
    response = client.post("/organisations/road2ir/opportunities/new", data=form_data(**changes))
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert f'id="{field}-error"' in page and message in page, page[page.find('class="error"') - 200 :][:600]
    assert count() == 0


def test_capacity_cannot_drop_below_places_already_taken(client, member, users):
    _, organisation = member
    opportunity = users.opportunity(organisation, capacity=3, places_filled=2)
    response = client.post(f"/opportunities/{opportunity.id}/edit", data=form_data(capacity="1"))
    assert "2 places are already taken" in response.get_data(as_text=True)
    assert db.session.get(Opportunity, opportunity.id).capacity == 3


def test_a_member_of_one_organisation_cannot_touch_another_s_opportunity(client, member, users):
    other = users.organisation(name="Other", slug="other")
    theirs = users.opportunity(other, title="Theirs")
    assert client.get(f"/opportunities/{theirs.id}/edit").status_code == 403
    assert (
        client.post(f"/opportunities/{theirs.id}/edit", data=form_data(title="Mine now")).status_code == 403
    )
    assert client.post(f"/opportunities/{theirs.id}/close").status_code == 403
    assert client.post(f"/opportunities/{theirs.id}/duplicate").status_code == 403
    assert client.get("/organisations/other/opportunities/new").status_code == 403
    assert db.session.get(Opportunity, theirs.id).title == "Theirs"
    draft = users.opportunity(other, status=OpportunityStatus.DRAFT)
    assert client.get(f"/opportunities/{draft.id}").status_code == 404


def test_students_cannot_post_opportunities(client, auth, users):
    users.organisation(name="Road2IR", slug="road2ir")
    auth.login("student")
    assert client.post("/organisations/road2ir/opportunities/new", data=form_data()).status_code == 403
    assert count() == 0


def test_description_html_is_shown_as_text(client, member, users):
    _, organisation = member
    opportunity = users.opportunity(organisation, description="<script>alert(1)</script>\n\n<b>bold</b>")
    page = client.get(f"/opportunities/{opportunity.id}").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<b>bold</b>" not in page


def test_mass_assignment_of_status_or_organisation_is_ignored(client, member, users):
    other = users.organisation(name="Other", slug="other")
    client.post(
        "/organisations/road2ir/opportunities/new",
        data=form_data(status="published", organisation_id=str(other.id), places_filled="3"),
    )
    opportunity = db.session.scalars(select(Opportunity)).one()
    assert opportunity.status == "draft" and opportunity.organisation_id != other.id
    assert opportunity.places_filled == 0


def _new_form_token(client) -> str:
    import re

    page = client.get("/organisations/road2ir/opportunities/new").get_data(as_text=True)
    return re.search(r'name="form_token" type="hidden" value="([^"]+)"', page).group(1)


def test_back_then_save_as_draft_again_keeps_one_draft_with_the_latest_text(client, member):
    token = _new_form_token(client)
    first = client.post("/organisations/road2ir/opportunities/new", data=form_data(form_token=token))
    assert first.status_code == 302 and count() == 1
    # The browser's Back shows the same page, with the same token; the person edits and saves again.
    again = client.post(
        "/organisations/road2ir/opportunities/new",
        data=form_data(form_token=token, title="Bugando, take two"),
    )
    assert again.headers["Location"] == first.headers["Location"]
    assert count() == 1
    assert db.session.scalars(select(Opportunity.title)).all() == ["Bugando, take two"]


def test_a_form_sent_again_after_publishing_changes_nothing(client, member):
    token = _new_form_token(client)
    client.post("/organisations/road2ir/opportunities/new", data=form_data(form_token=token))
    opportunity = db.session.scalars(select(Opportunity)).one()
    opportunity.status = OpportunityStatus.PUBLISHED
    db.session.commit()
    response = client.post(
        "/organisations/road2ir/opportunities/new",
        data=form_data(form_token=token, title="Stale copy"),
        follow_redirects=True,
    )
    assert "This form was saved already, as “IR elective at Bugando”; nothing was changed." in (
        response.get_data(as_text=True)
    )
    assert count() == 1 and db.session.get(Opportunity, opportunity.id).title == "IR elective at Bugando"


def test_each_new_form_makes_its_own_draft(client, member):
    for _ in range(2):
        client.post(
            "/organisations/road2ir/opportunities/new", data=form_data(form_token=_new_form_token(client))
        )
    assert count() == 2


@pytest.mark.parametrize(
    ("dates", "field", "words"),
    [
        ({"starts_on": -60, "ends_on": -30, "deadline": -90}, "ends_on", "It ended on"),
        ({"starts_on": -3, "ends_on": 25, "deadline": -10}, "starts_on", "It started on"),
        ({"starts_on": 30, "ends_on": 58, "deadline": -1}, "deadline", "The application deadline, "),
    ],
)
def test_publishing_an_opportunity_whose_dates_have_passed_is_refused_at_the_date(
    client, auth, users, dates, field, words
):
    organisation = users.organisation()
    today = date.today()
    opportunity = users.opportunity(
        organisation, status="draft", **{k: today + timedelta(days=v) for k, v in dates.items()}
    )
    auth.login("org_member", organisation=organisation)
    response = client.post(f"/opportunities/{opportunity.id}/publish")
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "It cannot be published yet" in page
    error = page[page.index(f'id="{field}-error"') :]
    assert words in error[:300]
    assert f'id="{field}"' in page and f'aria-describedby="{field}-error"' in page
    assert f'action="/opportunities/{opportunity.id}/edit"' in page  # the form saves the new dates
    assert db.session.get(Opportunity, opportunity.id).status == "draft"


def test_the_service_refuses_to_publish_past_dates_naming_the_field(users):
    from matcher.services import opportunities as service
    from matcher.services.errors import DomainError

    organisation = users.organisation()
    member = users.create(role="org_member", organisation=organisation)
    today = date.today()
    opportunity = users.opportunity(organisation, status="draft", deadline=today - timedelta(days=1))
    with pytest.raises(DomainError) as refused:
        service.transition(db.session, member, opportunity, "publish", today)
    assert refused.value.field == "deadline"
    # The day of the deadline itself is still open; a flexible window already running may be published.
    opportunity.deadline = today
    service.transition(db.session, member, opportunity, "publish", today)
    assert opportunity.status == "published"
    flexible = users.opportunity(
        organisation,
        status="draft",
        flexible=True,
        min_weeks=2,
        starts_on=today - timedelta(days=20),
        ends_on=today + timedelta(days=10),
        deadline=None,
    )
    with pytest.raises(DomainError) as short:
        service.transition(db.session, member, flexible, "publish", today)
    assert short.value.field == "ends_on" and "minimum length of 2 weeks" in short.value.message
    flexible.ends_on = today + timedelta(days=13)
    service.transition(db.session, member, flexible, "publish", today)
    assert flexible.status == "published"
