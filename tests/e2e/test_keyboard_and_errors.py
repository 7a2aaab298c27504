"""By keyboard alone: the skip link, a visible focus ring, a sign-up whose errors are tied to their
fields (aria-describedby), and the corrected form submitted with Enter."""

from __future__ import annotations

import re

PASSWORD = "a keyboard is all I need today"

ACTIVE = "document.activeElement"


def _tab_to(page, name: str, limit: int = 30) -> None:
    """Press Tab until the focused element's accessible text is `name`."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"({ACTIVE}.innerText || {ACTIVE}.value || '').trim()") == name:
            return
    raise AssertionError(f"Tab never reached {name!r}")


def test_sign_up_by_keyboard_with_errors_linked_to_their_fields(live_server, people):
    person = people("keyboard")
    person.goto("/signup")
    page = person.page

    page.keyboard.press("Tab")
    assert page.evaluate(f"{ACTIVE}.textContent") == "Skip to content"
    ring = page.evaluate(
        f"getComputedStyle({ACTIVE}).outlineStyle + ' ' + getComputedStyle({ACTIVE}).outlineWidth"
    )
    assert ring == "solid 3px"
    assert page.get_by_role("link", name="Skip to content").bounding_box()["x"] >= 0  # on screen when focused
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"#main$"))  # the skip link's own navigation, within the page
    page.keyboard.press("Tab")
    assert page.evaluate(f"document.querySelector('main').contains({ACTIVE})"), (
        "Tab after the skip link stays in main"
    )

    # Submit the empty form: every error is announced with its field.
    _tab_to(page, "Create account")
    person.press("Enter", expect_status=422)
    assert page.title().startswith("Error:")
    invalid = page.locator("main [aria-invalid=true]")
    assert invalid.count() >= 3
    for i in range(invalid.count()):
        field = invalid.nth(i)
        described_by = (field.get_attribute("aria-describedby") or "").split()
        messages = [
            page.locator(f"#{ref}.error").inner_text()
            for ref in described_by
            if page.locator(f"#{ref}.error").count()
        ]
        assert messages and all(messages), f"{field.get_attribute('name')} has no linked error message"
    assert "Enter your name." in page.locator("#name-error").inner_text()

    # Correct it by keyboard and submit with Enter from the last field.
    page.get_by_label("Full name").focus()
    page.keyboard.type("Kofi Mensah")
    page.keyboard.press("Tab")
    page.keyboard.type("kofi@knust.example.org")
    page.get_by_label("Password", exact=True).focus()
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    # What you do: a radio group, chosen with the keyboard (Space checks the focused option).
    page.get_by_label("Medical student").focus()
    page.keyboard.press("Space")
    assert page.get_by_label("Medical student").is_checked()
    page.get_by_label("Password", exact=True).focus()
    person.press("Enter")
    # Sign-up answers alike for a taken address, so it logs nobody in: the login page follows.
    assert person.heading == "Log in"
    assert "We sent a message to kofi@knust.example.org" in person.flashes
    person.log_in("kofi@knust.example.org", PASSWORD)
    assert person.heading == "Hello, Kofi Mensah"
    assert "Please confirm your email address: we sent a link to kofi@knust.example.org" in person.text()
