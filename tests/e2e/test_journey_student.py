"""Journey 2: a student signs up, completes a profile with a CV upload, searches with filters, and
applies to three opportunities in ranked order."""

from __future__ import annotations

from datetime import date, timedelta

from tests.support.pdf import minimal_pdf

PASSWORD = "electives in Dar es Salaam next spring"
WANTED = ("PPH embolisation in Dar es Salaam", "Obstetric IR in Kampala", "Bleeding control in Kigali")
WHERE = (("TZ", "Dar es Salaam"), ("UG", "Kampala"), ("RW", "Kigali"))


def _opportunities(make) -> None:
    """Three clinical electives in East Africa about PPH, and three that the filters leave out."""
    host = make.organisation(name="Road to IR East Africa")
    for title, (country, city) in zip(WANTED, WHERE, strict=True):
        make.opportunity(host, title=title, country_code=country, city=city)
    make.opportunity(host, title="Drainage elective in Lima", country_code="PE", city="Lima")
    make.opportunity(host, title="Biopsy elective in Nairobi", country_code="KE", interests=("us-biopsy",))
    make.opportunity(host, title="Teaching visit in Mwanza", type="teaching_visit", level_min=9, level_max=15)


def test_student_signs_up_builds_a_profile_and_applies_to_three_in_order(live_server, people):
    mail = live_server.mail
    with live_server.data() as make:
        _opportunities(make)

    student = people("student")
    student.goto("/")
    student.click(student.link("I am a student or trainee"))
    form = student.page.locator("main form")
    assert form.get_by_label("Medical student").is_checked()
    form.get_by_label("Full name").fill("Amani Njoroge")
    form.get_by_label("Email").fill("amani@uonbi.example.org")
    form.get_by_label("Password", exact=True).fill(PASSWORD)
    form.get_by_label("Repeat the password").fill(PASSWORD)
    student.click(student.button("Create account"))
    # Sign-up answers alike for a taken address, so it logs nobody in: the login page follows.
    assert "We sent a message to amani@uonbi.example.org" in student.flashes
    assert student.heading == "Log in"
    student.log_in("amani@uonbi.example.org", PASSWORD)
    assert "Please confirm your email address: we sent a link to amani@uonbi.example.org" in student.text()
    assert "Complete your profile" in student.text()

    confirm = mail.wait_for("amani@uonbi.example.org", "Confirm your email address")
    student.goto(mail.link(confirm, "/verify/"))
    assert "your email address is confirmed" in student.flashes

    # The profile, from the dashboard's next step.
    student.click(student.link("Complete my profile"))
    assert student.heading == "Edit my profile"
    form = student.page.locator("main form")
    form.get_by_label("Training level").select_option(label="Medical student, year 5")
    form.get_by_label("Medical school or hospital").fill("University of Nairobi")
    form.get_by_label("Home country").select_option(label="Kenya")
    form.get_by_label("Eastern Africa", exact=True).check()
    form.get_by_label("Post-partum haemorrhage embolisation").check()
    form.get_by_label("Trauma embolisation").check()
    free_from = date.today() + timedelta(days=60)
    form.get_by_label("Period 1 from").fill(free_from.isoformat())
    form.locator("[name='availability-0-ends_on']").fill((free_from + timedelta(days=240)).isoformat())
    form.get_by_label("Language 1").select_option(label="English")
    form.locator("[name='languages-0-level']").select_option(label="Professional")
    form.get_by_label("Language 2").select_option(label="Swahili")
    form.locator("[name='languages-1-level']").select_option(label="Conversational")
    form.get_by_label("Statement").fill("I want to learn how embolisation saves mothers after childbirth.")
    student.click(student.button("Save my profile"))
    assert "Your profile is saved and complete." in student.flashes
    assert "100% complete" in student.text()
    assert "Eastern Africa" in student.text(".facts")

    cv_section = student.page.get_by_role("region", name="CV")
    cv_section.get_by_label("CV").set_input_files(
        {"name": "Amani Njoroge CV.pdf", "mimeType": "application/pdf", "buffer": minimal_pdf()}
    )
    student.click(student.button("Upload my CV"))
    assert "Your CV is uploaded." in student.flashes
    assert cv_section.get_by_role("link", name="Amani_Njoroge_CV.pdf").is_visible()

    # Search with filters: sub-region, interest and type leave the three wanted electives.
    nav = student.page.get_by_role("navigation", name="Main")
    student.click(nav.get_by_role("link", name="Opportunities"))
    # With a complete profile, the search starts at their level and at the places they can be
    # matched to: the teaching visit for residents is left out.
    assert "5 opportunities found." in student.text()
    assert "Teaching visit in Mwanza" not in student.page.locator(".results h3").all_inner_texts()
    filters = student.page.get_by_role("form", name="Filters")
    assert filters.get_by_label("Only places I can be matched to").is_checked()
    filters.get_by_label("Eastern Africa", exact=True).check()
    filters.get_by_label("Type").select_option(label="Clinical elective")
    filters.get_by_label("Post-partum haemorrhage embolisation").check()
    student.click(filters.get_by_role("button", name="Search"))
    assert "3 opportunities found." in student.text()
    results = student.page.locator(".results h3").all_inner_texts()
    assert sorted(results) == sorted(WANTED)
    search_url = student.page.url

    # Apply in order of preference: each new application goes to the end of the list.
    for choice, title in enumerate(WANTED, start=1):
        student.goto(search_url)
        student.click(student.link(title))
        if choice == 1:
            student.page.get_by_label("Motivation (optional)").fill("PPH is why I chose IR.")
        student.click(student.button("Apply" if choice == 1 else f"Apply as choice {choice}"))
        assert f"You applied to “{title}”. It is choice {choice} in your list." in student.flashes

    assert student.heading == "My applications"
    rows = student.page.locator("table.ranked tbody tr")
    assert [rows.nth(i).locator("td").nth(0).inner_text() for i in range(3)] == ["1", "2", "3"]
    assert [rows.nth(i).get_by_role("link").first.inner_text() for i in range(3)] == list(WANTED)
    assert "PPH is why I chose IR." in rows.nth(0).inner_text()

    student.click(nav.get_by_role("link", name="Dashboard"))
    assert "3 of 10, first choice first" in student.text()
    assert "complete" in student.text("[aria-labelledby='profile-heading']")
