"""A CV that would run something when opened is refused at upload.

Before: any file with a PDF header and trailer was stored and later downloaded by hosts and
coordinators, JavaScript (/JavaScript, /JS), open actions and launch actions included. Names may
be escaped (/J#61vaScript) or kept in compressed object streams, so both are read.
"""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

import pytest
from sqlalchemy import select

from matcher.extensions import db
from matcher.models import Profile
from tests.support.pdf import ACTIVE_PDFS, PASSIVE_PDFS


def _upload(client, content: bytes):
    data = {"cv": (BytesIO(content), "cv.pdf", "application/pdf")}
    return client.post("/profile/cv", data=data, content_type="multipart/form-data")


def _stored_files(app) -> list[Path]:
    folder = Path(app.config["UPLOAD_FOLDER"])
    return sorted(p for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


@pytest.mark.parametrize("what", list(ACTIVE_PDFS))
def test_a_pdf_that_runs_something_when_opened_is_refused(app, auth, client, what):
    student = auth.login("student")
    response = _upload(client, ACTIVE_PDFS[what])
    page = response.get_data(as_text=True)
    assert response.status_code == 422, what
    assert 'id="cv-error"' in page and "contains scripts or actions that run when it is opened" in page
    assert _stored_files(app) == []
    assert db.session.scalar(select(Profile.cv_filename).where(Profile.user_id == student.id)) is None


@pytest.mark.parametrize("what", list(PASSIVE_PDFS))
def test_a_pdf_whose_page_text_only_mentions_scripts_is_accepted(app, auth, client, what):
    auth.login("student")
    assert _upload(client, PASSIVE_PDFS[what]).status_code == 302, what
    assert len(_stored_files(app)) == 1
