"""Uploaded files (CVs, trips' proof documents): checked by content, stored under a random name
outside the web root, removed in step with the database.

A file is written before the transaction that refers to it commits. So that nothing is half-saved,
a new file is deleted if that transaction rolls back, and a replaced file only once it commits.
"""

from __future__ import annotations

import logging
import os
import re
import secrets
import zlib
from pathlib import Path
from typing import BinaryIO

from flask import current_app
from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction
from werkzeug.utils import secure_filename

from matcher.services.errors import DomainError
from matcher.translate import gettext as _
from matcher.translate import lazy_gettext as _l

log = logging.getLogger(__name__)

MAX_CV_BYTES = 5 * 1024 * 1024
CV_TOO_LARGE = _l("The file is larger than 5 MB. Make it smaller and try again.")
CV_DIRECTORY = "cv"
_STORED_NAME = re.compile(r"^[0-9a-f]{32}\.(pdf|jpg|png)$")
_PDF_HEADER = re.compile(rb"^%PDF-[12]\.\d")
_TAIL_BYTES = 2048

PDF, JPEG, PNG = "application/pdf", "image/jpeg", "image/png"
SUFFIXES = {PDF: ".pdf", JPEG: ".jpg", PNG: ".png"}
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_PNG_END = b"\x00\x00\x00\x00IEND\xaeB`\x82"  # the empty IEND chunk that closes every PNG
# What an image has no business holding: a PDF or markup a browser or reader would act on.
_HIDDEN_IN_IMAGE = re.compile(rb"%PDF-|<\s*(?:script|html|svg|iframe|object|embed)\b|<\?php", re.IGNORECASE)

_DELETE_ON_COMMIT = "uploads.delete_on_commit"
_DELETE_ON_ROLLBACK = "uploads.delete_on_rollback"


def read_pdf(stream: BinaryIO, field: str = "cv") -> bytes:
    """The upload's bytes if they are a PDF of at most 5 MB; else a DomainError on `field`."""
    data = stream.read(MAX_CV_BYTES + 1)
    if len(data) > MAX_CV_BYTES:
        raise DomainError(str(CV_TOO_LARGE), field=field)
    if not data:
        raise DomainError(_("The file is empty."), field=field)
    if not looks_like_pdf(data):
        raise DomainError(_("This file is not a PDF. Save your CV as a PDF and upload that."), field=field)
    _refuse_active_pdf(data, field)
    return data


def read_document(stream: BinaryIO, limit: int, field: str = "file") -> tuple[bytes, str]:
    """The upload's bytes and type if it is a PDF, JPEG or PNG of at most `limit` bytes, judged by
    its content (never its name or the browser's word); else a DomainError on `field`."""
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise DomainError(
            _("The file is larger than %(size)s MB. Make it smaller and try again.", size=limit // 2**20),
            field=field,
        )
    if not data:
        raise DomainError(_("The file is empty."), field=field)
    kind = content_type_of(data)
    if kind is None:
        raise DomainError(
            _("This file is not a PDF, JPEG or PNG. Scan or save the document in one of those formats."),
            field=field,
        )
    if kind == PDF:
        _refuse_active_pdf(data, field)
    elif _HIDDEN_IN_IMAGE.search(data):
        raise DomainError(
            _(
                "This image carries other content hidden in it. Save it again as a plain JPEG or PNG "
                "(a screenshot does that) and upload the copy."
            ),
            field=field,
        )
    return data, kind


def _refuse_active_pdf(data: bytes, field: str) -> None:
    if has_active_content(data):
        raise DomainError(
            _(
                "This PDF contains scripts or actions that run when it is opened. Save it again without "
                "them (printing it to a new PDF does that) and upload the copy."
            ),
            field=field,
        )


def content_type_of(data: bytes) -> str | None:
    """PDF, JPEG or PNG by the file's own structure (start and end), or None."""
    if looks_like_pdf(data):
        return PDF
    if data.startswith(b"\xff\xd8\xff") and b"\xff\xd9" in data[-_TAIL_BYTES:]:
        return JPEG
    # Nothing may follow the end chunk: bytes appended to an image are where polyglots hide.
    if data.startswith(_PNG_SIGNATURE) and data[12:16] == b"IHDR" and data.endswith(_PNG_END):
        return PNG
    return None


def looks_like_pdf(data: bytes) -> bool:
    """A PDF header at the start, and the trailer a PDF reader looks for at the end.

    The name and the browser's content type prove nothing; a renamed Word file or image fails here.
    """
    if not _PDF_HEADER.match(data):
        return False
    tail = data[-_TAIL_BYTES:]
    return b"%%EOF" in tail and b"startxref" in tail


# Names that make a reader run something: scripts, and actions on opening or launching programs.
ACTIVE_NAMES = frozenset({b"JavaScript", b"JS", b"OpenAction", b"Launch"})
# A PDF name: a slash, then regular characters (anything but white space and delimiters).
_NAME = re.compile(rb"/([^\x00\t\n\x0c\r ()<>\[\]{}/%]+)")
_NAME_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
_STREAM = re.compile(rb"stream\r?\n(.*?)endstream", re.DOTALL)
_INFLATED_LIMIT = 32 * 1024 * 1024  # object streams hold dictionaries: far less than this


def _names(data: bytes) -> set[bytes]:
    """The PDF names in `data`, with #xx escapes decoded (/J#61vaScript is /JavaScript)."""
    return {_NAME_ESCAPE.sub(lambda m: bytes([int(m[1], 16)]), name) for name in _NAME.findall(data)}


def has_active_content(data: bytes) -> bool:
    """Whether the PDF names JavaScript, an open action or a launch action.

    Dictionaries are read outside streams (page contents and images are skipped, so their binary
    data cannot match by chance) and inside object streams, where PDF 1.5 files keep compressed
    dictionaries. An object stream that cannot be inflated counts as active: it cannot be checked.
    """
    if _names(_STREAM.sub(b"stream endstream", data)) & ACTIVE_NAMES:
        return True
    budget = _INFLATED_LIMIT
    for stream in _STREAM.finditer(data):
        header = data[max(stream.start() - 1024, 0) : stream.start()]
        header_names = _names(header[header.rfind(b"obj") :])
        if b"ObjStm" not in header_names:
            continue
        inflater = zlib.decompressobj()
        try:
            if b"FlateDecode" in header_names:
                content = inflater.decompress(stream[1], budget)
            elif b"Filter" not in header_names:
                content = stream[1]
            else:
                return True
        except zlib.error:
            return True
        budget -= len(content)
        if budget <= 0 or _names(content) & ACTIVE_NAMES:
            return True
    return False


def display_name(filename: str | None) -> str:
    """A harmless name for the download, from whatever the browser sent."""
    name = secure_filename(filename or "")[:150]
    stem = name[:-4] if name.lower().endswith(".pdf") else name
    return f"{stem or 'cv'}.pdf"


def document_name(filename: str | None, content_type: str, fallback: str = "document") -> str:
    """A harmless name for a download: the sender's name without its extensions (a double
    extension such as scan.pdf.exe keeps none), ending in the extension of what the file is."""
    name = secure_filename(filename or "")[:150]
    stem = name.split(".")[0] if name and not name.startswith(".") else ""
    return f"{stem or fallback}{SUFFIXES[content_type]}"


def _folder(directory: str) -> Path:
    return Path(current_app.config["UPLOAD_FOLDER"]) / directory


def path_of(stored_name: str, directory: str = CV_DIRECTORY) -> Path:
    """The file's path; refuses any name this module did not make."""
    if not _STORED_NAME.match(stored_name):
        raise ValueError(f"not a stored upload name: {stored_name!r}")
    return _folder(directory) / stored_name


def store(session: Session, data: bytes, directory: str = CV_DIRECTORY, suffix: str = ".pdf") -> str:
    """Write the file under a new random name; it is removed again if `session` rolls back."""
    folder = _folder(directory)
    folder.mkdir(parents=True, exist_ok=True)
    stored_name = secrets.token_hex(16) + suffix
    final = folder / stored_name
    partial = folder / (stored_name + ".part")
    with open(partial, "xb") as out:
        out.write(data)
    os.replace(partial, final)
    _pending(session, _DELETE_ON_ROLLBACK).append(final)
    return stored_name


def delete_after_commit(session: Session, stored_name: str | None, directory: str = CV_DIRECTORY) -> None:
    """Remove a file once the transaction that stops referring to it has committed."""
    if stored_name:
        _pending(session, _DELETE_ON_COMMIT).append(path_of(stored_name, directory))


def _pending(session: Session, key: str) -> list[Path]:
    return session.info.setdefault(key, [])


def _remove(paths: list[Path]) -> None:
    for path in paths:
        try:
            path.unlink(missing_ok=True)
        except OSError:  # the row is already gone; a stray file is logged, never fatal
            log.exception("could not remove %s", path)


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    session.info.pop(_DELETE_ON_ROLLBACK, None)
    _remove(session.info.pop(_DELETE_ON_COMMIT, []))


@event.listens_for(Session, "after_transaction_end")
def _after_transaction_end(session: Session, transaction: SessionTransaction) -> None:
    # Only the outermost transaction decides; a commit has already cleared the list above.
    if transaction.parent is None and not transaction.nested:
        session.info.pop(_DELETE_ON_COMMIT, None)
        _remove(session.info.pop(_DELETE_ON_ROLLBACK, []))
