"""Small files for upload tests: a real (if empty) PDF, and things that only pretend to be one."""

from __future__ import annotations


def minimal_pdf(padding: int = 0) -> bytes:
    """A one-page PDF with a valid header, cross-reference table and trailer."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
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


PNG_RENAMED = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
ZIP_RENAMED = b"PK\x03\x04" + b"\x00" * 64  # a .docx is a zip file
HEADER_ONLY = b"%PDF-1.4\nnot really a pdf, no trailer\n"
