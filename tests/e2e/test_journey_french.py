"""A French-speaking student, in a browser that asks for French, from sign-up to applying: every
page answers in French (`<html lang="fr">`, the words of the French catalogue, reference data and
place names in French), the confirmation email arrives in French, and the application is made."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from babel import Locale
from babel.support import Translations

from matcher.reference.taxonomy import INTERESTS, LEVELS

PASSWORD = "un stage de radiologie interventionnelle à Dakar"
TITLE = "Stage d’embolisation à Dakar"
EMAIL = "awa.diop@ucad.example.org"
CATALOGUES = Path(__file__).resolve().parents[2] / "matcher" / "translations"
FRENCH = Translations.load(str(CATALOGUES), ["fr"])
CLDR = Locale.parse("fr_FR")


def fr(english: str, **values) -> str:
    """The French of an interface text, which must differ from the English (a translated string)."""
    text = FRENCH.gettext(english)
    assert text != english or english in ("Type", "Motivation (optional)"), f"not in French: {english!r}"
    return text % values if values else text


def fr_plural(one: str, many: str, n: int, **values) -> str:
    return FRENCH.ngettext(one, many, n) % {"num": n, **values}


def french_label(code: str) -> str:
    """An interest's or a training level's label as the reference data ships it in French."""
    found = [i.translations["fr"]["label"] for i in INTERESTS if i.slug == code]
    found += [lv.translations["fr"]["label"] for lv in LEVELS if lv.code == code]
    assert len(found) == 1, code
    return found[0]


def test_a_french_student_signs_up_completes_a_profile_and_applies_in_french(live_server, people):
    mail = live_server.mail
    with live_server.data() as make:
        host = make.organisation(name="Hôpital Principal de Dakar")
        make.opportunity(
            host,
            title=TITLE,
            country_code="SN",
            city="Dakar",
            host_institution="Hôpital Principal de Dakar",
            description="Quatre semaines dans un service de radiologie interventionnelle.",
            written_in="fr",
            languages=(("fr", "professional"),),
        )

    student = people("étudiante", locale="fr-FR")
    student.goto("/")
    assert student.page.get_attribute("html", "lang") == "fr"
    student.click(student.link(fr("I am a student or trainee")))
    form = student.page.locator("main form")
    assert form.get_by_label(fr("Medical student")).is_checked()
    form.get_by_label(fr("Full name")).fill("Awa Diop")
    form.get_by_label(fr("Email")).fill(EMAIL)
    form.get_by_label(fr("Password"), exact=True).fill(PASSWORD)
    form.get_by_label(fr("Repeat the password")).fill(PASSWORD)
    student.click(student.button(fr("Create account")))
    sent = fr(
        "Thank you. We sent a message to %(email)s: follow its link to confirm your address, "
        "and log in here.",
        email=EMAIL,
    )
    assert sent in student.flashes
    assert student.heading == fr("Log in")

    main = student.page.locator("main")
    main.get_by_label(fr("Email")).fill(EMAIL)
    main.get_by_label(fr("Password"), exact=True).fill(PASSWORD)
    student.click(main.get_by_role("button", name=fr("Log in")))
    assert student.page.get_attribute("html", "lang") == "fr"

    # The email follows the language she signed up in.
    confirm = mail.wait_for(EMAIL, fr("Confirm your email address"))
    assert "Bonjour" in confirm.text and "Hello" not in confirm.text
    student.goto(mail.link(confirm, "/verify/"))
    assert fr("Thank you: your email address is confirmed.") in student.flashes

    student.click(student.link(fr("Complete my profile")))
    assert student.heading == fr("Edit my profile")
    form = student.page.locator("main form")
    # Reference data and place names in French: the level, the country, the region, the interest.
    form.get_by_label(fr("Training level")).select_option(label=french_label("ms5"))
    form.get_by_label(fr("Medical school or hospital")).fill("Université Cheikh Anta Diop")
    form.get_by_label(fr("Home country")).select_option(label=CLDR.territories["SN"])
    form.get_by_label(CLDR.territories["011"], exact=True).check()
    form.get_by_label(french_label("pph-embolisation")).check()
    free_from = date.today() + timedelta(days=60)
    form.get_by_label(fr("Period %(num)d from", num=1)).fill(free_from.isoformat())
    form.locator("[name='availability-0-ends_on']").fill((free_from + timedelta(days=240)).isoformat())
    form.get_by_label(fr("Language %(num)d", num=1)).select_option(label="Français")
    form.locator("[name='languages-0-level']").select_option(value="professional")
    form.get_by_label(fr("Statement")).fill("Je veux apprendre l’embolisation qui sauve les mères.")
    student.click(student.button(fr("Save my profile")))
    assert fr("Your profile is saved and complete.") in student.flashes
    assert CLDR.territories["011"] in student.text(".facts")

    nav = student.page.get_by_role("navigation", name=fr("Main"))
    student.click(nav.get_by_role("link", name=fr("Opportunities")))
    assert fr_plural("%(num)s opportunity found.", "%(num)s opportunities found.", 1) in student.text()
    student.click(student.link(TITLE))
    assert "Sénégal" in student.text()  # the country named in French
    student.page.get_by_label(fr("Motivation (optional)")).fill("L’HPP est la raison de mon choix.")
    student.click(student.button(fr("Apply")))
    assert fr("You applied to “%(title)s”. It is choice %(rank)d in your list.", title=TITLE, rank=1) in (
        student.flashes
    )
    assert student.heading == fr("My applications")
    assert student.page.get_attribute("html", "lang") == "fr"
    assert TITLE in student.text("table.ranked")
