"""Equipment failures with repair times, and cold-unit temperature sensors.

Failures: each piece of equipment fails as a Poisson process with its ``mtbf_days``; a repair
takes a log-normal time around its ``repair_hours``. One failure is always followed by a
*repeat* of the same fault on the same equipment within two weeks (the fix did not hold), so
repeat-failure detection has something to find.

Sensors: every cold unit (equipment with a ``setpoint``) reports every ``minutes`` minutes
over the last ``days`` days of the run: its setpoint, a slow wander, door openings during
trading hours (a jump of 2-5 deg C that decays over about a quarter of an hour) and, on one
cold unit (the central kitchen's cold room if there is one), a slow failure: the compressor
weakens over about two days, the temperature creeps above 8 deg C for several hours until
the repair, then recovers.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .model import Group

FAULTS = {
    "fridge": ("compressor", "door seal", "thermostat"),
    "freezer": ("compressor", "door seal", "ice build-up"),
    "coldroom": ("compressor", "evaporator fan", "door seal"),
    "wok": ("burner", "gas valve", "igniter"),
    "steamer": ("boiler", "water inlet", "thermostat"),
    "dishwasher": ("drain pump", "wash arm", "heating element"),
    "ice": ("water filter", "pump", "sensor"),
    "oven": ("fan motor", "door hinge", "control board"),
    "mixer": ("belt", "motor", "safety switch"),
}
#: Degrees C above the setpoint counted as an excursion, as in a HACCP log.
EXCURSION_DEG = 5.0


@dataclass
class SensorEpisode:
    """The slow failure written into the sensor readings: which unit, from when to when."""

    equipment: str
    start: pd.Timestamp
    end: pd.Timestamp


def simulate_failures(
    group: Group, dates: pd.DatetimeIndex, rng: np.random.Generator
) -> pd.DataFrame:
    """Every failure of the run: ``equipment``, ``site``, ``fault``, ``started_at``,
    ``repaired_at`` (naive local times), ``repair_hours``, ``repeat`` (same fault again)."""
    cols = ["equipment", "site", "fault", "started_at", "repaired_at", "repair_hours", "repeat"]
    if not group.equipment:
        return pd.DataFrame(columns=cols)
    start = dates[0]
    span_h = len(dates) * 24.0
    rows = []
    for eq in group.equipment:
        n = rng.poisson(len(dates) / eq.mtbf_days)
        at = np.sort(rng.uniform(0, span_h, n))
        faults = FAULTS.get(eq.kind, ("breakdown",))
        for hour in at:
            rows.append(
                (eq.code, eq.site, faults[rng.integers(len(faults))], hour, eq.repair_hours, False)
            )
    # The repeat failure: the first piece of equipment with a failure in the first half of
    # the run (or the first piece of equipment) fails again with the same fault.
    first = next((r for r in sorted(rows, key=lambda r: r[3]) if r[3] < span_h / 2), None)
    if first is None:
        eq = group.equipment[0]
        faults = FAULTS.get(eq.kind, ("breakdown",))
        first = (eq.code, eq.site, faults[0], span_h / 4, eq.repair_hours, False)
        rows.append(first)
    # within two weeks, and inside the run when the run leaves room for it
    room = max(72.0, min(14 * 24.0, span_h - first[3] - 1.0))
    rows.append((first[0], first[1], first[2], first[3] + rng.uniform(72, room), first[4], True))
    frame = pd.DataFrame(rows, columns=["equipment", "site", "fault", "hour", "median", "repeat"])
    frame["repair_hours"] = np.round(
        frame["median"].to_numpy() * np.exp(rng.normal(0, 0.5, len(frame))), 2
    )
    frame["started_at"] = start + pd.to_timedelta(frame["hour"].round(2), unit="h")
    frame["started_at"] = frame["started_at"].dt.floor("min")
    frame["repaired_at"] = frame["started_at"] + pd.to_timedelta(frame["repair_hours"], unit="h")
    frame["repaired_at"] = frame["repaired_at"].dt.floor("min")
    end = dates[-1] + pd.Timedelta(days=1)
    frame = frame[frame["started_at"] < end]
    return frame.sort_values(["started_at", "equipment"], ignore_index=True)[cols]


def simulate_sensors(
    group: Group,
    dates: pd.DatetimeIndex,
    rng: np.random.Generator,
    *,
    days: int = 14,
    minutes: int = 15,
) -> tuple[pd.DataFrame, SensorEpisode | None]:
    """Readings of every cold unit over the last ``days`` days: ``equipment``, ``at`` (naive
    local time), ``temperature`` (deg C), ``door_open`` (a door opening in that interval).

    Long because it draws door openings and the slow failure for every cold unit in one
    vectorised pass."""
    cold = [e for e in group.equipment if e.setpoint is not None]
    if not cold or days <= 0:
        return pd.DataFrame(columns=["equipment", "at", "temperature", "door_open"]), None
    days = min(days, len(dates))
    per_day = 24 * 60 // minutes
    n_t = days * per_day
    times = pd.date_range(dates[-days], periods=n_t, freq=f"{minutes}min")
    hour = times.hour.to_numpy()
    sites = {s.code: s for s in group.sites}
    n_e = len(cold)
    setpoint = np.array([e.setpoint for e in cold], float)[:, None]
    # Slow wander: a smoothed random walk of a few tenths of a degree.
    wander = np.cumsum(rng.normal(0, 0.05, (n_e, n_t)), axis=1)
    wander -= wander.mean(axis=1, keepdims=True)
    wander = np.clip(wander, -0.8, 0.8)
    trading = np.array(
        [
            [sites[e.site].open_hour - 1 <= h < sites[e.site].close_hour for h in range(24)]
            for e in cold
        ]
    )[:, hour]
    rate = 0.6 * minutes / 60  # door openings per interval while trading
    doors = (rng.random((n_e, n_t)) < rate) & trading
    jump = np.where(doors, rng.uniform(2.0, 5.0, (n_e, n_t)), 0.0)
    # Each opening decays over ~15 minutes: convolve with a geometric kernel.
    kernel = 0.35 ** np.arange(max(3, 60 // minutes))
    spikes = np.stack([np.convolve(row, kernel)[:n_t] for row in jump])
    temp = setpoint + wander + spikes + rng.normal(0, 0.15, (n_e, n_t))

    episode = None
    pick = next((k for k, e in enumerate(cold) if e.kind == "coldroom"), 0)
    if days >= 4:
        begin = int(rng.integers(per_day, n_t - 3 * per_day))
        ramp = 2 * per_day  # two days of creeping
        hold = int(rng.integers(6, 14) * 60 // minutes)  # hours above the limit
        recover = 3 * 60 // minutes
        prof = np.concatenate(
            [
                np.linspace(0, 9.0, ramp),
                np.full(hold, 9.0),
                np.linspace(9.0, 0, recover),
            ]
        )
        end = min(begin + prof.size, n_t)
        temp[pick, begin:end] += prof[: end - begin]
        episode = SensorEpisode(cold[pick].code, times[begin], times[end - 1])
    codes = np.array([e.code for e in cold])
    frame = pd.DataFrame(
        {
            "equipment": np.repeat(codes, n_t),
            "at": np.tile(times, n_e),
            "temperature": np.round(temp.reshape(-1), 2),
            "door_open": doors.reshape(-1),
        }
    )
    return frame, episode
