"""Journey 1: an organisation contact signs up and verifies their email; a coordinator verifies the
organisation; the contact posts an opportunity and publishes it."""

from __future__ import annotations

from datetime import date, timedelta

from tests.support.factories import UserFactory

PASSWORD = "a long way to Mwanza and back"


def test_organisation_contact_gets_verified_and_publishes_an_opportunity(live_server, people):
    mail = live_server.mail
    with live_server.data() as make:
        coordinator_email = make.create("coordinator", name="Grace Coordinator").email

    # The contact signs up from the home page, as an organisation.
    contact = people("contact")
    contact.goto("/")
    contact.click(contact.link("I represent an organisation"))
    assert contact.heading == "Create an organisation contact account"
    form = contact.page.locator("main form")
    form.get_by_label("Full name").fill("Baraka Mushi")
    form.get_by_label("Email").fill("baraka@kcmc.example.org")
    form.get_by_label("Organisation", exact=True).fill("Kilimanjaro IR Unit")
    form.get_by_label("Password", exact=True).fill(PASSWORD)
    form.get_by_label("Repeat the password").fill(PASSWORD)
    contact.click(contact.button("Create account"))
    # Sign-up answers alike whether or not the address has an account, so it logs nobody in.
    assert "We sent a message to baraka@kcmc.example.org" in contact.flashes
    assert contact.heading == "Log in"
    contact.log_in("baraka@kcmc.example.org", PASSWORD)
    assert "Please confirm your email address: we sent a link to baraka@kcmc.example.org" in contact.text()
    assert "confirm your email address with the link we sent to" in contact.text()  # next steps
    assert "waiting for verification by a coordinator" in contact.text()

    # The confirmation link in the email confirms the address.
    verify = mail.wait_for("baraka@kcmc.example.org", "Confirm your email address")
    contact.goto(mail.link(verify, "/verify/"))
    assert "your email address is confirmed" in contact.flashes
    assert "Please confirm your email address" not in contact.text()

    # Until it is verified, the organisation cannot publish.
    contact.click(contact.link("Kilimanjaro IR Unit"))
    assert contact.heading.startswith("Kilimanjaro IR Unit")
    assert "waiting for verification" in contact.heading

    # Once the address is confirmed, the next cron run tells the coordinator (one email for all
    # that joined the queue since the last); the coordinator follows its link and verifies.
    with live_server.app.app_context():
        for command in (["notify", "digests"], ["mail", "send"]):
            result = live_server.app.test_cli_runner().invoke(args=command)
            assert result.exit_code == 0, result.output
    awaiting = mail.wait_for(coordinator_email, "Waiting for you: 1 organisation to verify")
    assert "Kilimanjaro IR Unit" in awaiting.text
    coordinator = people("coordinator")
    coordinator.goto(mail.link(awaiting))
    assert coordinator.heading == "Log in"
    coordinator.log_in(coordinator_email, UserFactory.PASSWORD)
    assert coordinator.heading == "Organisations waiting for verification"
    card = coordinator.page.locator(".card", has_text="Kilimanjaro IR Unit")
    assert "Baraka Mushi <baraka@kcmc.example.org>" in card.inner_text()
    coordinator.click(card.get_by_role("button", name="Verify", exact=True))
    assert "Kilimanjaro IR Unit is verified" in coordinator.flashes
    assert "No organisation is waiting." in coordinator.text()

    # The contact is told, and posts an opportunity from the organisation's page.
    verified = mail.wait_for("baraka@kcmc.example.org", "Kilimanjaro IR Unit is verified")
    contact.goto(mail.link(verified, "/organisations/"))
    assert "verified" in contact.heading and "waiting" not in contact.heading
    contact.click(contact.link("Post an opportunity"))
    assert contact.heading == "New opportunity"
    starts = date.today() + timedelta(days=150)
    form = contact.page.locator("main form")
    form.get_by_label("Title").fill("PPH embolisation elective in Moshi")
    form.get_by_label("Type").select_option(label="Clinical elective")
    form.get_by_label("Description").fill(
        "Four weeks with the IR team at KCMC.\n\nMostly obstetric bleeding."
    )
    form.get_by_label("Post-partum haemorrhage embolisation").check()
    form.get_by_label("Host institution").fill("Kilimanjaro Christian Medical Centre")
    form.get_by_label("City").fill("Moshi")
    form.get_by_label("Country").select_option(label="Tanzania")
    form.get_by_label("Lowest training level accepted").select_option(label="Medical student, year 4")
    form.get_by_label("Highest training level accepted").select_option(label="Medical student, year 6")
    form.get_by_label("Places").fill("2")
    form.get_by_label("Language 1").select_option(label="English")
    form.locator("select[name='languages-0-level']").select_option(label="Professional")
    form.get_by_label("Start date").fill(starts.isoformat())
    form.get_by_label("End date").fill((starts + timedelta(days=27)).isoformat())
    form.get_by_label("Application deadline").fill((starts - timedelta(days=45)).isoformat())
    contact.click(contact.button("Save as draft"))
    assert "saved as a draft" in contact.flashes
    assert contact.heading == "PPH embolisation elective in Moshi"
    assert "draft" in contact.text(".lead")

    contact.click(contact.button("Publish"))
    assert "The opportunity is now published." in contact.flashes
    assert "draft" not in contact.text(".lead")

    # Anyone can now find it in the public search.
    visitor = people("visitor")
    visitor.goto("/opportunities?q=Moshi")
    assert "1 opportunity found." in visitor.text()
    visitor.click(visitor.link("PPH embolisation elective in Moshi"))
    assert "Kilimanjaro IR Unit" in visitor.text(".lead")
    assert "Kilimanjaro Christian Medical Centre" in visitor.text()
