"""A document's life: its expiry date, flagged when it ends before the placement does; deletion a
set number of days after the placement (other trips untouched) and with the traveller's account;
and its place in the traveller's privacy export (names and dates, never the contents)."""

from __future__ import annotations

import base64
import json
from datetime import date, timedelta
from io import BytesIO

import pytest
from sqlalchemy import select

from matcher.extensions import db
from matcher.jobs.queue import queue_of
from matcher.models.departure import Trip, TripDocument
from matcher.services.departure import documents
from tests.support.documents import png, post_document, stored_files
from tests.support.pdf import minimal_pdf
from tests.support.trips import make_trip

FLAG = "Expires before the placement ends"


def _store(trip: Trip, content: bytes, name: str, expires_on: date | None = None) -> TripDocument:
    item = trip.items[0]
    document = documents.upload(
        db.session, trip.user, trip.id, item.id, BytesIO(content), name, expires_on, date.today()
    )
    db.session.commit()
    return document


def _document_ids() -> list[int]:
    db.session.expire_all()
    return list(db.session.scalars(select(TripDocument.id).order_by(TripDocument.id)))


# -- expiry ------------------------------------------------------------------------------------


def test_a_document_that_expires_before_the_placement_ends_is_flagged(app, auth, client, users):
    trip = make_trip(users)
    ends = trip.opportunity.ends_on
    auth.login_as(trip.user)
    item = trip.items[0]
    for name, valid_until in [
        ("early.pdf", ends - timedelta(days=1)),
        ("last-day.pdf", ends),
        ("none.pdf", ""),
    ]:
        day = valid_until.isoformat() if valid_until else ""
        assert post_document(client, trip, item, minimal_pdf(), name, expires_on=day).status_code == 302
    stored = {d.filename: d for d in db.session.scalars(select(TripDocument))}
    assert stored["early.pdf"].expires_on == ends - timedelta(days=1)
    assert stored["last-day.pdf"].expires_on == ends and stored["none.pdf"].expires_on is None
    assert [d.filename for d in documents.expiring_documents(trip)] == ["early.pdf"]

    page = client.get(f"/trips/{trip.id}/items/{item.id}/documents").get_data(as_text=True)
    assert page.count(FLAG) == 1
    flagged_row = page[page.index(">early.pdf</a>") : page.index(">last-day.pdf</a>")]
    assert FLAG in flagged_row


def test_a_document_already_expired_is_refused_at_its_date(app, auth, client, users):
    trip = make_trip(users)
    auth.login_as(trip.user)
    yesterday = (date.today() - timedelta(days=1)).isoformat()
    response = post_document(client, trip, trip.items[0], png(), "old.png", expires_on=yesterday)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert f'id="item{trip.items[0].id}-expires_on-error"' in page and "already expired" in page
    assert _document_ids() == [] and stored_files(app) == []


# -- retention ---------------------------------------------------------------------------------


@pytest.fixture
def three_trips(users):
    """Placements that ended 31 and 30 days ago, and one to come, each with a document."""
    ended_long_ago = make_trip(users, starts_in_days=-31 - 27)
    ended_on_the_day = make_trip(users, starts_in_days=-30 - 27)
    to_come = make_trip(users)
    assert ended_long_ago.opportunity.ends_on == date.today() - timedelta(days=31)
    assert ended_on_the_day.opportunity.ends_on == date.today() - timedelta(days=30)
    stored = [
        _store(trip, minimal_pdf(), f"trip{n}.pdf")
        for n, trip in enumerate((ended_long_ago, ended_on_the_day, to_come))
    ]
    return (ended_long_ago, ended_on_the_day, to_come), stored


@pytest.mark.fresh_app
def test_documents_are_deleted_the_set_number_of_days_after_the_placement_ends(app, three_trips):
    app.config["DOCUMENT_RETENTION_DAYS"] = 30
    (old, boundary, future), (gone, kept, kept_too) = three_trips
    gone_file, gone_id = documents.file_of(gone), gone.id
    kept_files = [documents.file_of(kept), documents.file_of(kept_too)]

    queue_of(app).call("purge_documents")  # what the worker runs each night

    assert _document_ids() == [kept.id, kept_too.id]
    assert db.session.get(TripDocument, gone_id) is None and not gone_file.exists()
    assert stored_files(app) == sorted(kept_files)
    purged = {t.id: t.documents_purged_at for t in db.session.scalars(select(Trip))}
    assert purged[old.id] is not None and purged[boundary.id] is None and purged[future.id] is None

    queue_of(app).call("purge_documents")  # again: nothing more goes
    assert _document_ids() == [kept.id, kept_too.id] and stored_files(app) == sorted(kept_files)


def test_the_retention_is_configurable_and_a_purged_trip_takes_no_new_document(
    app, auth, client, three_trips
):
    (_old, boundary, _future), (_gone, _kept, kept_too) = three_trips
    result = documents.purge_after_placements(db.session, date.today(), retention_days=29)
    db.session.commit()
    assert (result.trips, result.documents) == (2, 2)
    assert _document_ids() == [kept_too.id]
    assert stored_files(app) == [documents.file_of(kept_too)]

    auth.login_as(boundary.user)
    item = boundary.items[0]
    page = client.get(f"/trips/{boundary.id}/items/{item.id}/documents").get_data(as_text=True)
    assert "were deleted after the placement ended" in page and "Upload the document" not in page
    response = post_document(client, boundary, item, png(), "late.png")
    assert response.status_code == 422 and "deleted after the placement ended" in response.get_data(
        as_text=True
    )
    assert _document_ids() == [kept_too.id]


# -- the account -------------------------------------------------------------------------------


def test_deleting_the_account_deletes_the_travellers_documents_and_no_one_elses(app, auth, client, users):
    trip = make_trip(users)
    other = make_trip(users)
    mine = [_store(trip, minimal_pdf(), "licence.pdf"), _store(trip, png(), "passport.png")]
    theirs = _store(other, png(), "theirs.png")
    my_files = [documents.file_of(d) for d in mine]
    auth.login_as(trip.user)

    response = client.post("/profile/delete", data={"password": users.PASSWORD})

    assert response.status_code == 302
    assert _document_ids() == [theirs.id]
    assert not any(path.exists() for path in my_files)
    assert stored_files(app) == [documents.file_of(theirs)]


def test_a_wrong_password_deletes_nothing(app, auth, client, users):
    trip = make_trip(users)
    document = _store(trip, minimal_pdf(), "licence.pdf")
    auth.login_as(trip.user)
    response = client.post("/profile/delete", data={"password": "not my password"})
    assert response.status_code == 422
    assert _document_ids() == [document.id] and stored_files(app) == [documents.file_of(document)]


# -- the privacy export ------------------------------------------------------------------------


def test_the_privacy_export_lists_the_documents_names_and_dates_but_not_their_contents(
    app, auth, client, users
):
    trip = make_trip(users)
    content = minimal_pdf(padding=10) + b"% SECRET-LICENCE-NUMBER\n"
    valid_until = trip.opportunity.ends_on + timedelta(days=365)
    document = _store(trip, content, "kmpdc licence.pdf", expires_on=valid_until)
    _store(make_trip(users), png(), "someone-else.png")
    auth.login_as(trip.user)

    data = json.loads(client.get("/profile/data.json").data)

    assert data["trip_documents"] == [
        {
            "opportunity": trip.opportunity.title,
            "item": trip.items[0].title,
            "file_name": "kmpdc_licence.pdf",
            "type": "application/pdf",
            "size_bytes": len(content),
            "uploaded_at": document.uploaded_at.isoformat(),
            "expires_on": valid_until.isoformat(),
        }
    ]
    text = json.dumps(data)
    assert "SECRET-LICENCE-NUMBER" not in text and base64.b64encode(content[:30]).decode() not in text
    assert "someone-else" not in text and document.stored_name not in text
