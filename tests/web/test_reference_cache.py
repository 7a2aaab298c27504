"""What a process keeps between requests (reference data, the search form's lists, opportunity
cards) never outlives a change: the next request shows it, in this process and in another one."""

from __future__ import annotations

import html
from collections.abc import Iterator

import pytest
from flask import Flask
from sqlalchemy import select, update

from matcher.extensions import db
from matcher.models import Country, DataVersion, Interest, Opportunity, TrainingLevel
from matcher.reference.sync import sync_reference_data
from matcher.services import reference
from tests.support.apps import make_app
from tests.support.databases import fresh_database
from tests.support.factories import UserFactory


@pytest.fixture(autouse=True)
def _kept_per_process(app):
    """The reference data has a version, so processes keep it: what these tests are about."""
    assert db.session.get(DataVersion, reference.VERSION_NAME) is not None


def _page(client, url: str = "/opportunities") -> str:
    response = client.get(url)
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return html.unescape(response.get_data(as_text=True))


def test_a_renamed_interest_shows_on_the_next_request_in_the_form_and_on_cards(client, users):
    users.opportunity(title="Haemoptysis elective", interests=("haemoptysis-embolisation",))
    before = _page(client)
    assert "Haemoptysis elective" in before and "Bronchial & haemoptysis <work>" not in before
    interest = db.session.scalar(select(Interest).where(Interest.slug == "haemoptysis-embolisation"))
    interest.label = "Bronchial & haemoptysis <work>"
    db.session.commit()
    raw = client.get("/opportunities").get_data(as_text=True)
    assert "Bronchial &amp; haemoptysis &lt;work&gt;" in raw  # in the form, escaped
    assert raw.count("Bronchial &amp; haemoptysis &lt;work&gt;") == 2  # and on the card


def test_an_update_statement_says_it_changed_the_reference_data(client, users):
    users.opportunity(title="Haemoptysis elective", interests=("haemoptysis-embolisation",))
    _page(client)
    renamed = update(Interest).where(Interest.slug == "haemoptysis-embolisation").values(label="Renamed")
    db.session.execute(renamed)
    reference.changed(db.session)  # an UPDATE statement bypasses the flush hook: its writer says so
    db.session.commit()
    assert _page(client).count("Renamed") == 2


def test_a_new_level_interest_and_country_are_offered_and_accepted_at_once(client, users):
    users.opportunity()
    _page(client)  # the process now keeps the form's lists
    db.session.add(TrainingLevel(code="fellow2", label="Second-year fellow", rank=99))
    db.session.add(Interest(slug="new-procedure", label="A new procedure", group="Other", position=999))
    db.session.add(Country(iso2="QZ", name="Testland", region="Europe", subregion="Southern Europe"))
    db.session.commit()
    page = _page(client, "/opportunities?level=fellow2&interest=new-procedure&country=QZ")
    assert '<option value="fellow2" selected>Second-year fellow</option>' in page
    assert 'value="new-procedure" checked> A new procedure' in page
    assert '<option value="QZ" selected>Testland</option>' in page
    assert "There is a problem" not in page


def test_the_selected_values_are_marked_and_only_them(client, users):
    users.opportunity()
    page = _page(
        client, "/opportunities?country=TZ&subregion=Eastern+Africa&interest=pph-embolisation&level=any"
    )
    assert page.count(" selected>") == 3  # country, level "any" and the default sort
    assert (
        '<option value="TZ" selected>' in page and '<option value="any" selected>Any level</option>' in page
    )
    assert page.count(" checked>") == 2
    assert 'value="Eastern Africa" checked>' in page and 'value="pph-embolisation" checked>' in page
    plain = _page(client)
    assert plain.count(" checked>") == 0 and '<option value="TZ" selected>' not in plain


def test_a_changed_opportunity_shows_its_new_card_on_the_next_request(client, users):
    opportunity = users.opportunity(title="Old title", capacity=3)
    assert "Old title" in _page(client) and "3 of 3 places left" in _page(client)
    opportunity.title, opportunity.places_filled = "New title", 1
    db.session.commit()
    page = _page(client)
    assert "New title" in page and "Old title" not in page and "2 of 3 places left" in page


def test_a_changed_opportunity_shows_in_the_feed_and_the_api_on_the_next_request(client, users):
    opportunity = users.opportunity(title="Old title", capacity=3)
    assert "Old title" in client.get("/opportunities/feed.atom").get_data(as_text=True)
    opportunity.title, opportunity.places_filled = "New title", 1
    db.session.commit()
    feed = client.get("/opportunities/feed.atom").get_data(as_text=True)
    assert "New title" in feed and "Old title" not in feed and "2 of 3 places left" in feed
    [item] = client.get("/api/v1/opportunities").get_json()["items"]
    assert (item["title"], item["places_left"]) == ("New title", 2)


@pytest.fixture
def two_instances(tmp_path) -> Iterator[tuple[Flask, Flask]]:
    """Two apps on one database of their own, each with its own engine, as two servers would be."""
    with fresh_database(tmp_path, "two_instances") as scratch:
        first, second = make_app(scratch), make_app(scratch)
        with first.app_context():
            db.create_all()
            sync_reference_data(db.session)
            UserFactory(db.session).opportunity(title="Shared elective", interests=("pph-embolisation",))
            db.session.commit()
        try:
            yield first, second
        finally:
            for app in (first, second):
                with app.app_context():
                    db.engine.dispose()


def test_a_change_made_through_another_instance_shows_on_the_next_request(two_instances):
    first, second = two_instances
    reader = first.test_client()
    assert "Shared elective" in _page(reader) and "Renamed PPH" not in _page(reader)
    with second.app_context():
        assert db.session.get(DataVersion, reference.VERSION_NAME) is not None
        interest = db.session.scalar(select(Interest).where(Interest.slug == "pph-embolisation"))
        interest.label = "Renamed PPH"
        db.session.add(Interest(slug="added-elsewhere", label="Added elsewhere", group="Other", position=998))
        db.session.scalar(select(Opportunity)).title = "Retitled elective"
        db.session.commit()
    page = _page(reader, "/opportunities?interest=added-elsewhere")
    assert 'value="added-elsewhere" checked> Added elsewhere' in page and "There is a problem" not in page
    page = _page(reader)
    assert page.count("Renamed PPH") == 2 and "Retitled elective" in page  # form and card
    api = reader.get("/api/v1/opportunities").get_json()
    assert [item["title"] for item in api["items"]] == ["Retitled elective"]
