"""The password policy holds at every door, and hashes are argon2id at OWASP's parameters.

Already proven elsewhere: sign-up refuses a common password (tests/web/test_signup.py), a reset
refuses a short one (test_password_reset.py), create-user refuses a short one (test_commands.py),
and login upgrades an old hash (test_login.py). These add the remaining doors and the production
parameters themselves.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from matcher.config import defaults
from matcher.extensions import db
from matcher.models import OrganisationInvite, User
from matcher.security import ORGANISATION_INVITE, make_token
from matcher.services.accounts import check_password_policy
from matcher.services.errors import DomainError
from tests.support.logins import log_in

SHORT = "nine char"  # 9 characters
COMMON = "Qwertyuiop"  # in the bundled list (compared case-insensitively)
OWASP = "$argon2id$v=19$m=19456,t=2,p=1$"


def test_the_boundary_is_ten_characters():
    check_password_policy("ten chars!")
    with pytest.raises(DomainError, match="at least 10"):
        check_password_policy(SHORT)


@pytest.mark.parametrize("password", ["qwertyuiop", "QWERTYUIOP", "1234567890", "password123"])
def test_common_passwords_are_refused_whatever_their_case(password):
    with pytest.raises(DomainError, match="most common"):
        check_password_policy(password)


@pytest.mark.parametrize(("password", "message"), [(SHORT, "Use"), (COMMON, "most common")])
def test_changing_the_password_applies_the_policy(auth, client, users, password, message):
    user = auth.login("student")
    response = client.post(
        "/account/password",
        data={"pw-current_password": users.PASSWORD, "pw-password": password, "pw-confirm": password},
    )
    assert response.status_code == 422 and message in response.get_data(as_text=True)
    assert db.session.get(User, user.id).password_hash == user.password_hash


@pytest.mark.parametrize(("password", "message"), [(SHORT, "Use"), (COMMON, "most common")])
def test_accepting_an_invitation_applies_the_policy(client, users, password, message):
    organisation = users.organisation()
    invite = OrganisationInvite(organisation=organisation, email="new.colleague@example.org")
    db.session.add(invite)
    db.session.commit()
    token = make_token(ORGANISATION_INVITE, {"invite": invite.id, "email": invite.email})
    response = client.post(
        f"/invites/{token}", data={"name": "New Colleague", "password": password, "confirm": password}
    )
    assert response.status_code == 422 and message in response.get_data(as_text=True)
    assert db.session.scalar(select(User).where(User.email == invite.email)) is None


@pytest.mark.parametrize(("password", "message"), [(SHORT, "Use"), (COMMON, "most common")])
def test_a_reset_applies_the_policy(client, users, password, message):
    from matcher.security import PASSWORD_RESET, fingerprint

    user = users.create()
    token = make_token(PASSWORD_RESET, {"uid": user.id, "pw": fingerprint(user.password_hash)})
    response = client.post(f"/reset/{token}", data={"password": password, "confirm": password})
    assert response.status_code == 422 and message in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("password", "advice"),
    [
        ("aaaaaaaaaa", "Repeats like “aaa” are easy to guess."),
        ("abcdefghijkl", "Sequences like “abc” or “6543” are easy to guess."),
        ("Password1234!", "This is similar to a commonly used password."),
    ],
)
def test_an_easily_guessed_password_is_refused_with_zxcvbn_advice(password, advice):
    with pytest.raises(DomainError) as refused:
        check_password_policy(password)
    assert refused.value.field == "password"
    assert refused.value.message.startswith("This password would be easy to guess.")
    assert advice in refused.value.message


def test_a_password_made_of_the_persons_own_name_is_refused():
    check_password_policy("Amina Mushi!!")  # strong for a stranger
    with pytest.raises(DomainError, match="easy to guess"):
        check_password_policy("Amina Mushi!!", personal=("amina@example.org", "Amina Mushi"))


def test_sign_up_shows_the_advice_at_the_password_field(client):
    data = {"role": "student", "name": "Amina Mushi", "email": "amina@example.org"}
    response = client.post("/signup", data={**data, "password": "aaaaaaaaaa", "confirm": "aaaaaaaaaa"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    error = page[page.index('id="password-error"') :][:400]
    assert "This password would be easy to guess." in error
    assert "Avoid repeated words and characters." in error
    assert db.session.scalar(select(User)) is None


def test_production_defaults_are_owasp_argon2id(tmp_path):
    settings = defaults(str(tmp_path))
    assert (settings["ARGON2_MEMORY_COST"], settings["ARGON2_TIME_COST"], settings["ARGON2_PARALLELISM"]) == (
        19456,
        2,
        1,
    )


def test_a_production_login_stores_an_owasp_argon2id_hash(production_app, users):
    """The test suite's cheap hash is upgraded by a deployment's defaults at the next login."""
    user = users.create(email="amina@example.org")
    assert not user.password_hash.startswith(OWASP)
    app = production_app()
    response = log_in(app.test_client(), user.email, users.PASSWORD, base_url="https://matcher.test")
    assert response.status_code == 302
    stored = db.session.scalar(select(User.password_hash).where(User.id == user.id))
    assert stored.startswith(OWASP)
