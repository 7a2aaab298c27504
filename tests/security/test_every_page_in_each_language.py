"""Every page each role reaches, in French, Portuguese and Spanish: the access table's GET rows walked
with the switcher's cookie. Each page answers as in English (no template error in a language), says
its language in <html lang>, and shows none of the interface's English sentences: a string rendered
without gettext, translated too early (at import, in English) or served from a cache of another
language would show here."""

from __future__ import annotations

import html
import re
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from babel.messages.pofile import read_po

from tests.security.access_table import TABLE
from tests.security.test_access_matrix import outcome
from tests.security.world import ROLES, World

CATALOGUES = Path(__file__).resolve().parents[2] / "matcher" / "translations"
ROLES_WALKED = ("anonymous", "student", "trainee", "member_a", "coordinator", "admin")
# Pages that show what was sent as it was sent: the outbox lists emails' subjects, each written in
# its recipient's language (the English ones included).
AS_SENT = {"/admin/outbox"}
TAG = re.compile(r"<script.*?</script>|<style.*?</style>|<[^>]+>", re.S)
# Text an element marks as English (lang="en") is English on purpose: the API reference's field
# descriptions, as the OpenAPI document gives them. (Such elements hold no element of their kind.)
MARKED_ENGLISH = re.compile(r"<(\w+)\b[^>]*\blang=\"en\"[^>]*>.*?</\1>", re.S)


@cache
def english_sentences(code: str) -> tuple[str, ...]:
    """The interface's English sentences whose translation differs: long enough (20 characters and
    three words) that a page's own content (a title, a name) cannot hold one by chance."""
    with (CATALOGUES / code / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        catalogue = read_po(handle, locale=code)
    found = []
    for message in catalogue:
        if not message.id or isinstance(message.id, tuple) or message.string == message.id:
            continue
        # The English words around a placeholder or a tag: each stretch is a sentence part of its own.
        for part in re.split(r"%\(\w+\)[sd]|\{\{.*?\}\}|<[^>]+>|%%", message.id):
            part = part.strip(" ,.:;()“”\"'")
            if len(part) >= 20 and len(part.split()) >= 3:
                found.append(part)
    return tuple(sorted(set(found)))


def visible_text(page: str) -> str:
    return " ".join(html.unescape(TAG.sub(" ", MARKED_ENGLISH.sub(" ", page))).split())


@pytest.mark.parametrize("code", ["fr", "pt", "es"])
def test_every_page_answers_in_the_language_chosen(app, world: World, code):
    world.login()
    english = english_sentences(code)
    assert len(english) > 300, "the catalogue holds too few sentences for this check to prove much"
    wrong, pages = [], 0
    for role in ROLES_WALKED:
        column = ROLES.index(role)
        for entry in TABLE:
            if entry.method != "GET":
                continue
            url = entry.url.format(w=world)
            with world.undone():
                browser = world.client(role)
                browser.set_cookie("lang", code, domain="matcher.test")
                response = browser.get(url)
                got = outcome(response)
                if got != entry.expected[column]:
                    wrong.append(f"{role} GET {url}: {response.status_code}, table: {entry.expected[column]}")
                    continue
                if response.mimetype != "text/html" or response.status_code != 200:
                    continue
                page = response.get_data(as_text=True)
                pages += 1
                if f'<html lang="{code}"' not in page:
                    wrong.append(f"{role} GET {url}: not marked lang={code}")
                if urlsplit(url).path in AS_SENT:
                    continue
                text = visible_text(page)
                left = [sentence for sentence in english if sentence in text]
                if left:
                    wrong.append(f"{role} GET {url}: English left: {left[:5]}")
    assert not wrong, f"{code}:\n" + "\n".join(wrong)
    assert pages > 60, f"only {pages} pages were read"
