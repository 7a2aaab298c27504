"""The proof-document upload form of a checklist item. Shapes only; the rules in
services.departure.documents."""

from __future__ import annotations

from flask_wtf.file import FileField, FileRequired
from wtforms import DateField
from wtforms.validators import Optional

from matcher.translate import lazy_gettext as _l
from matcher.web.forms import AppForm


class DocumentForm(AppForm):
    file = FileField(
        _l("Document"),
        validators=[FileRequired(_l("Choose a PDF, JPEG or PNG file to upload."))],
        description=_l("A PDF, JPEG or PNG of at most 10 MB: a scan or a clear photo."),
        render_kw={"accept": ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"},
    )
    expires_on = DateField(
        _l("Valid until (optional)"),
        validators=[Optional()],
        description=_l(
            "If the document has an expiry date, give it: we check it covers the whole placement."
        ),
    )


def document_form(item_id: int, **kwargs) -> DocumentForm:
    """The form of one item: a prefix of its own, so a page listing several items has no two
    fields with the same id."""
    return DocumentForm(prefix=f"item{item_id}", **kwargs)
