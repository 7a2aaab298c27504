"""Small files for upload tests: a real (if empty) PDF, and things that only pretend to be one."""

from __future__ import annotations

import zlib


def minimal_pdf(padding: int = 0, catalog: bytes = b"", more: tuple[bytes, ...] = ()) -> bytes:
    """A one-page PDF with a valid header, cross-reference table and trailer.

    `catalog` adds entries to the document catalog; `more` adds objects 4, 5, ... (whole bodies,
    streams included).
    """
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R" + catalog + b" >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
        *more,
    ]
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    if padding:
        out += b"%" + b"x" * padding + b"\n"  # a comment: still a valid PDF, just larger
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def stream(data: bytes, dictionary: bytes = b"", compress: bool = True) -> bytes:
    """A stream object's body: its dictionary, then the (Flate-compressed) data."""
    body = zlib.compress(data) if compress else data
    flate = b" /Filter /FlateDecode" if compress else b""
    return b"<<%s /Length %d%s >>\nstream\n%s\nendstream" % (dictionary, len(body), flate, body)


SCRIPT = b"<< /S /JavaScript /JS (app.alert('opened')) >>"
# A PDF that runs a script when opened, written in the ways a file can hide it.
ACTIVE_PDFS = {
    "open action running JavaScript": minimal_pdf(catalog=b" /OpenAction 4 0 R", more=(SCRIPT,)),
    "launch action": minimal_pdf(catalog=b" /OpenAction 4 0 R", more=(b"<< /S /Launch /F (calc.exe) >>",)),
    "names escaped with #xx": minimal_pdf(
        catalog=b" /Open#41ction 4 0 R", more=(b"<< /S /J#61vaScript /J#53 (app.alert(1)) >>",)
    ),
    "inside a compressed object stream": minimal_pdf(
        more=(stream(b"4 0 " + SCRIPT, b" /Type /ObjStm /N 1 /First 4"),)
    ),
    "inside an object stream that cannot be read": minimal_pdf(
        more=(stream(b"4 0 " + SCRIPT, b" /Type /ObjStm /N 1 /First 4 /Filter /LZWDecode", compress=False),),
    ),
}
# Page contents and images are streams too: what their data holds is not a name of the file's.
PASSIVE_PDFS = {
    "page text that mentions /JavaScript": minimal_pdf(
        more=(stream(b"BT /F1 12 Tf (Skills: /JavaScript /Launch) Tj ET", compress=False),)
    ),
    "plain dictionaries in an object stream": minimal_pdf(
        more=(stream(b"4 0 << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>", b" /Type /ObjStm /N 1"),)
    ),
}

PNG_RENAMED = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
ZIP_RENAMED = b"PK\x03\x04" + b"\x00" * 64  # a .docx is a zip file
HEADER_ONLY = b"%PDF-1.4\nnot really a pdf, no trailer\n"
