"""Speed and memory of boh_core.forecast, chain and store scale, against statsforecast's AutoETS.

Synthetic daily sales (generated vectorised, seeded): two years of history per series with a
weekly profile, a yearly swing, trends, Poisson-gamma noise, zero-heavy slow movers, items
launched recently, discontinued items, a few chain-wide closed days, and exogenous columns
``is_closed``, ``promotion`` and ``temperature`` known for the horizon. Ours forecasts every
series 28 days ahead in one call with the default time budget of 60 s; AutoETS (season 7,
the statsforecast default settings, ``n_jobs=-1`` so it also uses both cores) runs on a sample
of series and its time is scaled to the full count.

Two configurations, one call (``forecast(..., time_budget=60)``): the chain (15,000 series:
the GBM and vectorised baselines) and a single store (200 series: per-series AutoETS and
AutoTheta join, chosen by backtest). Each line says which configuration the budget chose, its
time and peak memory.

    python bench/bench_forecast_speed.py --size small   # chain 300 series, store 20
    python bench/bench_forecast_speed.py --size full    # chain 15,000 series, store 200
"""

from __future__ import annotations

import argparse
import gc
import os
import threading
import time

os.environ.setdefault("NIXTLA_ID_AS_COL", "1")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from boh_core.forecast import Forecaster  # noqa: E402

HORIZON = 28
HISTORY_DAYS = 730


def synthetic(n_series: int, seed: int = 0) -> tuple[pd.DataFrame, pd.DataFrame]:
    """History and future exogenous frames for ``n_series`` synthetic menu items."""
    rng = np.random.default_rng(seed)
    days = HISTORY_DAYS + HORIZON
    ds = pd.date_range("2023-01-02", periods=days, freq="D")
    t = np.arange(days)
    level = rng.lognormal(2.5, 1.2, n_series)
    weekly = 1 + rng.normal(0, 0.25, (n_series, 7)) * np.array([0, 0, 0, 0.5, 1, 1.5, 1])
    weekly = np.clip(weekly, 0.05, None)
    yearly = 1 + 0.2 * np.sin(2 * np.pi * (t[None, :] / 365.25 + rng.random((n_series, 1))))
    trend = 1 + rng.normal(0, 0.0004, (n_series, 1)) * t[None, :]
    promotion = (rng.random((n_series, days)) < 0.05).astype(float)
    temperature = 15 + 10 * np.sin(2 * np.pi * (t - 100) / 365.25) + rng.normal(0, 3, days)
    closed = np.zeros((n_series, days))
    closed[:, rng.choice(days, 8, replace=False)] = 1.0
    mean = level[:, None] * weekly[:, ds.day_of_week] * np.clip(yearly * trend, 0.1, None)
    mean *= 1 + 0.5 * promotion
    y = rng.poisson(rng.gamma(4.0, mean / 4.0)).astype(float)
    y[closed > 0] = 0.0
    # Recently launched items start late; discontinued ones stop selling.
    start = np.where(
        rng.random(n_series) < 0.05, rng.integers(HISTORY_DAYS - 60, HISTORY_DAYS, n_series), 0
    )
    stop = rng.random(n_series) < 0.03
    y[stop, HISTORY_DAYS - 45 :] = 0.0
    ids = np.array([f"loc{k % 50:02d}-item{k:05d}" for k in range(n_series)])
    frame = pd.DataFrame(
        {
            "unique_id": np.repeat(ids, days),
            "ds": np.tile(ds, n_series),
            "y": y.ravel(),
            "is_closed": closed.ravel(),
            "promotion": promotion.ravel(),
            "temperature": np.tile(temperature, n_series),
        }
    )
    started = (t[None, :] >= start[:, None]).ravel()
    frame = frame[started]
    horizon_start = ds[HISTORY_DAYS]
    history = frame[frame["ds"] < horizon_start].reset_index(drop=True)
    future = frame[frame["ds"] >= horizon_start].drop(columns="y").reset_index(drop=True)
    return history, future


def rss_mb() -> float:
    """Resident set size of this process now, in MB (Linux /proc)."""
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


class PeakRss:
    """Samples the resident set size every 20 ms while in the ``with`` block."""

    def __enter__(self) -> PeakRss:
        self.peak = rss_mb()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)
        self._thread.start()
        return self

    def _watch(self) -> None:
        while not self._stop.wait(0.02):
            self.peak = max(self.peak, rss_mb())

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, rss_mb())


def time_autoets(history: pd.DataFrame, sample: int, seed: int) -> tuple[float, int]:
    """Seconds AutoETS takes to forecast ``sample`` of the series, and the sample size."""
    from statsforecast import StatsForecast
    from statsforecast.models import AutoETS

    # AutoETS refuses "tiny datasets": time it on the full-length series (the costly ones).
    length = history.groupby("unique_id").size()
    ids = length.index[length == HISTORY_DAYS].to_numpy()
    pick = np.random.default_rng(seed).choice(ids, min(sample, ids.size), replace=False)
    part = history.loc[history["unique_id"].isin(pick), ["unique_id", "ds", "y"]]
    sf = StatsForecast(models=[AutoETS(season_length=7)], freq="D", n_jobs=-1)
    start = time.perf_counter()
    sf.forecast(df=part, h=HORIZON)
    return time.perf_counter() - start, pick.size


def run_config(n_series: int, budget: float, seed: int) -> tuple[float, float, str, int]:
    """Seconds, peak RSS (MB) and configuration of one forecast of ``n_series`` series."""
    history, future = synthetic(n_series, seed)
    gc.collect()
    # The peak is of the whole process while forecast() runs, input frames included.
    with PeakRss() as rss:
        start = time.perf_counter()
        model = Forecaster(HORIZON, seed=seed, time_budget=budget)
        result = model.fit(history).predict(future)
        took = time.perf_counter() - start
    assert len(result) == n_series * HORIZON, "every series x every day, once"
    assert (result["yhat"] >= 0).all()
    return took, rss.peak, model.config_, len(history)


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print the summary lines."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", choices=("small", "full"), default="small")
    parser.add_argument("--series", type=int, help="override the chain's number of series")
    parser.add_argument("--store-series", type=int, help="override the store's number of series")
    parser.add_argument("--budget", type=float, default=60.0, help="time budget, seconds")
    parser.add_argument("--ets-sample", type=int, help="AutoETS sample (300, small 30)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    n_chain = args.series or (15_000 if args.size == "full" else 300)
    n_store = args.store_series or (200 if args.size == "full" else 20)
    ets_sample = args.ets_sample or (300 if args.size == "full" else 30)
    # At the small size the chain is 300 series: a budget scaled down with it keeps it the
    # chain configuration, as 15,000 series are under 60 s.
    chain_budget = args.budget if args.size == "full" else args.budget * n_chain / 15_000

    rows = {}
    for name, n, budget in (("chain", n_chain, chain_budget), ("store", n_store, args.budget)):
        took, peak, config, rows_in = run_config(n, budget, args.seed)
        rows[name] = (n, took, peak, config)
        print(
            f"{name}: {n} series x {HORIZON} days ({rows_in:,} history rows), budget "
            f"{budget:.1f} s -> configuration {config}: {took:.1f} s "
            f"({1000 * took / n:.1f} ms a series), peak RSS {peak:.0f} MB",
            flush=True,
        )

    history, _ = synthetic(min(n_chain, 2 * ets_sample), args.seed)
    ets_seconds, sampled = time_autoets(history, ets_sample, args.seed)
    ets_per_series = ets_seconds / sampled
    n, ours, peak, config = rows["chain"]
    print(
        f"AutoETS sample {sampled} series in {ets_seconds:.1f} s "
        f"({1000 * ets_per_series:.0f} ms a series)"
    )
    print(
        f"forecast_speed: chain {ours:.1f} s for {n} series ({config}, peak RSS {peak:.0f} MB), "
        f"autoets {ets_per_series * n:.1f} s scaled, ratio {ets_per_series * n / ours:.1f}; "
        f"store {rows['store'][1]:.1f} s for {rows['store'][0]} series ({rows['store'][3]}, "
        f"{1000 * rows['store'][1] / rows['store'][0]:.0f} ms a series)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
