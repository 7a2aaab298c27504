"""Uploading proof on a checklist item: the type comes from the content (PDF, JPEG or PNG), never
from the name; files that are something else, hide something else or run something are refused
with the reason at the file field, and nothing is stored; sizes up to 10 MB pass."""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from matcher.extensions import db
from matcher.models.departure import TripDocument
from tests.support.documents import jpeg, png, post_document, stored_files
from tests.support.pdf import ACTIVE_PDFS, minimal_pdf
from tests.support.trips import item, make_trip

MB = 1024 * 1024
NOT_A_DOCUMENT = "This file is not a PDF, JPEG or PNG."
HIDDEN = "This image carries other content hidden in it."
SCRIPTS = "This PDF contains scripts or actions that run when it is opened."


@pytest.fixture
def trip(users):
    return make_trip(users)


@pytest.fixture
def traveller(auth, trip):
    return auth.login_as(trip.user)


def _documents() -> list[TripDocument]:
    return list(db.session.scalars(select(TripDocument).order_by(TripDocument.id)))


def _refused(app, response, message: str) -> None:
    page = response.get_data(as_text=True)
    assert response.status_code in (413, 422), response.status_code
    assert "There is a problem" in page  # the error summary at the top of the form
    assert 'class="error" id="item' in page and message in page  # and the message at the field
    assert _documents() == []
    assert stored_files(app) == []


REFUSED = {
    "a Windows program renamed .pdf": (
        b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200,
        "licence.pdf",
        NOT_A_DOCUMENT,
    ),
    "an HTML page renamed .pdf": (b"<!doctype html><script>alert(1)</script>", "licence.pdf", NOT_A_DOCUMENT),
    "an SVG with a script": (
        b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect/></svg>',
        "licence.svg",
        NOT_A_DOCUMENT,
    ),
    "an SVG named .png": (
        b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>',
        "scan.png",
        NOT_A_DOCUMENT,
    ),
    "a PDF header with no trailer": (b"%PDF-1.4\nnothing more\n", "licence.pdf", NOT_A_DOCUMENT),
    "a PNG with a page appended after its end": (
        png() + b"<html><script>alert(1)</script></html>",
        "a.png",
        NOT_A_DOCUMENT,
    ),
    "a JPEG carrying a PDF (polyglot)": (jpeg(minimal_pdf(catalog=b" /OpenAction 4 0 R")), "a.jpg", HIDDEN),
    "a JPEG carrying a script in a comment": (
        jpeg(b"\xff\xfe\x00\x20<script>alert(1)</script>"),
        "a.jpg",
        HIDDEN,
    ),
    "a double extension hiding a page": (b"<html><body>hi</body></html>", "photo.jpg.html", NOT_A_DOCUMENT),
    "an empty file": (b"", "licence.pdf", "The file is empty."),
    **{f"a PDF with {what}": (content, "licence.pdf", SCRIPTS) for what, content in ACTIVE_PDFS.items()},
}


@pytest.mark.parametrize("what", list(REFUSED))
def test_a_file_that_is_not_a_plain_pdf_jpeg_or_png_is_refused(app, client, trip, traveller, what):
    content, name, message = REFUSED[what]
    item = trip.items[0]
    _refused(app, post_document(client, trip, item, content, name), message)


def test_a_file_over_10_mb_is_refused_at_its_field_before_it_is_read(app, client, trip, traveller):
    response = post_document(client, trip, trip.items[0], minimal_pdf(padding=11 * MB), "big.pdf")
    assert response.status_code == 413
    _refused(app, response, "The file is larger than 10 MB.")


def test_a_file_just_over_10_mb_in_a_body_under_the_limit_is_refused_by_its_size(
    app, client, trip, traveller
):
    content = minimal_pdf(padding=10 * MB - 300)
    assert 10 * MB < len(content) < 10 * MB + 1024
    response = post_document(client, trip, trip.items[0], content, "big.pdf")
    assert response.status_code == 422
    _refused(app, response, "The file is larger than 10 MB.")


def test_a_pdf_of_10_mb_is_stored_whole(app, client, trip, traveller):
    content = minimal_pdf(padding=10 * MB - 600)
    assert 10 * MB - 1024 < len(content) <= 10 * MB
    response = post_document(client, trip, trip.items[0], content, "licence.pdf")
    assert response.status_code == 302
    [document] = _documents()
    assert document.size == len(content) and document.content_type == "application/pdf"
    [path] = stored_files(app)
    assert path.read_bytes() == content


ACCEPTED = {
    # The type is the content's: a PNG sent as .pdf is a PNG, and is named so.
    "a PNG with a .pdf name": (png(), "passport.pdf", "image/png", "passport.png"),
    "a JPEG": (jpeg(), "Yellow fever.JPEG", "image/jpeg", "Yellow_fever.jpg"),
    "a PDF whose name climbs out of the folder": (
        minimal_pdf(),
        "../../../etc/passwd.pdf",
        "application/pdf",
        "etc_passwd.pdf",
    ),
    "a PDF with a double extension": (minimal_pdf(), "licence.pdf.exe", "application/pdf", "licence.pdf"),
    "a PDF named as a program": (minimal_pdf(), "setup.exe", "application/pdf", "setup.pdf"),
    "a PDF whose name is only dots": (minimal_pdf(), "../..", "application/pdf", "document.pdf"),
}


@pytest.mark.parametrize("what", list(ACCEPTED))
def test_a_pdf_jpeg_or_png_is_stored_under_a_random_name_in_the_upload_folder(
    app, client, trip, traveller, what
):
    content, name, content_type, shown = ACCEPTED[what]
    item = trip.items[0]
    response = post_document(client, trip, item, content, name)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    assert response.headers["Location"].endswith(f"/trips/{trip.id}/items/{item.id}/documents")
    [document] = _documents()
    assert (document.item_id, document.trip_id, document.uploaded_by_id) == (item.id, trip.id, trip.user_id)
    assert document.content_type == content_type and document.filename == shown
    assert document.size == len(content)
    [path] = stored_files(app)
    folder = Path(app.config["UPLOAD_FOLDER"]) / "trip-documents"
    assert path.parent == folder and path.name == document.stored_name
    suffix = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}[content_type]
    assert re.fullmatch(rf"[0-9a-f]{{32}}\.{suffix}", path.name)  # the sender's name is never the path
    assert path.read_bytes() == content
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "The document is uploaded" in page and shown in page


def test_a_refused_upload_says_to_choose_the_file_again_and_a_wrong_date_is_shown_at_its_field(
    app, client, trip, traveller
):
    item = trip.items[0]
    response = post_document(client, trip, item, minimal_pdf(), "licence.pdf", expires_on="not a date")
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert f'id="item{item.id}-expires_on-error"' in page and "Enter a real date" in page
    assert "choose the file again" in page
    assert _documents() == [] and stored_files(app) == []


def test_an_item_takes_at_most_five_documents(app, client, trip, traveller):
    item = trip.items[0]
    for n in range(5):
        assert post_document(client, trip, item, png(), f"page{n}.png").status_code == 302
    response = post_document(client, trip, item, png(), "page6.png")
    assert response.status_code == 422 and "at most 5 documents" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(TripDocument)) == 5
    assert len(stored_files(app)) == 5


def test_an_item_that_needs_no_proof_takes_no_document(app, client, users, auth):
    trip = make_trip(
        users, items=[item("country:insurance", date.today() + timedelta(days=30), needs_proof=False)]
    )
    auth.login_as(trip.user)
    response = post_document(client, trip, trip.items[0], minimal_pdf(), "a.pdf")
    assert response.status_code == 422 and "This item needs no document." in response.get_data(as_text=True)
    assert _documents() == [] and stored_files(app) == []
