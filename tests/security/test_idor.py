"""Someone else's id in the URL or the form gives 404 or 403, never the data, and changes nothing."""

from __future__ import annotations

import json

from sqlalchemy import select

from matcher.extensions import db
from matcher.models import Application, Match, Opportunity, Organisation
from tests.security.world import SECRET_INSTITUTION, SECRET_MOTIVATION, SECRET_STATEMENT

SECRETS = (SECRET_STATEMENT, SECRET_MOTIVATION, SECRET_INSTITUTION)


def assert_no_secret(response) -> None:
    body = response.get_data(as_text=True)
    for secret in SECRETS:
        assert secret not in body, (response.request.path, secret)


def test_another_applicant_s_profile_cv_and_application_are_not_found(world):
    student = world.client("student")
    for path in [
        f"/profiles/{world.trainee.id}",
        f"/profiles/{world.trainee.id}/cv",
        f"/applications/{world.trainee_application.id}/motivation",
    ]:
        response = student.get(path)
        assert response.status_code == 404, path
        assert_no_secret(response)


def test_another_applicant_s_application_cannot_be_changed_moved_or_withdrawn(world):
    student = world.client("student")
    application_id = world.trainee_application.id
    for path, data in [
        (f"/applications/{application_id}/motivation", {"motivation": "hijacked"}),
        (f"/applications/{application_id}/move/up", {}),
        (f"/applications/{application_id}/withdraw", {}),
    ]:
        assert student.post(path, data=data).status_code == 404, path
    application = db.session.get(Application, application_id)
    assert application is not None and application.motivation == SECRET_MOTIVATION


def test_another_applicant_s_placement_cannot_be_answered_or_rated(world):
    student = world.client("student")
    match_id = world.match.id
    assert student.post(f"/placements/{match_id}/accept").status_code == 404
    assert student.post(f"/placements/{match_id}/decline").status_code == 404
    assert student.post(f"/placements/{match_id}/feedback", data={"rating": "1"}).status_code == 404
    match = db.session.get(Match, match_id)
    assert match.status == "published" and match.rating is None
    page = student.get("/placements").get_data(as_text=True)
    assert world.opp_a.title not in page  # the trainee's placement is not listed to the student


def test_the_data_export_holds_only_one_s_own_data(world):
    response = world.client("student").get("/profile/data.json")
    assert response.status_code == 200
    exported = json.dumps(response.get_json())
    assert world.student.email in exported
    assert world.trainee.email not in exported
    for secret in SECRETS:
        assert secret not in exported


def test_another_organisation_s_applicants_drafts_and_pages_are_refused(world):
    member_b = world.client("member_b")
    for path, status in [
        (f"/opportunities/{world.opp_a.id}/applicants", 404),
        (f"/opportunities/{world.opp_a.id}/placements", 403),
        (f"/opportunities/{world.opp_a.id}/edit", 403),
        (f"/opportunities/{world.draft_a.id}", 404),
        (f"/opportunities/{world.draft_a.id}/edit", 404),
        (f"/profiles/{world.trainee.id}", 404),
        (f"/profiles/{world.trainee.id}/cv", 404),
        (f"/organisations/{world.org_a.slug}/edit", 403),
    ]:
        response = member_b.get(path)
        assert response.status_code == status, path
        assert_no_secret(response)
        assert world.trainee.email not in response.get_data(as_text=True)


def test_another_organisation_s_opportunities_and_placements_cannot_be_changed(world):
    of_a = select(Opportunity).where(Opportunity.organisation_id == world.org_a.id)
    count = len(db.session.scalars(of_a).all())
    member_b = world.client("member_b")
    opp, slug = world.opp_a, world.org_a.slug
    for path, data, status in [
        (f"/opportunities/{opp.id}/close", {}, 403),
        (f"/opportunities/{world.draft_a.id}/publish", {}, 404),
        (f"/opportunities/{opp.id}/duplicate", {}, 403),
        (f"/opportunities/{opp.id}/edit", {"title": "Taken over"}, 403),
        (f"/opportunities/{opp.id}/applicants", {f"position_{world.trainee_application.id}": "1"}, 404),
        (f"/placements/{world.match.id}/cancel", {"reason": "Mine now"}, 403),
        (f"/placements/{world.match.id}/confirm", {}, 403),
        (f"/organisations/{slug}/invite", {"email": "x@example.org"}, 403),
        (f"/organisations/{slug}/edit", {"name": "Taken"}, 403),
    ]:
        assert member_b.post(path, data=data).status_code == status, path

    assert db.session.get(Opportunity, world.draft_a.id).status == "draft"
    kept = db.session.get(Opportunity, opp.id)
    assert (kept.status, kept.title) == ("published", "Opportunity A")
    assert db.session.get(Application, world.trainee_application.id).host_rank is None
    assert db.session.get(Match, world.match.id).status == "published"
    assert db.session.get(Organisation, world.org_a.id).name == "Organisation A"
    assert len(db.session.scalars(of_a).all()) == count  # no duplicate was made


def test_an_organisation_sees_only_the_applications_made_to_it(world, users):
    # The trainee applies to B too: B now sees the profile, but not what was written to A.
    users.application(world.trainee, world.opp_b, motivation="For B only")
    page = world.client("member_b").get(f"/profiles/{world.trainee.id}").get_data(as_text=True)
    assert "For B only" in page
    assert SECRET_MOTIVATION not in page and world.opp_a.title not in page


def test_the_api_never_shows_a_draft(world):
    client = world.client("anonymous")
    assert client.get(f"/api/v1/opportunities/{world.draft_a.id}").status_code == 404
    listed = client.get("/api/v1/opportunities?per_page=100").get_json()
    assert world.draft_a.id not in [item["id"] for item in listed["items"]]
    assert world.draft_a.title not in client.get("/opportunities/feed.atom").get_data(as_text=True)


def test_a_decision_on_a_match_of_another_round_is_refused(world):
    coordinator = world.client("coordinator")
    # The proposed match belongs to the open round's run, not to the published round's run.
    response = coordinator.post(
        f"/coordination/runs/{world.run.id}/decide",
        data={"action": "reject", "match_id": str(world.proposed.id)},
    )
    assert response.status_code == 404
    assert db.session.get(Match, world.proposed.id).status == "proposed"


def test_a_run_s_review_and_export_show_only_its_own_matches(world):
    coordinator = world.client("coordinator")
    review = coordinator.get(f"/coordination/runs/{world.open_run.id}").get_data(as_text=True)
    assert world.opp_b.title in review and world.opp_a.title not in review
    export = coordinator.get(f"/coordination/runs/{world.open_run.id}/matches.csv").get_data(as_text=True)
    assert world.student.email in export and world.trainee.email not in export


def test_a_calendar_link_forged_for_another_user_is_not_found(world):
    from itsdangerous import URLSafeSerializer

    from matcher.placements.calendar import calendar_token

    token = calendar_token(world.trainee)
    assert world.client("anonymous").get(f"/placements/calendar/{token}.ics").status_code == 200
    # The token is random: a user's id, or a link signed the old way, names nobody.
    assert world.client("anonymous").get(f"/placements/calendar/{world.trainee.id}.ics").status_code == 404
    signed = URLSafeSerializer(world.app.config["SECRET_KEY"], salt="placements-calendar").dumps(
        {"uid": world.trainee.id, "pw": "x"}
    )
    assert world.client("anonymous").get(f"/placements/calendar/{signed}.ics").status_code == 404
