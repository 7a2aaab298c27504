"""Coordinators' screens: organisations waiting for verification, claims on organisations."""
