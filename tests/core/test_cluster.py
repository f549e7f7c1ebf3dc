"""boh_core.cluster: pure calls on a Dask cluster of two worker processes, the same answers as
here, and here when the cluster cannot be reached."""

import time

import numpy as np
import pandas as pd
import pytest

from boh_core import cluster
from boh_core.cluster import Call
from boh_core.forecast import backtest, forecast

distributed = pytest.importorskip(
    "distributed",
    reason="DASK IS NOT INSTALLED: the distributed forecast is not tested "
    '(pip install "dask[distributed]", the test extra installs it)',
)

#: nothing listens on the discard port: the connection is refused
UNREACHABLE = "tcp://127.0.0.1:9"


@pytest.fixture(autouse=True)
def _fresh_clients():
    cluster.close_clients()
    yield
    cluster.close_clients()


@pytest.fixture(scope="module")
def address():
    """A scheduler and two worker processes, as the Odoo test and the benchmark start them."""
    with cluster.local_cluster(workers=2) as local:
        assert len(local.pids) == 3
        yield local.address


def _history(n_series=3, days=70):
    rng = np.random.default_rng(7)
    dates = pd.date_range("2026-01-01", periods=days, freq="D")
    return pd.DataFrame(
        {
            "unique_id": np.repeat([f"s{k}" for k in range(n_series)], days),
            "ds": np.tile(dates, n_series),
            "y": rng.poisson(10 + 5 * np.tile(dates.day_of_week == 5, n_series)).astype(float),
        }
    )


def test_without_an_address_the_calls_run_here_in_order():
    outcome = cluster.run([Call(divmod, (7, 2)), Call(int, ("x",))])
    assert (outcome.where, outcome.fallback) == ("here", "")
    assert outcome.answers[0].result() == (3, 1)
    # a call's own failure is its answer, raised where the caller asks for it
    with pytest.raises(ValueError):
        outcome.answers[1].result()


def test_an_unreachable_scheduler_falls_back_here_and_is_not_retried_at_once():
    started = time.monotonic()
    outcome = cluster.run([Call(divmod, (7, 2))], UNREACHABLE, connect_timeout=1)
    assert outcome.where == "here" and outcome.fallback
    assert outcome.answers[0].result() == (3, 1)
    assert time.monotonic() - started < 30
    # the next partition does not wait for another time-out
    started = time.monotonic()
    again = cluster.run([Call(divmod, (9, 2))], UNREACHABLE, connect_timeout=1)
    assert time.monotonic() - started < 0.5
    assert again.answers[0].result() == (4, 1)
    assert "not tried again" in again.fallback


def test_forecast_and_backtest_on_two_workers_equal_the_local_ones(address):
    history = _history()
    calls = [
        Call(forecast, (history, 7), {"level": 80, "seed": 0}),
        Call(backtest, (history, 7), {"windows": 2, "seed": 0}),
    ]
    remote = cluster.run(calls, address)
    assert (remote.where, remote.workers, remote.fallback) == (address, 2, "")
    local = cluster.run(calls)
    for there, here in zip(remote.answers, local.answers, strict=True):
        pd.testing.assert_frame_equal(there.result(), here.result())
    assert len(remote.answers[0].result()) == 3 * 7


def test_a_failing_call_is_its_answer_not_a_fallback_and_the_client_is_kept(address):
    outcome = cluster.run([Call(int, ("x",)), Call(divmod, (7, 2))], address)
    assert (outcome.where, outcome.fallback) == (address, "")
    assert isinstance(outcome.answers[0].error, ValueError)
    assert outcome.answers[1].result() == (3, 1)
    client = cluster._CLIENTS[address]
    cluster.run([Call(divmod, (1, 1))], address)
    assert cluster._CLIENTS[address] is client, "one client per process and address"
    cluster.close_clients()
    assert not cluster._CLIENTS and client.status == "closed"
