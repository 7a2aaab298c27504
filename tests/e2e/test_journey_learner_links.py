"""Local learners' feedback (issue 22) in a real browser at 360 px: the host makes links and gets
the sheet once; a learner with no account opens one (in the site's teaching language, switched
without script), is told what is missing, answers; the link then says it was used. axe-core checks
every page; nothing is wider than the screen."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.support.factories import UserFactory
from tests.support.impact import impact_scene

WIDTH = 360
_WIDER_THAN_SCREEN = "() => document.documentElement.scrollWidth"


@pytest.fixture(scope="module")
def cast(live_server) -> dict[str, Any]:
    with live_server.data() as make:
        scene = impact_scene(make.session, make)
        scene.site.instruction_language = "fr"
        make.session.commit()
        return {"host": scene.host.email, "visit": scene.teaching.id, "title": scene.teaching.title}


def test_the_host_hands_out_links_and_a_learner_answers_once(people, cast, live_server):
    host = people("host", width=WIDTH)
    host.log_in(cast["host"], UserFactory.PASSWORD)
    host.goto(f"/visits/{cast['visit']}/learner-links")
    page = host.page
    page.get_by_label("How many links").fill("3")
    host.click(host.button("Make the links"))
    assert "cannot be shown again" in host.text()
    links = re.findall(r"http://[^\s]+/f/[a-z0-9-]+", host.text())
    assert len(links) == 3
    assert page.evaluate(_WIDER_THAN_SCREEN) <= WIDTH

    learner = people("learner", width=WIDTH)  # axe checks each of its pages
    learner.goto(links[0])
    assert learner.page.locator("html").get_attribute("lang") == "fr"
    learner.click(learner.link("English"))
    assert learner.heading == "Your feedback on the teaching"
    assert "anonymous" in learner.text()
    learner.click(learner.button("Send my answer"), expect_status=422)
    assert "There is a problem" in learner.text()
    learner.page.get_by_label("4: very useful").check()
    learner.page.get_by_label("What helped you most? (optional)").fill("Doing the drainage myself")
    assert learner.page.evaluate(_WIDER_THAN_SCREEN) <= WIDTH
    learner.click(learner.button("Send my answer"))
    assert learner.heading == "Thank you"
    learner.goto(links[0] + "?lang=en", expect_status=410)
    assert "used already" in learner.text()

    host.goto(f"/visits/{cast['visit']}/learner-feedback")
    assert "1 local learner has answered so far." in host.text()
    assert "Doing the drainage myself" not in host.text()
