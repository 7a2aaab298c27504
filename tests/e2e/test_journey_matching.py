"""Journeys 3 and 4: a coordinator runs a round, reads the explanations, approves in bulk and
publishes; the applicant follows the email's link and accepts; the organisation sees the acceptance.
Journey 3 matches students with a clinical elective; journey 4 a trainee who volunteers to teach
with a teaching visit."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select

from matcher.models import Interest
from tests.e2e.browser import Person
from tests.support.factories import UserFactory

PASSWORD = UserFactory.PASSWORD


@dataclass
class Seeded:
    coordinator: str
    host: str
    title: str
    opportunity_id: int


def _seed(make, *, title: str, organisation: str, **opportunity) -> Seeded:
    coordinator = make.create("coordinator", name="Grace Coordinator")
    org = make.organisation(name=organisation)
    host = make.create("org_member", name="Joseph Host", organisation=org)
    elective = make.opportunity(org, title=title, capacity=2, **opportunity)
    return Seeded(coordinator.email, host.email, title, elective.id)


def _opportunity(make, opportunity_id: int):
    from matcher.models import Opportunity

    return make.session.get(Opportunity, opportunity_id)


def _coordinator_runs_approves_and_publishes(
    coordinator: Person, email: str, *, round_name: str, opportunity_type: str, expected: int
) -> Person:
    coordinator.log_in(email, PASSWORD)
    nav = coordinator.page.get_by_role("navigation", name="Main")
    coordinator.click(nav.get_by_role("link", name="Rounds"))
    coordinator.click(coordinator.link("New round"))
    form = coordinator.page.locator("main form")
    form.get_by_label("Name").fill(round_name)
    assert form.get_by_label("Ranked allocation: stable matching of applications").is_checked()
    form.get_by_role("group", name="Sub-regions").get_by_label("Eastern Africa", exact=True).check()
    form.get_by_role("group", name="Opportunity types").get_by_label(opportunity_type, exact=True).check()
    form.get_by_label("Applicants reply by").fill((date.today() + timedelta(days=14)).isoformat())
    coordinator.click(coordinator.button("Create the round"))
    assert coordinator.heading.startswith(round_name)
    assert "Eastern Africa" in coordinator.text(".facts")

    coordinator.click(coordinator.button("Run"))
    assert coordinator.heading.startswith("Run of ")  # the run's progress page, while the worker runs it
    coordinator.follow_job("Run 1: see the proposed matches")
    assert coordinator.heading == "Run 1: proposed matches"
    assert f"{expected} match{'' if expected == 1 else 'es'}." in coordinator.text()
    return coordinator


def _approve_all_and_publish(coordinator: Person, expected: int) -> None:
    rows = coordinator.page.locator("table.matches tbody tr")
    assert rows.count() == expected
    for i in range(expected):
        rows.nth(i).get_by_role("checkbox").check()
    coordinator.click(coordinator.button("Approve selected"))
    assert f"{expected} match{'' if expected == 1 else 'es'} approved." in coordinator.flashes
    assert coordinator.page.locator("table.matches .badge", has_text="approved").count() == expected

    coordinator.click(coordinator.link("Publish approved matches…"))
    people = expected + 1  # the applicants and the host's one contact
    assert coordinator.heading == "Publish run 1?"
    assert f"{people} people will be emailed" in coordinator.text()
    assert coordinator.page.get_by_label("Applicants reply by").input_value()  # from the round
    coordinator.click(coordinator.button(f"Publish and email {people} people"))
    assert f"Published {expected} match{'' if expected == 1 else 'es'}" in coordinator.flashes
    assert coordinator.heading == "Run 1: published matches"
    assert coordinator.page.locator("table.matches .badge", has_text="offered").count() == expected
    assert coordinator.page.get_by_role("checkbox").count() == 0


def _applicant_accepts_from_email(applicant: Person, mail, email: str, title: str) -> None:
    offer = mail.wait_for(email, f"You are offered a place: {title}")
    assert "Accept or decline by" in offer.text
    applicant.goto(mail.link(offer, "/placements"))
    assert applicant.heading == "Log in"
    applicant.log_in(email, PASSWORD)
    assert applicant.heading == "My placements"
    card = applicant.page.locator(".card", has_text=title)
    assert "Reply by" in card.inner_text()
    applicant.click(card.get_by_role("button", name="Accept the place"))
    assert "Thank you: your place is confirmed." in applicant.flashes
    assert "accepted" in applicant.page.locator(".card", has_text=title).inner_text()
    assert applicant.page.get_by_role("button", name="Accept the place").count() == 0


def _host_sees_acceptance(host: Person, mail, email: str, applicant_name: str, title: str) -> None:
    told = mail.wait_for(email, f"{applicant_name} accepted {title}")
    host.goto(mail.link(told, "/placements"))
    host.log_in(email, PASSWORD)
    assert host.heading == "Placements"
    row = host.page.locator("tbody tr", has_text=applicant_name)
    assert "accepted" in row.inner_text()


def test_students_matched_in_a_round_accept_and_the_host_sees_it(live_server, people):
    mail = live_server.mail
    title = "IR elective at Muhimbili"
    with live_server.data() as make:
        seeded = _seed(make, title=title, organisation="Muhimbili IR Department")
        opportunity = _opportunity(make, seeded.opportunity_id)
        amina = make.create("student", name="Amina Mwakyusa")
        make.profile(amina)
        make.application(amina, opportunity)
        lucas = make.create("student", name="Lucas Ferreira")
        make.profile(lucas, interests=("trauma-embolisation",))
        make.application(lucas, opportunity)
        amina_email, seeded_title = amina.email, opportunity.title
    assert seeded_title == title

    coordinator = _coordinator_runs_approves_and_publishes(
        people("coordinator"),
        seeded.coordinator,
        round_name="East Africa electives",
        opportunity_type="Clinical elective",
        expected=2,
    )
    # Why this match, in plain words about each applicant, for each proposal.
    amina_row = coordinator.page.locator("table.matches tbody tr", has_text="Amina Mwakyusa")
    why = amina_row.locator(".explain").inner_text()
    assert "In Eastern Africa, a sub-region Amina Mwakyusa chose" in why
    assert "1 of 1 interests match: Post-partum haemorrhage embolisation" in why
    lucas_row = coordinator.page.locator("table.matches tbody tr", has_text="Lucas Ferreira")
    lucas_why = lucas_row.locator(".explain").inner_text()
    assert (
        "None of its 1 interests is one of Lucas Ferreira's; 1 more in an area Lucas Ferreira chose"
        in lucas_why
    )
    _approve_all_and_publish(coordinator, expected=2)

    _applicant_accepts_from_email(people("student"), mail, amina_email, title)
    assert mail.wait_for(seeded.host, f"2 matches for {title}")
    _host_sees_acceptance(people("host"), mail, seeded.host, "Amina Mwakyusa", title)


def test_trainee_who_volunteers_to_teach_is_matched_to_a_teaching_visit(live_server, people):
    mail = live_server.mail
    title = "Teaching visit: PPH embolisation in Mwanza"
    with live_server.data() as make:
        seeded = _seed(
            make,
            title=title,
            organisation="Bugando IR Programme",
            type="teaching_visit",
            city="Mwanza",
            level_min=9,
            level_max=15,
            interests=("pph-embolisation", "teaching"),
        )
        neema = make.create("trainee", name="Neema Kweka", profession_code="ir-trainee")
        # What she said she could teach before the teaching page (profile.teaching_interests): a
        # teaching visit that answers no teaching request is still scored on these topics.
        topics = ("pph-embolisation", "teaching")
        taught = list(make.session.scalars(select(Interest).where(Interest.slug.in_(topics))))
        make.profile(neema, interests=topics, teaching_interests=taught)
        neema_email = neema.email

    # The trainee says in the profile what they can teach, then applies.
    trainee = people("trainee")
    trainee.log_in(neema_email, PASSWORD)
    trainee.goto("/profile/teaching")
    form = trainee.page.locator("main form")
    form.get_by_label("I volunteer to teach").check()
    form.get_by_role("group", name="Post-partum haemorrhage embolisation").get_by_label("Can teach").check()
    form.get_by_label("English (professional)").check()
    form.get_by_label("Weeks a year you can teach on site").fill("3")
    trainee.click(trainee.button("Save my teaching profile"))
    assert "Your teaching profile is saved." in trainee.flashes

    trainee.goto("/opportunities?type=teaching_visit")
    trainee.click(trainee.link(title))
    trainee.click(trainee.button("Apply"))
    assert f"You applied to “{title}”. It is choice 1 in your list." in trainee.flashes

    coordinator = _coordinator_runs_approves_and_publishes(
        people("coordinator"),
        seeded.coordinator,
        round_name="Teaching visits",
        opportunity_type="Teaching visit",
        expected=1,
    )
    why = coordinator.page.locator("table.matches tbody tr", has_text="Neema Kweka").locator(".explain")
    assert (
        "Neema Kweka can teach 2 of the 2 topics the host asks for: "
        "Post-partum haemorrhage embolisation, Teaching and simulation" in why.inner_text()
    )
    _approve_all_and_publish(coordinator, expected=1)

    trainee.log_out()
    _applicant_accepts_from_email(trainee, mail, neema_email, title)
    _host_sees_acceptance(people("host"), mail, seeded.host, "Neema Kweka", title)
