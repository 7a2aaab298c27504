"""Coordinators' match rounds: create, run, compare, review, approve and publish."""
