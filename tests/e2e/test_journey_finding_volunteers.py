"""A host finds a volunteer in the directory and invites them; the volunteer gets the email and
sees the teaching requests with their fit. axe-core checks every page; the pages work at 360 px."""

from __future__ import annotations

from matcher.extensions import db
from matcher.models import Role
from tests.support.factories import UserFactory
from tests.support.teaching import site, teaching_request, volunteer

PASSWORD = UserFactory.PASSWORD


def test_a_host_invites_a_listed_volunteer_who_then_sees_the_request_and_their_fit(live_server, people):
    with live_server.data() as users:
        organisation = users.organisation(name="Road2IR demo host")
        host = users.create(Role.ORG_MEMBER, organisation=organisation, name="Neema Host")
        request = teaching_request(
            db.session,
            site(db.session, organisation),
            title="Drainage fortnight",
            procedure_codes=("abscess-drainage", "nephrostomy"),
        )
        physician = volunteer(
            users,
            name="Dr Listed",
            teaches=("abscess-drainage",),
            assists=("nephrostomy",),
            months=(3,),
            weeks=1,
        )
        volunteer(users, name="Dr Hidden", listed=False, teaches=("abscess-drainage",))
        host_email, physician_email, request_id = host.email, physician.email, request.id

    neema = people("host")
    neema.log_in(host_email, PASSWORD)
    neema.goto("/volunteers?procedure=abscess-drainage")
    assert "Dr Listed" in neema.text() and "Dr Hidden" not in neema.text()
    assert physician_email not in neema.page.content()
    neema.click(neema.link("Invite Dr Listed to apply"))
    neema.page.get_by_label("Teaching request").select_option(str(request_id))
    neema.page.get_by_label("Message").fill("We would love you to teach drainage with us.")
    neema.click(neema.button("Send the invitation"))
    assert "We emailed Dr Listed your invitation to apply." in neema.flashes

    mail = live_server.mail.wait_for(physician_email, "Drainage fortnight")
    assert host_email not in mail.text and host_email not in mail.html
    link = f"{live_server.url}/teaching-requests/{request_id}"
    assert link in mail.text

    amara = people("volunteer", width=360, height=740)
    amara.log_in(physician_email, PASSWORD)
    amara.goto("/teaching-requests")
    text = amara.text()
    assert "Drainage fortnight" in text and "you can teach it" in text and "you can assist" in text, text
    assert "you have 1 week left to give" in text
    # Every action fits the narrow screen: nothing wider than the viewport.
    assert amara.page.evaluate("document.documentElement.scrollWidth") <= 360
    amara.click(amara.link("Show every open request"))


def test_the_directory_works_without_javascript(live_server, people):
    with live_server.data() as users:
        coordinator = users.create(Role.COORDINATOR)
        volunteer(users, name="Dr Nurse Listed", profession="ir-nurse", teaches=("ir-nursing-care",))
        email = coordinator.email
    grace = people("coordinator", javascript=False, width=360, height=740)
    grace.log_in(email, PASSWORD)
    grace.goto("/volunteers")
    grace.page.get_by_label("Profession").select_option("ir-nurse")
    grace.click(grace.page.locator("#filters").get_by_role("button", name="Search"))
    assert "Dr Nurse Listed" in grace.text() and "1 volunteer found." in grace.text()
