"""Words people read: counts that agree ("1 match"), one requirements sentence, "offered" for a place."""

from datetime import date, timedelta

from matcher.extensions import db
from tests.support.rounds import CONFIRM, RoundBuilder

DEADLINE = date.today() + timedelta(days=10)


def _offer(users, opportunity, applicant):
    builder = RoundBuilder(db.session)
    run_ = builder.run(builder.round("Spring round"))
    return builder.match(run_, applicant, opportunity, "published", response_deadline=DEADLINE)


def test_the_requirements_sentence_lists_flags_and_the_hosts_own_text(client, auth, users):
    student = auth.login("student")
    opportunity = users.opportunity(
        title="Bugando elective", needs_visa=True, needs_indemnity=True, requirements="A police check."
    )
    _offer(users, opportunity, student)
    page = client.get("/placements").get_data(as_text=True)
    assert (
        "Before you accept, check that you can arrange a visa, indemnity cover and the other "
        "requirements on the opportunity&#39;s page." in page
    )
    assert "; ." not in page and "visa;" not in page


def test_only_the_hosts_own_text_still_gets_a_sentence(client, auth, users):
    student = auth.login("student")
    _offer(users, users.opportunity(requirements="Bring your own lead apron."), student)
    page = client.get("/placements").get_data(as_text=True)
    assert "check that you can arrange the other requirements on the opportunity&#39;s page." in page


def test_no_requirement_no_sentence(client, auth, users):
    student = auth.login("student")
    _offer(users, users.opportunity(), student)
    page = client.get("/placements").get_data(as_text=True)
    assert f"Reply by {DEADLINE:%-d %B %Y}" in page and "Before you accept" not in page


def test_an_offered_place_is_called_offered_for_the_applicant_and_the_host(client, auth, users):
    organisation = users.organisation()
    host = users.create(role="org_member", organisation=organisation)
    student = users.create(role="student", name="Amina")
    opportunity = users.opportunity(organisation)
    match = _offer(users, opportunity, student)
    auth.login_as(student)
    page = client.get("/placements").get_data(as_text=True)
    assert f'<span class="badge status-{match.status}">offered</span>' in page and ">published<" not in page
    auth.logout()
    auth.login_as(host)
    page = client.get(f"/opportunities/{opportunity.id}/placements").get_data(as_text=True)
    assert '<span class="badge status-published">offered</span>' in page and ">published<" not in page


def test_publishing_one_match_says_one_match(client, auth, users):
    coordinator = auth.login("coordinator")
    builder = RoundBuilder(db.session)
    run_ = builder.run(builder.round("Single place", created_by=coordinator))
    builder.match(run_, users.create(role="student"), users.opportunity(), "approved")
    response = client.post(
        f"/coordination/runs/{run_.id}/publish",
        data={**CONFIRM, "response_deadline": DEADLINE.isoformat()},
        follow_redirects=True,
    )
    page = response.get_data(as_text=True)
    assert "Published 1 match;" in page and "1 matches" not in page


def test_a_one_week_flexible_window_says_one_week(client, users):
    users.opportunity(title="Short flexible visit", flexible=True, min_weeks=1)
    page = client.get("/opportunities").get_data(as_text=True)
    assert "(flexible, at least 1 week)" in page and "1 weeks" not in page
