"""With JavaScript switched off, a student still searches with filters, applies, and reorders."""

from __future__ import annotations

from tests.support.factories import UserFactory

FIRST, SECOND = "Embolisation elective in Dodoma", "Obstetric IR elective in Mbeya"


def test_search_apply_and_reorder_work_without_javascript(live_server, people):
    with live_server.data() as make:
        host = make.organisation(name="Tanzania IR Society")
        make.opportunity(host, title=FIRST, city="Dodoma")
        make.opportunity(host, title=SECOND, city="Mbeya")
        make.opportunity(
            host, title="Drainage elective in Accra", country_code="GH", interests=("abscess-drainage",)
        )
        student = make.create("student", name="Zawadi Mrema")
        make.profile(student)
        email = student.email

    person = people("student", javascript=False, width=360, height=740)
    person.goto("/opportunities")
    assert "3 opportunities found." in person.text()
    filters = person.page.get_by_role("form", name="Filters")
    filters.get_by_label("Region", exact=True).select_option("Africa")
    filters.get_by_label("Post-partum haemorrhage embolisation").check()
    filters.get_by_label("Only with places left and still open").check()
    person.click(filters.get_by_role("button", name="Search"))
    assert "2 opportunities found." in person.text()
    assert "region=Africa" in person.page.url and "interest=pph-embolisation" in person.page.url
    assert "Drainage elective in Accra" not in person.text(".results")

    person.click(person.link(FIRST))
    person.click(person.link("Log in to apply"))
    person.log_in(email, UserFactory.PASSWORD)
    assert person.heading == FIRST  # back where they were
    person.click(person.button("Apply"))
    assert f"You applied to “{FIRST}”. It is choice 1 in your list." in person.flashes

    person.click(person.link("Browse opportunities"))
    person.click(person.link(SECOND))
    person.page.get_by_label("Motivation (optional)").fill("Mbeya has the busiest labour ward I know.")
    person.click(person.button("Apply as choice 2"))
    assert f"You applied to “{SECOND}”. It is choice 2 in your list." in person.flashes

    person.click(person.page.get_by_role("button", name=f"Move up “{SECOND}”"))
    rows = person.page.locator("table.ranked tbody tr")
    assert rows.nth(0).get_by_role("link").first.inner_text() == SECOND
    assert rows.nth(1).get_by_role("link").first.inner_text() == FIRST
    assert [rows.nth(i).locator("td.rank").inner_text() for i in range(2)] == ["1", "2"]
