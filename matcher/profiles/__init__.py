"""Applicant profiles: edit your own, see others when allowed, CV upload, data export, deletion."""

from flask import Blueprint

bp = Blueprint("profiles", __name__)

from matcher.profiles import teaching_views, views  # noqa: E402, F401  (their routes join the blueprint)
