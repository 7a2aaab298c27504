"""The opportunity matcher: pairs IR electives and teaching visits with students and trainees.

The application factory is `matcher.app.create_app`. This package module stays light on purpose:
`import matcher.engine` (pure, used by benchmarks) must not pull in Flask or SQLAlchemy.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def __getattr__(name: str) -> Any:
    # `flask --app matcher` and older callers look for `matcher.create_app`.
    if name == "create_app":
        from matcher.app import create_app

        return create_app
    raise AttributeError(f"module 'matcher' has no attribute {name!r}")  # i18n: ignore
