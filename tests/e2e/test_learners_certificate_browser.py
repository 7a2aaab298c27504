"""Local learners and a certificate, in a real browser at 360 px: the host's member registers a
learner from the site page (a duplicate first), enters a first case from before the platform (a
date in the future first), confirms a student's attendance; the student opens the certificate,
whose printed form is one A4 page, and anyone checks its code. axe-core checks every page."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from matcher.extensions import db
from matcher.models import MatchStatus
from matcher.models.impact import VisitCompletion
from tests.support.factories import UserFactory
from tests.support.teaching import make_site

WIDTH = 360


@pytest.fixture(scope="module")
def accounts(live_server) -> dict[str, Any]:
    with live_server.data() as make:
        org = make.organisation(name="Mbeya Outreach", slug="mbeya-outreach")
        host = make.create("org_member", name="Neema Host", organisation=org)
        student = make.create("student", name="Amina Student", profession_code="medical-student")
        site = make_site(make.session, org, name="Mbeya Zonal Referral Hospital", slug="mbeya-zonal")
        ends = date.today() - timedelta(days=2)
        elective = make.opportunity(
            org,
            title="IR elective in Mbeya",
            status="closed",
            starts_on=ends - timedelta(days=27),
            ends_on=ends,
            deadline=None,
            site_id=site.id,
            places_filled=1,
        )
        make.match(student, elective, MatchStatus.ACCEPTED)
        return {
            "host": host.email,
            "student": student.email,
            "site_path": f"/organisations/{org.slug}/sites/{site.slug}",
            "elective": elective.id,
        }


def test_learners_and_a_printed_certificate(people, accounts, live_server):
    host = people("host", width=WIDTH)
    host.log_in(accounts["host"], UserFactory.PASSWORD)
    host.goto(accounts["site_path"])
    host.click(host.link("Your local learners and their progress"))
    assert "A name or initials is enough" in host.text()
    page = host.page
    page.get_by_label("Name or initials").fill("N. M.")
    page.get_by_label("Level").select_option("radiology-residents")
    host.click(host.button("Add the learner"))
    page.get_by_label("Name or initials").fill("n. m.")
    host.click(host.button("Add the learner"), expect_status=422)
    assert "already on the site" in host.text(".error-summary")
    assert page.get_by_label("Name or initials").input_value() == "n. m."

    host.click(host.link("N. M."))
    page.get_by_label("Procedure").select_option(label="Percutaneous nephrostomy")
    page.get_by_label("first supervised case").check()
    tomorrow = date.today() + timedelta(days=1)
    page.get_by_label("Date of the case").fill(tomorrow.isoformat())
    host.click(host.button("Save the first case"), expect_status=422)
    assert "The date cannot be in the future." in host.text(".error-summary")
    page.get_by_label("Date of the case").fill("2024-03-05")
    host.click(host.button("Save the first case"))
    assert "entered by the host" in host.text()

    host.goto(f"/opportunities/{accounts['elective']}/placements")
    host.click(host.button("Confirm attendance"))
    with live_server.app.app_context():
        code = db.session.scalar(select(VisitCompletion.certificate_code))
        db.session.remove()
    assert code

    student = people("student", width=WIDTH)
    student.log_in(accounts["student"], UserFactory.PASSWORD)
    student.goto(f"/visits/{accounts['elective']}/certificate")
    text = student.text()
    assert "Amina Student" in text and "IR elective in Mbeya" in text and "Neema Host" in text
    student.page.emulate_media(media="print")
    assert not student.page.locator(".site-header").is_visible()
    pdf = student.page.pdf(format="A4", print_background=False)
    assert len(re.findall(rb"/Type\s*/Page(?!s)", pdf)) == 1, "the certificate prints on one A4 page"

    anyone = people("anyone", width=WIDTH)
    anyone.goto(f"/certificates/{code}")
    assert "This certificate is genuine" in anyone.text()
    anyone.goto("/certificates/not-a-real-code", expect_status=404)
    assert "No certificate has this code." in anyone.text()
