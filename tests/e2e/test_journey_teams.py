"""Journey: a coordinator builds a teaching team, adjusts it and approves it; the host confirms it
from the email; a member declines the offered place and the builder proposes a replacement, who
is offered the place and accepts; the emails arrive on a real SMTP server."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from matcher.models import MemberStatus, Team, TeamMember, User
from matcher.models.teams import HOLDING
from tests.e2e.browser import Person
from tests.support.factories import UserFactory
from tests.support.teams import build_scene

PASSWORD = UserFactory.PASSWORD


def _members(live_server, visit_id: int) -> dict[str, tuple[int, str, str]]:
    """{name: (member id, role, status)} of the visit's team, read from the database."""
    with live_server.data() as make:
        team = make.session.scalar(select(Team).where(Team.visit_id == visit_id))
        return {m.user.name: (m.id, m.role, m.status) for m in team.members}


def test_a_team_is_built_adjusted_approved_confirmed_and_a_decline_is_replaced(live_server, people):
    mail = live_server.mail
    with live_server.data() as make:
        scene = build_scene(make.session, make, date.today())
        march = scene.visits[0]
        y = scene.year
        window = [(date(y, 2, 15), date(y, 3, 31))]
        scene.volunteer("Pia Physician", "ir-physician", {"pph-embolisation": "teach"}, windows=window)
        for name in ("Ana Trainee", "Ben Trainee", "Cleo Trainee", "Dan Trainee"):
            scene.volunteer(name, "ir-trainee", {"nephrostomy": "assist"}, windows=window)
        coordinator_email, host_email = scene.coordinator.email, scene.host.email
        visit_id, visit_title = march.id, march.title
        emails = {u.name: u.email for u in make.session.scalars(select(User))}

    # The coordinator builds the team of the March visit.
    coordinator: Person = people("coordinator")
    coordinator.log_in(coordinator_email, PASSWORD)
    coordinator.click(
        coordinator.page.get_by_role("navigation", name="Main").get_by_role("link", name="Teams")
    )
    assert coordinator.heading == "Teaching teams"
    form = coordinator.page.locator("main form").first
    form.get_by_label("Name of the build").fill("Spring visits")
    form.get_by_role("group", name="Teaching visits").get_by_label(visit_title, exact=False).check()
    coordinator.click(coordinator.button("Build the teams"))
    coordinator.follow_job("See the teams")
    assert coordinator.heading == "Spring visits"
    assert "Others covered more of the needs" in coordinator.text()  # two of four trainees wait
    coordinator.click(coordinator.link(visit_title))
    assert coordinator.heading.startswith(f"Team: {visit_title}")
    matrix = coordinator.page.locator(
        "table", has=coordinator.page.locator("caption", has_text="Needs against members")
    )
    assert "Can teach" in matrix.inner_text()

    # Adjust: one proposed trainee out, one left out in.
    placed = _members(live_server, visit_id)
    trainees_in = sorted(
        n for n, (_, role, status) in placed.items() if role == "ir-trainee" and status in HOLDING
    )
    assert len(trainees_in) == 2
    out, kept = trainees_in
    coordinator.click(coordinator.button(f"Remove {out}"))
    assert f"{out} is out of the team." in coordinator.flashes
    waiting = sorted({"Ana Trainee", "Ben Trainee", "Cleo Trainee", "Dan Trainee"} - set(trainees_in))
    chosen, spare = waiting
    add = coordinator.page.locator("form", has=coordinator.button("Add to the team"))
    add.get_by_label("Volunteer").select_option(
        label=next(o for o in add.locator("option").all_inner_texts() if o.startswith(chosen))
    )
    coordinator.click(coordinator.button("Add to the team"))
    assert f"{chosen} is in the team." in coordinator.flashes
    coordinator.click(coordinator.button("Approve the team"))
    assert "The team is approved" in coordinator.flashes

    # The host confirms from the email.
    host = people("host")
    told = mail.wait_for(host_email, f"A teaching team to confirm: {visit_title}")
    assert "Pia Physician" in told.text and chosen in told.text and out not in told.text
    host.goto(mail.link(told, "/teams/"))
    host.log_in(host_email, PASSWORD)
    assert host.heading.startswith(f"Team: {visit_title}")
    host.click(host.button("Confirm the team"))
    assert "the team is confirmed" in host.flashes

    # A member declines the offered place.
    decliner = people("decliner")
    offer = mail.wait_for(emails[kept], "You are offered a place in a teaching team")
    assert "Accept or decline by" in offer.text
    decliner.goto(mail.link(offer, "/teaching/offers/"))
    decliner.log_in(emails[kept], PASSWORD)
    assert decliner.heading.startswith("Your place:")
    decliner.click(decliner.button("Decline the place"))
    assert "You declined the place" in decliner.flashes

    # The builder proposes the spare trainee; the coordinator offers the place; they accept.
    news = mail.wait_for(coordinator_email, f"A member declined: {visit_title}")
    assert spare in news.text
    coordinator.goto(mail.link(news, "/coordination/teams/"))
    assert spare in coordinator.page.locator("table", has_text="Why").inner_text()
    coordinator.click(coordinator.button("Offer their places to the new members"))
    assert "Places offered: 1." in coordinator.flashes

    replacement = people("replacement")
    offered = mail.wait_for(emails[spare], "You are offered a place in a teaching team")
    replacement.goto(mail.link(offered, "/teaching/offers/"))
    replacement.log_in(emails[spare], PASSWORD)
    replacement.click(replacement.button("Accept the place"))
    assert "your place is confirmed" in replacement.flashes
    roster = mail.wait_for(emails[spare], f"Your teaching team: {visit_title}")
    for name in ("Pia Physician", chosen, spare):
        assert name in roster.text
    assert "/placements/calendar/" in roster.text

    final = _members(live_server, visit_id)
    assert final[kept][2] == MemberStatus.DECLINED and final[out][2] == MemberStatus.REMOVED
    assert final[spare][2] == MemberStatus.ACCEPTED
    with live_server.data() as make:
        holding = make.session.scalars(select(TeamMember).where(TeamMember.status.in_(HOLDING))).all()
        assert sorted(m.user.name for m in holding) == sorted(["Pia Physician", chosen, spare])
