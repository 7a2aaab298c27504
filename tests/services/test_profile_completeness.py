"""is_complete(profile): what the matching relies on to pick profiles."""

import pytest

from matcher.extensions import db
from matcher.services.profiles import completeness, is_complete


def test_a_complete_profile_is_complete(users):
    profile = users.profile()
    assert is_complete(profile)
    assert completeness(profile).percent == 100


def test_no_profile_and_an_empty_profile_are_not_complete(users):
    assert not is_complete(None)
    empty = users.profile(complete=False)
    assert not is_complete(empty)
    assert completeness(empty).percent == 0


@pytest.mark.parametrize(
    ("part", "label"),
    [
        ("level_rank", "Your training level"),
        ("institution", "Your medical school or hospital"),
        ("home_country_code", "Your home country"),
        ("places", "Regions or sub-regions you would like to go to"),
        ("interests", "Your interests"),
        ("availability", "When you are available"),
        ("languages", "The languages you speak"),
        ("statement", "A short statement"),
    ],
)
def test_each_missing_part_makes_a_profile_incomplete(users, part, label):
    profile = users.profile()
    blank = {"level_rank": None, "home_country_code": None, "institution": "  ", "statement": ""}
    setattr(profile, part, blank.get(part, []))
    db.session.commit()
    assert not is_complete(profile)
    assert completeness(profile).missing == (label,)


def test_the_cv_is_not_needed_for_matching(users):
    profile = users.profile()
    assert profile.cv_filename is None and is_complete(profile)
