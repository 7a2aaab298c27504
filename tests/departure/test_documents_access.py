"""Who opens a trip's documents: its traveller, the host's members and coordinators, each as an
attachment that no browser renders; another traveller, another organisation's member, an
unconfirmed host member and an anonymous visitor are told nothing is there (or sent to log in),
and ids swapped between trips find nothing either."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from matcher.extensions import db
from matcher.models import User
from matcher.models.departure import ItemOwner, ItemSource, ItemStatus, Trip, TripDocument
from matcher.services.departure import documents
from tests.support.documents import png, post_document, stored_files
from tests.support.pdf import minimal_pdf
from tests.support.trips import item, make_trip

LICENCE = minimal_pdf(padding=40)


@dataclass
class Cast:
    trip: Trip
    other_trip: Trip
    document: TripDocument
    other_document: TripDocument
    people: dict[str, User | None]


@pytest.fixture
def cast(users) -> Cast:
    host = users.organisation(name="Host A")
    other = users.organisation(name="Host B")
    opportunity = users.opportunity(host, country_code="KE")
    trip = make_trip(users, opportunity=opportunity)
    other_trip = make_trip(users, opportunity=users.opportunity(host, country_code="KE"))
    document = _stored(trip, LICENCE, "licence.pdf")
    other_document = _stored(other_trip, png(), "passport.png")
    people = {
        "traveller": trip.user,
        "host member": users.create("org_member", organisation=host),
        "coordinator": users.create("coordinator"),
        "admin": users.create("admin"),
        "another traveller": other_trip.user,
        "member of another organisation": users.create("org_member", organisation=other),
        "unconfirmed host member": users.create("org_member", organisation=host, verified=False),
        "anonymous": None,
    }
    return Cast(trip, other_trip, document, other_document, people)


def _stored(trip: Trip, content: bytes, name: str) -> TripDocument:
    from io import BytesIO

    item = trip.items[0]
    document = documents.upload(
        db.session, trip.user, trip.id, item.id, BytesIO(content), name, None, date.today()
    )
    db.session.commit()
    return document


def _client(app, users, who: User | None) -> FlaskClient:
    browser = app.test_client()
    if who is not None:
        response = browser.post("/login", data={"email": who.email, "password": users.PASSWORD})
        assert response.status_code == 302
    return browser


SEE = ("traveller", "host member", "coordinator", "admin")
REFUSED = ("another traveller", "member of another organisation", "unconfirmed host member")


@pytest.mark.parametrize("who", SEE)
def test_the_traveller_the_host_and_coordinators_download_the_document_as_an_attachment(
    app, users, cast, who
):
    browser = _client(app, users, cast.people[who])
    response = browser.get(f"/trips/{cast.trip.id}/documents/{cast.document.id}")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == "attachment; filename=licence.pdf"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.mimetype == "application/pdf"
    assert "no-store" in response.headers["Cache-Control"]
    assert response.get_data() == LICENCE
    page = browser.get(f"/trips/{cast.trip.id}/items/{cast.trip.items[0].id}/documents")
    assert page.status_code == 200 and "licence.pdf" in page.get_data(as_text=True)


@pytest.mark.parametrize("who", REFUSED)
def test_anyone_else_finds_nothing_at_the_documents_addresses(app, users, cast, who):
    browser = _client(app, users, cast.people[who])
    item = cast.trip.items[0]
    urls = [
        f"/trips/{cast.trip.id}/documents/{cast.document.id}",
        f"/trips/{cast.trip.id}/items/{item.id}/documents",
    ]
    for url in urls:
        response = browser.get(url)
        assert response.status_code == 404, (who, url)
        assert b"%PDF" not in response.get_data() and "licence.pdf" not in response.get_data(as_text=True)
    upload = post_document(browser, cast.trip, item, png(), "mine.png")
    removal = browser.post(f"/trips/{cast.trip.id}/documents/{cast.document.id}/delete")
    assert (upload.status_code, removal.status_code) == (404, 404)
    _nothing_moved(app, cast)


def test_an_anonymous_visitor_is_sent_to_log_in(app, users, cast):
    browser = _client(app, users, None)
    item = cast.trip.items[0]
    for method, url in [
        ("GET", f"/trips/{cast.trip.id}/documents/{cast.document.id}"),
        ("GET", f"/trips/{cast.trip.id}/items/{item.id}/documents"),
        ("POST", f"/trips/{cast.trip.id}/items/{item.id}/documents"),
        ("POST", f"/trips/{cast.trip.id}/documents/{cast.document.id}/delete"),
    ]:
        response = browser.open(url, method=method)
        assert response.status_code == 302 and "/login?next=" in response.headers["Location"], url
    _nothing_moved(app, cast)


def test_ids_swapped_between_trips_find_nothing(app, users, cast):
    """The traveller of one trip names the other trip's document or item through their own trip."""
    browser = _client(app, users, cast.people["traveller"])
    trip, other = cast.trip, cast.other_trip
    assert browser.get(f"/trips/{trip.id}/documents/{cast.other_document.id}").status_code == 404
    assert browser.get(f"/trips/{other.id}/documents/{cast.other_document.id}").status_code == 404
    assert browser.get(f"/trips/{trip.id}/items/{other.items[0].id}/documents").status_code == 404
    assert post_document(browser, trip, other.items[0], png(), "x.png").status_code == 404
    assert browser.post(f"/trips/{trip.id}/documents/{cast.other_document.id}/delete").status_code == 404
    _nothing_moved(app, cast)


def test_the_host_adds_no_document_to_the_travellers_own_item(app, users, cast):
    browser = _client(app, users, cast.people["host member"])
    page = browser.get(f"/trips/{cast.trip.id}/items/{cast.trip.items[0].id}/documents").get_data(
        as_text=True
    )
    assert "Upload the document" not in page and "Delete licence.pdf" not in page
    response = post_document(browser, cast.trip, cast.trip.items[0], png(), "host.png")
    assert response.status_code == 403
    assert browser.post(f"/trips/{cast.trip.id}/documents/{cast.document.id}/delete").status_code == 403
    _nothing_moved(app, cast)


def test_the_traveller_deletes_a_document_and_its_file_goes_with_it(app, users, cast):
    browser = _client(app, users, cast.people["traveller"])
    path, document_id = documents.file_of(cast.document), cast.document.id
    assert path.is_file()
    response = browser.post(f"/trips/{cast.trip.id}/documents/{document_id}/delete")
    assert response.status_code == 302
    assert db.session.get(TripDocument, document_id) is None and not path.exists()
    # The other trip's document is where it was.
    assert db.session.get(TripDocument, cast.other_document.id) is not None
    assert stored_files(app) == [documents.file_of(cast.other_document)]


def test_a_verified_items_documents_stay_as_they_were(app, users, cast):
    cast.trip.items[0].status = ItemStatus.VERIFIED
    db.session.commit()
    browser = _client(app, users, cast.people["traveller"])
    page = browser.get(f"/trips/{cast.trip.id}/items/{cast.trip.items[0].id}/documents").get_data(
        as_text=True
    )
    assert "Upload the document" not in page and "licence.pdf" in page
    removal = browser.post(
        f"/trips/{cast.trip.id}/documents/{cast.document.id}/delete", follow_redirects=True
    )
    assert "This item is already verified" in removal.get_data(as_text=True)
    upload = post_document(browser, cast.trip, cast.trip.items[0], png(), "late.png")
    assert upload.status_code == 422 and "This item is already verified" in upload.get_data(as_text=True)
    _nothing_moved(app, cast)


def _nothing_moved(app, cast: Cast) -> None:
    db.session.expire_all()
    ids = db.session.scalars(select(TripDocument.id).order_by(TripDocument.id)).all()
    assert ids == [cast.document.id, cast.other_document.id]
    assert stored_files(app) == sorted(
        [documents.file_of(cast.document), documents.file_of(cast.other_document)]
    )


def test_the_hosts_own_item_takes_documents_from_its_members_and_coordinators_only(app, users):
    host = users.organisation(name="Host C")
    letter = item(
        "host:letter", date.today() + timedelta(days=20), source=ItemSource.HOST, owner=ItemOwner.HOST
    )
    trip = make_trip(users, opportunity=users.opportunity(host, country_code="KE"), items=[letter])
    host_item = trip.items[0]
    traveller = _client(app, users, trip.user)
    refused = post_document(traveller, trip, host_item, minimal_pdf(), "letter.pdf")
    assert refused.status_code == 403 and stored_files(app) == []
    for who in (users.create("org_member", organisation=host), users.create("coordinator")):
        browser = _client(app, users, who)
        assert post_document(browser, trip, host_item, minimal_pdf(), "letter.pdf").status_code == 302
    uploaded = db.session.scalars(select(TripDocument.uploaded_by_id).order_by(TripDocument.id)).all()
    assert len(uploaded) == 2 and trip.user_id not in uploaded
    # The traveller reads the host's letter all the same.
    [first, _] = db.session.scalars(select(TripDocument.id).order_by(TripDocument.id)).all()
    assert traveller.get(f"/trips/{trip.id}/documents/{first}").status_code == 200
