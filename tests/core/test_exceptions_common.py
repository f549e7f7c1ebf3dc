"""Tests for boh_core.exceptions._common: the censored noise and the Student-t z."""

from __future__ import annotations

import numpy as np
import pytest

from boh_core.exceptions._common import censored_sd, student_z


@pytest.mark.parametrize(("limit", "two_sided"), [(2.0, True), (2.5, True), (2.5, False)])
def test_censored_sd_is_the_spread_of_normal_draws_without_the_far_ones(limit, two_sided):
    x = np.random.default_rng(3).normal(size=400_000)
    kept = x[np.abs(x) <= limit] if two_sided else x[x <= limit]
    assert censored_sd(limit, two_sided) == pytest.approx(kept.std(), abs=0.003)
    assert censored_sd(limit, two_sided) < 1


def test_censored_sd_tends_to_one_far_out():
    assert censored_sd(6.0, True) == pytest.approx(1.0, abs=1e-6)
    assert censored_sd(2.0, True) < censored_sd(2.0, False) < 1


def test_student_z_is_smaller_for_a_short_history_and_keeps_sign_and_order():
    z = np.array([-3.0, -1.0, 0.0, 1.0, 3.0])
    short, long = student_z(z, np.full(5, 6.0)), student_z(z, np.full(5, 1e6))
    assert np.all(np.sign(short) == np.sign(z))
    assert np.all(np.diff(short) > 0)
    assert abs(short[-1]) < 3.0 and long[-1] == pytest.approx(3.0, abs=1e-3)
    # t with 5 degrees of freedom: 3.0 is as unusual as a normal 2.17 (tail 1.5%)
    assert short[-1] == pytest.approx(2.17, abs=0.01)


def test_student_z_leaves_z_without_a_count_and_nan_alone():
    out = student_z(np.array([2.5, np.nan]), np.array([np.nan, 10.0]))
    assert out[0] == 2.5 and np.isnan(out[1])


def test_a_finding_key_is_plain_python_whatever_the_frame_gave():
    import numpy as np

    from boh_core.exceptions._common import make

    found = make("sales", (np.int64(3), np.int64(9)), None, None, 1, 1, 0, 2, 4.0)
    assert found.key == (3, 9) and all(type(part) is int for part in found.key)
