"""Routes of the trips blueprint (issue 21): to be written."""

from matcher.trips import bp  # noqa: F401
