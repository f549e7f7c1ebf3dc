"""How 80% intervals are calibrated: on data whose noise is known, they hold about 80%."""

from __future__ import annotations

import numpy as np
import pytest

from boh_core.forecast import core


def _noisy_rows(rng: np.random.Generator, size: int):
    """Centre 50, Gaussian noise whose sd varies by row; offsets of the right shape, wrong size."""
    sd = rng.uniform(1.0, 10.0, size)
    center = np.full(size, 50.0)
    actual = center + rng.normal(0.0, sd)
    return center, 0.3 * sd, 0.3 * sd, actual


def test_calibration_covers_the_nominal_share_of_fresh_days_with_known_noise():
    rng = np.random.default_rng(3)
    factor = core._calibration(*_noisy_rows(rng, 2_000), level=80)
    # The offsets are 0.3 sd: an 80% Gaussian interval is 1.2816 sd, a factor of 4.27.
    assert abs(factor - 1.2816 / 0.3) < 0.25
    center, down, up, actual = _noisy_rows(rng, 50_000)
    inside = (actual >= center - factor * down) & (actual <= center + factor * up)
    assert 0.78 <= inside.mean() <= 0.82


def _drifting_rows(rng: np.random.Generator, days: int, per_day: int, recent: int):
    """Unit offsets; noise sd 1 on old days, 2 on the ``recent`` days nearest the horizon."""
    age = np.repeat(np.arange(1, days + 1), per_day)
    sd = np.where(age <= recent, 2.0, 1.0)
    center = np.full(age.size, 50.0)
    return center, np.ones(age.size), np.ones(age.size), center + rng.normal(0.0, sd), age


def test_recent_held_out_days_weigh_more_when_the_error_spread_drifts():
    rng = np.random.default_rng(5)
    center, down, up, actual, age = _drifting_rows(rng, days=84, per_day=100, recent=28)
    flat = core._calibration(center, down, up, actual, level=80)
    weighted = core._calibration(center, down, up, actual, level=80, age=age)
    recent = age <= 28
    recent_only = core._calibration(center[recent], down[recent], up[recent], actual[recent], 80)
    # The last four weeks are a third of the days but weigh 0.43 of the total: the factor moves
    # from the pooled one towards theirs, and covers more of the noisier recent days.
    assert flat < weighted < recent_only
    inside = np.abs(actual[recent] - center[recent]) <= weighted
    assert (np.abs(actual[recent] - center[recent]) <= flat).mean() < inside.mean() < 0.8


def test_held_out_days_of_equal_weight_give_the_split_conformal_quantile():
    rng = np.random.default_rng(7)
    center, down, up, actual = _noisy_rows(rng, 99)
    plain = core._calibration(center, down, up, actual, level=80)
    score = np.abs(actual - center) / (down + 1e-6 + 1e-3 * center)
    # Split conformal: the ceil(0.8 x (n + 1))-th smallest score, here the 80th of 99.
    assert plain == pytest.approx(np.sort(score)[79])
    assert core._calibration(center, down, up, actual, level=80, age=np.zeros(99)) == plain
    # Older days weigh less against the forecast day (weight 1, score unknown): wider.
    assert core._calibration(center, down, up, actual, level=80, age=np.full(99, 30)) > plain


def test_held_out_windows_are_forecast_by_a_gbm_refitted_every_three_windows(monkeypatch):
    ends = []
    monkeypatch.setattr(core, "_fit_gbm", lambda builder, end, *args: ends.append(end) or end)
    fits = core._validation_fits(None, cut=700, n_val=6, horizon=14, seed=0, budget=1)
    # Each block's GBM knows every day before the block, as the real forecast's knows every
    # day before the horizon; the first origin of a block is the day before its first day.
    assert fits == [(699, 700), (741, 742)]
    assert core._validation_fits(None, cut=700, n_val=2, horizon=14, seed=0, budget=1) == [
        (699, 700)
    ]
