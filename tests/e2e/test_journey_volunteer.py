"""A nurse signs up as an IR nurse, fills in her profile with her grade (never a medical-school
year), offers to teach two subjects in French and lists herself in the volunteer directory, on a
360 px phone; axe-core finds nothing on the new pages. Without JavaScript, two licences are saved."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from matcher.extensions import db
from matcher.models import Profile, User
from tests.e2e.browser import Person

PASSWORD = "a nurse's long passphrase"
EMAIL = "nadia.nurse@example.org"
WIDTH = 360
NEW_PAGES = ("/signup", "/profile/edit", "/profile/teaching")


def _fits(person: Person) -> None:
    width = person.page.evaluate("document.documentElement.scrollWidth")
    assert width <= WIDTH, f"{person.page.url} is {width} px wide"


def _saved(live_server) -> tuple[User, Profile]:
    with live_server.app.app_context():
        user = db.session.scalar(select(User).where(User.email == EMAIL))
        profile = db.session.scalar(select(Profile).where(Profile.user_id == user.id))
        skills = {s.procedure.code: s.level for s in profile.procedure_skills}
        instructs = {lang.language for lang in profile.languages if lang.instructs}
        licences = [(lic.country_code, lic.body) for lic in profile.licences]
        db.session.expunge_all()
        db.session.remove()
    return user, profile, skills, instructs, licences


def test_a_nurse_signs_up_fills_her_profile_and_offers_to_teach_in_french(live_server, people, audit):
    nurse = people("nurse", width=WIDTH, height=740)
    nurse.goto("/")
    nurse.click(nurse.link("I am an IR professional and volunteer to teach"))
    _fits(nurse)
    form = nurse.page.locator("main form")
    form.get_by_label("IR nurse").check()
    form.get_by_label("Full name").fill("Nadia Nurse")
    form.get_by_label("Email").fill(EMAIL)
    form.get_by_label("Password", exact=True).fill(PASSWORD)
    form.get_by_label("Repeat the password").fill(PASSWORD)
    nurse.click(nurse.button("Create account"))
    assert "We sent a message to nadia.nurse@example.org" in nurse.flashes
    nurse.log_in(EMAIL, PASSWORD)
    assert "Offer to teach" in nurse.text()

    # Her profile asks for her grade, never a training level.
    nurse.goto("/profile/edit")
    _fits(nurse)
    form = nurse.page.locator("main form")
    assert form.get_by_label("Training level").count() == 0
    assert "Your profession: IR nurse." in nurse.text()
    form.get_by_label("Grade").select_option(label="Nurse specialist or educator")
    form.get_by_label("Medical school or hospital").fill("Hôpital de la Croix-Rousse")
    form.get_by_label("Home country").select_option(label="France")
    form.get_by_label("Language 1").select_option(label="French")
    form.get_by_label("Level (row 1)").select_option(label="Professional")
    form.get_by_label("Language 2").select_option(label="English")
    form.get_by_label("Level (row 2)").select_option(label="Conversational")
    nurse.click(nurse.button("Save my profile"))
    assert "Your profile is saved" in nurse.flashes
    assert "Nurse specialist or educator" in nurse.text()

    nurse.click(nurse.link("Offer to teach"))
    assert nurse.heading == "Volunteer teaching"
    _fits(nurse)
    form = nurse.page.locator("main form")
    directory = form.get_by_label("List me in the volunteer directory")
    assert not directory.is_checked()  # never listed by default
    form.get_by_label("I volunteer to teach").check()
    form.get_by_role("group", name="Nursing care of IR patients").get_by_label("Can teach").check()
    form.get_by_role("group", name="Radiation safety").get_by_label("Can teach").check()
    form.get_by_label("French (professional)").check()
    form.get_by_label("Weeks a year you can teach on site").fill("0")
    form.get_by_label("March").check()
    form.get_by_label("October").check()
    # A mistake first: the summary and the field say so, and nothing is saved.
    nurse.click(nurse.button("Save my teaching profile"), expect_status=422)
    assert "There is a problem" in nurse.text() and "From 1 to 52 weeks." in nurse.text()
    assert not _saved(live_server)[1].volunteers_to_teach
    form = nurse.page.locator("main form")
    assert form.get_by_label("French (professional)").is_checked()  # what she chose is kept
    form.get_by_label("Weeks a year you can teach on site").fill("3")
    form.get_by_label("Licence 1, country").select_option(label="France")
    form.get_by_label("Issuing body (licence 1)").fill("Ordre national des infirmiers")
    form.get_by_label("Expires on (licence 1)").fill((date.today() + timedelta(days=400)).isoformat())
    form.get_by_label("I also teach remotely (lectures, case reviews, mentoring)").check()
    form.get_by_label("List me in the volunteer directory").check()
    nurse.click(nurse.button("Save my teaching profile"))
    assert "Your teaching profile is saved." in nurse.flashes
    _fits(nurse)

    user, profile, skills, instructs, licences = _saved(live_server)
    assert user.role == "professional" and user.profession_code == "ir-nurse"
    assert profile.grade == "nurse-specialist" and profile.level_rank is None
    assert skills == {"ir-nursing-care": "teach", "radiation-safety": "teach"}
    assert instructs == {"fr"} and licences == [("FR", "Ordre national des infirmiers")]
    assert profile.volunteers_to_teach and profile.directory_listed and profile.teaches_remotely
    assert (profile.teaching_weeks, profile.teaching_months) == (3, [3, 10])

    nurse.click(nurse.link("← My profile"))
    text = nurse.text()
    assert "You are listed in the volunteer directory." in text
    assert "Teaches in" in text and "French (professional)" in text and "March, October" in text

    # axe-core looked at every new page and found nothing at all, not even a minor issue.
    for path in NEW_PAGES:
        assert path in audit.pages, f"axe-core never saw {path}"
        assert audit.pages[path] == {}, f"axe-core on {path}: {audit.pages[path]}"


def test_licences_are_added_without_javascript(live_server, people):
    with live_server.data() as make:
        physician = make.create(
            "professional", profession_code="ir-physician", email="kofi@example.org", name="Kofi Mensah"
        )
        make.profile(physician, languages=(("en", "professional"),))
    doctor = people("physician", javascript=False, width=WIDTH, height=740)
    doctor.log_in("kofi@example.org", "correct horse battery")
    doctor.goto("/profile/teaching")
    form = doctor.page.locator("main form")
    form.get_by_label("I volunteer to teach").check()
    form.get_by_role("group", name="Post-partum haemorrhage embolisation").get_by_label("Can teach").check()
    form.get_by_label("English (professional)").check()
    form.get_by_label("Weeks a year you can teach on site").fill("2")
    form.get_by_label("Licence 1, country").select_option(label="Ghana")
    form.get_by_label("Issuing body (licence 1)").fill("Medical and Dental Council")
    form.get_by_label("Licence 2, country").select_option(label="United Kingdom")
    form.get_by_label("Issuing body (licence 2)").fill("General Medical Council")
    doctor.click(doctor.button("Save my teaching profile"))
    assert "Your teaching profile is saved." in doctor.flashes
    # Both saved, and blank rows to add more: a third licence without any script.
    form = doctor.page.locator("main form")
    bodies = {form.get_by_label(f"Issuing body (licence {n})").input_value() for n in (1, 2, 3)}
    assert bodies == {"General Medical Council", "Medical and Dental Council", ""}
    form.get_by_label("Licence 3, country").select_option(label="Kenya")
    doctor.click(doctor.button("Save my teaching profile"))
    with live_server.app.app_context():
        user = db.session.scalar(select(User).where(User.email == "kofi@example.org"))
        profile = db.session.scalar(select(Profile).where(Profile.user_id == user.id))
        countries = sorted(lic.country_code for lic in profile.licences)
        db.session.remove()
    assert countries == ["GB", "GH", "KE"]
