"""Fit, select and predict on a panel: the engine behind ``forecast`` and ``backtest``.

How a forecast is made, for every series at once:

1. Summaries of each series (scale, same-weekday means, seasonal naive, ...) are computed as
   matrices; see :mod:`.features`.
2. Validation: the last horizon-long windows of history are held out (two; six where the
   per-series members run). A global gradient-boosting model (:class:`.models.GlobalGBM`) is
   fitted on rows whose target day is before them (refitted every :data:`REFIT_WINDOWS`
   windows), and it and the baselines forecast the held-out windows from their origins.
3. Selection, per series: the GBM, unless a baseline's held-out absolute error is clearly
   lower (by :data:`SELECT_MARGIN`); a series too young to validate keeps the GBM. Days that
   are public holidays or carry a 0/1 exogenous flag (promotion, school holiday...) always use
   the GBM, the only model that knows about them.
4. Interval calibration: the GBM's quantiles give each day's interval shape; one factor,
   fitted on the held-out windows (conformalised quantile regression), widens or narrows them
   so that ``level``% of held-out actuals fall inside, recent held-out days weighing more
   (:data:`CALIBRATION_DECAY`).
5. The GBM is refitted on all history and every series is forecast from the last day.
6. Rules last: a closed day is 0, a series with no sale for a long stretch (discontinued, or
   never sold) is 0, nothing is negative and ``yhat_lo <= yhat <= yhat_hi``.
"""

from __future__ import annotations

from dataclasses import dataclass
from statistics import NormalDist

import numpy as np

from . import members as stat
from .features import F32, FeatureBuilder, SeriesStats
from .models import BASELINES, MODEL_NAMES, GlobalGBM, baseline
from .panel import MAX_HISTORY_DAYS, Panel

# Row budget of one GBM fit: enough for the model to see every weekday, holiday and horizon
# step many times, small enough that 15,000 series fit in seconds.
MAX_TRAIN_ROWS = 150_000
MIN_TRAIN_ROWS = 300
MAX_TREES = 150
MIN_TREES = 60
ROWS_PER_TREE = 200
# Candidate triples drawn before weighted sampling down to the budget.
POOL_FACTOR = 3
# Held-out windows for selection and calibration, and a cap on their rows.
VALIDATION_WINDOWS = 2
# With the per-series statistical members (a store's panel): more held-out windows, because
# choosing among more candidates on few series needs more days to be more than noise.
VALIDATION_WINDOWS_MEMBERS = 6
# The GBM that forecasts the held-out windows is refitted every this many windows, so that no
# window is forecast by a model more than two horizons older than its origin. The real
# forecast's GBM is fitted on all history: held-out errors of an older model are larger
# (wuerzbaeck, on the same days: 10-40% larger 3-5 windows on), and calibrated on them the
# intervals were too wide (87% of actuals inside 80% intervals). The chain configuration's two
# windows keep one fit.
REFIT_WINDOWS = 3
# Interval calibration weighs a held-out day by this power of its distance in days to the
# horizon: non-exchangeable split conformal prediction (Barber, Candes, Ramdas and Tibshirani,
# "Conformal prediction beyond exchangeability", Ann. Statist. 2023), with the decay of their
# experiments (per observation there, per day here). Error spreads drift with the season:
# held-out days one to twelve weeks old are not exchangeable with the horizon's, and equal
# weights let a hard season (Christmas) widen the intervals of the calmer weeks after it
# (wuerzbaeck: 0.854 of actuals inside 80% intervals with equal weights, 0.836 with these).
CALIBRATION_DECAY = 0.99
# Share of the time budget the statistical members may take (the GBM fits take the rest).
MEMBERS_BUDGET_SHARE = 0.75
# Candidates that may be the panel's default (chosen on the pooled held-out error); the plain
# baselines only replace it series by series.
DEFAULTS = ("gbm", "combo", "ets", "theta")
MAX_VALIDATION_ROWS = 250_000
# A baseline replaces the GBM for a series only if it beats it by this share on held-out
# days: with two short windows, small differences are noise.
SELECT_MARGIN = 0.15
# A series with no sale for this many days, and for 4x its usual gap between sales, is
# considered discontinued.
DISCONTINUED_DAYS = 28
DISCONTINUED_GAPS = 4.0


@dataclass
class PanelForecast:
    """Forecast arrays (n series x H days) and the model chosen for each series."""

    yhat: np.ndarray
    lo: np.ndarray
    hi: np.ndarray
    model: np.ndarray
    config: str = "chain"


def _sample_rows(
    stats: SeriesStats, horizon: int, end: int, budget: int, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Training triples (series, origin, step) whose target day is before ``end``.

    Origins run from each series' first known day. Rows are drawn with probability
    proportional to their series' scale, so that the fitted loss counts units sold.
    """
    n_orig = np.clip(end - 2 - stats.first + 1, 0, None)
    total = int(n_orig.sum()) * horizon
    pool = POOL_FACTOR * budget
    if total <= pool:
        flat = np.arange(total, dtype=np.int64)
    else:
        flat = np.unique(rng.integers(0, total, size=pool))
    pair, h = np.divmod(flat, horizon)
    h = h + 1
    bounds = np.cumsum(n_orig)
    i = np.searchsorted(bounds, pair, side="right")
    o = (
        stats.first[np.minimum(i, len(n_orig) - 1)] + pair - (bounds[i] - n_orig[i])
        if i.size
        else i
    )
    t = o + h
    ok = t < end
    ok[ok] = ~np.isnan(stats.y[i[ok], t[ok]]) & ~np.isnan(stats.scale[i[ok], o[ok]])
    i, o, h = i[ok], o[ok], h[ok]
    weight = stats.scale[i, o].astype(np.float64)
    if i.size and not weight.sum() > 0:
        # Scales that underflow float32 (sales of 1e-250): every row counts the same.
        weight = np.ones_like(weight)
    if i.size <= budget:
        # Small panels: a weighted bootstrap of every row (scikit-learn's binning with
        # sample_weight is far slower than fitting on repeated rows).
        if i.size == 0:
            return i, o, h
        pick = np.sort(rng.choice(i.size, size=i.size, p=weight / weight.sum()))
        return i[pick], o[pick], h[pick]
    # Efraimidis-Spirakis: the largest log(u) / w keys are a weighted sample without replacement.
    keys = np.log(rng.random(i.size)) / weight
    keep = np.sort(np.argpartition(keys, i.size - budget)[i.size - budget :])
    return i[keep], o[keep], h[keep]


def _fit_gbm(
    builder: FeatureBuilder,
    end: int,
    horizon: int,
    seed: int,
    budget: int,
) -> GlobalGBM | None:
    stats = builder.stats
    rng = np.random.default_rng(seed)
    i, o, h = _sample_rows(stats, horizon, end, budget, rng)
    if i.size < MIN_TRAIN_ROWS:
        return None
    x, s = builder.rows(i, o, h)
    target = stats.y[i, o + h] / s
    # Few rows support few trees: fewer overfit less and fit small panels in a blink.
    iters = int(np.clip(i.size / ROWS_PER_TREE, MIN_TREES, MAX_TREES))
    model = GlobalGBM(max_iter=iters, spread_iter=max(20, iters // 3), seed=seed)
    return model.fit(x, target, builder.categorical)


def _grid(series: np.ndarray, origins: np.ndarray, horizon: int):
    """Rows for every (series, origin, step) combination, series-major."""
    i = np.repeat(series, origins.size * horizon)
    o = np.tile(np.repeat(origins, horizon), series.size)
    h = np.tile(np.arange(1, horizon + 1), series.size * origins.size)
    return i, o, h


def _discontinued(stats: SeriesStats, i: np.ndarray, o: np.ndarray) -> np.ndarray:
    """Rows whose series has not sold for long enough to be taken as off the menu."""
    known = ~np.isnan(stats.y)
    cum_known = np.cumsum(known, axis=1)
    cum_sales = np.cumsum(stats.y > 0, axis=1)
    days, sales = cum_known[i, o], cum_sales[i, o]
    gap = o - stats.last_sale[i, o]
    usual = days / np.maximum(sales, 1)
    return (sales == 0) | ((gap >= DISCONTINUED_DAYS) & (gap >= DISCONTINUED_GAPS * usual))


def _candidates(
    builder: FeatureBuilder, gbm: GlobalGBM | None, i, o, h, members=None
) -> tuple[dict[str, np.ndarray], np.ndarray | None, np.ndarray | None]:
    """Point forecasts of every candidate, and the GBM's interval offsets, for some rows.

    With the statistical members, ``combo`` is the plain mean of the GBM, AutoETS and
    AutoTheta (the M4 lesson: a simple mean of diverse models is hard to beat); a member
    missing for a series is left out of its mean.
    """
    stats = builder.stats
    points = {b: baseline(stats, b, i, o, h) for b in BASELINES}
    fallback = points["ewm"]
    down = up = None
    if gbm is not None:
        x, s = builder.rows(i, o, h)
        mid, down, up = gbm.predict(x)
        ok = ~np.isnan(s)
        points["gbm"] = np.where(ok, mid * s, fallback).astype(F32)
        # No scale means no sale in a year: the GBM has nothing to say, the interval is flat.
        down = np.where(ok, down * s, 0.0)
        up = np.where(ok, up * s, 0.0)
    if members is not None:
        anchor = points.get("gbm", fallback)
        found = [members.points(m, i, o, h) for m in stat.MEMBERS]
        for name, values in zip(stat.MEMBERS, found, strict=True):
            points[name] = np.where(np.isnan(values), anchor, values).astype(F32)
        with np.errstate(invalid="ignore"):
            mix = np.nanmean(np.stack([anchor, *found]), axis=0)
        points["combo"] = mix.astype(F32)
    return points, down, up


def _validation_fits(
    builder: FeatureBuilder, cut: int, n_val: int, horizon: int, seed: int, budget: int
) -> list[tuple[int, GlobalGBM | None]]:
    """(first origin, GBM) of each block of :data:`REFIT_WINDOWS` held-out windows.

    The block's GBM is fitted on target days before its first window, as the real forecast's
    is fitted on every day before the horizon.
    """
    return [
        (cut + k * horizon - 1, _fit_gbm(builder, cut + k * horizon, horizon, seed, budget))
        for k in range(0, n_val, REFIT_WINDOWS)
    ]


def _validation_candidates(
    builder: FeatureBuilder, fits: list[tuple[int, GlobalGBM | None]], i, o, h, members=None
) -> tuple[dict[str, np.ndarray], np.ndarray | None, np.ndarray | None]:
    """:func:`_candidates` on held-out rows, each forecast by the last GBM fitted before it."""
    if len(fits) == 1 or any(gbm is None for _, gbm in fits):
        return _candidates(builder, fits[0][1], i, o, h, members)
    which = np.searchsorted(np.array([first for first, _ in fits]), o, side="right") - 1
    points: dict[str, np.ndarray] = {}
    down, up = np.zeros(i.size), np.zeros(i.size)
    for k, (_, gbm) in enumerate(fits):
        rows = which == k
        part, down[rows], up[rows] = _candidates(builder, gbm, i[rows], o[rows], h[rows], members)
        for name, values in part.items():
            points.setdefault(name, np.zeros(i.size, dtype=F32))[rows] = values
    return points, down, up


def _select(
    points: dict[str, np.ndarray], actual: np.ndarray, series: np.ndarray, n: int
) -> np.ndarray:
    """Per series, the candidate to use.

    The panel's default is the candidate of :data:`DEFAULTS` with the lowest held-out absolute
    error summed over every series (many days: a stable choice); a series switches to another
    candidate only if that one beats the default on its own held-out days by
    :data:`SELECT_MARGIN`.
    """
    known = ~np.isnan(actual)
    count = np.bincount(series[known], minlength=n)
    names = list(points)
    err = np.stack(
        [
            np.bincount(series[known], np.abs(points[m][known] - actual[known]), minlength=n)
            for m in names
        ]
    )
    pool = [m for m in DEFAULTS if m in points] or ["ewm"]
    default = min(pool, key=lambda m: err[names.index(m)].sum())
    ref = err[names.index(default)]
    best = np.argmin(err, axis=0)
    better = err[best, np.arange(n)] < (1.0 - SELECT_MARGIN) * ref
    choice = np.where(better & (count > 0), np.asarray(names, dtype=object)[best], default)
    return choice.astype(object)


def _pick(points: dict[str, np.ndarray], choice_per_row: np.ndarray) -> np.ndarray:
    out = np.zeros(choice_per_row.size, dtype=np.float64)
    for name, values in points.items():
        mask = choice_per_row == name
        out[mask] = values[mask]
    return out


def _calibration(
    center: np.ndarray,
    down: np.ndarray,
    up: np.ndarray,
    actual: np.ndarray,
    level: float,
    age: np.ndarray | None = None,
) -> float:
    """Factor on the interval offsets that makes ``level``% of held-out actuals fall inside.

    Each held-out day weighs :data:`CALIBRATION_DECAY` to the power of its ``age`` (days
    before the horizon; equal weights without it). As in weighted split conformal prediction,
    the forecast day counts too, with weight 1 and an unknown score: the factor is the
    smallest score whose weighted share, that day included, reaches ``level``%. Held-out days
    that are all long before the horizon (a horizon of months, recent days closed) weigh too
    little to reach it: the factor is then its cap, wide, as the conformal rule says.
    """
    known = ~np.isnan(actual)
    if known.sum() < 30:
        return 1.0
    c, a = center[known], actual[known]
    eps = 1e-6 + 1e-3 * np.abs(c)
    score = np.maximum((c - a) / (down[known] + eps), (a - c) / (up[known] + eps))
    weight = np.ones(score.size) if age is None else CALIBRATION_DECAY ** age[known]
    order = np.argsort(score, kind="stable")
    share = np.cumsum(weight[order]) / (weight.sum() + 1.0)
    k = int(np.searchsorted(share, level / 100.0))
    factor = score[order][k] if k < score.size else np.inf
    return float(np.clip(factor, 0.1, 20.0))


def _spread_fallback(stats: SeriesStats, level: float) -> np.ndarray:
    """Per series interval half-width from its own recent variability (no GBM available)."""
    recent = stats.y[:, -28:].astype(np.float64)
    with np.errstate(invalid="ignore"):
        sd = np.nanstd(recent, axis=1) if recent.size else np.zeros(stats.y.shape[0])
    z = NormalDist().inv_cdf(0.5 + level / 200.0)
    return np.nan_to_num(sd * z, nan=0.0)


def use_members(n_series: int, time_budget: float | None) -> bool:
    """Whether the per-series statistical members fit in ``time_budget`` seconds."""
    if time_budget is None:
        return False
    affordable = n_series * stat.SECONDS_PER_SERIES <= MEMBERS_BUDGET_SHARE * time_budget
    return affordable and stat.available()


def _special_points(points: dict[str, np.ndarray], special: np.ndarray) -> dict:
    # Baselines and statistical members know nothing of holidays, promotions or events: on
    # such days the GBM, which does, forecasts every series.
    if "gbm" not in points:
        return points
    return {m: np.where(special, points["gbm"], v) for m, v in points.items()}


def predict_panel(
    panel: Panel,
    level: float,
    country: str | None,
    seed: int,
    budget: int = MAX_TRAIN_ROWS,
    time_budget: float | None = None,
) -> PanelForecast:
    """Forecast every series of ``panel`` over ``panel.horizon`` days.

    ``time_budget`` (seconds) decides the configuration: ``store`` (the GBM, the baselines and
    per-series AutoETS/AutoTheta with their mean, chosen on six held-out windows) where the
    members fit in it, else ``chain`` (the GBM and the vectorised baselines, two windows).

    Long because it runs every configured member on the panel and combines them per series with
    their intervals.
    """
    panel = panel.tail(MAX_HISTORY_DAYS)
    n, t_end, horizon = panel.n_series, panel.n_days, panel.horizon
    stats = SeriesStats.from_panel(panel)
    builder = FeatureBuilder(panel, stats, country)
    series = np.arange(n)
    with_members = use_members(n, time_budget)

    n_val = VALIDATION_WINDOWS_MEMBERS if with_members else VALIDATION_WINDOWS
    while n_val and t_end - n_val * horizon < 2 * horizon:
        n_val -= 1
    choice = np.full(n, "gbm", dtype=object)
    factor = 1.0
    cut = t_end - n_val * horizon
    fits = _validation_fits(builder, cut, n_val, horizon, seed, budget)
    gbm = fits[0][1] if fits else None
    final_gbm = _fit_gbm(builder, t_end, horizon, seed, budget)
    members = None
    if with_members and n_val:
        origins = [cut - 1 + horizon * k for k in range(n_val)]
        members = stat.fit_members(stats, cut, [*origins, t_end - 1], horizon)
    if n_val:
        origins = cut - 1 + horizon * np.arange(n_val)
        i, o, h = _grid(series, origins, horizon)
        if i.size > MAX_VALIDATION_ROWS:
            # Thousands of series: every k-th step of each window is enough to choose and to
            # calibrate, and predicting every row would cost more than fitting.
            step = int(np.ceil(i.size / MAX_VALIDATION_ROWS))
            keep = (h - 1) % step == (seed % step)
            i, o, h = i[keep], o[keep], h[keep]
        points, down, up = _validation_candidates(builder, fits, i, o, h, members)
        points = _special_points(points, builder.special(i, o + h))
        actual = stats.y[i, o + h].astype(np.float64)
        actual[stats.first[i] > o] = np.nan
        choice = _select(points, actual, i, n)
        if gbm is not None:
            center = _pick(points, choice[i])
            factor = _calibration(center, down, up, actual, level, age=t_end - (o + h))
    gbm = final_gbm or next((fit for _, fit in reversed(fits) if fit is not None), None)
    if gbm is None:
        choice[choice == "gbm"] = "ewm"

    i, o, h = _grid(series, np.array([t_end - 1]), horizon)
    points, down, up = _candidates(builder, gbm, i, o, h, members)
    points = _special_points(points, builder.special(i, o + h))
    choice[~np.isin(choice, list(points))] = "gbm" if "gbm" in points else "ewm"
    yhat = _pick(points, choice[i])
    if down is None:
        half = _spread_fallback(stats, level)[i]
        down = up = half
        factor = 1.0
    lo = yhat - factor * down
    hi = yhat + factor * up
    zero = _discontinued(stats, i, o) | panel.closed[i, o + h] | (stats.first[i] > o)
    model = np.where(_discontinued(stats, series, np.full(n, t_end - 1)), "zero", choice)
    yhat, lo, hi = (np.where(zero, 0.0, np.clip(v, 0.0, None)) for v in (yhat, lo, hi))
    lo = np.minimum(lo, yhat)
    hi = np.maximum(hi, yhat)
    shape = (n, horizon)
    names = np.array([MODEL_NAMES[m] for m in model], dtype=object)
    config = "store" if members is not None else "chain"
    return PanelForecast(yhat.reshape(shape), lo.reshape(shape), hi.reshape(shape), names, config)
