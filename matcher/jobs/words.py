"""What a background job's record says, in the reader's language.

The worker writes a job's title, notes, result link and error in English, as the sentences below:
the row is the record (operators read it too, and a job has no reader), so what is stored does not
depend on who started it. The progress page words it when shown: a fixed sentence is looked up in
the catalogue as it is (the sentences of the services a job runs included), and a sentence with a
value is recognised by its pattern. A sentence no one marked is shown as it was stored.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import NamedTuple

from matcher.models.job import JobStatus
from matcher.translate import gettext as _
from matcher.translate import lazy_gettext as _l
from matcher.translate import ngettext, translations

# The English the worker stores (lifecycle and registry write these).
WAITING = "Waiting for a worker to take it."
STARTED = "Started."
FINISHED = "Finished."
STOPPED = "Stopped."
ACTOR_GONE = "The coordinator who started this run no longer has an account; retry it yourself."
ROUND_GONE = "This round no longer exists."
SEE_SUGGESTIONS = "Run {number}: see the suggestions"
SEE_MATCHES = "Run {number}: see the proposed matches"
WORKER_SILENT = "The worker running this job stopped: no sign of it for {minutes} minutes. Retry it."
UNEXPECTED = "It stopped on an unexpected error ({detail}); the worker's log has the details."
RUN_TITLE = "Run of {name}"  # matcher.services.matching.rounds names its jobs so
BUILD_GONE = "This team build no longer exists."
SEE_TEAMS = "See the teams"
BUILD_TITLE = "Team build: {name}"  # matcher.services.teams.builds names its jobs so
READING_TEAMS = "Reading the volunteers and the visits."
SOLVING_TEAMS = "Forming the best teams."
SAVING_TEAMS = "Saving the teams."

FIXED = {
    WAITING: _l("Waiting for a worker to take it."),
    STARTED: _l("Started."),
    FINISHED: _l("Finished."),
    STOPPED: _l("Stopped."),
    ACTOR_GONE: _l("The coordinator who started this run no longer has an account; retry it yourself."),
    ROUND_GONE: _l("This round no longer exists."),
    BUILD_GONE: _l("This team build no longer exists."),
    SEE_TEAMS: _l("See the teams"),
    READING_TEAMS: _l("Reading the volunteers and the visits."),
    SOLVING_TEAMS: _l("Forming the best teams."),
    SAVING_TEAMS: _l("Saving the teams."),
}

# A job's state as the progress page's badge says it.
STATUS_WORDS = {
    JobStatus.QUEUED: _l("waiting"),
    JobStatus.RUNNING: _l("running"),
    JobStatus.DONE: _l("done"),
    JobStatus.FAILED: _l("failed"),
}


def status(code: str) -> str:
    """A job's state in the reader's language."""
    return str(STATUS_WORDS.get(JobStatus(code), code))


class _Pattern(NamedTuple):
    regex: re.Pattern[str]
    word: Callable[[dict[str, str]], str]


def _pattern(english: str, word: Callable[[dict[str, str]], str]) -> _Pattern:
    regex = re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>.+)", re.escape(english))
    return _Pattern(re.compile(regex, re.S), word)


PATTERNS = (
    _pattern(SEE_SUGGESTIONS, lambda v: _("Run %(number)s: see the suggestions", **v)),
    _pattern(SEE_MATCHES, lambda v: _("Run %(number)s: see the proposed matches", **v)),
    _pattern(
        WORKER_SILENT,
        lambda v: ngettext(
            "The worker running this job stopped: no sign of it for %(num)d minute. Retry it.",
            "The worker running this job stopped: no sign of it for %(num)d minutes. Retry it.",
            int(v["minutes"]),
        ),
    ),
    _pattern(
        UNEXPECTED,
        lambda v: _("It stopped on an unexpected error (%(detail)s); the worker's log has the details.", **v),
    ),
    _pattern(RUN_TITLE, lambda v: _("Run of %(name)s", **v)),
    _pattern(BUILD_TITLE, lambda v: _("Team build: %(name)s", **v)),
)


def shown(stored: str | None) -> str | None:
    """A sentence of a job's record, in the reader's language."""
    if not stored:
        return stored
    if stored in FIXED:
        return str(FIXED[stored])
    for regex, word in PATTERNS:
        found = regex.fullmatch(stored)
        if found:
            return word(found.groupdict())
    return translations().ugettext(stored)  # a service's refusal is a catalogue entry of its own
