"""Holiday features read the same on every machine."""

import pandas as pd

from boh_core.forecast.calendar import _holiday_table, calendar_features


def test_holiday_names_are_english_whatever_the_library_default():
    # China's calendar is written in Chinese by default: a machine that loads it so must not
    # give the model other names, or days off given for a holiday would not read "Day off"
    table = _holiday_table("CN", [2024])
    assert table[pd.Timestamp("2024-10-01").date()] == "National Day"
    assert table[pd.Timestamp("2024-10-04").date()].startswith("Day off")


def test_days_off_given_for_a_holiday_share_one_code():
    dates = pd.date_range("2024-09-25", "2024-10-08")
    feats = calendar_features(dates, "CN")
    code = dict(zip(dates.strftime("%m-%d"), feats["hol_code"], strict=True))
    assert code["10-04"] == code["10-07"] > 0  # both "Day off (substituted from ...)"
    assert code["10-01"] == code["10-03"] != code["10-04"]
    assert code["10-05"] == 0
