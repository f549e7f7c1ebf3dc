"""What a detection pass hands to ``boh.flag``: a finding, the store it concerns, where its
evidence is and how a manager reads it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

import pytz


@dataclass(frozen=True)
class Flagged:
    """One finding of a pass (``boh_core.exceptions.Finding``) at ``store_id``.

    ``evidence`` is what the flag's button opens (see ``boh.flag._raise_findings``): a
    ``(model, id)`` pair or a dict with ``res_model`` and ``res_id`` or ``domain``;
    ``label`` the ``(what, where)`` texts, ``what`` a text or a function of a ``boh.flag``
    recordset giving it in that recordset's language (the store manager's, at raising).
    """

    finding: Any
    store_id: int | None
    evidence: Any = None
    label: tuple[Any, str] | None = None


@dataclass
class PassRun:
    """One run of the passes over one company's stores: the stores, the time of the run
    (``now``, naive UTC), each store's local "today" and time zone (``{store id: ...}``),
    the series each pass could not judge yet (``skipped``, by pass) and what passes read
    for one another (``cache``: the usage and the waste passes read the same AvT lines)."""

    stores: Any
    now: datetime
    today: dict[int, date]
    tz: dict[int, str]
    skipped: dict[str, dict] = field(default_factory=dict)
    cache: dict[str, dict] = field(default_factory=dict)

    def local_now(self, store_id: int) -> datetime:
        """The wall-clock time at ``store_id`` (naive)."""
        zone = pytz.timezone(self.tz[store_id])
        return pytz.utc.localize(self.now).astimezone(zone).replace(tzinfo=None)

    def yesterday(self) -> date:
        """The last business day every store of the run has finished."""
        return min(self.today.values()) - timedelta(days=1)

    def restricted(self, stores) -> PassRun:
        """The same run over ``stores`` only (a pass retried store by store)."""
        return PassRun(
            stores=stores,
            now=self.now,
            today={store.id: self.today[store.id] for store in stores},
            tz={store.id: self.tz[store.id] for store in stores},
            skipped=self.skipped,
            cache=self.cache,
        )


def day_of(value: date | datetime) -> date:
    """A finding's bound as a day (a detector gives a date for daily series, a datetime
    for the others)."""
    return value.date() if isinstance(value, datetime) else value
