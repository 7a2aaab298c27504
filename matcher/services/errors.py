"""Domain errors that views translate into form errors, flashes or HTTP statuses."""

from __future__ import annotations


class DomainError(Exception):
    """A refusal with a message a user can act on; `field` names the form field it concerns."""

    status = 400

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class NotFound(DomainError):
    status = 404


class PermissionDenied(DomainError):
    status = 403


class Conflict(DomainError):
    status = 409


class TooMany(DomainError):
    """A limit on how often something may be done (emails sent, for instance) is used up."""

    status = 429
