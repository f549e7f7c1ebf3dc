"""Turn long-format sales history into a dense panel (series x days), refusing bad input.

Everything the models need is a numpy matrix with one row per series and one column per
day, so that features and baselines are gathers and cumulative sums, never a loop per
series. The rules applied to the input, documented once here:

- ``history`` needs ``unique_id``, ``ds`` and ``y``; every other column is exogenous and must be
  numeric (booleans are fine). ``ds`` is truncated to the day (time of day and time zone are
  dropped: a business day is a local calendar day).
- A day missing between a series' first date and the last date of the whole history means
  no sales (``y`` = 0). A series starts at its first row: days before it are unknown, not zero.
- Duplicate (``unique_id``, ``ds``) rows are summed (several POS rows for one day is normal);
  their exogenous values are combined with the maximum (a day is closed, a holiday or on
  promotion if any row says so; weather rows of one day are expected to agree).
- Negative ``y`` (refunds) is clipped to 0: a refund is not negative demand.
- ``y`` that is NaN, infinite or not a number is refused with the series and date, because it
  almost always comes from a broken join that would otherwise be learnt as "no sales".
- ``is_closed`` = 1 marks a day the store was closed: that day's ``y`` is not demand signal
  (it is neither trained on nor used in lags), and a closed day of the horizon is forecast 0.
- Missing exogenous values in history (a missing day, or NaN) are filled: 0/1 columns with 0,
  other columns with the series' previous value (else next, else the column median).
- The horizon starts the day after the latest ``ds`` of the whole history. ``future_exog`` must
  give every exogenous column of ``history`` for every series and every day of the horizon;
  rows outside the horizon or for unknown series are ignored. ``is_closed`` may be given in
  ``future_exog`` alone (a planned closure needs no closure history); when ``future_exog``
  omits it, every horizon day is taken as open.
- A run of at least :data:`OUTAGE_DAYS` consecutive days on which no series has any row (a
  dataset with a gap of weeks or months: the feed was down, or the store was shut for works)
  is a data outage, not a stretch of zero sales: those days are unknown for every series
  (neither trained on nor used in lags, like closed days), and forecasting resumes from the
  data after the gap.
- Only the last :data:`MAX_HISTORY_DAYS` days are modelled; a gap of more than a year between
  consecutive dates of the history is refused as a probable mistyped date.
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from boh_core.errors import BohError, msg

MAX_HORIZON = 366
# Three years keeps yearly lags (two seasons back) while bounding memory for 15,000 series.
MAX_HISTORY_DAYS = 3 * 364 + 28
MAX_DATE_GAP_DAYS = 366
OUTAGE_DAYS = 14
REQUIRED = ("unique_id", "ds", "y")
CLOSED = "is_closed"


@dataclass
class Panel:
    """Dense history of many daily series plus exogenous values over history and horizon.

    ``y`` has shape (n, T) and is NaN where a day carries no demand signal (before the series'
    first row, or closed). ``exog`` maps each exogenous column to an (n, T + H) array covering
    the history and the horizon; ``closed`` is an (n, T + H) boolean array.
    """

    ids: np.ndarray
    start: pd.Timestamp
    y: np.ndarray
    closed: np.ndarray
    exog: dict[str, np.ndarray] = field(default_factory=dict)
    horizon: int = 0

    @property
    def n_series(self) -> int:
        """Number of series."""
        return int(self.y.shape[0])

    @property
    def n_days(self) -> int:
        """Number of history days T."""
        return int(self.y.shape[1])

    def dates(self, n: int | None = None) -> pd.DatetimeIndex:
        """The first ``n`` calendar days from the panel start (history and horizon by default)."""
        n = self.n_days + self.horizon if n is None else n
        return pd.date_range(self.start, periods=n, freq="D")

    def tail(self, days: int) -> Panel:
        """The panel restricted to its last ``days`` history days (horizon kept)."""
        cut = max(self.n_days - days, 0)
        return Panel(
            ids=self.ids,
            start=self.start + pd.Timedelta(days=cut),
            y=self.y[:, cut:],
            closed=self.closed[:, cut:],
            exog={k: v[:, cut:] for k, v in self.exog.items()},
            horizon=self.horizon,
        )

    def truncate(self, origin: int, horizon: int) -> Panel:
        """The panel as it was known at day index ``origin`` (exclusive), for ``horizon`` days."""
        end = origin + horizon
        return Panel(
            ids=self.ids,
            start=self.start,
            y=self.y[:, :origin],
            closed=self.closed[:, :end],
            exog={k: v[:, :end] for k, v in self.exog.items()},
            horizon=horizon,
        )


def check_horizon(horizon: object) -> int:
    """Return ``horizon`` as an int, or raise if it is not a whole number of days in 1..366."""
    if isinstance(horizon, bool) or not isinstance(horizon, numbers.Integral):
        raise BohError(
            "horizon",
            horizon,
            msg(
                "forecast.panel.horizon.whole_number_days", max_horizon=MAX_HORIZON, horizon=horizon
            ),
        )
    if not 1 <= int(horizon) <= MAX_HORIZON:
        raise BohError(
            "horizon",
            horizon,
            msg("forecast.panel.horizon.from_days", max_horizon=MAX_HORIZON, horizon=int(horizon)),
        )
    return int(horizon)


def check_level(level: object) -> float:
    """Return ``level`` as a float, or raise if it is not strictly between 0 and 100."""
    ok = isinstance(level, numbers.Real) and not isinstance(level, bool)
    if not ok or not math.isfinite(float(level)) or not 0 < float(level) < 100:
        raise BohError(
            "level",
            level,
            msg("forecast.panel.level.interval_percentage_strictly", level=level),
        )
    return float(level)


def _check_frame(frame: object, name: str, required: tuple[str, ...]) -> pd.DataFrame:
    if not isinstance(frame, pd.DataFrame):
        raise BohError(
            name,
            type(frame).__name__,
            msg("forecast.panel.pandas_dataframe", name=name, frame=type(frame)),
        )
    missing = [c for c in required if c not in frame.columns]
    if missing:
        raise BohError(
            name,
            missing,
            msg(
                "forecast.panel.lacks_required_column",
                name=name,
                missing=", ".join(missing),
                map=", ".join(map(str, frame.columns)),
            ),
        )
    if frame.columns.duplicated().any():
        dup = list(frame.columns[frame.columns.duplicated()])
        raise BohError(name, dup, msg("forecast.panel.has_duplicate_column", name=name, dup=dup))
    return frame


def _to_days(ds: pd.Series, name: str) -> np.ndarray:
    """Days since the epoch (int64) of a date column, refusing what is not a date."""
    try:
        parsed = pd.to_datetime(ds)
    except (ValueError, TypeError, OverflowError) as exc:
        raise BohError(
            f"{name}.ds", None, msg("forecast.panel.column_ds_holds", name=name, exc=exc)
        ) from exc
    if parsed.isna().any():
        row = int(np.flatnonzero(parsed.isna().to_numpy())[0])
        raise BohError(
            f"{name}.ds",
            ds.iloc[row],
            msg("forecast.panel.column_ds_empty", name=name, row=row, iloc=ds.iloc[row]),
        )
    if getattr(parsed.dt, "tz", None) is not None:
        parsed = parsed.dt.tz_localize(None)
    # Floor division by a day keeps the calendar date whatever the time of day.
    ns = parsed.to_numpy().astype("datetime64[ns]").astype(np.int64)
    return ns // (86_400 * 10**9)


def _check_ids(ids: pd.Series, name: str) -> None:
    if ids.isna().any():
        row = int(np.flatnonzero(ids.isna().to_numpy())[0])
        raise BohError(
            f"{name}.unique_id", None, msg("forecast.panel.column_unique_id", name=name, row=row)
        )


def _numeric(values: pd.Series, column: str, name: str) -> np.ndarray:
    if values.dtype == bool or values.dtype == object and values.map(type).eq(bool).all():
        return values.astype(float).to_numpy()
    try:
        return pd.to_numeric(values).to_numpy(dtype=float)
    except (ValueError, TypeError) as exc:
        raise BohError(
            f"{name}.{column}",
            None,
            msg(
                "forecast.panel.column_numeric_boolean",
                column=column,
                name=name,
                dtype=values.dtype,
                exc=exc,
            ),
        ) from exc


def _check_y(frame: pd.DataFrame, y: np.ndarray, days: np.ndarray) -> np.ndarray:
    bad = ~np.isfinite(y)
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        day = pd.Timestamp(int(days[row]), unit="D").date()
        series = frame["unique_id"].iloc[row]
        raise BohError(
            "history.y",
            {"unique_id": series, "ds": str(day)},
            msg(
                "forecast.panel.history_y.sales_series_give",
                series=series,
                day=day,
                y=y[row],
                sum=int(bad.sum()),
            ),
        )
    # Refunds are booked as negative sales; demand cannot be negative.
    return np.clip(y, 0.0, None)


def _fill_exog(matrix: np.ndarray, known: np.ndarray) -> np.ndarray:
    """Fill unknown cells of one exogenous history matrix (see the module rules)."""
    matrix = np.where(known, matrix, np.nan)
    values = matrix[known & ~np.isnan(matrix)]
    if values.size and np.isin(values, (0.0, 1.0)).all():
        return np.nan_to_num(matrix, nan=0.0)
    frame = pd.DataFrame(matrix.T)
    filled = frame.ffill().bfill().to_numpy().T
    median = float(np.median(values)) if values.size else 0.0
    return np.nan_to_num(filled, nan=median)


def _outage(any_row: np.ndarray) -> np.ndarray:
    """Days inside runs of at least OUTAGE_DAYS consecutive days without any row."""
    empty = np.concatenate([[0], (~any_row).astype(np.int8), [0]])
    edges = np.flatnonzero(np.diff(empty))
    out = np.zeros(any_row.size, dtype=bool)
    for a, b in zip(edges[::2], edges[1::2], strict=True):
        if b - a >= OUTAGE_DAYS:
            out[a:b] = True
    return out


def prepare_history(
    history: pd.DataFrame, horizon: int, max_days: int = MAX_HISTORY_DAYS
) -> tuple[Panel, list[str], pd.Categorical]:
    """Validate ``history`` and build its :class:`Panel` (exog covers history only so far).

    Returns the panel, the exogenous column names (``is_closed`` included when present) and
    the categorical of series ids used to index rows, for matching ``future_exog`` later.
    """
    _check_frame(history, "history", REQUIRED)
    if history.empty:
        raise BohError("history", 0, msg("forecast.panel.history.has_rows_give"))
    _check_ids(history["unique_id"], "history")
    days = _to_days(history["ds"], "history")
    y = _check_y(history, _numeric(history["y"], "y", "history"), days)
    exog_cols = [c for c in history.columns if c not in REQUIRED]
    exog_raw = {c: _numeric(history[c], c, "history") for c in exog_cols}

    distinct = np.unique(days)
    if distinct.size > 1 and np.diff(distinct).max() > MAX_DATE_GAP_DAYS:
        k = int(np.argmax(np.diff(distinct)))
        a, b = (pd.Timestamp(int(d), unit="D").date() for d in distinct[k : k + 2])
        raise BohError(
            "history.ds",
            str(b),
            msg("forecast.panel.history_ds.jumps_from_date", a=a, b=b, distinct=distinct[-1]),
        )
    last = int(distinct[-1])
    first_day = max(int(distinct[0]), last - max_days + 1)
    keep = days >= first_day
    cats = pd.Categorical(history["unique_id"])
    codes = cats.codes[keep].astype(np.int64)
    col = days[keep] - first_day
    n, t = len(cats.categories), last - first_day + 1
    flat = codes * t + col

    # Sum duplicates and record which cells had a row at all.
    ymat = np.bincount(flat, weights=y[keep], minlength=n * t).reshape(n, t)
    has_row = np.bincount(flat, minlength=n * t).reshape(n, t) > 0
    first = np.full(n, t, dtype=np.int64)
    np.minimum.at(first, codes, col)
    started = np.arange(t)[None, :] >= first[:, None]

    exog_hist: dict[str, np.ndarray] = {}
    for c, values in exog_raw.items():
        mat = np.full(n * t, -np.inf)
        v = values[keep]
        np.maximum.at(mat, flat, np.where(np.isnan(v), -np.inf, v))
        mat = np.where(np.isneginf(mat), np.nan, mat).reshape(n, t)
        exog_hist[c] = _fill_exog(mat, has_row)
    closed = exog_hist.pop(CLOSED, np.zeros((n, t))) > 0.5
    ymat = np.where(started & ~closed & ~_outage(has_row.any(axis=0))[None, :], ymat, np.nan)
    start = pd.Timestamp(first_day, unit="D")
    panel = Panel(
        ids=np.asarray(cats.categories),
        start=start,
        y=ymat,
        closed=closed,
        exog=exog_hist,
        horizon=horizon,
    )
    return panel, exog_cols, cats


def attach_future(
    panel: Panel,
    exog_cols: list[str],
    future_exog: pd.DataFrame | None,
) -> Panel:
    """Extend the panel's exogenous arrays over the horizon from ``future_exog``."""
    n, t, h = panel.n_series, panel.n_days, panel.horizon
    needed = [c for c in exog_cols if c != CLOSED]
    if future_exog is None:
        if needed:
            raise BohError(
                "future_exog",
                None,
                msg("forecast.panel.future_exog.history_has_exogenous", needed=", ".join(needed)),
            )
        return _with_future(panel, {}, np.zeros((n, h), dtype=bool))
    _check_frame(future_exog, "future_exog", ("unique_id", "ds", *needed))
    extra = [c for c in future_exog.columns if c not in ("unique_id", "ds", CLOSED, *exog_cols)]
    if extra:
        raise BohError(
            "future_exog",
            extra,
            msg("forecast.panel.future_exog.has_column_s", map=", ".join(map(str, extra))),
        )
    _check_ids(future_exog["unique_id"], "future_exog")
    days = _to_days(future_exog["ds"], "future_exog")
    col = days - (int(panel.start.value // (86_400 * 10**9)) + t)
    code = pd.Index(panel.ids).get_indexer(future_exog["unique_id"])
    keep = (col >= 0) & (col < h) & (code >= 0)
    flat = code[keep].astype(np.int64) * h + col[keep]
    counts = np.bincount(flat, minlength=n * h)
    _check_cover(panel, counts, future_exog)
    order = np.argsort(flat)
    future = {}
    for c in [*needed, *([CLOSED] if CLOSED in future_exog.columns else [])]:
        values = _numeric(future_exog[c], c, "future_exog")[keep]
        if np.isnan(values).any():
            row = int(np.flatnonzero(keep)[np.flatnonzero(np.isnan(values))[0]])
            raise BohError(
                f"future_exog.{c}",
                None,
                msg(
                    "forecast.panel.column_future_exog",
                    c=c,
                    iloc=future_exog["unique_id"].iloc[row],
                    date=pd.Timestamp(int(days[row]), unit="D").date(),
                ),
            )
        future[c] = values[order].reshape(n, h)
    closed = future.pop(CLOSED, np.zeros((n, h))) > 0.5
    return _with_future(panel, future, closed)


def _check_cover(panel: Panel, counts: np.ndarray, future_exog: pd.DataFrame) -> None:
    n, h = panel.n_series, panel.horizon
    counts = counts.reshape(n, h)
    if (counts > 1).any():
        i, j = np.argwhere(counts > 1)[0]
        day = panel.dates()[panel.n_days + j].date()
        raise BohError(
            "future_exog",
            {"unique_id": panel.ids[i], "ds": str(day)},
            msg(
                "forecast.panel.future_exog.has_rows_series",
                counts=counts[i, j],
                ids=panel.ids[i],
                day=day,
            ),
        )
    if (counts == 0).any():
        i, j = np.argwhere(counts == 0)[0]
        dates = panel.dates()
        day = dates[panel.n_days + j].date()
        raise BohError(
            "future_exog",
            {"unique_id": panel.ids[i], "ds": str(day)},
            msg(
                "forecast.panel.future_exog.does_cover_horizon",
                ids=panel.ids[i],
                day=day,
                sum=int((counts == 0).sum()),
                date=dates[panel.n_days].date(),
                date_2=dates[-1].date(),
            ),
        )


def _with_future(panel: Panel, future: dict[str, np.ndarray], closed: np.ndarray) -> Panel:
    exog = {c: np.concatenate([v, future[c]], axis=1) for c, v in panel.exog.items()}
    return Panel(
        ids=panel.ids,
        start=panel.start,
        y=panel.y,
        closed=np.concatenate([panel.closed, closed], axis=1),
        exog=exog,
        horizon=panel.horizon,
    )
