"""Accuracy measures used by backtest and the benchmarks, on hand-computed examples."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from boh_core.forecast.metrics import accuracy_table, overall, seasonal_scale


def test_seasonal_scale_is_mean_weekly_change_ignoring_unknown_days():
    y = np.array([[1.0] * 7 + [3.0] * 7, [np.nan] * 7 + [5.0] * 7])
    scale = seasonal_scale(y)
    assert scale[0] == 2.0
    assert math.isnan(scale[1])  # no known pair a week apart
    assert math.isnan(seasonal_scale(np.ones((1, 5)))[0])


def test_accuracy_table_by_hand():
    frame = pd.DataFrame(
        {
            "unique_id": ["a", "a", "b", "b"],
            "y": [10.0, 20.0, 0.0, 0.0],
            "yhat": [12.0, 15.0, 1.0, 0.0],
            "yhat_lo": [9.0, 16.0, 0.0, 0.0],
            "yhat_hi": [13.0, 18.0, 2.0, 0.0],
        }
    )
    table = accuracy_table(frame, pd.Series({"a": 2.0, "b": 0.0})).set_index("unique_id")
    assert table.loc["a", "wape"] == (2 + 5) / 30
    assert table.loc["a", "mase"] == (7 / 2) / 2.0
    assert table.loc["a", "coverage"] == 0.5
    assert math.isnan(table.loc["b", "wape"]) and math.isnan(table.loc["b", "mase"])
    assert table.loc["b", "coverage"] == 1.0
    total = overall(table.reset_index())
    assert total["wape"] == 8 / 30
    assert total["coverage"] == 0.75
    assert total["mase"] == 1.75
