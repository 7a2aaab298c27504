"""The home page: what this is, the newest opportunities, the partner organisations, further reading."""

from datetime import date, timedelta

from matcher.db import utcnow
from matcher.extensions import db
from matcher.models import ReadingLink


def _section(page: str, heading: str) -> str:
    """The HTML from a section's heading to the next section's end."""
    start = page.index(heading)
    return page[start : page.index("</section>", start)]


def test_home_shows_the_six_newest_published_opportunities_with_where_when_and_deadline(client, users):
    organisation = users.organisation(name="Road2IR")
    for n in range(8):
        opportunity = users.opportunity(organisation, title=f"Elective number {n}")
        opportunity.published_at = utcnow() - timedelta(days=10 - n)  # number 7 is the newest
    users.opportunity(organisation, title="A draft nobody may see", status="draft")
    users.opportunity(users.organisation(verified=False), title="Of an unverified organisation")
    newest = users.opportunity(
        organisation,
        title="Teaching visit in Kampala",
        type="teaching_visit",
        city="Kampala",
        country_code="UG",
        starts_on=date(2031, 3, 2),
        ends_on=date(2031, 3, 20),
        deadline=date(2031, 1, 15),
    )
    db.session.commit()

    latest = _section(client.get("/").get_data(as_text=True), "Latest opportunities")

    assert f'<a href="/opportunities/{newest.id}">Teaching visit in Kampala</a>' in latest
    assert "Teaching visit in Kampala, Uganda</p>" in latest and "Road2IR</p>" in latest
    assert "2 Mar 2031 – 20 Mar 2031" in latest and "Apply by 15 Jan 2031" in latest
    shown = [n for n in range(8) if f"Elective number {n}<" in latest]
    assert shown == [3, 4, 5, 6, 7]  # with the visit, the six newest
    assert latest.index("Teaching visit in Kampala") < latest.index("Elective number 7")
    assert "A draft nobody may see" not in latest and "Of an unverified organisation" not in latest
    assert 'href="/opportunities"' in latest


def test_home_lists_verified_partner_organisations_only(client, users):
    users.organisation(name="RAD-AID International", description="Radiology for low-resource settings.")
    users.organisation(name="Waiting Hospital", verified=False)
    page = client.get("/").get_data(as_text=True)
    partners = _section(page, "Partner organisations")
    assert "RAD-AID International" in partners and "Radiology for low-resource settings." in partners
    assert "Waiting Hospital" not in page


def test_home_shows_further_reading_in_the_coordinators_order(client):
    db.session.add_all(
        [
            ReadingLink(title="SIR RFS International Outreach", url="https://www.sirweb.org/", position=2),
            ReadingLink(
                title="RAD-AID International",
                url="https://www.rad-aid.org/",
                description="Radiology where it is scarce.",
                position=1,
            ),
        ]
    )
    db.session.commit()
    reading = _section(client.get("/").get_data(as_text=True), "Further reading")
    assert '<a href="https://www.rad-aid.org/" rel="noopener">RAD-AID International</a>' in reading
    assert "Radiology where it is scarce." in reading
    assert reading.index("RAD-AID International") < reading.index("SIR RFS International Outreach")


def test_an_empty_site_says_what_is_missing_instead_of_showing_empty_lists(client):
    page = client.get("/").get_data(as_text=True)
    assert "No opportunity is published yet." in page
    assert "No verified organisations yet." in page
    assert "No further reading yet." in page
    assert "I am a student or trainee" in page and "I represent an organisation" in page


def test_the_home_page_speaks_to_each_audience(auth, client):
    page = client.get("/").get_data(as_text=True)
    for audience in ("Students and trainees", "Organisations", "Coordinators", "Everyone"):
        assert f"<h3>{audience}</h3>" in page
    auth.login("student")
    page = client.get("/").get_data(as_text=True)
    assert "Go to your dashboard" in page and "I am a student or trainee" not in page


def test_past_opportunities_never_lead_the_home_page(client, users):
    organisation = users.organisation(name="Road2IR")
    today = date.today()
    ahead = users.opportunity(organisation, title="Next spring elective")
    ahead.published_at = utcnow() - timedelta(days=30)  # the oldest of them all
    pasts = {
        "Ended last month": {"starts_on": today - timedelta(days=60), "ends_on": today - timedelta(days=30)},
        "Started last week": {"starts_on": today - timedelta(days=7), "ends_on": today + timedelta(days=21)},
        "Deadline passed": {"deadline": today - timedelta(days=1)},
    }
    for title, dates in pasts.items():
        past = users.opportunity(organisation, title=title, **dates)
        past.published_at = utcnow()  # published later than the one ahead
    running = users.opportunity(
        organisation,
        title="Flexible window, open now",
        flexible=True,
        min_weeks=2,
        starts_on=today - timedelta(days=10),
        ends_on=today + timedelta(days=60),
        deadline=None,
    )
    running.published_at = utcnow() - timedelta(days=1)
    db.session.commit()

    latest = _section(client.get("/").get_data(as_text=True), "Latest opportunities")
    assert "Next spring elective" in latest and "Flexible window, open now" in latest
    for title in pasts:
        assert title not in latest
    assert latest.index("Flexible window, open now") < latest.index("Next spring elective")
