"""A fresh install has the five default further-reading links, from migration 0007."""

from alembic import command
from sqlalchemy import select

from matcher.extensions import db
from matcher.models import ReadingLink
from tests.support.databases import alembic_config


def test_a_fresh_database_has_the_five_default_links_in_order(empty_app):
    command.upgrade(alembic_config(empty_app), "0007_home_and_timezones")
    links = db.session.execute(
        select(ReadingLink.title, ReadingLink.url).order_by(ReadingLink.position)
    ).all()
    db.session.remove()
    titles = [title for title, _ in links]
    assert len(links) == 5
    assert "open letter" in titles[0].lower() and "WHO" in titles[0]
    assert "Tanzania" in titles[1]
    assert "post-partum haemorrhage" in titles[2].lower()
    assert titles[3] == "RAD-AID International" and links[3].url == "https://www.rad-aid.org/"
    assert "SIR" in titles[4] and links[4].url.startswith("https://www.sirweb.org/")
    assert all(url.startswith("https://") for _, url in links)
