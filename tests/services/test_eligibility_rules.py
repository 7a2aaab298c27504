"""services.eligibility names every rule the engine can report (a new engine rule needs a name)."""

from __future__ import annotations

from datetime import date

from matcher.engine.profiles import ApplicantProfile, LanguageReq, OpportunitySpec, Proficiency, Window
from matcher.engine.scoring import NO_LEVEL, failures
from matcher.services.eligibility import RULE_NAMES


def test_every_rule_the_engine_reports_has_a_name_for_the_reader():
    nobody = ApplicantProfile(id="a", level=NO_LEVEL)
    window = Window(date(2027, 3, 1), date(2027, 3, 28))
    shut = OpportunitySpec(
        "o",
        "KE",
        "Eastern Africa",
        "Africa",
        1,
        2,
        window,
        languages=(LanguageReq("am", Proficiency.BASIC),),
        is_open=False,
    )
    full = OpportunitySpec("p", "KE", "Eastern Africa", "Africa", 1, 2, window, places_left=0)
    codes = {f.constraint for spec in (shut, full) for f in failures(nobody, spec)}
    assert codes == {"closed", "full", "level", "dates", "language"}
    assert codes <= RULE_NAMES.keys()
