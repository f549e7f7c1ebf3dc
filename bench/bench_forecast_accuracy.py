"""Accuracy of boh_core.forecast on two real bakery sets against statsforecast and a plain GBM.

Data (read from CSV files inside installed packages, nothing downloaded; see
:mod:`boh_core.forecast.datasets`):

- ``bakery``: the ``datasetsdynamic`` panel, 105 store x product daily series, 2016-01-02 ..
  2019-04-30, with weather, holidays and promotions; holiday calendar DE-BW.
- ``wuerzbaeck``: ``ddop2``'s Wuerzburg bakery (bread, rolls, pretzels), same days, weather,
  holidays and promotions, its few negative days clipped to 0; holiday calendar DE-BY.

Protocol, the same for every model and set: rolling origin, horizon 14 days, origins spaced 14
days apart (8 windows for ``--size full``, ending on the last day), the actual weather,
holidays and promotions of each window standing in for their forecast. Scored on the same days
(the days our ``cross_validation`` counts as demand) by the same metrics: WAPE over all series
and windows, mean per-series MASE, share of actuals inside the 80% interval.

Models: ``ours`` (:func:`boh_core.forecast.cross_validation`, with the set's exogenous
columns), ``ours_no_weather`` (the same without temperature and rain), statsforecast's
``AutoETS``, ``AutoTheta`` (season 7) and ``MSTL`` (seasons 7 and 365, its default AutoETS
trend), a plain global gradient-boosting model (scikit-learn's HistGradientBoosting over the
series, calendar, exogenous columns and sales lagged by at least the horizon, refitted at each
origin, no intervals) and ``mean3``, the plain mean of AutoETS, AutoTheta and that GBM.

    python bench/bench_forecast_accuracy.py --size small   # a few series, 2 windows
    python bench/bench_forecast_accuracy.py --size full    # every series, 8 windows

``--cache DIR`` keeps each model's forecasts in DIR (one pickle per set, size, seed and model)
and reuses them: the baselines do not depend on this suite's code, so a re-run after a change
to the forecaster recomputes only ``ours`` and ``ours_no_weather`` (delete their files first);
``--baselines-only`` fills the cache with the baselines alone; ``--sets`` runs a subset of the
sets.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("NIXTLA_ID_AS_COL", "1")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from sklearn.ensemble import HistGradientBoostingRegressor  # noqa: E402

from boh_core.forecast import cross_validation  # noqa: E402
from boh_core.forecast.datasets import COUNTRY, LOADERS, WEATHER  # noqa: E402
from boh_core.forecast.metrics import accuracy_table, overall, seasonal_scale  # noqa: E402

HORIZON = 14
LEVEL = 80
STATS_MODELS = ("autoets", "autotheta", "mstl")
MODELS = ("ours", "ours_no_weather", *STATS_MODELS, "gbm", "mean3")
MEAN3 = ("autoets", "autotheta", "gbm")


def run_statsforecast(history: pd.DataFrame, windows: int) -> tuple[pd.DataFrame, dict]:
    """Cross-validation forecasts of AutoETS, AutoTheta and MSTL, and their run times."""
    from statsforecast import StatsForecast
    from statsforecast.models import MSTL, AutoETS, AutoTheta

    models = {
        "autoets": AutoETS(season_length=7),
        "autotheta": AutoTheta(season_length=7),
        "mstl": MSTL(season_length=[7, 365]),
    }
    out, seconds = None, {}
    for name, model in models.items():
        start = time.perf_counter()
        sf = StatsForecast(models=[model], freq="D", n_jobs=1)
        cv = sf.cross_validation(
            df=history[["unique_id", "ds", "y"]],
            h=HORIZON,
            n_windows=windows,
            step_size=HORIZON,
            level=[LEVEL],
        )
        seconds[name] = time.perf_counter() - start
        alias = str(model)
        cv = cv.rename(
            columns={
                alias: name,
                f"{alias}-lo-{LEVEL}": f"{name}_lo",
                f"{alias}-hi-{LEVEL}": f"{name}_hi",
            }
        )[["unique_id", "ds", name, f"{name}_lo", f"{name}_hi"]]
        out = cv if out is None else out.merge(cv, on=["unique_id", "ds"])
    return out, seconds


def _gbm_frame(history: pd.DataFrame, exog: list[str]) -> pd.DataFrame:
    """Rows of the plain GBM: series, calendar, exogenous columns and lags >= the horizon."""
    frame = history.sort_values(["unique_id", "ds"]).reset_index(drop=True)
    by = frame.groupby("unique_id")["y"]
    out = pd.DataFrame(
        {
            "uid": frame["unique_id"].astype("category").cat.codes,
            "dow": frame["ds"].dt.dayofweek,
            "month": frame["ds"].dt.month,
            "doy": frame["ds"].dt.dayofyear,
            **{c: frame[c] for c in exog},
            "lag14": by.shift(HORIZON),
            "lag21": by.shift(HORIZON + 7),
            "lag28": by.shift(HORIZON + 14),
            "mean28": by.transform(lambda s: s.shift(HORIZON).rolling(28, min_periods=1).mean()),
        }
    )
    return pd.concat([frame[["unique_id", "ds", "y"]], out], axis=1)


def run_gbm(history: pd.DataFrame, cutoffs: list[pd.Timestamp], seed: int):
    """The plain global GBM, refitted at each origin on every earlier day of every series."""
    start = time.perf_counter()
    exog = [c for c in history.columns if c not in ("unique_id", "ds", "y")]
    rows = _gbm_frame(history, exog)
    features = [c for c in rows.columns if c not in ("unique_id", "ds", "y")]
    parts = []
    for cutoff in cutoffs:
        train = rows[rows["ds"] <= cutoff]
        test = rows[(rows["ds"] > cutoff) & (rows["ds"] <= cutoff + pd.Timedelta(days=HORIZON))]
        model = HistGradientBoostingRegressor(
            max_iter=200, categorical_features=[0], random_state=seed
        )
        model.fit(train[features], train["y"])
        parts.append(
            pd.DataFrame(
                {
                    "unique_id": test["unique_id"],
                    "ds": test["ds"],
                    "gbm": np.clip(model.predict(test[features]), 0, None),
                }
            )
        )
    return pd.concat(parts, ignore_index=True), time.perf_counter() - start


def _score(merged: pd.DataFrame, scale: pd.Series, name: str) -> dict[str, float]:
    col = "yhat" if name == "ours" else name
    frame = pd.DataFrame(
        {
            "unique_id": merged["unique_id"],
            "y": merged["y"],
            "yhat": merged[col],
            "yhat_lo": merged.get(f"{col}_lo", np.nan),
            "yhat_hi": merged.get(f"{col}_hi", np.nan),
        }
    )
    if name == "ours":
        frame["yhat_lo"], frame["yhat_hi"] = merged["yhat_lo"], merged["yhat_hi"]
    table = accuracy_table(frame, scale)
    if frame["yhat_lo"].isna().all():
        table["coverage"] = np.nan
    return overall(table)


def _cached(cache: Path | None, key: str, compute):
    """``compute()`` -> (frame, seconds), kept in ``cache`` under ``key`` when given."""
    path = cache / f"{key}.pkl" if cache is not None else None
    if path is not None and path.exists():
        return pd.read_pickle(path)
    result = compute()
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        pd.to_pickle(result, path)
    return result


def run_dataset(
    name: str, size: str, seed: int, cache: Path | None = None, baselines_only: bool = False
) -> dict[str, dict[str, float]]:
    """Every model on one set; prints its table and returns the figures.

    Long because it runs, merges and prints every model of the protocol on the same days.
    """
    history = LOADERS[name]()
    country = COUNTRY[name]
    windows = 8 if size == "full" else 2
    if size == "small":
        keep = sorted(history["unique_id"].unique())[::15]
        history = history[history["unique_id"].isin(keep)]
    n_series = history["unique_id"].nunique()

    seconds = {}
    key = f"{name}_{size}_{seed}"
    base, base_seconds = _cached(
        cache, f"{key}_statsforecast", lambda: run_statsforecast(history, windows)
    )
    seconds.update(base_seconds)
    last = history["ds"].max()
    cutoffs = [last - pd.Timedelta(days=HORIZON * k) for k in range(windows, 0, -1)]
    gbm, seconds["gbm"] = _cached(cache, f"{key}_gbm", lambda: run_gbm(history, cutoffs, seed))
    if baselines_only:
        print(f"{name}: baselines kept in {cache}", flush=True)
        return {}

    def ours_run(frame):
        start = time.perf_counter()
        cv = cross_validation(frame, HORIZON, windows, country=country, seed=seed, level=LEVEL)
        return cv, time.perf_counter() - start

    ours, seconds["ours"] = _cached(cache, f"{key}_ours", lambda: ours_run(history))
    no_weather, seconds["ours_no_weather"] = _cached(
        cache, f"{key}_ours_no_weather", lambda: ours_run(history.drop(columns=list(WEATHER)))
    )
    no_weather = no_weather.rename(
        columns={
            "yhat": "ours_no_weather",
            "yhat_lo": "ours_no_weather_lo",
            "yhat_hi": "ours_no_weather_hi",
        }
    )[["unique_id", "ds", "ours_no_weather", "ours_no_weather_lo", "ours_no_weather_hi"]]
    seconds["mean3"] = sum(seconds[m] for m in MEAN3)

    merged = ours.merge(no_weather, on=["unique_id", "ds"], how="left")
    merged = merged.merge(base, on=["unique_id", "ds"], how="left")
    merged = merged.merge(gbm, on=["unique_id", "ds"], how="left")
    merged["mean3"] = merged[list(MEAN3)].mean(axis=1, skipna=False)
    if merged[[m for m in MODELS if m != "ours"]].isna().any().any():
        sys.exit(f"{name}: the models did not forecast the same days")

    wide = history.pivot(index="unique_id", columns="ds", values="y")
    first_origin = wide.columns.get_loc(ours["ds"].min())
    scale = pd.Series(seasonal_scale(wide.to_numpy()[:, :first_origin]), index=wide.index)
    results = {m: _score(merged, scale, m) for m in MODELS}
    print(
        f"{name}: {n_series} series, {windows} windows x {HORIZON} days, {len(merged)} "
        f"forecast days ({merged['ds'].min().date()} .. {merged['ds'].max().date()}), "
        f"holidays {country}"
    )
    print(f"{'model':<18}{'WAPE':>8}{'MASE':>8}{'coverage80':>12}{'seconds':>10}")
    for m in MODELS:
        r = results[m]
        cov = "-" if np.isnan(r["coverage"]) else f"{r['coverage']:.3f}"
        print(f"{m:<18}{r['wape']:>8.4f}{r['mase']:>8.3f}{cov:>12}{seconds[m]:>10.1f}")
    chosen = ours.groupby("model").size().sort_values(ascending=False)
    print("models chosen (forecast days): " + ", ".join(f"{m}={k}" for m, k in chosen.items()))
    best_other = min(results[m]["wape"] for m in (*STATS_MODELS, "mean3"))
    print(
        f"forecast_accuracy[{name}]: wape ours={results['ours']['wape']:.4f} "
        f"best of autoets/autotheta/mstl/mean3={best_other:.4f} "
        f"ratio {results['ours']['wape'] / best_other:.3f} "
        f"coverage80={results['ours']['coverage']:.3f}",
        flush=True,
    )
    return results


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark on each set and print the tables and summary lines."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", choices=("small", "full"), default="small")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--sets", default=",".join(LOADERS), help="comma-separated sets")
    parser.add_argument("--cache", type=Path, help="keep and reuse each model's forecasts here")
    parser.add_argument(
        "--baselines-only",
        action="store_true",
        help="only compute the baselines into --cache (they do not depend on this suite's code)",
    )
    args = parser.parse_args(argv)
    if args.baselines_only and args.cache is None:
        parser.error("--baselines-only needs --cache")
    for name in args.sets.split(","):
        run_dataset(name, args.size, args.seed, args.cache, args.baselines_only)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
