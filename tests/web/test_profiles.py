"""Applicant profiles: filling in, validation with field errors, completeness, and who may see them."""

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from matcher.extensions import db
from matcher.models import AvailabilityWindow, Profile, ProfileLanguage

SOON = date.today() + timedelta(days=60)


def _day(offset: int) -> str:
    return (SOON + timedelta(days=offset)).isoformat()


def complete_form(**overrides) -> dict:
    """What a year-5 student posts for a complete profile."""
    data = {
        "level": "5",
        "institution": "University of Nairobi",
        "home_country": "KE",
        "regions": ["Africa"],
        "subregions": ["Eastern Africa", "South-eastern Asia"],
        "interests": ["pph-embolisation", "biliary-drainage"],
        "availability-0-starts_on": _day(0),
        "availability-0-ends_on": _day(30),
        "availability-1-starts_on": _day(60),
        "availability-1-ends_on": _day(90),
        "languages-0-language": "en",
        "languages-0-level": "professional",
        "languages-1-language": "sw",
        "languages-1-level": "conversational",
        "statement": "I want to learn how an IR service is built where there is none.",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def _profile(user) -> Profile | None:
    return db.session.scalar(select(Profile).where(Profile.user_id == user.id))


def test_student_fills_in_a_complete_profile_and_sees_it(auth, client):
    student = auth.login("student")
    response = client.post("/profile/edit", data=complete_form())
    assert response.status_code == 302
    page = client.get("/profile").get_data(as_text=True)
    assert "100% complete" in page and "ready for matching" in page
    for shown in (
        "Medical student, year 5",
        "University of Nairobi",
        "Kenya",
        "Eastern Africa",
        "Post-partum haemorrhage embolisation",
        "Swahili (conversational)",
    ):
        assert shown in page, shown

    profile = _profile(student)
    assert profile.level_rank == 5 and profile.regions == ["Africa"]
    assert sorted(profile.subregions) == ["Eastern Africa", "South-eastern Asia"]
    assert [(w.starts_on, w.ends_on) for w in profile.availability] == [
        (SOON, SOON + timedelta(days=30)),
        (SOON + timedelta(days=60), SOON + timedelta(days=90)),
    ]
    assert sorted((x.language, x.level) for x in profile.languages) == [
        ("en", "professional"),
        ("sw", "conversational"),
    ]


def test_a_partial_profile_is_saved_and_lists_what_is_missing(auth, client):
    auth.login("student")
    response = client.post(
        "/profile/edit", data={"level": "4", "institution": "Makerere University"}, follow_redirects=True
    )
    page = response.get_data(as_text=True)
    assert "Fill in the rest so that the matching can use it." in page
    assert "25% complete" in page and "not used for matching yet" in page
    assert "The languages you speak" in page and "When you are available" in page


def test_the_edit_page_shows_what_was_saved(auth, client):
    auth.login("student")
    client.post("/profile/edit", data=complete_form())
    page = client.get("/profile/edit").get_data(as_text=True)
    assert 'value="University of Nairobi"' in page
    assert f'value="{_day(60)}"' in page
    assert '<option selected value="sw">' in page


def test_saving_again_replaces_windows_and_languages(auth, client):
    student = auth.login("student")
    client.post("/profile/edit", data=complete_form())
    client.post(
        "/profile/edit",
        data=complete_form(
            **{"availability-1-starts_on": "", "availability-1-ends_on": "", "languages-1-language": ""}
        ),
    )
    profile = _profile(student)
    assert len(profile.availability) == 1 and [x.language for x in profile.languages] == ["en"]


@pytest.mark.parametrize(
    ("windows", "message"),
    [
        (
            {"availability-0-starts_on": _day(30), "availability-0-ends_on": _day(0)},
            "Period 1 ends before it starts.",
        ),
        (
            {"availability-1-starts_on": _day(20), "availability-1-ends_on": _day(40)},
            "overlap: make them one period.",
        ),
        (
            {"availability-1-starts_on": _day(30), "availability-1-ends_on": _day(31)},
            "overlap",  # sharing the last day is an overlap: both ends are included
        ),
        (
            {"availability-1-starts_on": _day(60), "availability-1-ends_on": ""},
            "give both the first and the last",
        ),
        ({"availability-1-starts_on": "2020-01-01", "availability-1-ends_on": "2020-02-01"}, "already over"),
        ({"availability-1-starts_on": _day(60), "availability-1-ends_on": "2999-01-01"}, "three years ahead"),
        ({"availability-1-starts_on": "31/02/2027", "availability-1-ends_on": _day(90)}, "Enter a real date"),
    ],
)
def test_bad_availability_windows_get_a_field_error_and_nothing_is_saved(auth, client, windows, message):
    student = auth.login("student")
    response = client.post("/profile/edit", data=complete_form(**windows))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert message in page
    assert 'id="availability-error"' in page and 'aria-describedby="availability-error"' in page
    assert _profile(student) is None
    assert db.session.scalar(select(func.count()).select_from(AvailabilityWindow)) == 0


def test_windows_that_touch_without_overlapping_are_accepted(auth, client):
    student = auth.login("student")
    touching = {"availability-1-starts_on": _day(31), "availability-1-ends_on": _day(40)}
    assert client.post("/profile/edit", data=complete_form(**touching)).status_code == 302
    assert len(_profile(student).availability) == 2


@pytest.mark.parametrize("level", ["99", "0", "-1", "abc", "7", "15"])
def test_a_level_outside_the_list_is_refused(auth, client, level):
    """Unknown ranks, junk, and levels after graduation for a medical student are all refused."""
    student = auth.login("student")
    response = client.post("/profile/edit", data=complete_form(level=level))
    assert response.status_code == 422
    assert "Choose your training level from the list." in response.get_data(as_text=True)
    assert _profile(student) is None


def test_a_trainee_chooses_among_the_levels_after_graduation(auth, client):
    """An IR trainee: intern to fellow. Consultants have their own profession (IR physician)."""
    trainee = auth.login("trainee")
    page = client.get("/profile/edit").get_data(as_text=True)
    assert "Resident / registrar, year 3" in page and "Fellow" in page
    assert "Medical student, year 5" not in page and "Consultant / attending" not in page
    assert client.post("/profile/edit", data=complete_form(level="5")).status_code == 422
    assert client.post("/profile/edit", data=complete_form(level="15")).status_code == 422
    assert _profile(trainee) is None
    assert client.post("/profile/edit", data=complete_form(level="14")).status_code == 302
    assert _profile(trainee).level.code == "fellow"


@pytest.mark.parametrize(
    ("languages", "message"),
    [
        ({"languages-1-language": "xx"}, "Choose languages from the list."),
        ({"languages-1-language": "eng"}, "Choose languages from the list."),
        ({"languages-1-language": "EN", "languages-1-level": "basic"}, "Choose languages from the list."),
        ({"languages-1-level": "fluent"}, "Choose how well you speak Swahili."),
        ({"languages-1-level": ""}, "Choose how well you speak Swahili."),
        ({"languages-1-language": "en"}, "English is listed twice"),
    ],
)
def test_bad_languages_get_a_field_error_and_nothing_is_saved(auth, client, languages, message):
    student = auth.login("student")
    response = client.post("/profile/edit", data=complete_form(**languages))
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert _profile(student) is None
    assert db.session.scalar(select(func.count()).select_from(ProfileLanguage)) == 0


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("regions", ["Atlantis"], "Choose regions from the list."),
        ("subregions", ["Westeros"], "Choose sub-regions from the list."),
        ("interests", ["astrology"], "Choose interests from the list."),
        ("home_country", "XX", "Choose your home country from the list."),
        ("institution", "x" * 201, "At most 200 characters."),
        ("statement", "x" * 2001, "At most 2000 characters."),
    ],
)
def test_other_bad_input_gets_a_field_error(auth, client, field, value, message):
    student = auth.login("student")
    response = client.post("/profile/edit", data=complete_form(**{field: value}))
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert _profile(student) is None


def test_the_profile_form_no_longer_asks_about_teaching(auth, client):
    """Volunteer teaching has its own page (/profile/teaching); the edit page links to it."""
    trainee = auth.login("trainee")
    page = client.get("/profile/edit").get_data(as_text=True)
    assert "I volunteer to teach" not in page and 'name="teaching_interests"' not in page
    assert 'href="/profile/teaching"' in page
    teaching = {"volunteers_to_teach": "y", "teaching_interests": ["teaching"], "teaching_weeks": "4"}
    assert client.post("/profile/edit", data=complete_form(level="11", **teaching)).status_code == 302
    profile = _profile(trainee)
    assert not profile.volunteers_to_teach and profile.teaching_weeks is None
    assert profile.teaching_interests == []


def test_saving_the_profile_keeps_the_teaching_profile(auth, client, users):
    trainee = auth.login("trainee")
    users.profile(trainee, volunteers_to_teach=True, teaching_weeks=4, directory_listed=True)
    assert client.post("/profile/edit", data=complete_form(level="11")).status_code == 302
    db.session.expire_all()
    profile = _profile(trainee)
    assert profile.volunteers_to_teach and profile.teaching_weeks == 4 and profile.directory_listed


def test_a_student_is_not_offered_teaching(auth, client):
    auth.login("student")
    page = client.get("/profile/edit").get_data(as_text=True)
    assert "I volunteer to teach" not in page and 'href="/profile/teaching"' not in page


# --- who may see a profile ---------------------------------------------------------------------


def test_a_coordinator_sees_any_profile(auth, client, users):
    profile = users.profile()
    auth.login("coordinator")
    page = client.get(f"/profiles/{profile.user_id}").get_data(as_text=True)
    assert "University of Nairobi" in page and "complete profile" in page


def test_an_organisation_sees_a_profile_only_once_the_applicant_applied_to_it(auth, client, users):
    organisation = users.organisation()
    opportunity = users.opportunity(organisation, title="Elective in Dar es Salaam")
    applicant = users.create(role="student")
    users.profile(applicant)
    auth.login("org_member", organisation=organisation)
    assert client.get(f"/profiles/{applicant.id}").status_code == 404

    users.application(applicant, opportunity, motivation="I grew up near Dar.")
    page = client.get(f"/profiles/{applicant.id}").get_data(as_text=True)
    assert "University of Nairobi" in page
    assert "Elective in Dar es Salaam" in page and "I grew up near Dar." in page


def test_an_organisation_sees_only_the_applications_to_its_own_opportunities(auth, client, users):
    ours, theirs = users.organisation(), users.organisation()
    mine = users.opportunity(ours, title="Our elective")
    other = users.opportunity(theirs, title="Someone else's elective")
    applicant = users.create(role="student")
    users.profile(applicant)
    users.application(applicant, other)
    users.application(applicant, mine)
    auth.login("org_member", organisation=ours)
    page = client.get(f"/profiles/{applicant.id}").get_data(as_text=True)
    assert "Our elective" in page and "Someone else" not in page


def test_a_withdrawn_application_no_longer_opens_the_profile(auth, client, users):
    organisation = users.organisation()
    opportunity = users.opportunity(organisation)
    applicant = users.create(role="student")
    application = users.application(applicant, opportunity)
    auth.login("org_member", organisation=organisation)
    assert client.get(f"/profiles/{applicant.id}").status_code == 200
    db.session.delete(application)
    db.session.commit()
    assert client.get(f"/profiles/{applicant.id}").status_code == 404


@pytest.mark.parametrize("role", ["student", "trainee"])
def test_another_applicant_gets_404_for_a_profile(auth, client, users, role):
    profile = users.profile()
    auth.login(role)
    assert client.get(f"/profiles/{profile.user_id}").status_code == 404


def test_a_profile_that_does_not_exist_and_a_non_applicant_look_the_same(auth, client, users):
    org_member = users.create(role="org_member")
    auth.login("coordinator")
    assert client.get("/profiles/999999").status_code == 404
    assert client.get(f"/profiles/{org_member.id}").status_code == 404


def test_profile_pages_are_for_applicants_only(auth, client):
    for path in ("/profile", "/profile/edit", "/profile/cv", "/profile/data.json", "/profile/delete"):
        assert client.get(path).status_code == 302, path  # anonymous: to the login page
    auth.login("org_member")
    for path in ("/profile", "/profile/edit", "/profile/data.json", "/profile/delete"):
        assert client.get(path).status_code == 403, path


def test_navigation_shows_profile_and_applications_to_applicants_only(auth, client):
    auth.login("student")
    page = client.get("/dashboard").get_data(as_text=True)
    assert 'href="/profile"' in page and 'href="/applications"' in page
    client.post("/logout")
    auth.login("org_member")
    page = client.get("/dashboard").get_data(as_text=True)
    assert 'href="/profile"' not in page and 'href="/applications"' not in page


@pytest.mark.parametrize(
    "junk",
    [
        {"level": "99999999999999999999"},
        {"home_country": "x" * 500},
        {"home_country": "\x00"},
        {"interests": ["\x00"]},
        {"regions": ["x" * 500]},
        {"languages-0-language": "\x00", "languages-0-level": "basic"},
        {"languages-0-language": "e", "languages-0-level": "basic"},
        {"statement": "nul \x00 inside"},
        {"institution": "bell \x07"},
        {"grade": "x" * 500},
        {"availability-0-starts_on": "soon", "availability-0-ends_on": "2027-01-01"},
    ],
)
def test_junk_in_the_profile_form_gets_a_field_error_never_a_500(auth, client, junk):
    trainee = auth.login("trainee")
    response = client.post("/profile/edit", data=junk)
    page = response.get_data(as_text=True)
    values = [v for value in junk.values() for v in (value if isinstance(value, list) else [value])]
    if any("\x00" in value for value in values):
        # Refused for the whole request before any form sees it (see matcher/web/input_guard.py).
        assert response.status_code == 400 and "null character" in page
    else:
        assert response.status_code == 422
        assert 'class="error"' in page or "form-errors" in page
    assert _profile(trainee) is None


@pytest.mark.parametrize("path", ["/profiles/99999999999999999999", "/profiles/99999999999999999999/cv"])
def test_an_id_beyond_the_database_range_is_404(auth, client, path):
    auth.login("coordinator")
    assert client.get(path).status_code == 404
