"""IR professionals (nurses, physicians, radiographers...) are applicants too: every page an
applicant has opens for them, none of the staff or host pages does. The access table's columns
are the older roles; this walks its applicant rows for a professional."""

import pytest

from tests.security.access_table import TABLE

# The table's applicant-only pages (the trainee is let in, hosts and staff are refused) that need
# no one else's data.
APPLICANT_PAGES = sorted(
    {
        r.url
        for r in TABLE
        if r.method == "GET" and "{" not in r.url and r.expected[2] == "A" and r.expected[3:] == "FFFF"
    }
)
STAFF_PAGES = sorted(
    {r.url for r in TABLE if r.method == "GET" and "{" not in r.url and r.expected[1:3] == "FF"}
)


def test_the_walk_covers_the_applicant_and_staff_pages():
    assert {"/profile", "/profile/edit", "/profile/teaching", "/applications", "/placements"} <= set(
        APPLICANT_PAGES
    )
    assert "/admin/users" in STAFF_PAGES


@pytest.mark.parametrize("profession", ["ir-nurse", "ir-physician", "radiographer", "pacs-it"])
def test_a_professional_opens_every_applicant_page_and_no_staff_page(auth, client, users, profession):
    professional = auth.login("professional", profession_code=profession)
    users.profile(professional, complete=False)
    for url in APPLICANT_PAGES:
        # Their own CV, which they have not uploaded: not found, where a host would be refused.
        assert client.get(url).status_code == (404 if url == "/profile/cv" else 200), url
    for url in STAFF_PAGES:
        assert client.get(url).status_code == 403, url
    page = client.get("/dashboard").get_data(as_text=True)
    assert "Complete your profile" in page and 'href="/profile/teaching"' in page
