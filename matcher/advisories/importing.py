"""Import one advisory source (a file path or URL) in one transaction, for the command and the
periodic job; and the job itself, over the configured ADVISORY_SOURCES."""

from __future__ import annotations

import logging
from datetime import date
from typing import Any

from flask import current_app
from sqlalchemy.orm import Session

from matcher.advisories.feeds import parse, read_source
from matcher.advisories.records import FeedError
from matcher.services.departure.advisories import ImportReport, import_feed

log = logging.getLogger("matcher.advisories")


def import_source(session: Session, source: str, source_format: str | None, today: date) -> ImportReport:
    """Read, parse and store one source (nothing is stored when it is refused: FeedError)."""
    return import_feed(session, parse(read_source(source), source_format), today)


def configured_sources(config: Any) -> list[tuple[str, str | None]]:
    """ADVISORY_SOURCES: paths or URLs, each a string (format detected) or {"url": ..., "format": ...}."""
    sources = []
    for entry in config.get("ADVISORY_SOURCES") or []:
        if isinstance(entry, dict):
            sources.append((str(entry["url"]), entry.get("format")))
        else:
            sources.append((str(entry), None))
    return sources


def import_configured(session: Session, today: date) -> list[ImportReport]:
    """Each configured source in its own transaction: one refused feed does not stop the others."""
    reports = []
    for source, source_format in configured_sources(current_app.config):
        try:
            report = import_source(session, source, source_format, today)
        except FeedError as error:
            session.rollback()
            log.error("advisory source %s refused: %s", source, error.message)
            continue
        session.commit()
        reports.append(report)
        log.info("advisory source %s: %d added, %d confirmed", source, report.added, report.confirmed)
    return reports
