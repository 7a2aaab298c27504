"""Journey 6: an applicant is warned before applying, is not matched in a round, receives the outcome
letter with the reasons and the places still open to them, and applies to one of those from it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select

from matcher.models import Application, Opportunity, User
from matcher.services import hosting
from tests.e2e.browser import Person
from tests.support.factories import UserFactory

PASSWORD = UserFactory.PASSWORD
ROUND = "East Africa spring electives"
AMHARIC = "Obstetric IR in Addis Ababa"  # needs basic Amharic, which Selam does not list
TOO_LATE = "Embolisation elective in Kigali"  # runs after Selam's availability ends
FIRST = "PPH embolisation in Dar es Salaam"  # 1 place; the host ranks Amina first, Selam second
SECOND = "Bleeding control in Kampala"  # 1 place; the host ranks Lucas only
STILL_OPEN = ("Interventional oncology in Nairobi", "Vascular access in Mwanza")
LETTER_SUBJECT = f"{ROUND}: no place for you this time, and what you can do now"


@dataclass
class Seeded:
    coordinator: str
    selam: str
    ids: dict[str, int]


def _seed(make) -> Seeded:
    """Six electives in Eastern Africa: two Selam fails a rule for, two she will apply to, where the
    host wants others, and two still open after the round."""
    coordinator = make.create("coordinator", name="Grace Coordinator")
    org = make.organisation(name="Road to IR East Africa")
    make.create("org_member", name="Joseph Host", organisation=org)
    opportunities = {
        AMHARIC: make.opportunity(
            org,
            title=AMHARIC,
            country_code="ET",
            city="Addis Ababa",
            languages=(("en", "professional"), ("am", "basic")),
        ),
        TOO_LATE: make.opportunity(
            org,
            title=TOO_LATE,
            country_code="RW",
            city="Kigali",
            starts_on=date.today() + timedelta(days=220),
        ),
        FIRST: make.opportunity(org, title=FIRST, capacity=1),
        SECOND: make.opportunity(org, title=SECOND, country_code="UG", city="Kampala", capacity=1),
        STILL_OPEN[0]: make.opportunity(org, title=STILL_OPEN[0], country_code="KE", city="Nairobi"),
        STILL_OPEN[1]: make.opportunity(org, title=STILL_OPEN[1], city="Mwanza"),
    }
    amina = make.create("student", name="Amina Mwakyusa")
    make.profile(amina)
    make.application(amina, opportunities[FIRST])
    lucas = make.create("student", name="Lucas Ferreira")
    make.profile(lucas)
    make.application(lucas, opportunities[SECOND])
    # English only, free from day 90 to day 150: no Amharic, and nothing in Kigali's dates.
    selam = make.create("student", name="Selam Tesfaye", email="selam@aau.example.org")
    make.profile(selam)
    return Seeded(coordinator.email, selam.email, {title: o.id for title, o in opportunities.items()})


def _host_orders_applicants(make, ids: dict[str, int]) -> None:
    """The host's order, through the service behind their applicants page: Amina before Selam for the
    Dar es Salaam place; only Lucas for Kampala (Selam not ranked)."""
    host = make.session.scalar(select(User).where(User.name == "Joseph Host"))
    for title, wanted in ((FIRST, ("Amina Mwakyusa", "Selam Tesfaye")), (SECOND, ("Lucas Ferreira",))):
        opportunity = make.session.get(Opportunity, ids[title])
        rows = make.session.execute(
            select(Application.id, User.name)
            .join(User, User.id == Application.applicant_id)
            .where(Application.opportunity_id == opportunity.id)
        ).all()
        assert sorted(name for _, name in rows) == sorted({*wanted, "Selam Tesfaye"})
        positions = {app_id: (wanted.index(name) + 1 if name in wanted else None) for app_id, name in rows}
        hosting.set_host_order(make.session, host, opportunity, positions)
    make.session.commit()


def _warned_before_applying(selam: Person, ids: dict[str, int]) -> None:
    # The opportunity page's apply box names the rule in her own data, and still lets her apply.
    selam.goto(f"/opportunities/{ids[AMHARIC]}")
    box = selam.page.get_by_role("region", name="Apply")
    assert "You cannot be matched to this opportunity:" in box.inner_text()
    assert "Language: needs basic Amharic; your profile does not list Amharic." in box.inner_text()
    assert box.get_by_role("button", name="Apply").is_visible()

    # Search starts with "Only places I can be matched to": both places she fails a rule for are out.
    nav = selam.page.get_by_role("navigation", name="Main")
    selam.click(nav.get_by_role("link", name="Opportunities"))
    filters = selam.page.get_by_role("form", name="Filters")
    assert filters.get_by_label("Only places I can be matched to").is_checked()
    assert "4 opportunities found." in selam.text()
    titles = selam.page.locator(".results h3").all_inner_texts()
    assert sorted(titles) == sorted([FIRST, SECOND, *STILL_OPEN])

    # Switched off, they come back, each with its reason.
    filters.get_by_label("Only places I can be matched to").uncheck()
    selam.click(filters.get_by_role("button", name="Search"))
    assert not selam.page.get_by_label("Only places I can be matched to").is_checked()
    assert "6 opportunities found." in selam.text()
    amharic = selam.page.locator(".results .card", has_text=AMHARIC).locator(".eligibility-note")
    assert "You cannot be matched to this:" in amharic.inner_text()
    assert "Language: needs basic Amharic; your profile does not list Amharic." in amharic.inner_text()
    late = selam.page.locator(".results .card", has_text=TOO_LATE).locator(".eligibility-note")
    assert "Dates: runs " in late.inner_text()
    assert "none of your availability overlaps it." in late.inner_text()
    fits = selam.page.locator(".results .card", has_text=FIRST)
    assert fits.locator(".eligibility-note").count() == 0


def _applies_where_she_can_be_matched(selam: Person) -> None:
    for choice, title in enumerate((FIRST, SECOND), start=1):
        selam.goto("/opportunities")
        selam.click(selam.link(title))
        box = selam.page.get_by_role("region", name="Apply")
        assert box.locator(".eligibility").count() == 0  # no rule she fails
        selam.click(box.get_by_role("button", name="Apply" if choice == 1 else f"Apply as choice {choice}"))
        assert f"You applied to “{title}”. It is choice {choice} in your list." in selam.flashes
    assert selam.heading == "My applications"
    rows = selam.page.locator("table.ranked tbody tr")
    assert rows.count() == 2
    for i in range(2):
        assert "Submitted" in rows.nth(i).locator("[data-label='Status']").inner_text()


def _coordinator_runs_approves_and_publishes(coordinator: Person, email: str) -> None:
    coordinator.log_in(email, PASSWORD)
    coordinator.click(
        coordinator.page.get_by_role("navigation", name="Main").get_by_role("link", name="Rounds")
    )
    coordinator.click(coordinator.link("New round"))
    form = coordinator.page.locator("main form")
    form.get_by_label("Name").fill(ROUND)
    form.get_by_role("group", name="Sub-regions").get_by_label("Eastern Africa", exact=True).check()
    form.get_by_role("group", name="Opportunity types").get_by_label("Clinical elective", exact=True).check()
    form.get_by_label("Applicants reply by").fill((date.today() + timedelta(days=14)).isoformat())
    coordinator.click(coordinator.button("Create the round"))
    assert coordinator.heading.startswith(ROUND)

    coordinator.click(coordinator.button("Run"))
    assert coordinator.heading.startswith("Run of ")  # the run's progress page, while the worker runs it
    coordinator.follow_job("Run 1: see the proposed matches")
    assert coordinator.heading == "Run 1: proposed matches"
    assert "2 matches." in coordinator.text()
    rows = coordinator.page.locator("table.matches tbody tr")
    assert rows.filter(has_text="Amina Mwakyusa").filter(has_text=FIRST).count() == 1
    assert rows.filter(has_text="Lucas Ferreira").filter(has_text=SECOND).count() == 1
    assert rows.filter(has_text="Selam Tesfaye").count() == 0

    # Approve every proposed match, through its confirmation page.
    coordinator.click(coordinator.button("Approve every proposed match of this run…"))
    assert coordinator.heading == "Approve every proposed match?"
    assert "2 matches will be approved" in coordinator.text()
    assert "Nobody will be emailed now" in coordinator.text()
    coordinator.click(coordinator.button("Approve 2 matches"))
    assert "2 matches approved." in coordinator.flashes
    assert coordinator.page.locator("table.matches .badge", has_text="approved").count() == 2

    # Publish, through its confirmation page: 2 offers, the host's one contact, 1 outcome letter.
    coordinator.click(coordinator.link("Publish approved matches…"))
    assert coordinator.heading == "Publish run 1?"
    summary = coordinator.text(".summary")
    assert "4 people will be emailed" in summary
    assert "2 applicants offered a place, 1 contact of 1 host organisation, and 1 applicant" in summary
    assert "with no offer, who gets an outcome letter saying why and where else they can apply." in summary
    coordinator.click(coordinator.button("Publish and email 4 people"))
    assert "Published 2 matches" in coordinator.flashes
    assert coordinator.heading == "Run 1: published matches"


def _reads_the_letter_and_applies_from_it(selam: Person, mail, email: str) -> None:
    letter = mail.wait_for(email, LETTER_SUBJECT)
    text = letter.text
    assert "Hello Selam Tesfaye," in text
    assert f"1. {FIRST}: Its places went to applicants the host ranked higher than you." in text
    assert f"2. {SECOND}: The host did not rank you among its applicants." in text
    assert "Open places you can still be matched to:" in text
    listed = [line for line in text.splitlines() if line.startswith("- ")]
    assert sorted(line[2:].split(" (")[0] for line in listed) == sorted(STILL_OPEN)

    selam.goto(mail.link(letter, "/placements/letters/"))
    assert selam.heading == "Log in"
    selam.log_in(email, PASSWORD)
    assert selam.heading == f"Outcome of {ROUND}"
    choices = selam.page.locator(".outcome-choices li").all_inner_texts()
    assert choices == [
        f"{FIRST}: Its places went to applicants the host ranked higher than you.",
        f"{SECOND}: The host did not rank you among its applicants.",
    ]
    places = selam.page.locator(".cards .card h3").all_inner_texts()
    assert sorted(places) == sorted(STILL_OPEN)

    chosen = STILL_OPEN[0]
    selam.click(selam.link(f"Apply to “{chosen}”"))
    assert selam.heading == f"Apply to {chosen}"
    assert selam.page.locator("#eligibility").count() == 0
    selam.click(selam.page.locator("main form").get_by_role("button", name="Apply"))
    assert f"You applied to “{chosen}”. It is choice 3 in your list." in selam.flashes

    assert selam.heading == "My applications"
    rows = selam.page.locator("table.ranked tbody tr")
    status = {
        rows.nth(i).get_by_role("link").first.inner_text(): rows.nth(i)
        .locator("[data-label='Status']")
        .inner_text()
        for i in range(rows.count())
    }
    assert list(status) == [FIRST, SECOND, chosen]
    assert status[chosen].startswith("Submitted")
    for title in (FIRST, SECOND):
        assert status[title].startswith("Not offered")
        assert f"Not offered in {ROUND}." in status[title]
    assert "ranked higher than you" in status[FIRST]
    assert "did not rank you" in status[SECOND]


def test_applicant_warned_not_matched_reads_the_outcome_letter_and_applies_again(live_server, people):
    with live_server.data() as make:
        seeded = _seed(make)

    selam = people("applicant")
    selam.log_in(seeded.selam, PASSWORD)
    _warned_before_applying(selam, seeded.ids)
    _applies_where_she_can_be_matched(selam)
    selam.log_out()

    with live_server.data() as make:
        _host_orders_applicants(make, seeded.ids)

    _coordinator_runs_approves_and_publishes(people("coordinator"), seeded.coordinator)
    _reads_the_letter_and_applies_from_it(selam, live_server.mail, seeded.selam)
