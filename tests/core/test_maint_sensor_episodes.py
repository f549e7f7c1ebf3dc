"""Breach episodes whatever order readings arrive in: one breach, one episode, one request."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from boh_core.errors import BohError
from boh_core.maintenance.sensors import (
    KNOWN_COLUMNS,
    breach_episodes,
    reconcile_episodes,
    track_episodes,
)

T0 = pd.Timestamp("2024-05-01 00:00", tz="UTC")
FRIDGE = (0.0, 5.0, 20)  # 0-5 degrees, a breach must last 20 minutes
STEP = 10  # minutes between readings


def readings(points, equipment="CLD-0001", metric="temperature"):
    """``[(minute, value), ...]`` as a reading frame."""
    return pd.DataFrame(
        {
            "equipment": equipment,
            "metric": metric,
            "at": [T0 + pd.Timedelta(minutes=minute) for minute, _value in points],
            "value": [float(value) for _minute, value in points],
        },
        columns=["equipment", "metric", "at", "value"],
    )


class Receiver:
    """What the addon does after each push, in memory: track, then record what changed."""

    def __init__(self, thresholds):
        self.thresholds = thresholds
        self.view = readings([])
        self.known = pd.DataFrame(columns=list(KNOWN_COLUMNS))
        self.requests = 0

    def push(self, frame):
        self.view = pd.concat([self.view, frame], ignore_index=True) if len(self.view) else frame
        touched = track_episodes(self.view, self.thresholds, self.known)
        new = touched.loc[touched["new"]].copy()
        self.requests += len(new)  # one repair request per new episode
        new["id"] = range(len(self.known), len(self.known) + len(new))
        old = touched.loc[~touched["new"]].set_index("id")
        known = self.known.set_index("id")
        known.update(old[["start", "last_out", "end", "peak", "state"]])
        frames = [f for f in (known.reset_index(), new[list(KNOWN_COLUMNS)]) if not f.empty]
        if frames:
            self.known = pd.concat(frames, ignore_index=True)
        return touched

    def spans(self):
        known = self.known.sort_values(["equipment", "metric", "start"])
        return [
            (row.equipment, row.metric, row.start, row.last_out)
            for row in known.itertuples(index=False)
        ]


def test_late_earlier_readings_extend_the_episode_instead_of_opening_another():
    receiver = Receiver({("CLD-0001", "temperature"): FRIDGE})
    first = receiver.push(readings([(30, 9), (40, 9), (50, 9)]))
    assert first["new"].tolist() == [True]
    later = receiver.push(readings([(0, 8), (10, 12), (20, 9)]))
    assert later["new"].tolist() == [False], "the same breach, reached earlier"
    assert receiver.requests == 1
    (row,) = receiver.known.to_dict("records")
    assert row["start"] == T0 and row["last_out"] == T0 + pd.Timedelta(minutes=50)
    assert row["peak"] == 12 and row["state"] == "open"
    receiver.push(readings([(60, 3)]))
    (row,) = receiver.known.to_dict("records")
    assert row["state"] == "closed" and row["end"] == T0 + pd.Timedelta(minutes=60)


def test_late_in_range_reading_inside_an_episode_does_not_split_it():
    receiver = Receiver({("CLD-0001", "temperature"): (0.0, 5.0, 0)})
    receiver.push(readings([(0, 9), (10, 9), (20, 9), (30, 9)]))
    receiver.push(readings([(15, 4)]))  # two runs now, both inside the recorded episode
    assert receiver.requests == 1 and len(receiver.known) == 1
    (row,) = receiver.known.to_dict("records")
    assert (row["start"], row["last_out"], row["state"]) == (
        T0,
        T0 + pd.Timedelta(minutes=30),
        "open",
    )


def test_short_tail_still_belongs_to_its_episode():
    """A run too short to open an episode still extends (and keeps open) the one it touches."""
    thresholds = {("CLD-0001", "temperature"): FRIDGE}
    known = pd.DataFrame(
        [(7, "CLD-0001", "temperature", T0, T0 + pd.Timedelta(minutes=30), pd.NaT, 9.0, "open")],
        columns=list(KNOWN_COLUMNS),
    )
    # A late in-range reading at 15 leaves 20-30 as a 10-minute run: short, but not new.
    view = readings([(0, 9), (10, 9), (15, 4), (20, 9), (30, 11)])
    (row,) = track_episodes(view, thresholds, known).to_dict("records")
    assert (row["id"], row["new"], row["state"], row["peak"]) == (7, False, "open", 11.0)
    # The same short run with nothing recorded opens nothing.
    assert track_episodes(readings([(20, 9), (30, 11)]), thresholds).empty


def test_series_are_matched_separately():
    thresholds = {("CLD-0001", "temperature"): FRIDGE, ("CLD-0002", "temperature"): FRIDGE}
    receiver = Receiver(thresholds)
    receiver.push(readings([(0, 9), (10, 9), (20, 9)]))
    receiver.push(readings([(0, 9), (10, 9), (20, 9)], equipment="CLD-0002"))
    assert receiver.requests == 2


def test_reconcile_refuses_recorded_episodes_without_their_columns():
    runs = breach_episodes(
        readings([(0, 9)]), {("CLD-0001", "temperature"): (0, 5, 0)}, include_short=True
    )
    with pytest.raises(BohError) as info:
        reconcile_episodes(runs, pd.DataFrame({"id": [1]}), {})
    assert info.value.field == "known"
    assert reconcile_episodes(runs.iloc[0:0], None, {}).empty


@st.composite
def arrivals(draw, in_range_first):
    """Two series of readings every 10 minutes, and the pushes they arrive in."""
    points = []
    for equipment in ("CLD-0001", "CLD-0002"):
        flags = draw(st.lists(st.booleans(), min_size=1, max_size=24))
        points += [(equipment, i * STEP, 9.0 if out else 3.0) for i, out in enumerate(flags)]
    order = [points[i] for i in draw(st.permutations(range(len(points))))]
    first = []
    if in_range_first:
        # Only out-of-range readings come late: the in-range ones are all in the first push.
        first = [point for point in order if point[2] <= 5]
        order = [point for point in order if point[2] > 5]
    cuts = draw(st.sets(st.integers(1, max(len(order) - 1, 1)), max_size=6))
    bounds = [0, *sorted(cuts), len(order)]
    pushes = [first] + [order[a:b] for a, b in zip(bounds, bounds[1:], strict=False)]
    minutes = draw(st.sampled_from([0, 10, 20, 30]))
    return points, [p for p in pushes if p], minutes


def frame(points):
    return pd.DataFrame(
        {
            "equipment": [p[0] for p in points],
            "metric": "temperature",
            "at": [T0 + pd.Timedelta(minutes=p[1]) for p in points],
            "value": [p[2] for p in points],
        }
    )


def run(points, pushes, minutes):
    thresholds = {
        ("CLD-0001", "temperature"): (0.0, 5.0, minutes),
        ("CLD-0002", "temperature"): (0.0, 5.0, minutes),
    }
    receiver = Receiver(thresholds)
    for push in pushes:
        receiver.push(frame(push))
    final = breach_episodes(frame(points), thresholds)
    return receiver, final


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(arrivals(in_range_first=True))
def test_shuffled_breach_readings_give_one_request_per_episode(case):
    """However late and shuffled out-of-range readings come, each episode opens one request."""
    points, pushes, minutes = case
    receiver, final = run(points, pushes, minutes)
    assert receiver.requests == len(final) == len(receiver.known)
    expected = [
        (row.equipment, row.metric, row.start, row.last_out)
        for row in final.sort_values(["equipment", "metric", "start"]).itertuples(index=False)
    ]
    assert receiver.spans() == expected
    # And the state is that of the full series.
    states = receiver.known.sort_values(["equipment", "metric", "start"])["state"].tolist()
    assert states == final.sort_values(["equipment", "metric", "start"])["state"].tolist()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(arrivals(in_range_first=False))
def test_any_arrival_order_never_duplicates_an_episode(case):
    """Any order: recorded episodes never overlap, and each real episode is exactly one of them.

    (A breach seen while an in-range reading was still on its way may have opened its
    request already; the late reading then does not open a second one.)
    """
    points, pushes, minutes = case
    receiver, final = run(points, pushes, minutes)
    assert receiver.requests == len(receiver.known)
    spans = receiver.spans()
    for (eq1, m1, _s1, last1), (eq2, m2, start2, _l2) in zip(spans, spans[1:], strict=False):
        if (eq1, m1) == (eq2, m2):
            assert last1 < start2, "two recorded episodes of one series overlap"
    for row in final.itertuples(index=False):
        overlapping = [
            span
            for span in spans
            if span[:2] == (row.equipment, row.metric)
            and span[2] <= row.last_out
            and span[3] >= row.start
        ]
        assert len(overlapping) == 1
