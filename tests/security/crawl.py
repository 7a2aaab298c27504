"""Find the forms a role can see: fetch its pages and read every <form> with its fields' names."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urlsplit


@dataclass
class FormField:
    name: str
    kind: str  # input type, "select", "select-multiple" or "textarea"
    options: list[str] = field(default_factory=list)


@dataclass
class Form:
    page: str
    method: str
    action: str
    fields: dict[str, FormField] = field(default_factory=dict)


class _FormParser(HTMLParser):
    def __init__(self, page: str) -> None:
        super().__init__(convert_charrefs=True)
        self.page = page
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: FormField | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            action = urlsplit(a.get("action") or self.page)
            path = action.path + (f"?{action.query}" if action.query else "")
            self._form = Form(self.page, (a.get("method") or "get").upper(), path)
            self.forms.append(self._form)
            return
        form, name = self._form, a.get("name")
        if form is None:
            return
        if tag in ("input", "button") and name:
            kind = a.get("type", "text" if tag == "input" else "submit")
            known = form.fields.setdefault(name, FormField(name, kind))
            if a.get("value"):
                known.options.append(a["value"])
        elif tag == "textarea" and name:
            form.fields.setdefault(name, FormField(name, "textarea"))
        elif tag == "select" and name:
            kind = "select-multiple" if "multiple" in a else "select"
            self._select = form.fields.setdefault(name, FormField(name, kind))
        elif tag == "option" and self._select is not None:
            self._select.options.append(a.get("value", ""))

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None


def forms_in(page: str, html: str) -> list[Form]:
    parser = _FormParser(page)
    parser.feed(html)
    return parser.forms
