"""The equipment rule in the services: what a site supports, what it lacks, and requests refused
for procedures the site cannot support, whoever calls (not only the form)."""

from __future__ import annotations

from datetime import time

import pytest
from sqlalchemy import func, select

from matcher.extensions import db
from matcher.models.teaching import Procedure, Resource, TeachingRequest
from matcher.services import sites, teaching_requests
from matcher.services.errors import Conflict, DomainError, PermissionDenied
from matcher.services.teaching_requests import RequestData
from tests.support.teaching import make_request, make_site

# A national hospital with ultrasound, CT and fluoroscopy but no angiography suite nor C-arm.
NO_ANGIO = {
    "ultrasound": "yes",
    "ct": "yes",
    "fluoroscopy": "yes",
    "angiography": "no",
    "catheters_wires": "yes",
    "drains": "yes",
    "embolic_agents": "yes",
}


def procedure(code: str) -> Procedure:
    return db.session.scalar(select(Procedure).where(Procedure.code == code))


def request_count() -> int:
    return db.session.scalar(select(func.count()).select_from(TeachingRequest))


@pytest.fixture
def host(users):
    organisation = users.organisation(name="Muhimbili", slug="muhimbili")
    return users.create("org_member", organisation=organisation), organisation


def data(site, **changes) -> RequestData:
    fields = {
        "site_id": site.id,
        "mode": "on_site",
        "title": "PPH embolisation teaching",
        "procedures": ["pph-embolisation"],
        "learners": 6,
        "weeks": 2,
        "roles": {"ir-physician": (1, 1), "ir-trainee": (1, 2)},
    }
    fields.update(changes)
    return RequestData(**fields)


def test_missing_equipment_names_the_alternatives_when_the_site_has_none(host):
    _, organisation = host
    site = make_site(db.session, organisation, readiness=NO_ANGIO)
    pph = procedure("pph-embolisation")
    assert sites.missing_equipment(site, pph) == [Resource.ANGIOGRAPHY, Resource.C_ARM]
    assert sites.missing_equipment_words(site, pph) == "Angiography suite (DSA) or C-arm fluoroscopy"


def test_missing_equipment_lists_each_missing_item_the_procedure_needs_all_of(host):
    _, organisation = host
    site = make_site(db.session, organisation, readiness={"c_arm": "yes", "embolic_agents": "no"})
    missing = sites.missing_equipment(site, procedure("pph-embolisation"))
    assert missing == [Resource.CATHETERS_WIRES, Resource.EMBOLIC_AGENTS]


def test_limited_counts_as_available_and_is_reported_as_limited(host):
    _, organisation = host
    site = make_site(db.session, organisation, readiness={**NO_ANGIO, "c_arm": "limited"})
    pph = procedure("pph-embolisation")
    assert sites.missing_equipment(site, pph) == []
    assert pph in sites.supported_procedures(site)
    assert sites.limited_equipment(site, pph) == [Resource.C_ARM]


def test_supported_procedures_follow_the_readiness_profile(host):
    _, organisation = host
    site = make_site(db.session, organisation, readiness={"ultrasound": "yes"})
    codes = [p.code for p in sites.supported_procedures(site)]
    # Ultrasound alone: the ultrasound-only procedures and the subjects that need nothing.
    assert codes == [
        "paracentesis-thoracentesis",
        "image-guided-biopsy",
        "us-vascular-access",
        "ultrasound-skills",
        "simulation",
        "ir-nursing-care",
        "radiation-safety",
    ]
    procedure("simulation").retired_at = db.func.now()
    db.session.flush()
    assert "simulation" not in [p.code for p in sites.supported_procedures(site)]


def test_a_request_for_a_procedure_the_site_cannot_support_is_refused_by_the_service(host):
    member, organisation = host
    site = make_site(db.session, organisation, readiness=NO_ANGIO)
    with pytest.raises(DomainError) as refused:
        teaching_requests.create(db.session, member, organisation, data(site))
    assert refused.value.field == "procedures"
    assert "Post-partum haemorrhage embolisation" in refused.value.message
    assert "Angiography suite (DSA) or C-arm fluoroscopy" in refused.value.message
    db.session.rollback()
    assert request_count() == 0


def test_the_same_request_is_accepted_once_the_site_has_a_c_arm(host):
    member, organisation = host
    site = make_site(db.session, organisation, readiness={**NO_ANGIO, "c_arm": "yes"})
    created = teaching_requests.create(db.session, member, organisation, data(site))
    db.session.commit()
    assert [p.code for p in created.procedures] == ["pph-embolisation"]
    assert {(r.profession_code, r.minimum, r.maximum) for r in created.roles} == {
        ("ir-physician", 1, 1),
        ("ir-trainee", 1, 2),
    }
    assert created.status == "draft" and created.created_by_id == member.id


def test_remote_lectures_and_case_reviews_are_exempt_but_mentorship_is_not(host):
    member, organisation = host
    site = make_site(db.session, organisation, readiness=NO_ANGIO)
    remote = {
        "mode": "remote",
        "weeks": None,
        "roles": {},
        "remote_from": time(9, 0),
        "remote_until": time(12, 0),
        "hours_per_month": 4,
    }
    for exempt in ("lecture_series", "case_review"):
        made = teaching_requests.create(
            db.session, member, organisation, data(site, remote_format=exempt, **remote)
        )
        assert made.remote_format == exempt and made.weeks is None and made.roles == []
    db.session.commit()
    with pytest.raises(DomainError) as refused:
        teaching_requests.create(
            db.session, member, organisation, data(site, remote_format="mentorship", mentees=2, **remote)
        )
    assert "Angiography suite (DSA) or C-arm fluoroscopy" in refused.value.message
    db.session.rollback()
    assert request_count() == 2


def test_publishing_checks_the_rule_again_after_the_site_lost_equipment(host):
    member, organisation = host
    site = make_site(db.session, organisation, readiness={**NO_ANGIO, "c_arm": "yes"})
    request = make_request(db.session, site, procedures=("pph-embolisation",))
    for row in site.resources:
        if row.resource == "c_arm":
            row.availability = "no"
    db.session.commit()
    with pytest.raises(Conflict) as refused:
        teaching_requests.transition(db.session, member, request, "publish")
    assert "C-arm fluoroscopy" in refused.value.message
    db.session.rollback()
    assert db.session.get(TeachingRequest, request.id).status == "draft"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"title": "  "}, "title"),
        ({"procedures": []}, "procedures"),
        ({"procedures": ["not-a-procedure"]}, "procedures"),
        ({"learners": 0}, "learners"),
        ({"weeks": None}, "weeks"),
        ({"weeks": 27}, "weeks"),
        ({"months": [13]}, "months"),
        ({"roles": {"ir-physician": (2, 1)}}, "role_max_ir_physician"),
        ({"roles": {"ir-physician": (0, 0), "ir-trainee": (0, 0)}}, "role_max_ir_trainee"),
        ({"mode": "remote", "remote_format": "case_review", "remote_from": None}, "remote_from"),
        (
            {
                "mode": "remote",
                "remote_format": "case_review",
                "remote_from": time(12),
                "remote_until": time(9),
            },
            "remote_until",
        ),
    ],
)
def test_bad_requests_are_refused_at_their_field(host, changes, field):
    member, organisation = host
    site = make_site(db.session, organisation, readiness={**NO_ANGIO, "c_arm": "yes"})
    with pytest.raises(DomainError) as refused:
        teaching_requests.create(db.session, member, organisation, data(site, **changes))
    assert refused.value.field == field
    db.session.rollback()
    assert request_count() == 0


def test_another_organisations_site_or_member_is_refused(host, users):
    member, organisation = host
    other = users.organisation(name="Elsewhere", slug="elsewhere")
    stranger = users.create("org_member", organisation=other)
    theirs = make_site(db.session, other)
    ours = make_site(db.session, organisation)
    with pytest.raises(DomainError) as refused:
        teaching_requests.create(
            db.session, member, organisation, data(theirs, procedures=["image-guided-biopsy"])
        )
    assert refused.value.field == "site_id"
    with pytest.raises(PermissionDenied):
        teaching_requests.create(
            db.session, stranger, organisation, data(ours, procedures=["image-guided-biopsy"])
        )
    db.session.rollback()
    assert request_count() == 0
