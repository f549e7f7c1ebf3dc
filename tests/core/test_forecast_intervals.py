"""How 80% intervals are calibrated: on data whose noise is known, they hold about 80%."""

from __future__ import annotations

import numpy as np

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
