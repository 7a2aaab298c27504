"""Lists and requirements in words: "a, b and c"."""

from types import SimpleNamespace

import pytest

from matcher.models.matching import MatchStatus
from matcher.words import and_list, requirements_to_check


@pytest.mark.parametrize(
    ("items", "words"),
    [([], ""), (["a visa"], "a visa"), (["a", "b"], "a and b"), (["a", "b", "c"], "a, b and c")],
)
def test_and_list_reads_like_a_sentence(items, words):
    assert and_list(items) == words


def _opportunity(**flags):
    defaults = dict(
        needs_visa=False,
        needs_temporary_licence=False,
        needs_indemnity=False,
        needs_immunisations=False,
        requirements="",
    )
    return SimpleNamespace(**{**defaults, **flags})


def test_requirements_to_check_name_each_flag_and_the_hosts_own_text():
    both = _opportunity(needs_visa=True, needs_immunisations=True, requirements="A police check.")
    assert requirements_to_check(both) == [
        "a visa",
        "immunisations",
        "the other requirements on the opportunity's page",
    ]
    assert requirements_to_check(_opportunity(requirements="  \n")) == []
    assert requirements_to_check(_opportunity(needs_indemnity=True)) == ["indemnity cover"]


def test_a_published_match_reads_as_offered():
    assert MatchStatus.PUBLISHED.label == "offered"
    assert MatchStatus.ACCEPTED.label == "accepted"
