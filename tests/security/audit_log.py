"""The audit file written during a security test, read back line by line."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


class AuditLog:
    def __init__(self, path: Path) -> None:
        self.path = path

    def lines(self) -> list[str]:
        return self.path.read_text().splitlines() if self.path.exists() else []

    def entries(self, action: str | None = None) -> list[dict[str, Any]]:
        found = [json.loads(line) for line in self.lines()]
        return [e for e in found if action is None or e["action"] == action]
