"""The volunteer teaching page (/profile/teaching): who may open it, what it saves, and every
refusal (an error at the field and in the summary, nothing saved)."""

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from matcher.extensions import db
from matcher.models import Licence, ProcedureSkill, Profile

NEXT_YEAR = date.today() + timedelta(days=365)


def _nurse(auth, users, languages=(("en", "professional"), ("fr", "professional"), ("sw", "basic"))):
    nurse = auth.login("professional", profession_code="ir-nurse", name="Nadia Nurse")
    users.profile(nurse, languages=languages, grade="senior-nurse")
    return nurse


def _profile(user) -> Profile | None:
    db.session.expire_all()
    return db.session.scalar(select(Profile).where(Profile.user_id == user.id))


def offer(**changes) -> dict:
    """A nurse who volunteers: teaches one procedure, assists another, in French, one licence."""
    data = {
        "volunteers_to_teach": "y",
        "skill-ir-nursing-care": "teach",
        "skill-abscess-drainage": "assist",
        "teaching_years": "6",
        "teaching_experience": "Ran the sedation course at our hospital for four years.",
        "instructs": ["fr"],
        "licences-0-country": "FR",
        "licences-0-body": "Ordre national des infirmiers",
        "licences-0-expires_on": NEXT_YEAR.isoformat(),
        "teaching_weeks": "4",
        "months": ["3", "10"],
        "teaches_remotely": "y",
        "directory_listed": "y",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def checked(page: str, name: str) -> str | None:
    """The value of the checked radio button of a group, as the page shows it."""
    found = re.search(rf'<input checked id="{name}-\d+" name="{name}" type="radio" value="([^"]*)">', page)
    return found.group(1) if found else None


def _nothing_saved(user) -> None:
    profile = _profile(user)
    assert not profile.volunteers_to_teach and not profile.directory_listed
    assert profile.teaching_weeks is None and profile.teaching_months == []
    assert db.session.scalar(select(func.count()).select_from(ProcedureSkill)) == 0
    assert db.session.scalar(select(func.count()).select_from(Licence)) == 0
    assert not any(lang.instructs for lang in profile.languages)


def test_a_nurse_offers_to_teach_and_everything_is_saved(auth, client, users):
    nurse = _nurse(auth, users)
    page = client.get("/profile/teaching").get_data(as_text=True)
    assert "Nursing care of IR patients" in page and "Teaching subjects" in page
    assert "Coordinators and the members of verified host organisations" in page
    response = client.post("/profile/teaching", data=offer())
    assert response.status_code == 302 and response.headers["Location"].endswith("/profile/teaching")
    profile = _profile(nurse)
    skills = {s.procedure.code: s.level for s in profile.procedure_skills}
    assert skills == {"ir-nursing-care": "teach", "abscess-drainage": "assist"}
    assert profile.volunteers_to_teach and profile.directory_listed and profile.teaches_remotely
    assert (profile.teaching_weeks, profile.teaching_months, profile.teaching_years) == (4, [3, 10], 6)
    assert {lang.language for lang in profile.languages if lang.instructs} == {"fr"}
    (licence,) = profile.licences
    assert (licence.country_code, licence.body, licence.expires_on) == (
        "FR",
        "Ordre national des infirmiers",
        NEXT_YEAR,
    )
    # The page shows it back, and the profile page says what hosts see.
    page = client.get("/profile/teaching").get_data(as_text=True)
    assert checked(page, "skill-ir-nursing-care") == "teach"
    assert checked(page, "skill-abscess-drainage") == "assist"
    mine = client.get("/profile").get_data(as_text=True)
    for shown in (
        "IR nurse",
        "Senior or charge nurse",
        "Nursing care of IR patients",
        "French (professional)",
        "up to 4 weeks a year",
        "March, October",
        "Ordre national des infirmiers",
        "You are listed in the volunteer directory.",
    ):
        assert shown in mine, shown


def test_the_page_and_months_follow_the_readers_language(auth, client, users):
    _nurse(auth, users)
    page = client.get("/profile/teaching", headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert "Mars" in page and "Octobre" in page and "March" not in page


def test_saving_again_keeps_the_same_rows_and_unticking_removes_them(auth, client, users):
    nurse = _nurse(auth, users)
    client.post("/profile/teaching", data=offer())
    skill_ids = {s.id for s in _profile(nurse).procedure_skills}
    client.post("/profile/teaching", data=offer(**{"skill-abscess-drainage": ""}))
    profile = _profile(nurse)
    assert {s.procedure.code for s in profile.procedure_skills} == {"ir-nursing-care"}
    assert {s.id for s in profile.procedure_skills} < skill_ids
    assert len(profile.licences) == 1


def test_no_longer_volunteering_leaves_the_directory_and_clears_the_weeks(auth, client, users):
    nurse = _nurse(auth, users)
    client.post("/profile/teaching", data=offer())
    response = client.post("/profile/teaching", data=offer(volunteers_to_teach=None, directory_listed=None))
    assert response.status_code == 302
    profile = _profile(nurse)
    assert not profile.volunteers_to_teach and not profile.directory_listed
    assert profile.teaching_weeks is None
    assert len(profile.procedure_skills) == 2  # kept for when they come back


def test_the_directory_is_off_by_default(auth, client, users):
    nurse = _nurse(auth, users)
    page = client.get("/profile/teaching").get_data(as_text=True)
    assert 'id="directory_listed" name="directory_listed" type="checkbox" value="y">' in page
    client.post("/profile/teaching", data=offer(directory_listed=None))
    assert not _profile(nurse).directory_listed


def test_an_expired_licence_is_kept_and_flagged(auth, client, users):
    nurse = _nurse(auth, users)
    expired = (date.today() - timedelta(days=10)).isoformat()
    response = client.post("/profile/teaching", data=offer(**{"licences-0-expires_on": expired}))
    assert response.status_code == 302
    assert _profile(nurse).licences[0].expires_on.isoformat() == expired
    assert '<span class="badge warn">expired</span>' in client.get("/profile/teaching").get_data(as_text=True)
    assert '<span class="badge warn">expired</span>' in client.get("/profile").get_data(as_text=True)


def test_several_licences_without_javascript(auth, client, users):
    nurse = _nurse(auth, users)
    page = client.get("/profile/teaching").get_data(as_text=True)
    assert 'name="licences-0-country"' in page and 'name="licences-1-country"' in page
    data = offer(**{"licences-1-country": "KE", "licences-1-body": "Nursing Council of Kenya"})
    assert client.post("/profile/teaching", data=data).status_code == 302
    assert {lic.country_code for lic in _profile(nurse).licences} == {"FR", "KE"}
    # Saved rows come back, with two blank rows to add more.
    page = client.get("/profile/teaching").get_data(as_text=True)
    assert 'name="licences-3-country"' in page and 'name="licences-4-country"' not in page


BAD = [
    (
        {"skill-ir-nursing-care": "expert"},
        "Choose, for each procedure, none, can assist or can teach.",
        "skill-",
    ),
    (
        {"skill-ir-nursing-care": "", "skill-abscess-drainage": ""},
        "Choose at least one procedure you can teach or assist with.",
        "skill-",
    ),
    ({"teaching_years": "-1"}, "From 0 to 60 years.", "teaching_years"),
    ({"teaching_years": "many"}, "", "teaching_years"),
    ({"teaching_experience": "x" * 2001}, "At most 2000 characters.", "teaching_experience"),
    ({"teaching_experience": "bell \x07"}, "invisible control characters", "teaching_experience"),
    ({"instructs": []}, "Choose at least one language you can teach in.", "instructs"),
    (
        {"instructs": ["pt"]},
        "Choose languages of instruction among the languages on your profile.",
        "instructs",
    ),
    ({"instructs": ["sw"]}, "You speak Swahili at a basic level", "instructs"),
    ({"licences-0-country": ""}, "Licence 1: choose the country that issued it.", "licences"),
    ({"licences-0-country": "XX"}, "Licence 1: choose the country that issued it.", "licences"),
    ({"licences-0-body": "x" * 161}, "At most 160 characters.", "licences"),
    ({"licences-0-expires_on": "next year"}, "", "licences"),
    (
        {"licences-1-country": "FR", "licences-1-body": "ordre national des infirmiers"},
        "Licence 2 is listed twice",
        "licences",
    ),
    ({"teaching_weeks": ""}, "Give the number of weeks you can teach, from 1 to 52.", "teaching_weeks"),
    ({"teaching_weeks": "0"}, "From 1 to 52 weeks.", "teaching_weeks"),
    ({"teaching_weeks": "53"}, "From 1 to 52 weeks.", "teaching_weeks"),
    ({"months": ["13"]}, "Choose months from the list.", "months"),
    ({"months": ["March"]}, "Choose months from the list.", "months"),
    ({"volunteers_to_teach": None}, "Only volunteers are listed in the directory", "directory_listed"),
]


@pytest.mark.parametrize(("changes", "message", "where"), BAD)
def test_bad_input_gets_a_field_error_and_a_summary_and_nothing_is_saved(
    auth, client, users, changes, message, where
):
    nurse = _nurse(auth, users)
    response = client.post("/profile/teaching", data=offer(**changes))
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "There is a problem" in page and message in page
    assert f'href="#{where}' in page  # the summary links to the field
    assert 'class="error"' in page  # and the message stands at the field
    _nothing_saved(nurse)


def test_a_student_cannot_open_the_teaching_page(auth, client):
    auth.login("student")
    for response in (client.get("/profile/teaching"), client.post("/profile/teaching", data=offer())):
        assert response.status_code == 403
        assert "Medical students apply for electives" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(ProcedureSkill)) == 0


@pytest.mark.parametrize("role", ["org_member", "coordinator", "admin"])
def test_staff_and_hosts_have_no_teaching_page(auth, client, role):
    auth.login(role)
    assert client.get("/profile/teaching").status_code == 403


def test_a_volunteer_can_only_change_their_own_teaching_profile(auth, client, users):
    other = users.create("professional", profession_code="radiographer")
    users.profile(other)
    _nurse(auth, users)
    client.post("/profile/teaching", data=offer(user_id=str(other.id), profile_id="1"))
    assert _profile(other).procedure_skills == [] and not _profile(other).volunteers_to_teach


def test_a_trainee_without_a_profile_yet_can_offer_to_teach(auth, client):
    auth.login("trainee")
    page = client.get("/profile/teaching").get_data(as_text=True)
    assert "Add the languages you speak" in page
    response = client.post("/profile/teaching", data=offer(instructs=None))
    assert response.status_code == 422
    assert "Choose at least one language you can teach in." in response.get_data(as_text=True)


def test_a_language_lowered_to_basic_stops_being_a_language_of_instruction(auth, client, users):
    nurse = _nurse(auth, users)
    client.post("/profile/teaching", data=offer())
    assert {lang.language for lang in _profile(nurse).languages if lang.instructs} == {"fr"}
    edit = {
        "grade": "senior-nurse",
        "languages-0-language": "en",
        "languages-0-level": "professional",
        "languages-1-language": "fr",
        "languages-1-level": "basic",
    }
    assert client.post("/profile/edit", data=edit).status_code == 302
    assert not any(lang.instructs for lang in _profile(nurse).languages)


def test_the_host_sees_the_profession_grade_and_teaching(auth, client, users):
    nurse = users.create("professional", profession_code="ir-nurse", name="Nadia Nurse")
    users.profile(nurse, grade="nurse-specialist", volunteers_to_teach=True, teaching_weeks=3)
    organisation = users.organisation()
    opportunity = users.opportunity(organisation)
    users.application(nurse, opportunity)
    auth.login("org_member", organisation=organisation)
    page = client.get(f"/profiles/{nurse.id}").get_data(as_text=True)
    assert "IR nurse" in page and "Nurse specialist or educator" in page
    assert "up to 3 weeks a year" in page
    listing = client.get(f"/opportunities/{opportunity.id}/applicants").get_data(as_text=True)
    assert "IR nurse<br>" in listing and "Nurse specialist or educator<br>" in listing
