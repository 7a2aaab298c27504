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
        ("level_rank", "Your training level or grade"),
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


@pytest.mark.parametrize(
    "part",
    ["level_rank", "institution", "home_country_code", "places", "interests", "availability", "languages"],
)
def test_the_rounds_row_loader_reads_profiles_as_the_orm_path_does(users, part):
    """A round at scale reads profiles as rows; it must pick and describe them exactly as one by one."""
    from datetime import date

    from sqlalchemy import select

    from matcher.engine.profiles import LanguageReq, Proficiency
    from matcher.models import Interest
    from matcher.models.profile import PlaceOfInterest, Profile
    from matcher.services.matching.inputs import applicant_spec, applicant_specs

    teacher = users.create(role="trainee")
    rich = users.profile(
        teacher,
        interests=("pph-embolisation", "tace"),
        subregions=("Eastern Africa",),
        availability=((date(2027, 1, 1), date(2027, 2, 1)), (date(2027, 5, 1), date(2027, 6, 30))),
        languages=(("en", "professional"), ("fr", "basic")),
        volunteers_to_teach=True,
    )
    rich.places.append(PlaceOfInterest(scope="region", name="Asia"))
    rich.teaching_interests = list(db.session.scalars(select(Interest).where(Interest.slug == "tace")))
    broken = users.profile()
    blank = {"level_rank": None, "home_country_code": None, "institution": "  "}
    setattr(broken, part, blank.get(part, []))
    db.session.commit()
    other = users.profile()  # not selected by the subquery

    wanted = select(Profile.user_id).where(Profile.user_id.in_([teacher.id, broken.user_id]))
    specs = applicant_specs(db.session, wanted)
    assert set(specs) == {teacher.id}  # the incomplete one is left out, the unselected one too
    assert specs[teacher.id] == applicant_spec(rich)
    assert specs[teacher.id].can_teach == frozenset({"tace"})
    assert specs[teacher.id].regions_of_interest == frozenset({"Asia"})
    assert LanguageReq("fr", Proficiency.BASIC) in specs[teacher.id].languages
    assert other.user_id not in specs
