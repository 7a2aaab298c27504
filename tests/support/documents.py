"""Trips' proof documents for tests: small real images, the upload as a browser sends it, and
what lies in the upload folder."""

from __future__ import annotations

import struct
import zlib
from io import BytesIO
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from matcher.models.departure import Trip, TripItem


def png(width: int = 2, height: int = 2) -> bytes:
    """A real (tiny, black) PNG: signature, IHDR, IDAT and the closing IEND chunk."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    rows = b"".join(b"\x00" + b"\x00\x00\x00" * width for _ in range(height))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def jpeg(body: bytes = b"\x00" * 64) -> bytes:
    """Start of image, a JFIF header, `body`, end of image: what the type check reads of a JPEG."""
    return b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + body + b"\xff\xd9"


def upload_url(trip: Trip, item: TripItem) -> str:
    return f"/trips/{trip.id}/items/{item.id}/documents"


def post_document(
    client: FlaskClient, trip: Trip, item: TripItem, content: bytes, name: str, expires_on: str = ""
) -> TestResponse:
    """The item's upload form, sent as a browser does (the fields carry the item's prefix)."""
    prefix = f"item{item.id}-"
    data = {prefix + "file": (BytesIO(content), name), prefix + "expires_on": expires_on}
    return client.post(upload_url(trip, item), data=data, content_type="multipart/form-data")


def stored_files(app: Flask) -> list[Path]:
    """Every file under the upload folder, wherever it is."""
    folder = Path(app.config["UPLOAD_FOLDER"])
    return sorted(p for p in folder.rglob("*") if p.is_file()) if folder.exists() else []
