"""Tests for boh_core.maintenance.dispatch: skill match, weighted load, tie-break, batches."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from boh_core.errors import BohError
from boh_core.maintenance.dispatch import (
    DispatchRequest,
    Technician,
    assign_batch,
    choose_technician,
    weighted_load,
)

WEIGHTS = {"0": 1.0, "1": 2.0, "2": 4.0, "3": 8.0}
ANNA = Technician(3, frozenset({"electrical", "refrigeration"}), {"3": 1})  # load 8
BO = Technician(1, frozenset({"electrical"}), {"0": 2, "1": 1})  # load 4
CHEN = Technician(2, frozenset({"electrical", "refrigeration", "gas"}), {"1": 2})  # load 4
DANI = Technician(4, frozenset({"plumbing"}), 0.0)
TEAM = [ANNA, BO, CHEN, DANI]


def test_weighted_load_from_counts_or_number():
    assert weighted_load(ANNA, WEIGHTS) == 8.0
    assert weighted_load(BO, WEIGHTS) == 4.0
    assert weighted_load(Technician(9, frozenset(), 2.5), WEIGHTS) == 2.5


def test_only_qualified_technicians_are_considered():
    assert choose_technician({"refrigeration"}, TEAM, WEIGHTS) == 2  # Chen 4 < Anna 8
    assert choose_technician({"gas", "electrical"}, TEAM, WEIGHTS) == 2
    assert choose_technician({"plumbing"}, TEAM, WEIGHTS) == 4
    assert choose_technician("plumbing", TEAM, WEIGHTS) == 4  # one skill as plain text


def test_lightest_load_then_smallest_id():
    # Bo (id 1) and Chen (id 2) both weigh 4: the smaller id wins, whatever the order.
    assert choose_technician({"electrical"}, TEAM, WEIGHTS) == 1
    assert choose_technician({"electrical"}, list(reversed(TEAM)), WEIGHTS) == 1
    # No skill needed: anyone, and Dani has no load at all.
    assert choose_technician(set(), TEAM, WEIGHTS) == 4


def test_nobody_qualified_gives_none():
    assert choose_technician({"refrigeration", "plumbing"}, TEAM, WEIGHTS) is None
    assert choose_technician({"electrical"}, [], WEIGHTS) is None


def test_priority_weights_change_the_choice():
    heavy_low = Technician(1, frozenset({"x"}), {"0": 5})
    one_urgent = Technician(2, frozenset({"x"}), {"3": 1})
    assert choose_technician({"x"}, [heavy_low, one_urgent], WEIGHTS) == 1  # 5 < 8
    flat = dict.fromkeys(WEIGHTS, 1.0)
    assert choose_technician({"x"}, [heavy_low, one_urgent], flat) == 2  # 5 > 1


def test_batch_updates_loads_and_serves_urgent_first():
    requests = [
        DispatchRequest("r1", frozenset({"electrical"}), "0"),
        DispatchRequest("r2", frozenset({"electrical"}), "3"),
        DispatchRequest("r3", frozenset({"electrical"}), "1"),
        DispatchRequest("r4", frozenset({"plumbing", "gas"}), "2"),
        DispatchRequest("r5", frozenset({"refrigeration"}), "0"),
    ]
    result = assign_batch(requests, TEAM, WEIGHTS)
    assert list(result) == ["r1", "r2", "r3", "r4", "r5"]  # input order kept
    # Urgent r2 first: Bo and Chen tie at 4 -> Bo (id 1), now 12.
    # r3 (weight 2): Chen 4 -> Chen, now 6.  r1 (weight 1): Chen 6 < Anna 8 -> Chen, 7.
    # r5 (weight 1, refrigeration): Chen 7 < Anna 8 -> Chen.  r4: nobody has both skills.
    assert result == {"r1": 2, "r2": 1, "r3": 2, "r4": None, "r5": 2}


def test_batch_spreads_equal_work_evenly():
    crew = [Technician(i, frozenset({"x"}), 0.0) for i in (5, 6, 7)]
    requests = [DispatchRequest(n, frozenset({"x"}), "1") for n in range(9)]
    result = assign_batch(requests, crew, WEIGHTS)
    assert list(result.values()) == [5, 6, 7, 5, 6, 7, 5, 6, 7]


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (
            lambda: choose_technician({"x"}, [Technician(1, frozenset(), {"9": 1})], WEIGHTS),
            "priority",
        ),
        (
            lambda: choose_technician({"x"}, [Technician(1, frozenset(), -1.0)], WEIGHTS),
            "open load",
        ),
        (
            lambda: choose_technician({"x"}, [Technician(1, frozenset(), float("nan"))], WEIGHTS),
            "open load",
        ),
        (
            lambda: choose_technician({"x"}, [Technician(1, frozenset(), {"0": True})], WEIGHTS),
            "open load",
        ),
        (lambda: choose_technician({"x"}, [BO, BO], WEIGHTS), "technicians"),
        (lambda: assign_batch([DispatchRequest(1, frozenset(), "7")], TEAM, WEIGHTS), "priority"),
        (
            lambda: assign_batch([DispatchRequest(1, frozenset(), "1")] * 2, TEAM, WEIGHTS),
            "requests",
        ),
        (lambda: choose_technician({"x"}, [BO], {"0": -1.0, "1": 1.0}), "priority weight"),
    ],
)
def test_bad_input_is_refused(call, field):
    with pytest.raises(BohError) as info:
        call()
    assert info.value.field == field


SKILLS = st.frozensets(st.sampled_from(["a", "b", "c"]))


@given(
    st.lists(
        st.tuples(SKILLS, st.floats(min_value=0, max_value=50, allow_nan=False)),
        max_size=8,
    ),
    SKILLS,
)
def test_choice_is_qualified_minimal_and_order_independent(specs, required):
    team = [Technician(i, skills, load) for i, (skills, load) in enumerate(specs)]
    chosen = choose_technician(required, team, WEIGHTS)
    qualified = [t for t in team if required <= t.skills]
    if not qualified:
        assert chosen is None
        return
    best = min(qualified, key=lambda t: (t.open_load, t.id))
    assert chosen == best.id
    assert choose_technician(required, list(reversed(team)), WEIGHTS) == chosen
