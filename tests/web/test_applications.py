"""Ranked applications: apply, reorder, the limit of ten, deadlines, withdrawal, dashboards."""

import html
import json
import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from matcher.extensions import db
from matcher.models import Application

YESTERDAY = date.today() - timedelta(days=1)


def _ranked_titles(applicant) -> list[str]:
    rows = db.session.scalars(
        select(Application).where(Application.applicant_id == applicant.id).order_by(Application.rank)
    )
    return [a.opportunity.title for a in rows]


def _ranks(applicant) -> list[int]:
    return list(
        db.session.scalars(
            select(Application.rank)
            .where(Application.applicant_id == applicant.id)
            .order_by(Application.rank)
        )
    )


def _application(applicant, opportunity) -> Application:
    return db.session.scalar(
        select(Application).where(
            Application.applicant_id == applicant.id, Application.opportunity_id == opportunity.id
        )
    )


def test_a_student_applies_with_a_motivation_and_sees_it_ranked(auth, client, users):
    student = auth.login("student")
    first = users.opportunity(title="Elective in Moshi")
    second = users.opportunity(title="Elective in Kigali")
    response = client.post(f"/opportunities/{first.id}/apply", data={"motivation": "  I speak Swahili.  "})
    assert response.status_code == 302
    response = client.post(f"/opportunities/{second.id}/apply", data={}, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "It is choice 2 in your list." in page
    assert page.index("Elective in Moshi") < page.index("Elective in Kigali")
    assert "I speak Swahili." in page
    assert _ranked_titles(student) == ["Elective in Moshi", "Elective in Kigali"]
    assert _application(student, first).motivation == "I speak Swahili."


def test_the_opportunity_page_offers_to_apply_then_shows_the_rank(auth, client, users):
    opportunity = users.opportunity()
    page = client.get(f"/opportunities/{opportunity.id}").get_data(as_text=True)
    assert "Log in to apply" in page

    auth.login("student")
    page = client.get(f"/opportunities/{opportunity.id}").get_data(as_text=True)
    assert f'action="/opportunities/{opportunity.id}/apply"' in page
    assert "<strong>Profile:</strong> the matching uses complete profiles only; yours still needs" in page

    client.post(f"/opportunities/{opportunity.id}/apply", data={})
    page = client.get(f"/opportunities/{opportunity.id}").get_data(as_text=True)
    assert "You ranked this <strong>choice 1</strong>" in page
    assert f'action="/opportunities/{opportunity.id}/apply"' not in page


def test_the_opportunity_page_warns_when_the_level_is_not_accepted(auth, client, users):
    student = auth.login("student")
    users.profile(student, level_rank=2)
    opportunity = users.opportunity(level_min=4, level_max=6)
    page = client.get(f"/opportunities/{opportunity.id}").get_data(as_text=True)
    assert "<strong>Training level:</strong> accepts " in page
    assert "; your profile says " in page


@pytest.mark.parametrize("role", ["org_member", "coordinator"])
def test_other_roles_see_no_apply_box_and_cannot_apply(auth, client, users, role):
    opportunity = users.opportunity()
    auth.login(role)
    page = client.get(f"/opportunities/{opportunity.id}").get_data(as_text=True)
    assert "Log in to apply" not in page and f"/opportunities/{opportunity.id}/apply" not in page
    assert client.post(f"/opportunities/{opportunity.id}/apply", data={}).status_code == 403


def test_the_organisation_finds_its_applicants_from_the_opportunity_page(auth, client, users):
    organisation = users.organisation()
    opportunity = users.opportunity(organisation)
    users.application(users.create(role="student"), opportunity)
    auth.login("org_member", organisation=organisation)
    page = client.get(f"/opportunities/{opportunity.id}").get_data(as_text=True)
    assert f'href="/opportunities/{opportunity.id}/applicants">1 applicant</a>' in page
    client.post("/logout")
    auth.login("org_member")  # another organisation
    assert "/applicants" not in client.get(f"/opportunities/{opportunity.id}").get_data(as_text=True)


def test_reordering_moves_an_application_up_and_down(auth, client, users):
    student = auth.login("student")
    a, b, c = (users.opportunity(title=t) for t in ("A", "B", "C"))
    for opportunity in (a, b, c):
        client.post(f"/opportunities/{opportunity.id}/apply", data={})

    client.post(f"/applications/{_application(student, c).id}/move/up")
    assert _ranked_titles(student) == ["A", "C", "B"]
    client.post(f"/applications/{_application(student, c).id}/move/up")
    assert _ranked_titles(student) == ["C", "A", "B"]
    client.post(f"/applications/{_application(student, c).id}/move/down")
    assert _ranked_titles(student) == ["A", "C", "B"]
    assert _ranks(student) == [1, 2, 3]

    page = client.get("/applications").get_data(as_text=True)
    assert page.index(">A</a>") < page.index(">C</a>") < page.index(">B</a>")


def test_the_first_cannot_move_up_nor_the_last_down(auth, client, users):
    student = auth.login("student")
    a, b = users.opportunity(title="A"), users.opportunity(title="B")
    users.application(student, a)
    users.application(student, b)
    response = client.post(f"/applications/{_application(student, a).id}/move/up", follow_redirects=True)
    assert "That application cannot move further." in response.get_data(as_text=True)
    client.post(f"/applications/{_application(student, b).id}/move/down")
    assert _ranked_titles(student) == ["A", "B"]


def test_the_eleventh_application_is_refused(auth, client, users):
    student = auth.login("student")
    organisation = users.organisation()
    for n in range(10):
        users.application(student, users.opportunity(organisation, title=f"Choice {n + 1}"))
    eleventh = users.opportunity(organisation, title="One too many")

    page = client.get(f"/opportunities/{eleventh.id}").get_data(as_text=True)
    assert "You already have 10 applications" in page

    response = client.post(f"/opportunities/{eleventh.id}/apply", data={"motivation": "Please"})
    assert response.status_code == 422
    assert "You already have 10 applications, the most there can be." in response.get_data(as_text=True)
    assert len(_ranks(student)) == 10 and _application(student, eleventh) is None


def test_an_application_after_the_deadline_is_refused(auth, client, users):
    student = auth.login("student")
    late = users.opportunity(deadline=YESTERDAY)
    page = client.get(f"/opportunities/{late.id}").get_data(as_text=True)
    assert "The deadline for applications has passed." in page

    response = client.post(f"/opportunities/{late.id}/apply", data={})
    assert response.status_code == 422
    assert f"The deadline for applications was {YESTERDAY.day} {YESTERDAY:%B %Y}." in response.get_data(
        as_text=True
    )
    assert _ranks(student) == []


def test_an_application_on_the_deadline_day_is_accepted(auth, client, users):
    student = auth.login("student")
    today = users.opportunity(deadline=date.today())
    assert client.post(f"/opportunities/{today.id}/apply", data={}).status_code == 302
    assert _ranks(student) == [1]


def test_after_its_deadline_an_applications_place_in_the_list_is_fixed(auth, client, users):
    student = auth.login("student")
    open_one = users.opportunity(title="Still open")
    closed = users.opportunity(title="Deadline passed", deadline=YESTERDAY)
    users.application(student, open_one)
    users.application(student, closed)

    page = client.get("/applications").get_data(as_text=True)
    assert "Deadline passed: waiting for the match" in page
    response = client.post(
        f"/applications/{_application(student, open_one).id}/move/down", follow_redirects=True
    )
    assert "The deadline for “Deadline passed” has passed" in response.get_data(as_text=True)
    assert _ranked_titles(student) == ["Still open", "Deadline passed"]


def test_changing_the_motivation_until_the_deadline(auth, client, users):
    student = auth.login("student")
    application = users.application(student, users.opportunity(), motivation="First draft")
    response = client.post(f"/applications/{application.id}/motivation", data={"motivation": "Better"})
    assert response.status_code == 302
    assert _application(student, application.opportunity).motivation == "Better"
    response = client.post(f"/applications/{application.id}/motivation", data={"motivation": "x" * 2001})
    assert response.status_code == 422 and "At most 2000 characters." in response.get_data(as_text=True)


def test_a_withdrawal_frees_the_slot_and_the_later_choices_move_up(auth, client, users):
    student = auth.login("student")
    organisation = users.organisation()
    opportunities = [users.opportunity(organisation, title=f"Choice {n + 1}") for n in range(10)]
    for opportunity in opportunities:
        users.application(student, opportunity)
    second = _application(student, opportunities[1])

    response = client.post(f"/applications/{second.id}/withdraw", follow_redirects=True)
    assert "You withdrew your application to “Choice 2”." in response.get_data(as_text=True)
    assert _ranks(student) == list(range(1, 10))
    assert _ranked_titles(student)[:3] == ["Choice 1", "Choice 3", "Choice 4"]

    another = users.opportunity(organisation, title="Now there is room")
    assert client.post(f"/opportunities/{another.id}/apply", data={}).status_code == 302
    assert _ranked_titles(student)[-1] == "Now there is room" and _ranks(student) == list(range(1, 11))

    # Withdrawn from the opportunity, the applicant may apply to it again, at the end of the list.
    client.post(f"/applications/{_application(student, another).id}/withdraw")
    assert client.post(f"/opportunities/{opportunities[1].id}/apply", data={}).status_code == 302
    assert _application(student, opportunities[1]).rank == 10


def test_a_withdrawn_application_reads_as_withdrawn_until_applied_to_again(auth, client, users):
    student = auth.login("student")
    organisation = users.organisation()
    kept, dropped = (users.opportunity(organisation, title=t) for t in ("Kept choice", "Dropped choice"))
    users.application(student, kept)
    users.application(student, dropped)

    client.post(f"/applications/{_application(student, dropped).id}/withdraw")
    page = client.get("/applications").get_data(as_text=True)
    withdrawn = page[page.index('id="withdrawn-heading"') :]
    assert "Dropped choice" in withdrawn and "Withdrawn" in withdrawn and "Kept choice" not in withdrawn
    assert f"on {date.today().strftime('%-d %b %Y')}" in withdrawn
    assert _ranked_titles(student) == ["Kept choice"]  # nothing else moved
    exported = json.loads(client.get("/profile/data.json").data)
    assert [w["opportunity"]["title"] for w in exported["withdrawn_applications"]] == ["Dropped choice"]

    # Withdrawn twice after applying again: still one line, with the latest date.
    client.post(f"/opportunities/{dropped.id}/apply", data={})
    assert 'id="withdrawn-heading"' not in client.get("/applications").get_data(as_text=True)
    client.post(f"/applications/{_application(student, dropped).id}/withdraw")
    page = client.get("/applications").get_data(as_text=True)
    assert page[page.index('id="withdrawn-heading"') :].count("Dropped choice") == 1


def test_applying_twice_to_the_same_opportunity_is_refused(auth, client, users):
    student = auth.login("student")
    opportunity = users.opportunity()
    client.post(f"/opportunities/{opportunity.id}/apply", data={})
    response = client.post(f"/opportunities/{opportunity.id}/apply", data={})
    assert response.status_code == 422
    assert "You have already applied" in response.get_data(as_text=True)
    assert _ranks(student) == [1]


@pytest.mark.parametrize("status", ["draft", "archived"])
def test_unpublished_opportunities_cannot_be_applied_to(auth, client, users, status):
    auth.login("student")
    hidden = users.opportunity(status=status)
    assert client.get(f"/opportunities/{hidden.id}/apply").status_code == 404
    assert client.post(f"/opportunities/{hidden.id}/apply", data={}).status_code == 404


def test_a_closed_opportunity_no_longer_takes_applications(auth, client, users):
    student = auth.login("student")
    closed = users.opportunity(status="closed")
    response = client.post(f"/opportunities/{closed.id}/apply", data={})
    assert response.status_code == 422
    assert "This opportunity no longer takes applications." in response.get_data(as_text=True)
    assert _ranks(student) == []


def test_an_unverified_organisations_opportunity_cannot_be_applied_to(auth, client, users):
    auth.login("student")
    opportunity = users.opportunity(users.organisation(verified=False))
    assert client.post(f"/opportunities/{opportunity.id}/apply", data={}).status_code == 404


def test_a_motivation_over_2000_characters_gets_a_field_error(auth, client, users):
    student = auth.login("student")
    opportunity = users.opportunity()
    response = client.post(f"/opportunities/{opportunity.id}/apply", data={"motivation": "x" * 2001})
    assert response.status_code == 422
    assert 'id="motivation-error"' in response.get_data(as_text=True)
    assert _ranks(student) == []


def test_control_characters_in_a_motivation_get_a_field_error(auth, client, users):
    student = auth.login("student")
    opportunity = users.opportunity()
    response = client.post(f"/opportunities/{opportunity.id}/apply", data={"motivation": "bell \x07 inside"})
    assert response.status_code == 422
    assert "invisible control characters" in response.get_data(as_text=True)
    nul = client.post(f"/opportunities/{opportunity.id}/apply", data={"motivation": "nul \x00 inside"})
    assert nul.status_code == 400 and "null character" in nul.get_data(as_text=True)
    assert _ranks(student) == []


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("post", "/opportunities/99999999999999999999/apply"),
        ("post", "/applications/99999999999999999999/withdraw"),
        ("post", "/applications/99999999999999999999/move/up"),
        ("get", "/applications/99999999999999999999/motivation"),
    ],
)
def test_an_id_beyond_the_database_range_is_404(auth, client, method, path):
    auth.login("student")
    assert getattr(client, method)(path).status_code == 404


def test_nobody_moves_or_withdraws_someone_elses_application(auth, client, users):
    owner = users.create(role="student")
    application = users.application(owner, users.opportunity())
    auth.login("student")
    assert client.post(f"/applications/{application.id}/withdraw").status_code == 404
    assert client.post(f"/applications/{application.id}/move/up").status_code == 404
    assert client.get(f"/applications/{application.id}/motivation").status_code == 404
    assert _ranks(owner) == [1]


# --- the organisation's side -------------------------------------------------------------------


def test_an_organisation_sees_its_applicants_with_their_ranks_and_sets_its_order(auth, client, users):
    organisation = users.organisation()
    opportunity = users.opportunity(organisation, title="Our elective")
    amina = users.create(role="student", name="Amina Mushi")
    lucas = users.create(role="student", name="Lucas Pereira")
    users.profile(amina)
    users.application(amina, users.opportunity())  # her first choice is elsewhere
    users.application(amina, opportunity, motivation="I grew up in Dar.")
    users.application(lucas, opportunity)

    auth.login("org_member", organisation=organisation)
    page = client.get(f"/opportunities/{opportunity.id}/applicants").get_data(as_text=True)
    assert "2 applications for 2 places" in page
    assert "Amina Mushi" in page and "Lucas Pereira" in page and "I grew up in Dar." in page
    assert f'href="/profiles/{amina.id}"' in page
    # Amina's complete profile gets the engine's score; Lucas (no profile) gets none.
    assert "Match score" in page and re.search(r"<strong>0\.\d\d</strong>", page)
    assert "No score: the profile is incomplete" in page
    assert "complete" in page and "incomplete" in page

    rows = {
        a.applicant_id: a.id
        for a in db.session.scalars(select(Application).where(Application.opportunity_id == opportunity.id))
    }
    response = client.post(
        f"/opportunities/{opportunity.id}/applicants",
        data={f"position_{rows[amina.id]}": "20", f"position_{rows[lucas.id]}": "5"},
        follow_redirects=True,
    )
    page = response.get_data(as_text=True)
    assert "Your order of the applicants is saved." in page
    assert page.index("Lucas Pereira") < page.index("Amina Mushi")
    assert _application(lucas, opportunity).host_rank == 1 and _application(amina, opportunity).host_rank == 2
    # The applicant's own ranks are untouched.
    assert _application(amina, opportunity).rank == 2 and _application(lucas, opportunity).rank == 1


def test_the_organisation_must_give_each_applicant_a_different_number(auth, client, users):
    organisation = users.organisation()
    opportunity = users.opportunity(organisation)
    first, second = users.create(role="student"), users.create(role="student")
    a, b = users.application(first, opportunity), users.application(second, opportunity)
    auth.login("org_member", organisation=organisation)
    response = client.post(
        f"/opportunities/{opportunity.id}/applicants",
        data={f"position_{a.id}": "1", f"position_{b.id}": "1"},
    )
    assert response.status_code == 422
    assert "1 is used more than once" in response.get_data(as_text=True)
    assert _application(first, opportunity).host_rank is None


def test_the_organisation_cannot_rank_an_application_to_another_opportunity(auth, client, users):
    organisation = users.organisation()
    ours = users.opportunity(organisation)
    elsewhere = users.application(users.create(role="student"), users.opportunity())
    auth.login("org_member", organisation=organisation)
    response = client.post(f"/opportunities/{ours.id}/applicants", data={f"position_{elsewhere.id}": "1"})
    assert response.status_code == 302
    assert db.session.get(Application, elsewhere.id).host_rank is None


def test_a_bad_number_in_the_organisations_order_gets_a_field_error(auth, client, users):
    organisation = users.organisation()
    opportunity = users.opportunity(organisation)
    application = users.application(users.create(role="student"), opportunity)
    auth.login("org_member", organisation=organisation)
    for bad in ("0", "first", "1000"):
        response = client.post(
            f"/opportunities/{opportunity.id}/applicants", data={f"position_{application.id}": bad}
        )
        assert response.status_code == 422, bad
        assert f'id="position_{application.id}-error"' in response.get_data(as_text=True)
    assert db.session.get(Application, application.id).host_rank is None


def test_applicants_page_access(auth, client, users):
    organisation = users.organisation()
    opportunity = users.opportunity(organisation)
    path = f"/opportunities/{opportunity.id}/applicants"
    assert client.get(path).status_code == 302  # anonymous: to the login page
    auth.login("student")
    assert client.get(path).status_code == 403
    client.post("/logout")
    auth.login("org_member")  # a member of another organisation
    assert client.get(path).status_code == 404
    client.post("/logout")
    auth.login("coordinator")
    assert client.get(path).status_code == 200
    assert client.get("/opportunities/999999/applicants").status_code == 404
    assert client.get("/opportunities/99999999999999999999/applicants").status_code == 404


# --- dashboards --------------------------------------------------------------------------------


def test_a_students_dashboard_shows_applications_with_status_and_deadline(auth, client, users):
    student = auth.login("student")
    deadline = date.today() + timedelta(days=40)
    users.application(student, users.opportunity(title="Open elective", deadline=deadline))
    users.application(student, users.opportunity(title="Closed elective", status="closed"))
    page = client.get("/dashboard").get_data(as_text=True)
    assert "Open elective" in page and "Closed elective" in page
    assert "Open: you can change your order until the deadline" in page
    assert "Closed by the organisation" in page
    assert deadline.strftime("%-d %b %Y") in page
    assert "Still to fill in" in page or "% complete" in page


def test_an_organisations_dashboard_counts_applications_and_places(auth, client, users):
    organisation = users.organisation()
    busy = users.opportunity(organisation, title="Busy elective", capacity=3)
    users.opportunity(organisation, title="Quiet elective", capacity=1)
    users.opportunity(organisation, title="Old elective", status="archived")
    for _ in range(2):
        users.application(users.create(role="student"), busy)
    auth.login("org_member", organisation=organisation)
    page = client.get("/dashboard").get_data(as_text=True)
    assert "Applications to your opportunities" in page
    table = page[page.index("Applications to your opportunities") :]  # the next steps name them too
    busy_row = table[table.index("Busy elective") :]
    assert "2 applications" in busy_row[:600] and "0 of 3 filled" in busy_row[:600]
    quiet_row = table[table.index("Quiet elective") :]
    assert "0 applications" in quiet_row[:600] and "0 of 1 filled" in quiet_row[:600]
    assert "Old elective" not in page


def test_the_host_reads_why_each_applicant_scores_as_they_do_in_the_third_person(auth, client, users):
    organisation = users.organisation()
    opportunity = users.opportunity(organisation, title="Swahili elective", languages=(("sw", "basic"),))
    amina = users.create(role="student", name="Amina Mushi")
    tomas = users.create(role="student", name="Tomas Berg")
    users.profile(amina, languages=(("en", "professional"), ("sw", "conversational")))
    users.profile(tomas)  # English only
    users.application(amina, opportunity)
    users.application(tomas, opportunity)

    auth.login("org_member", organisation=organisation)
    page = client.get(f"/opportunities/{opportunity.id}/applicants").get_data(as_text=True)
    page = html.unescape(page)
    amina_row = page[page.index("Amina Mushi") : page.index("Tomas Berg")]
    tomas_row = page[page.index("Tomas Berg") :]
    # Amina's score stands with its reasons, about her by name.
    assert re.search(r"<strong>0\.\d\d</strong>", amina_row)
    assert "In Eastern Africa, a sub-region Amina Mushi chose" in amina_row
    assert "Amina Mushi is free for" in amina_row
    # Tomas fails a hard rule: no bare 0.00, but why the matching would not place him.
    assert "0.00" not in tomas_row and "Not eligible" in tomas_row
    assert "Needs basic Swahili; Tomas Berg's profile does not list Swahili" in tomas_row
    # Nothing speaks to the host as if they were the applicant.
    for second_person in ("your profile", "you chose", "You are free", "Your choice"):
        assert second_person not in page


def test_the_apply_page_offers_no_apply_button_where_applying_cannot_work(auth, client, users):
    auth.login("student")
    late = users.opportunity(title="Too late", deadline=date.today() - timedelta(days=1))
    page = client.get(f"/opportunities/{late.id}/apply").get_data(as_text=True)
    assert "The deadline for applications has passed." in page and ">Apply</button>" not in page
    open_one = users.opportunity(title="Still open")
    assert ">Apply</button>" in client.get(f"/opportunities/{open_one.id}/apply").get_data(as_text=True)
    # Refused on the way (the deadline passed while they typed): the form stays, with what was typed.
    response = client.post(f"/opportunities/{late.id}/apply", data={"motivation": "I speak Swahili."})
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and ">Apply</button>" in page and "I speak Swahili." in page
