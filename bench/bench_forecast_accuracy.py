"""Accuracy of boh_core.forecast on real bakery sales against statsforecast baselines.

Data: the bakery panel shipped inside the ``datasetsDynamic`` wheel (105 store x product daily
series, 2016-01-02 .. 2019-04-30, with weather, holidays and promotions), read straight from
the installed package's CSV, so nothing is downloaded. Protocol: rolling origin, horizon 14
days, origins spaced 14 days apart (8 windows for ``--size full``, ending on the last day), the
actual weather, holidays and promotions of each window standing in for their forecast. Our
``cross_validation`` and statsforecast's ``SeasonalNaive``/``AutoETS``/``AutoTheta`` (season 7)
see the same sales history (ours also its exogenous columns and the ``--country`` holiday
calendar, statsforecast's models being univariate) and are scored on the same days by the
same metrics (WAPE aggregated over all series and windows, mean per-series MASE, share of
actuals inside the 80% interval).

    python bench/bench_forecast_accuracy.py --size small   # a few series, 2 windows
    python bench/bench_forecast_accuracy.py --size full    # 105 series, 8 windows
"""

from __future__ import annotations

import argparse
import os
import sys
import time

os.environ.setdefault("NIXTLA_ID_AS_COL", "1")

import pandas as pd  # noqa: E402

from boh_core.forecast import cross_validation  # noqa: E402
from boh_core.forecast.datasets import load_bakery  # noqa: E402
from boh_core.forecast.metrics import accuracy_table, overall, seasonal_scale  # noqa: E402

HORIZON = 14
LEVEL = 80


def run_statsforecast(history: pd.DataFrame, windows: int) -> tuple[pd.DataFrame, dict]:
    """Cross-validation forecasts of the three statsforecast baselines, and their run times."""
    from statsforecast import StatsForecast
    from statsforecast.models import AutoETS, AutoTheta, SeasonalNaive

    models = {
        "seasonal_naive": SeasonalNaive(season_length=7),
        "autoets": AutoETS(season_length=7),
        "autotheta": AutoTheta(season_length=7),
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
                alias: f"{name}",
                f"{alias}-lo-{LEVEL}": f"{name}_lo",
                f"{alias}-hi-{LEVEL}": f"{name}_hi",
            }
        )[["unique_id", "ds", name, f"{name}_lo", f"{name}_hi"]]
        out = cv if out is None else out.merge(cv, on=["unique_id", "ds"])
    return out, seconds


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print the table and the summary line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", choices=("small", "full"), default="small")
    parser.add_argument("--end", help="cut history after this date (a development period)")
    parser.add_argument("--seed", type=int, default=0)
    # The shipped is_holiday flags are exactly Baden-Wuerttemberg's public holidays (Epiphany,
    # Corpus Christi, All Saints, no Assumption): the calendar a user there would configure.
    parser.add_argument("--country", default="DE-BW", help="holiday calendar ('' for none)")
    args = parser.parse_args(argv)

    history = load_bakery()
    if args.end:
        history = history[history["ds"] <= pd.Timestamp(args.end)]
    windows = 8 if args.size == "full" else 2
    if args.size == "small":
        keep = sorted(history["unique_id"].unique())[::15]
        history = history[history["unique_id"].isin(keep)]
    n_series = history["unique_id"].nunique()

    start = time.perf_counter()
    ours = cross_validation(
        history, HORIZON, windows, country=args.country or None, seed=args.seed, level=LEVEL
    )
    seconds = {"ours": time.perf_counter() - start}
    base, base_seconds = run_statsforecast(history, windows)
    seconds.update(base_seconds)

    wide = history.pivot(index="unique_id", columns="ds", values="y")
    first_origin = wide.columns.get_loc(ours["ds"].min())
    scale = pd.Series(seasonal_scale(wide.to_numpy()[:, :first_origin]), index=wide.index)
    merged = ours.merge(base, on=["unique_id", "ds"], how="left")
    if merged[["seasonal_naive", "autoets", "autotheta"]].isna().any().any():
        sys.exit("statsforecast and our backtest did not forecast the same days")

    rows, results = [], {}
    for name in ("ours", "seasonal_naive", "autoets", "autotheta"):
        col = "yhat" if name == "ours" else name
        frame = pd.DataFrame(
            {
                "unique_id": merged["unique_id"],
                "y": merged["y"],
                "yhat": merged[col],
                "yhat_lo": merged[f"{col}_lo" if name != "ours" else "yhat_lo"],
                "yhat_hi": merged[f"{col}_hi" if name != "ours" else "yhat_hi"],
            }
        )
        summary = overall(accuracy_table(frame, scale))
        results[name] = summary
        rows.append(
            f"{name:<16}{summary['wape']:>8.4f}{summary['mase']:>8.3f}"
            f"{summary['coverage']:>12.3f}{seconds[name]:>10.1f}"
        )
    print(
        f"bakery: {n_series} series, {windows} windows x {HORIZON} days, "
        f"{len(merged)} forecast days ({merged['ds'].min().date()} .. {merged['ds'].max().date()})"
    )
    print(f"{'model':<16}{'WAPE':>8}{'MASE':>8}{'coverage80':>12}{'seconds':>10}")
    print("\n".join(rows))
    chosen = ours.groupby("model").size().sort_values(ascending=False)
    print("models chosen (forecast days): " + ", ".join(f"{m}={k}" for m, k in chosen.items()))
    r = results
    print(
        f"forecast_accuracy: wape ours={r['ours']['wape']:.4f} "
        f"seasonal_naive={r['seasonal_naive']['wape']:.4f} autoets={r['autoets']['wape']:.4f} "
        f"autotheta={r['autotheta']['wape']:.4f} coverage80={r['ours']['coverage']:.3f}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
