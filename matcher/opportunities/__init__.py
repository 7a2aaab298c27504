"""Opportunity pages: search, details, and the organisation's editing screens."""
