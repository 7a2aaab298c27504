"""The demo's finished visits (issue 22), as data: which organisation, site and title, when each
ended, its visitors (who wrote feedback, on which side, who was confirmed as completed), what its
logbook covered, and the learner links handed out. demo_impact.py makes them."""

from __future__ import annotations

from typing import NamedTuple

from matcher.models.impact import LearnerRole

SEED = "ir-matcher-demo-impact"
ROUND_NAME = "Demo: finished visits"


class VisitDef(NamedTuple):
    organisation: str  # slug
    site: str  # slug
    title: str
    kind: str  # clinical_elective | teaching_visit
    ended_days_ago: int
    weeks: int
    # (email, team role or None for a placement, visitor's feedback?, host's feedback?, completed?)
    visitors: tuple[tuple[str, str | None, bool, bool, bool], ...]
    procedures: tuple[str, ...]
    waiting: int  # the last entries of the visit the host has not confirmed yet
    links: int  # learner feedback links handed out
    answers: int  # of which used (one anonymous response each)


VISITS = (
    VisitDef(
        "road2ir",
        "muhimbili",
        "Muhimbili IR elective: vascular access and biopsy",
        "clinical_elective",
        25,
        4,
        (
            ("amina.student@demo.irmatch.org", None, True, False, True),
            ("applicant01@demo.irmatch.org", None, False, True, False),
        ),
        ("us-vascular-access", "paracentesis-thoracentesis", "image-guided-biopsy"),
        3,
        2,
        0,
    ),
    VisitDef(
        "road2ir",
        "bagamoyo",
        "Bagamoyo teaching visit: bedside procedures",
        "teaching_visit",
        122,
        2,
        (
            ("ir-physician01@demo.irmatch.org", "ir-physician", True, True, True),
            ("ir-nurse01@demo.irmatch.org", "ir-nurse", True, True, True),
        ),
        ("abscess-drainage", "paracentesis-thoracentesis", "ultrasound-skills", "ir-nursing-care"),
        0,
        4,
        3,
    ),
    VisitDef(
        "rad-aid",
        "kenyatta",
        "Kenyatta teaching visit: drainage and embolisation",
        "teaching_visit",
        245,
        2,
        (
            ("ir-physician02@demo.irmatch.org", "ir-physician", True, True, True),
            ("ir-trainee01@demo.irmatch.org", "ir-trainee", True, False, True),
            ("radiographer01@demo.irmatch.org", "radiographer", False, False, True),
        ),
        ("nephrostomy", "biliary-drainage", "pph-embolisation", "central-venous-access", "radiation-safety"),
        0,
        2,
        1,
    ),
    VisitDef(
        "rad-aid",
        "mulago",
        "Mulago IR elective: drainage and biopsy",
        "clinical_elective",
        425,
        4,
        (("neema.trainee@demo.irmatch.org", None, True, True, True),),
        ("image-guided-biopsy", "nephrostomy", "abscess-drainage"),
        0,
        0,
        0,
    ),
)
# Each site's own IR learners: (name or initials, level).
LEARNERS = (("A. M.", "radiology-residents"), ("J. K.", "radiology-residents"), ("R. S.", "medical-officers"))
ROLES = (LearnerRole.OBSERVED, LearnerRole.ASSISTED, LearnerRole.SUPERVISED, LearnerRole.INDEPENDENT)
TOPICS = ("Radiation safety in the IR suite", "Ultrasound-guided access", "Drain care on the ward")
SIMULATIONS = ("Vascular access on a phantom", "Drain insertion on a gel model")
VISITOR_WORDS = (
    "A welcoming department with plenty of hands-on teaching.",
    "Busy lists and patient supervisors; plan for the power cuts.",
)
HOST_WORDS = (
    "Reliable and curious; the residents enjoyed the sessions.",
    "Taught well and kept a tidy logbook.",
)
HELPED = ("Doing the access myself under supervision.", "The simulation before the real cases.", "")
IMPROVE = ("More time on the ward rounds.", "", "Slides to keep after the lectures.")
