"""Placements as applicants and hosts see them: reply, cancel, confirm, feedback, calendar."""
