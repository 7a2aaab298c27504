"""The service layer's path (`csr_from_choices`) equals the dict path; `explain=False` keeps the values."""

from __future__ import annotations

import re

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from matcher.engine import allocate_arrays, allocate_from_scores, csr_from_choices
from matcher.engine._row_order import entry_dtype, order_rows
from matcher.engine.profiles import Taxonomy
from matcher.engine.scoring import GROUP_CREDIT, eligible, first_failure, interest_overlap, score
from tests.unit.engine.profile_strategies import GROUPS, TAXONOMY, applicant_profiles, opportunity_specs


@st.composite
def ranked_rounds(draw):
    """Applicants' ranked choices, eligibility, scores with ties, and some hosts' own orders."""
    n_app, n_opp = draw(st.integers(1, 7)), draw(st.integers(1, 5))
    entries = []
    for a in range(n_app):
        choices = draw(st.lists(st.integers(0, n_opp - 1), unique=True, max_size=n_opp))
        for rank, o in enumerate(choices, start=1):
            entries.append(
                (a, o, rank, draw(st.booleans() | st.just(True)), draw(st.sampled_from([0.2, 0.5, 0.9])))
            )
    hosts_rank = draw(st.lists(st.booleans(), min_size=n_opp, max_size=n_opp))
    host_rank = []
    for o in range(n_opp):
        mine = [k for k, e in enumerate(entries) if e[1] == o]
        order = draw(st.permutations(mine)) if hosts_rank[o] else []
        # A host that ranks may leave some applicants out.
        kept = order[: draw(st.integers(0, len(order)))] if order else []
        host_rank.append({k: r for r, k in enumerate(kept, start=1)})
    capacities = draw(st.lists(st.integers(0, 2), min_size=n_opp, max_size=n_opp))
    return n_app, n_opp, entries, host_rank, capacities, draw(st.integers(0, 2**31 - 1))


@settings(max_examples=200, deadline=None)
@given(ranked_rounds())
def test_choices_on_arrays_give_the_matching_of_the_dict_path(instance):
    n_app, n_opp, entries, host_rank, capacities, seed = instance
    ranks = [next((hr[k] for hr in host_rank if k in hr), -1) for k in range(len(entries))]
    lists = csr_from_choices(
        [e[0] for e in entries],
        [e[1] for e in entries],
        [e[2] for e in entries],
        [e[3] for e in entries],
        [e[4] for e in entries],
        ranks,
        n_app,
        n_opp,
        seed=seed,
    )
    arrays = allocate_arrays(
        lists.applicant_indptr,
        lists.applicant_prefs,
        lists.opportunity_indptr,
        lists.opportunity_prefs,
        np.array(capacities),
    )

    # The same round through the dict path; zero-padded ids sort as their positions do.
    def a_id(a: int) -> str:
        return f"a{a:03d}"

    def o_id(o: int) -> str:
        return f"o{o:03d}"

    applicant_ranks = {a_id(a): [] for a in range(n_app)}
    for a, o, _, _, _ in sorted(entries, key=lambda e: (e[0], e[2])):
        applicant_ranks[a_id(a)].append(o_id(o))
    scores = {(a_id(a), o_id(o)): s for a, o, _, ok, s in entries if ok}
    opportunity_ranks = {
        o_id(o): [a_id(entries[k][0]) for k in sorted(hr, key=hr.get)] for o, hr in enumerate(host_rank) if hr
    }
    expected = allocate_from_scores(
        scores,
        {o_id(o): c for o, c in enumerate(capacities)},
        seed=seed,
        applicants=applicant_ranks,
        applicant_ranks=applicant_ranks,
        opportunity_ranks=opportunity_ranks,
    )
    got = {a_id(a): (o_id(int(o)) if o >= 0 else None) for a, o in enumerate(arrays.assignment)}
    assert got == expected.assignments
    # Every slot leads back to its entry.
    for slot, entry in enumerate(lists.applicant_entry):
        assert entries[entry][1] == lists.applicant_prefs[slot]
    for slot, entry in enumerate(lists.opportunity_entry):
        assert entries[entry][0] == lists.opportunity_prefs[slot] and entries[entry][3]


def test_hosts_order_wins_and_unranked_applicants_are_left_out():
    # o0's host ranked applicant 1 only; o1 has no host order, so its list follows the scores.
    lists = csr_from_choices(
        applicant=[0, 0, 1, 1, 2],
        opportunity=[0, 1, 0, 1, 1],
        choice_rank=[1, 2, 1, 2, 1],
        eligible=[True, True, True, True, False],
        score=[0.9, 0.3, 0.1, 0.8, 1.0],
        host_rank=[-1, -1, 1, -1, -1],
        n_applicants=3,
        n_opportunities=2,
        seed=5,
    )
    assert lists.opportunity_prefs[: lists.opportunity_indptr[1]].tolist() == [1]
    assert lists.opportunity_prefs[lists.opportunity_indptr[1] :].tolist() == [1, 0]  # 2 is ineligible
    assert lists.applicant_prefs.tolist() == [0, 1, 0, 1, 1]  # every choice kept, to be explained


@settings(max_examples=300, deadline=None)
@given(opportunity_specs(0), applicant_profiles(0), st.booleans())
def test_score_without_words_has_the_same_values(opportunity, applicant, include_rank):
    full = score(applicant, opportunity, TAXONOMY, include_rank=include_rank)
    quick = score(applicant, opportunity, TAXONOMY, include_rank=include_rank, explain=False)
    assert (quick.eligible, quick.total) == (full.eligible, full.total)
    assert eligible(applicant, opportunity, TAXONOMY) == full.eligible
    assert first_failure(applicant, opportunity, TAXONOMY) == (full.failures[0] if full.failures else None)
    assert [(p.name, p.value, p.weight) for p in quick.parts] == [
        (p.name, p.value, p.weight) for p in full.parts
    ]
    assert [f.constraint for f in quick.failures] == [f.constraint for f in full.failures][:1]
    assert all(p.reason for p in full.parts)


def reference_overlap(mine: frozenset[str], theirs: frozenset[str], taxonomy: Taxonomy) -> float:
    """The weighted Jaccard written out over explicit vectors: each key's min over its max."""
    vectors = []
    for interests in (mine, theirs):
        vector = {("interest", s): 1.0 for s in interests}
        vector.update({("group", taxonomy.group(s)): GROUP_CREDIT for s in interests if taxonomy.group(s)})
        vectors.append(vector)
    keys = vectors[0].keys() | vectors[1].keys()
    union = sum(max(vectors[0].get(k, 0.0), vectors[1].get(k, 0.0)) for k in keys)
    common = sum(min(vectors[0].get(k, 0.0), vectors[1].get(k, 0.0)) for k in keys)
    return common / union if union else 0.0


@given(
    st.frozensets(st.sampled_from([*sorted(GROUPS), "ungrouped"])),
    st.frozensets(st.sampled_from([*sorted(GROUPS), "ungrouped"])),
)
def test_interest_overlap_equals_the_weighted_jaccard_written_out(mine, theirs):
    taxonomy = Taxonomy(interest_groups=GROUPS)
    assert interest_overlap(mine, theirs, taxonomy) == reference_overlap(mine, theirs, taxonomy)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.lists(
        st.tuples(
            st.integers(0, 4), st.integers(0, 3), st.sampled_from([0.1, 0.5, 0.5, 0.9]), st.integers(0, 3)
        ),
        max_size=300,
    )
)
def test_compiled_row_order_equals_numpy_lexsort_ties_included(kernel_calls, entries):
    row = np.array([e[0] for e in entries], np.int64)
    first = np.array([e[1] for e in entries], np.int64)
    second = np.array([e[2] for e in entries], np.float64)
    third = np.array([e[3] for e in entries], np.int64)
    before = kernel_calls["order_rows"]
    compiled = order_rows(row, 5, first, second, third, compiled=True)
    assert kernel_calls["order_rows"] == before + 1
    python = order_rows(row, 5, first, second, third, compiled=False)
    assert kernel_calls["order_rows"] == before + 1
    keys = [(int(row[e]), int(first[e]), -float(second[e]), int(third[e])) for e in compiled]
    assert keys == sorted(keys)  # in order, and stable: equal entries keep their input order
    assert compiled.tolist() == python.tolist()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ranked_rounds(), st.booleans())
def test_compiled_and_numpy_lists_are_the_same(kernel_calls, instance, shuffled):
    n_app, n_opp, entries, host_rank, _, seed = instance
    if shuffled:  # entries not in applicant order take the sorting path on the applicant side too
        entries = entries[::-1]
        host_rank = [{len(entries) - 1 - k: r for k, r in hr.items()} for hr in host_rank]
    ranks = [next((hr[k] for hr in host_rank if k in hr), -1) for k in range(len(entries))]
    columns = [
        np.array([e[i] for e in entries], np.int32 if i < 3 else (bool if i == 3 else float))
        for i in range(5)
    ]
    args = (*columns, np.array(ranks, np.int32), n_app, n_opp)
    before = kernel_calls["order_opportunity_lists"]
    compiled = csr_from_choices(*args, seed=seed, backend="compiled")
    assert kernel_calls["order_opportunity_lists"] == before + 1
    python = csr_from_choices(*args, seed=seed, backend="python")
    assert kernel_calls["order_opportunity_lists"] == before + 1
    for field in ("applicant_indptr", "applicant_prefs", "opportunity_indptr", "opportunity_prefs"):
        assert getattr(compiled, field).tolist() == getattr(python, field).tolist(), field
    assert compiled.opportunity_entry.tolist() == python.opportunity_entry.tolist()


def round_of(applicant, opportunity, choice_rank, host_rank=None, dtype=np.int64, backend=None):
    """csr_from_choices on one round of eligible entries with equal scores."""
    n = len(applicant)
    columns = [np.array(c, dtype) for c in (applicant, opportunity, choice_rank)]
    ranks = np.array([-1] * n if host_rank is None else host_rank, dtype)
    return csr_from_choices(
        *columns,
        [True] * n,
        [0.5] * n,
        ranks,
        max(applicant) + 1,
        max(opportunity) + 1,
        seed=0,
        backend=backend,
    )


def test_a_host_rank_of_zero_is_a_rank(backend):
    lists = round_of([0, 1], [0, 0], [1, 1], host_rank=[-1, 0], backend=backend)
    assert lists.opportunity_prefs.tolist() == [1]  # ranked by the host; applicant 0 was not


def test_entries_out_of_applicant_order_are_sorted_by_applicant_then_rank(backend, kernel_calls):
    lists = round_of([0, 1, 0], [0, 1, 2], [1, 1, 2], backend=backend)
    assert lists.applicant_prefs.tolist() == [0, 2, 1]
    assert lists.applicant_entry.tolist() == [0, 2, 1]
    assert lists.applicant_indptr.tolist() == [0, 2, 3]
    assert kernel_calls["order_rows"] == (backend == "compiled")
    reversed_ranks = round_of([0, 0], [0, 1], [2, 1], backend=backend)
    assert reversed_ranks.applicant_prefs.tolist() == [1, 0]
    last_two_swapped = round_of([0, 0, 0], [0, 1, 2], [1, 3, 2], backend=backend)
    assert last_two_swapped.applicant_prefs.tolist() == [0, 2, 1]


def test_entries_in_applicant_order_are_taken_as_they_are_without_a_copy(backend):
    applicant, opportunity, choice_rank, host_rank = (
        np.array(c, np.int32) for c in ([0, 0, 1], [1, 0, 1], [1, 2, 1], [-1] * 3)
    )
    lists = csr_from_choices(
        applicant, opportunity, choice_rank, [True] * 3, [0.5] * 3, host_rank, 2, 2, seed=0, backend=backend
    )
    assert np.shares_memory(lists.applicant_prefs, opportunity)
    assert lists.applicant_entry.tolist() == [0, 1, 2]
    assert lists.applicant_entry.dtype == np.int32


@pytest.mark.parametrize("applicant", [[0, 0, 1], [1, 0, 0]])
def test_the_lists_have_the_kernels_dtypes_whatever_the_input_integers(applicant, backend):
    lists = round_of(applicant, [0, 1, 1], [1, 2, 1], dtype=np.int64, backend=backend)
    dtypes = [
        lists.applicant_indptr,
        lists.applicant_prefs,
        lists.opportunity_indptr,
        lists.opportunity_prefs,
    ]
    assert [a.dtype for a in dtypes] == [np.int64, np.int32, np.int64, np.int32]


def test_round_lists_refuse_columns_of_different_lengths_and_nan_scores():
    message = "every entry needs an applicant, an opportunity, a rank, eligibility, score, host rank"
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        csr_from_choices([0, 0], [0, 1], [1, 2], [True, True], [0.5, 0.5], [-1], 1, 2, seed=0)
    with pytest.raises(ValueError, match=r"^scores must not be NaN$"):
        csr_from_choices([0], [0], [1], [True], [float("nan")], [-1], 1, 1, seed=0)


@pytest.mark.parametrize(
    ("applicant", "opportunity", "message"),
    [
        ([0, 2], [0, 0], "applicant positions must lie in [0, 2)"),
        ([0, -1], [0, 0], "applicant positions must lie in [0, 2)"),
        ([0, 1], [3, 0], "opportunity positions must lie in [0, 3)"),
        ([0, 1], [0, -1], "opportunity positions must lie in [0, 3)"),
    ],
)
def test_round_lists_refuse_positions_the_unchecked_sorts_would_write_beyond(applicant, opportunity, message):
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        csr_from_choices(applicant, opportunity, [1, 1], [True] * 2, [0.5] * 2, [-1, -1], 2, 3, seed=0)


def test_entry_positions_are_int32_up_to_its_largest_value():
    assert entry_dtype(0) is np.int32
    assert entry_dtype(2**31 - 1) is np.int32
    assert entry_dtype(2**31) is np.int64
