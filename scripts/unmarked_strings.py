"""Find what users read that is not marked for translation: `check_translations.py` runs this.

Templates: text between tags (and the attributes people read: alt, title, placeholder,
aria-label, a button's value) outside {% trans %} blocks and _() calls, and string literals in
{{ }} and {% %} that read as words ("No deadline given"). Emails (.txt) are all text.
Python: string literals, plain or f-strings, given to the calls whose argument people read:
flash(), a form field's label or description, a validator's message, ValidationError and our
DomainError family.

A line that must stay as it is (a brand, a code) carries `i18n: ignore` in a comment:
`{# i18n: ignore #}` in a template, `# i18n: ignore` in Python.
"""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

from jinja2 import Environment

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "templates"
PYTHON = ROOT / "matcher"

_COMMENT = re.compile(r"<!--.*?-->", re.S)
_READ_ATTRS = re.compile(r"\b(alt|title|placeholder|aria-label|aria-description|value)\s*=\s*\"([^\"]*)\"")
_ENTITY = re.compile(r"&[#\w]+;")
_WORD = re.compile(r"[^\W\d_]{2,}")
# Text inside these elements is not read as prose.
_NOT_PROSE = {"script", "style"}
_GETTEXT = {"_", "gettext", "ngettext", "pgettext", "npgettext", "lazy_gettext", "_l"}
_IGNORE = "i18n: ignore"


def _words(text: str) -> bool:
    return bool(_WORD.search(_ENTITY.sub(" ", text)))


def _reads_as_words(literal: str) -> bool:
    """A template string literal that reads as prose: one capitalised word ("None"), a phrase of
    three words or more, or any phrase that starts with a capital or ends in punctuation.

    Lower-case pairs ("badge warn"), endpoints ("auth.login"), paths, formats and codes are not:
    single lower-case words shown to people ('yes') are the one blind spot, so write them as _()."""
    text = literal[1:-1].strip() if literal[:1] in "'\"" else literal.strip()
    if not _words(text) or (re.search(r"[./]\w|_\w|\w_|%\(|^#", text) and " " not in text):
        return False
    words = text.split()
    if len(words) == 1:
        return bool(re.fullmatch(r"[A-Z][a-z]+[.!?]?", text))
    if all(re.fullmatch(r"[a-z0-9-]+", w) for w in words) and len(words) < 3:
        return False
    if any("{{" in w or "{%" in w for w in words):
        return True
    return len(words) >= 3 or text[:1].isupper() or text[-1:] in ".:!?"


def template_problems(env: Environment, path: Path) -> list[str]:
    source = path.read_text(encoding="utf-8")
    rel = path.relative_to(ROOT)
    email_text = path.suffix == ".txt"
    found: list[str] = []
    in_trans = 0
    expression_depth = 0
    call_stack: list[str | None] = []
    html = _Html()
    previous_name: str | None = None
    ignored_lines = {n for n, line in enumerate(source.splitlines(), 1) if _IGNORE in line}
    tokens = [t for t in env.lex(source, str(rel)) if t[1] != "whitespace"]
    for index, (lineno, kind, value) in enumerate(tokens):
        if lineno in ignored_lines:
            continue
        if kind == "name" and tokens[index - 1][1] == "block_begin":
            if value == "trans":
                in_trans += 1
            elif value == "endtrans":
                in_trans -= 1
        if kind in ("variable_begin", "block_begin"):
            expression_depth += 1
            call_stack = []
        elif kind in ("variable_end", "block_end"):
            expression_depth -= 1
        elif kind == "operator" and value == "(":
            call_stack.append(previous_name)
        elif kind == "operator" and value == ")" and call_stack:
            call_stack.pop()
        previous_name = value if kind == "name" else None
        if in_trans:
            continue
        if kind == "data":
            text = _COMMENT.sub(" ", value)
            readable = text if email_text else html.visible(text)
            if _words(readable):
                found.append(f"{rel}:{lineno}: text {readable.strip()[:70]!r}")
        elif kind == "string" and expression_depth and not any(c in _GETTEXT for c in call_stack):
            literal = value
            if _reads_as_words(literal):
                found.append(f"{rel}:{lineno}: string {literal[:70]!r}")
    return found


class _Html:
    """Reads a template's HTML piece by piece (its data tokens), remembering across pieces whether
    it is inside a tag or inside an element that is not prose (script, style)."""

    def __init__(self) -> None:
        self.in_tag = False
        self.tag = ""
        self.skipping: str | None = None

    def _attributes(self, text: str) -> list[str]:
        pieces = []
        for attr, value in _READ_ATTRS.findall(text):
            if attr == "value" and not re.search(r"type=\"(submit|button|reset)\"", self.tag + text):
                continue
            pieces.append(value)
        return pieces

    def visible(self, html: str) -> str:
        """The prose of the next piece: text between tags and the attributes people read."""
        pieces: list[str] = []
        i = 0
        while i < len(html):
            if self.in_tag:
                end = html.find(">", i)
                chunk = html[i:] if end < 0 else html[i:end]
                self.tag += chunk
                pieces += self._attributes(chunk)
                if end < 0:
                    break
                self._close_tag()
                i = end + 1
                continue
            start = html.find("<", i)
            if self.skipping is None:
                pieces.append(html[i:] if start < 0 else html[i:start])
            if start < 0:
                break
            self.in_tag, self.tag = True, ""
            i = start + 1
        return " ".join(pieces)

    def _close_tag(self) -> None:
        self.in_tag = False
        match = re.match(r"(/?)([a-zA-Z][\w-]*)", self.tag)
        if not match:
            return
        closing, name = match.group(1), match.group(2).lower()
        if not closing and name in _NOT_PROSE:
            self.skipping = name
        elif closing and self.skipping == name:
            self.skipping = None


# Python: calls whose string argument people read.
_MESSAGE_CALLS = {
    "flash",
    "ValidationError",
    "DomainError",
    "NotFound",
    "PermissionDenied",
    "Conflict",
    "TooMany",
}
_FIELD_SUFFIX = "Field"
_VALIDATORS = {
    "DataRequired",
    "InputRequired",
    "Length",
    "NumberRange",
    "Email",
    "URL",
    "Optional",
    "Regexp",
    "EqualTo",
    "AnyOf",
    "NoneOf",
    "FileRequired",
    "FileAllowed",
    "FileSize",
}
_TEXT_KEYWORDS = {"label", "description", "message", "placeholder"}


def _is_plain_text(node: ast.AST) -> bool:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return _words(node.value)
    if isinstance(node, ast.JoinedStr):
        return any(isinstance(v, ast.Constant) and _words(str(v.value)) for v in node.values)
    return False


def _name(node: ast.AST) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


def python_problems(path: Path) -> list[str]:
    source = path.read_text(encoding="utf-8")
    lines = source.splitlines()
    rel = path.relative_to(ROOT)
    found = []
    for node in ast.walk(ast.parse(source, str(rel))):
        if not isinstance(node, ast.Call):
            continue
        name = _name(node.func) or ""
        candidates: list[ast.AST] = []
        if name in _MESSAGE_CALLS or (name.endswith("Error") and name != "ValueError"):
            candidates += node.args[:1]
        if name.endswith(_FIELD_SUFFIX) and name[:1].isupper():
            candidates += node.args[:1]
        if name in _VALIDATORS or name.endswith(_FIELD_SUFFIX) or name in _MESSAGE_CALLS:
            candidates += [k.value for k in node.keywords if k.arg in _TEXT_KEYWORDS]
            candidates += [
                v
                for k in node.keywords
                if k.arg == "render_kw" and isinstance(k.value, ast.Dict)
                for key, v in zip(k.value.keys, k.value.values, strict=True)
                if isinstance(key, ast.Constant) and key.value in ("placeholder", "title", "aria-label")
            ]
        for candidate in candidates:
            if _is_plain_text(candidate) and _IGNORE not in lines[candidate.lineno - 1]:
                text = ast.unparse(candidate)
                found.append(f"{rel}:{candidate.lineno}: {name}() gets {text[:70]}")
    return found


def problems() -> list[str]:
    # Only lexed, never rendered: autoescape does not apply.
    env = Environment(extensions=["jinja2.ext.i18n"], autoescape=True)
    found = []
    for path in sorted(TEMPLATES.rglob("*")):
        if path.suffix in (".html", ".txt"):
            found += template_problems(env, path)
    for path in sorted(PYTHON.rglob("*.py")):
        found += python_problems(path)
    return found


def main() -> int:
    found = problems()
    for line in found:
        print(f"unmarked: {line}")
    print(f"unmarked: {len(found)} string(s) people read are not marked for translation")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
