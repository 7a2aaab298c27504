"""Script and javascript: payloads typed into every text field stay inert on every page that shows them.

Each field gets its own payload (tagged with the field's name) through the real form; then every
page of every role in the access table is fetched. No page may contain a live <script> from a
payload or a javascript: link, and each payload must appear escaped somewhere, so the test cannot
pass by never showing the fields. Emails are checked too, since their HTML shows the same values.
"""

from __future__ import annotations

import re

from sqlalchemy import select

from matcher.extensions import db
from matcher.models import Organisation, OutboxMessage
from tests.security.access_table import TABLE
from tests.security.forms import opportunity_form, organisation_form, profile_form, signup_form
from tests.security.world import ROLES, World
from tests.support.factories import UserFactory

LIVE = [
    re.compile(r"<script>alert\(1\)", re.IGNORECASE),
    re.compile(r"""(?:href|src|action|formaction)\s*=\s*["']?\s*javascript:""", re.IGNORECASE),
]


DOWNLOADS = (".css", ".csv", ".json", "/cv", "/healthz")  # not HTML: nothing there is rendered by Jinja


def payload(tag: str) -> str:
    return f'javascript:alert(1)//{tag}"><script>alert(1)</script>'


def escaped(tag: str) -> str:
    return f"javascript:alert(1)//{tag}&#34;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"


def _post(browser, path: str, data: dict) -> None:
    response = browser.post(path, data=data)
    assert response.status_code == 302, (path, response.status_code, response.get_data(as_text=True)[:300])


def store_payloads(world: World, users) -> list[str]:
    """Type a payload into each user-editable text field; returns the tags that were stored."""
    anonymous = world.client("anonymous")
    _post(
        anonymous,
        "/signup",
        signup_form(
            "signup.payload@example.org",
            role="org_member",
            name=payload("signup-name"),
            organisation_name=payload("signup-organisation"),
            password=UserFactory.PASSWORD,  # so that the world can log this account in too
            confirm=UserFactory.PASSWORD,
        ),
    )
    member_a = world.client("member_a")
    _post(
        member_a,
        f"/organisations/{world.org_a.slug}/edit",
        organisation_form(
            name=payload("org-name"),
            description=payload("org-description"),
            social_handle=payload("org-social"),
            website='https://example.org/"><script>alert(1)</script>',
        ),
    )
    _post(
        member_a,
        f"/opportunities/{world.opp_a.id}/edit",
        opportunity_form(
            title=payload("opp-title"),
            description=payload("opp-description"),
            host_institution=payload("opp-host"),
            city=payload("opp-city"),
            requirements=payload("opp-requirements"),
            contact_name=payload("opp-contact"),
        ),
    )
    trainee = world.client("trainee")
    _post(
        trainee,
        "/profile/edit",
        profile_form(institution=payload("profile-institution"), statement=payload("profile-statement")),
    )
    _post(
        trainee,
        f"/applications/{world.trainee_application.id}/motivation",
        {"motivation": payload("motivation")},
    )
    # The visitor's side of the ended visit's feedback, then the host's (both written: released).
    _post(
        trainee,
        f"/placements/{world.impact.ended_match.id}/feedback",
        {"rating": "4", "feedback": payload("feedback")},
    )
    _post(
        member_a,
        f"/visits/{world.impact.ended.id}/feedback/{world.trainee.id}",
        {"rating": "4", "would_return": "yes", "comments": payload("host-feedback")},
    )
    coordinator = world.client("coordinator")
    _post(coordinator, "/coordination/rounds/new", {"name": payload("round-name"), "mode": "ranked"})
    _post(
        coordinator,
        f"/coordination/runs/{world.open_run.id}/decide",
        {"action": "approve", "match_id": str(world.proposed.id), "reason": payload("decision-reason")},
    )
    _post(
        coordinator,
        f"/coordination/organisations/{world.org_pending.id}/reject",
        {"reason": payload("rejection-reason")},
    )
    _post(member_a, f"/placements/{world.match.id}/cancel", {"reason": payload("cancel-reason")})
    return [
        "signup-name",
        "signup-organisation",
        "org-name",
        "org-description",
        "org-social",
        "opp-title",
        "opp-description",
        "opp-host",
        "opp-city",
        "opp-requirements",
        "opp-contact",
        "profile-institution",
        "profile-statement",
        "motivation",
        "feedback",
        "host-feedback",
        "round-name",
        "decision-reason",
        "rejection-reason",
        "cancel-reason",
    ]


def extra_pages(world: World) -> list[tuple[str, str]]:
    """Pages beyond the access table: reflected parameters, and the people the payloads concern."""
    reflected = payload("reflected")
    signed_up = db.session.scalar(
        select(Organisation).where(Organisation.name == payload("signup-organisation"))
    )
    return [
        ("anonymous", f"/login?next={reflected}"),
        ("anonymous", f"/opportunities?q={reflected}&region={reflected}&page={reflected}"),
        ("admin", f"/admin/users?q={reflected}"),
        ("admin", "/admin/users?q=signup.payload"),
        ("coordinator", f"/coordination/runs/{world.run.id}?region={reflected}"),
        ("coordinator", f"/coordination/rounds/{world.open_round.id}/audit"),
        ("coordinator", f"/coordination/matches/{world.proposed.id}"),
        ("pending_owner", "/dashboard"),
        ("pending_owner", f"/organisations/{world.org_pending.slug}/edit"),
        ("signed_up", "/dashboard"),
        ("coordinator", f"/organisations/{signed_up.slug}"),
    ]


def assert_inert(where: str, body: str) -> None:
    for pattern in LIVE:
        match = pattern.search(body)
        assert match is None, f"{where}: live payload …{body[max(match.start() - 80, 0) : match.end() + 40]}…"


def test_payloads_in_every_text_field_are_inert_on_every_page(world: World, users):
    world.people["pending_owner"] = users.create("org_member", organisation=world.org_pending)
    tags = store_payloads(world, users)
    world.people["signed_up"] = db.session.scalar(
        select(type(world.student)).where(type(world.student).email == "signup.payload@example.org")
    )
    pages = [
        (role, r.url.format(w=world))
        for role in ROLES
        for r in TABLE
        if r.method == "GET" and r.expected[ROLES.index(role)] == "A" and not r.url.endswith(DOWNLOADS)
    ]
    seen = ""
    for role, path in pages + extra_pages(world):
        response = world.client(role).get(path)
        if response.mimetype in ("text/html", "application/atom+xml", "application/xml", "text/xml"):
            body = response.get_data(as_text=True)
            assert_inert(f"{role} {path}", body)
            seen += body
    messages = db.session.scalars(select(OutboxMessage)).all()
    assert messages, "no email was written, so the escaping of emails is unproven"
    for message in messages:
        assert_inert(f"email {message.template} to {message.to_address}", message.body_html)
    assert escaped("reflected") in seen
    missing = [tag for tag in tags if escaped(tag) not in seen]
    assert not missing, f"these fields were never shown, so their escaping is unproven: {missing}"


def test_a_javascript_website_is_refused(world: World):
    response = world.client("member_a").post(
        f"/organisations/{world.org_a.slug}/edit", data=organisation_form(website="javascript:alert(1)")
    )
    assert response.status_code == 422
    assert db.session.get(Organisation, world.org_a.id).website is None
