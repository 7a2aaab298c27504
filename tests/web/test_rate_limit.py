"""Login is rate-limited per account and address, with a friendly 429 page."""

import pytest


@pytest.mark.parametrize("app_config", [{"RATELIMIT_ENABLED": True, "LOGIN_RATE_LIMIT": "3 per minute"}])
def test_too_many_login_attempts_get_429(client, users):
    users.create(email="target@example.org")
    for _ in range(3):
        assert (
            client.post(
                "/login", data={"email": "target@example.org", "password": "wrong guess!"}
            ).status_code
            == 422
        )
    response = client.post("/login", data={"email": "target@example.org", "password": users.PASSWORD})
    assert response.status_code == 429
    assert "You have tried too often" in response.get_data(as_text=True)
    # Another account from the same address is not locked out by these failures.
    users.create(email="other@example.org")
    assert (
        client.post("/login", data={"email": "other@example.org", "password": users.PASSWORD}).status_code
        == 302
    )


@pytest.mark.parametrize("app_config", [{"RATELIMIT_ENABLED": True, "LOGIN_RATE_LIMIT": "2 per minute"}])
def test_successful_logins_do_not_use_up_the_limit(client, users):
    users.create(email="busy@example.org")
    for _ in range(4):
        assert (
            client.post("/login", data={"email": "busy@example.org", "password": users.PASSWORD}).status_code
            == 302
        )
        client.post("/logout")
