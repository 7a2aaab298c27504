"""The calendar feed folds its lines at 75 octets (RFC 5545), counted in UTF-8, never inside a character.

Before: a long title or place went out on one line of any length, which strict calendar clients
reject or cut.
"""

from __future__ import annotations

import re

from matcher.extensions import db
from matcher.models.matching import MatchStatus
from tests.support.rounds import RoundBuilder

TITLE = "Échographie interventionnelle et embolisation — 血管内治療の研修, Dar es Salaam; Mwanza"


def test_long_lines_are_folded_at_75_octets_without_splitting_a_character(auth, client, users):
    organisation = users.organisation(name="Organisation of a very long name, " * 3)
    opportunity = users.opportunity(organisation, title=TITLE, host_institution="Hôpital " * 12)
    builder = RoundBuilder(db.session)
    applicant = auth.login("student")
    builder.match(builder.run(builder.round()), applicant, opportunity, MatchStatus.ACCEPTED)
    page = client.get("/placements").get_data(as_text=True)
    path = re.search(r'href="http://matcher\.test(/placements/calendar/[^"]+\.ics)"', page).group(1)

    raw = client.get(path).data
    lines = raw.split(b"\r\n")
    assert lines[-1] == b"" and all(len(line) <= 75 for line in lines)
    for line in lines:
        line.decode("utf-8")  # each physical line is whole characters
    assert sum(line.startswith(b" ") for line in lines) >= 3  # the title, the place, the organisation
    unfolded = raw.decode().replace("\r\n ", "")
    assert "SUMMARY:" + TITLE.replace(",", "\\,").replace(";", "\\;") + "\r\n" in unfolded
