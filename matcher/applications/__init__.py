"""Ranked applications: apply, reorder, withdraw; the organisation's view of its applicants."""
