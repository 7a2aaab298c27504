"""services.api_tokens.authenticate: the whole token must match, not its visible prefix."""

from __future__ import annotations

from datetime import date

from matcher.extensions import db
from matcher.services import api_tokens


def test_only_the_whole_token_is_recognised(partners):
    secret = partners.token("read")
    today = date.today()
    assert api_tokens.authenticate(db.session, secret, today).name == "read key"
    last = "A" if secret[-1] != "A" else "B"
    for wrong in (
        secret[:-1] + last,
        secret[:12],
        secret[:12] + "x" * 35,
        secret + "x",
        "",
        "Bearer " + secret,
    ):
        assert api_tokens.authenticate(db.session, wrong, today) is None, wrong


def test_two_tokens_never_share_a_prefix_or_a_hash(partners):
    secrets = {partners.token("read") for _ in range(20)}
    tokens = api_tokens.tokens_of(db.session, partners.road)
    assert len(secrets) == 20 and len({t.prefix for t in tokens}) == 20
    assert len({t.secret_hash for t in tokens}) == 20
