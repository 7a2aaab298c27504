"""Before applying: every hard rule an applicant fails, on the opportunity page, in the apply box and
in search, in the engine's words naming their own data; search's "only places I can be matched to";
applying needs a confirmed email address."""

from __future__ import annotations

import re
from datetime import date, timedelta
from html import unescape

from sqlalchemy import func, select

from matcher.extensions import db
from matcher.models import Application, OutboxMessage
from tests.support.querycount import counting_queries, read_reference_data

TODAY = date.today()


def _text(response) -> str:
    """The page's text with tags dropped and spaces collapsed, as a reader sees it."""
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))).split())


def _applicant(auth, users, **profile):
    student = auth.login("student")
    users.profile(student, **profile)
    return student


def test_the_opportunity_page_names_each_failed_rule_with_the_applicants_own_data(auth, client, users):
    # A year-5 student (level 5) free for 20 days, speaking English only.
    start = TODAY + timedelta(days=90)
    _applicant(auth, users, availability=((start, start + timedelta(days=19)),))
    opportunity = users.opportunity(
        title="Addis teaching elective",
        level_min=6,
        level_max=6,
        languages=(("am", "basic"),),
        starts_on=start,
        ends_on=start + timedelta(days=60),
        flexible=True,
        min_weeks=4,
    )
    page = _text(client.get(f"/opportunities/{opportunity.id}"))
    assert "You cannot be matched to this opportunity, for 3 reasons:" in page
    assert "Training level: accepts " in page and "; your profile says " in page
    assert "Language: needs basic Amharic; your profile does not list Amharic." in page
    assert (
        "Dates: needs 28 days between "
        f"{start.day} {start:%B %Y} to {(start + timedelta(days=60)).day} "
        f"{start + timedelta(days=60):%B %Y}; your longest availability in that period is 20 days." in page
    )
    # The apply box still lets them apply (the rules are a warning, and profiles change).
    assert f'action="/opportunities/{opportunity.id}/apply"' in client.get(
        f"/opportunities/{opportunity.id}"
    ).get_data(as_text=True)


def test_an_eligible_applicant_sees_no_warning(auth, client, users):
    _applicant(auth, users)
    opportunity = users.opportunity()
    page = _text(client.get(f"/opportunities/{opportunity.id}"))
    assert "You cannot be matched" not in page


def test_a_passed_deadline_and_a_place_held_elsewhere_are_rules_too(auth, client, users):
    student = _applicant(auth, users)
    held = users.opportunity(title="Kigali observership")
    users.match(student, held, "accepted")
    late = users.opportunity(deadline=TODAY - timedelta(days=1))
    page = _text(client.get(f"/opportunities/{late.id}"))
    day = TODAY - timedelta(days=1)
    assert f"Deadline: applications closed on {day.day} {day:%B %Y}." in page
    assert (
        "Place already held: you already hold a place at Kigali observership; "
        "the matching gives each person one place." in page
    )
    assert "you already hold a place here" in _text(client.get(f"/opportunities/{held.id}"))


def test_a_completed_placement_is_not_a_place_held(auth, client, users):
    student = _applicant(auth, users)
    users.match(student, users.opportunity(title="Last year's elective"), "completed")
    page = _text(client.get(f"/opportunities/{users.opportunity().id}"))
    assert "Place already held" not in page and "Last year's elective" not in page


def test_an_application_made_before_the_deadline_is_not_told_the_deadline_passed(auth, client, users):
    student = _applicant(auth, users)
    opportunity = users.opportunity(deadline=TODAY - timedelta(days=1))
    users.application(student, opportunity)
    page = _text(client.get(f"/opportunities/{opportunity.id}"))
    assert "You ranked this choice 1" in page
    assert "Deadline:" not in page


def test_an_offer_not_yet_published_is_not_mentioned(auth, client, users):
    student = _applicant(auth, users)
    users.match(student, users.opportunity(title="Approved only"), "approved")
    page = _text(client.get(f"/opportunities/{users.opportunity().id}"))
    assert "Place already held" not in page and "Approved only" not in page


def test_an_incomplete_profile_is_told_what_it_still_needs(auth, client, users):
    auth.login("student")
    opportunity = users.opportunity()
    page = _text(client.get(f"/opportunities/{opportunity.id}"))
    assert "Profile: the matching uses complete profiles only; yours still needs your training level" in page
    assert "Training level: accepts " in page and "your profile gives no training level" in page


def test_search_shows_only_places_the_applicant_can_be_matched_to_by_default(auth, client, users):
    _applicant(auth, users)
    users.opportunity(title="Fits my profile")
    users.opportunity(title="Needs Amharic", languages=(("am", "basic"),))
    page = _text(client.get("/opportunities"))
    assert "Fits my profile" in page and "Needs Amharic" not in page
    assert "1 opportunity found." in page
    assert re.search(
        r'name="matchable" value="1"\s+checked', client.get("/opportunities").get_data(as_text=True)
    )

    everything = _text(client.get("/opportunities?matchable=0"))
    assert "Fits my profile" in everything and "Needs Amharic" in everything
    assert "Language: needs basic Amharic; your profile does not list Amharic." in everything
    assert "2 opportunities found." in everything
    # The eligible one carries no warning.
    card = everything.split("Fits my profile", 1)[1].split("Needs Amharic", 1)[0]
    assert "cannot be matched" not in card


def test_switching_the_filter_off_survives_pagination(auth, client, users):
    _applicant(auth, users)
    for n in range(3):
        users.opportunity(title=f"Amharic {n}", languages=(("am", "basic"),))
    html = client.get("/opportunities?matchable=0&per_page=2").get_data(as_text=True)
    assert "3 opportunities found." in _text(client.get("/opportunities?matchable=0&per_page=2"))
    next_link = re.search(r'href="([^"]*[?&;]page=2[^"]*)"', html).group(1)
    assert "matchable=0" in unescape(next_link)
    second = client.get(unescape(next_link)).get_data(as_text=True)
    assert not re.search(r'name="matchable" value="1"\s+checked', second)
    assert "Amharic 2" in _text(client.get(unescape(next_link)))


def test_the_form_switches_the_filter_off_with_its_hidden_field(auth, client, users):
    _applicant(auth, users)
    users.opportunity(title="Needs Amharic", languages=(("am", "basic"),))
    # An unticked checkbox sends only the hidden "0"; a ticked one sends "0" then "1".
    assert "Needs Amharic" in _text(client.get("/opportunities?matchable=0"))
    assert "Needs Amharic" not in _text(client.get("/opportunities?matchable=0&matchable=1"))


def test_the_filter_is_off_by_default_for_an_incomplete_profile(auth, client, users):
    auth.login("student")
    users.opportunity(title="Somewhere")
    html = client.get("/opportunities").get_data(as_text=True)
    assert not re.search(r'name="matchable" value="1"\s+checked', html)
    page = _text(client.get("/opportunities"))
    assert "Somewhere" in page and "Profile: the matching uses complete profiles only" in page


def test_anonymous_visitors_and_staff_get_no_filter_and_no_warnings(auth, client, users):
    users.opportunity(title="Needs Amharic", languages=(("am", "basic"),))
    for login in (None, "coordinator"):
        if login:
            auth.login(login)
        html = client.get("/opportunities").get_data(as_text=True)
        assert 'name="matchable"' not in html
        assert "Needs Amharic" in html and "cannot be matched" not in html


def test_sorted_by_best_match_each_result_shows_its_score_and_top_reasons(auth, client, users):
    _applicant(auth, users, interests=("pph-embolisation",))
    users.opportunity(title="Best fit", interests=("pph-embolisation",))
    page = _text(client.get("/opportunities?sort=score"))
    score = re.search(r"Best fit .*? Match score (\d+) out of 100", page)
    assert score and 0 < int(score.group(1)) <= 100
    reasons = "1 of 1 interests match: Post-partum haemorrhage embolisation In Eastern Africa, a sub-region"
    assert reasons in page


def test_an_unconfirmed_applicant_is_told_why_and_offered_a_new_link(auth, client, users):
    student = auth.login("student", verified=False)
    users.profile(student)
    opportunity = users.opportunity()
    html = client.get(f"/opportunities/{opportunity.id}").get_data(as_text=True)
    page = _text(client.get(f"/opportunities/{opportunity.id}"))
    assert "Confirm your email address before you apply: we sent a link to " + student.email in page
    assert f'action="/opportunities/{opportunity.id}/apply"' not in html
    forms = re.findall(r'<form method="post" action="/verify/resend".*?</form>', html, re.S)
    resend = next(f for f in forms if "Send me a new confirmation link" in f)
    assert f'name="next" value="/opportunities/{opportunity.id}"' in resend

    refused = client.post(f"/opportunities/{opportunity.id}/apply", data={"motivation": "Keen"})
    assert refused.status_code == 422
    assert "Confirm your email address before you apply" in _text(refused)
    assert db.session.scalar(select(func.count()).select_from(Application)) == 0

    before = db.session.scalar(select(func.count()).select_from(OutboxMessage))
    sent = client.post("/verify/resend", data={"next": f"/opportunities/{opportunity.id}"})
    assert sent.status_code == 302 and sent.headers["Location"].endswith(f"/opportunities/{opportunity.id}")
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == before + 1
    newest = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id.desc())).first()
    assert newest.to_address == student.email and "/verify/" in newest.body_text


def test_a_confirmed_applicant_applies(auth, client, users):
    student = auth.login("student")
    users.profile(student)
    opportunity = users.opportunity()
    response = client.post(f"/opportunities/{opportunity.id}/apply", data={"motivation": "Keen"})
    assert response.status_code == 302
    assert db.session.scalar(select(func.count()).select_from(Application)) == 1


# The search form: the applicant's level first, M49 groupings, several sub-regions, inhabited places.


def test_accepts_my_training_level_starts_at_the_applicants_level(auth, client, users):
    _applicant(auth, users)  # a year-5 student
    users.opportunity(title="For year 5", level_min=4, level_max=6)
    users.opportunity(title="Residents only", level_min=8, level_max=10)
    html = client.get("/opportunities?matchable=0").get_data(as_text=True)
    assert re.search(r'<option value="ms5"\s+selected>', html)
    page = _text(client.get("/opportunities?matchable=0"))
    assert "For year 5" in page and "Residents only" not in page

    # "Any level" is a choice of its own, kept from page to page.
    html = client.get("/opportunities?matchable=0&level=any&per_page=1").get_data(as_text=True)
    assert "Residents only" in _text(client.get("/opportunities?matchable=0&level=any"))
    assert re.search(r'<option value="any"\s+selected>', html)
    assert "level=any" in unescape(re.search(r'href="([^"]*page=2[^"]*)"', html).group(1))


def test_no_level_is_pre_filled_for_visitors_or_applicants_without_one(auth, client, users):
    users.opportunity(title="Residents only", level_min=8, level_max=10)
    assert "Residents only" in _text(client.get("/opportunities"))
    auth.login("student")  # no profile yet
    assert "Residents only" in _text(client.get("/opportunities"))


def test_sub_saharan_africa_and_several_sub_regions_at_once(client, users):
    users.opportunity(title="In Tanzania", country_code="TZ")  # Eastern Africa
    users.opportunity(title="In Nigeria", country_code="NG")  # Western Africa
    users.opportunity(title="In Egypt", country_code="EG")  # Northern Africa
    users.opportunity(title="In Haiti", country_code="HT")  # Caribbean
    page = _text(client.get("/opportunities?subregion=Sub-Saharan+Africa"))
    assert "In Tanzania" in page and "In Nigeria" in page
    assert "In Egypt" not in page and "In Haiti" not in page
    page = _text(client.get("/opportunities?subregion=Northern+Africa&subregion=Caribbean"))
    assert "In Egypt" in page and "In Haiti" in page and "In Tanzania" not in page
    html = client.get("/opportunities?subregion=Northern+Africa&subregion=Caribbean").get_data(as_text=True)
    assert re.search(r'type="checkbox" name="subregion" value="Sub-Saharan Africa"(?!\s+checked)', html)
    assert re.search(r'type="checkbox" name="subregion" value="Caribbean"\s+checked', html)
    assert 'type="checkbox" name="subregion" value="Eastern Africa"' in html
    assert client.get("/opportunities?subregion=Atlantis").status_code == 400


def test_the_country_list_leaves_out_territories_where_nobody_lives(client):
    html = client.get("/opportunities").get_data(as_text=True)
    countries = re.search(r'<select id="country" name="country">(.*?)</select>', html, re.S).group(1)
    for code in ("BV", "HM", "GS", "TF", "UM", "IO", "AQ"):
        assert f'value="{code}"' not in countries
    for code in ("TZ", "PN", "TK"):  # Pitcairn and Tokelau are small, but people live there
        assert f'value="{code}"' in countries


def test_search_with_the_filter_on_sends_as_many_statements_for_30_results_as_for_2(auth, client, users):
    _applicant(auth, users)

    def measure(n: int) -> int:
        read_reference_data()  # the factories may have changed it
        with counting_queries() as log:
            page = _text(client.get("/opportunities?sort=score&per_page=100"))
        assert f"{n} opportunities found." in page and page.count("Match score ") == n
        return log.count

    for n in range(2):
        users.opportunity(title=f"Eligible {n}")
    few = measure(2)
    for n in range(2, 30):
        users.opportunity(title=f"Eligible {n}")
    many = measure(30)
    assert few == many <= 16
