"""Tests for boh_core.exceptions.feeds: silent feeds and silent items."""

from __future__ import annotations

import pandas as pd
import pytest

from boh_core.errors import BohError
from boh_core.exceptions import detect_silent_feeds, detect_silent_items, hourly_profile

START = pd.Timestamp("2026-03-02")  # a Monday


def orders(days=28, store="S1"):
    """Ten orders an hour from 11:00 to 22:00, every day; item X on every third order."""
    rows = []
    for d in range(days):
        for h in range(11, 22):
            for k in range(10):
                at = START + pd.Timedelta(days=d, hours=h, minutes=6 * k)
                rows.append((store, "X" if k % 3 == 0 else "Y", at))
    return pd.DataFrame(rows, columns=["store", "item", "at"])


HISTORY = orders()
PROFILE = hourly_profile(HISTORY)
ITEMS = hourly_profile(HISTORY, by=("store", "item"))
DAY = START + pd.Timedelta(days=28)  # the day after the history


def today(until, item_until=None):
    frame = orders(days=1)
    frame["at"] += pd.Timedelta(days=28)
    keep = frame["at"] < until
    if item_until is not None:
        keep &= (frame["item"] != "X") | (frame["at"] < item_until)
    return frame[keep]


def test_the_profile_counts_orders_per_weekday_hour():
    row = PROFILE[(PROFILE["weekday"] == 0) & (PROFILE["hour"] == 12)].iloc[0]
    assert (row["rate"], row["share"], row["weeks"]) == (10.0, 1.0, 4)


def test_no_orders_for_two_hours_of_trade_is_a_silent_feed_from_the_last_order():
    now = DAY + pd.Timedelta(hours=15)
    found = detect_silent_feeds(now, today(DAY + pd.Timedelta(hours=13)), PROFILE)
    assert [(f.kind, f.key, f.start) for f in found] == [
        ("feed_silent", ("S1",), (DAY + pd.Timedelta(hours=12, minutes=54)).to_pydatetime())
    ]
    assert found[0].expected >= 8 and found[0].observed == 0


def test_the_silence_keeps_its_start_run_after_run():
    recent = today(DAY + pd.Timedelta(hours=13))
    starts = {
        detect_silent_feeds(DAY + pd.Timedelta(hours=h, minutes=m), recent, PROFILE)[0].start
        for h, m in ((14, 0), (14, 15), (15, 30))
    }
    assert len(starts) == 1


def test_a_trading_feed_a_closed_store_and_night_hours_are_quiet():
    now = DAY + pd.Timedelta(hours=15)
    assert detect_silent_feeds(now, today(now), PROFILE) == []
    assert (
        detect_silent_feeds(now, today(DAY + pd.Timedelta(hours=13)), PROFILE, closed=["S1"]) == []
    )
    night = DAY + pd.Timedelta(hours=23, minutes=30)
    assert detect_silent_feeds(night, today(night), PROFILE) == []


def test_a_closed_day_expects_no_orders():
    yesterday = orders(days=27)
    now = DAY + pd.Timedelta(hours=11, minutes=30)
    recent = yesterday[yesterday["at"] < DAY - pd.Timedelta(days=1)]  # closed yesterday
    assert detect_silent_feeds(now, recent, PROFILE)  # the closure is unknown: a silence
    closed_days = [("S1", DAY - pd.Timedelta(days=1))]
    assert detect_silent_feeds(now, recent, PROFILE, closed_days=closed_days) == []


def test_an_item_the_pos_stopped_sending_is_flagged():
    now = DAY + pd.Timedelta(hours=16)
    found = detect_silent_items(now, today(now, item_until=DAY + pd.Timedelta(hours=12)), ITEMS)
    assert [(f.kind, f.key) for f in found] == [("item_silent", ("S1", "X"))]
    assert detect_silent_items(now, today(now), ITEMS) == []


def test_a_short_history_is_skipped_and_says_so():
    short = hourly_profile(orders(days=7))
    found = detect_silent_feeds(DAY, today(DAY), short)
    assert found == [] and found.skipped == {("S1",): "short_history"}


def test_bad_now_and_bad_times():
    with pytest.raises(BohError) as caught:
        detect_silent_feeds("noon", today(DAY), PROFILE)
    assert (caught.value.field, caught.value.code) == ("now", "exceptions.time.not_time")
    with pytest.raises(BohError) as caught:
        detect_silent_feeds(DAY, pd.DataFrame({"store": ["S1"], "at": ["soon"]}), PROFILE)
    assert (caught.value.field, caught.value.value) == ("recent.at", "soon")
