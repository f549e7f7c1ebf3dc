"""Stock of many series held in lots by days left, used first-expired-first-out.

``Lots.q[i, k]`` is the quantity of series ``i`` that can still be used today and on the
``k`` following days: column 0 expires at the end of today. A delivery of an ingredient with
a shelf life of ``s`` days enters column ``s - 1``; demand takes from column 0 upwards; at
the end of the day column 0 is thrown away and the rest moves one column down. Every step is
one numpy operation over all series, never a loop over series or lots.

With ``horizon`` given (a run of at most that many days), lots that cannot expire within the
run share one last column that never moves, so a long shelf life costs no width.
"""

from __future__ import annotations

import numpy as np

EPSILON = 1e-9


class Lots:
    """First-expired-first-out lots of ``len(shelf)`` series (see the module docstring)."""

    def __init__(self, shelf: np.ndarray, horizon: int | None = None):
        self.shelf = np.asarray(shelf, dtype=np.int64)
        n = len(self.shelf)
        longest = int(self.shelf.max()) if n else 1
        self.sticky = horizon is not None and longest > horizon + 1
        width = horizon + 2 if self.sticky else longest
        self.column = np.minimum(self.shelf, width) - 1
        self.q = np.zeros((n, width))
        self._rows = np.arange(n)

    def copy(self, rows: np.ndarray | None = None) -> Lots:
        """An independent copy (of the series at positions ``rows`` only, if given)."""
        other = Lots.__new__(Lots)
        pick = slice(None) if rows is None else rows
        other.shelf = self.shelf[pick]
        other.sticky = self.sticky
        other.column = self.column[pick]
        other.q = self.q[pick].copy()
        other._rows = np.arange(len(other.shelf))
        return other

    @property
    def on_hand(self) -> np.ndarray:
        """Units in stock per series."""
        return self.q.sum(axis=1)

    def receive(self, qty: np.ndarray) -> None:
        """Put a delivery of ``qty`` per series into stock with its full shelf life."""
        self.q[self._rows, self.column] += np.maximum(np.asarray(qty, dtype=float), 0.0)

    def serve(self, demand: np.ndarray) -> np.ndarray:
        """Take ``demand`` from stock, oldest lots first; answers what was served."""
        demand = np.maximum(np.asarray(demand, dtype=float), 0.0)
        before = np.cumsum(self.q, axis=1) - self.q
        take = np.clip(demand[:, None] - before, 0.0, self.q)
        self.q -= take
        # rounding must never leave a lot below zero
        np.maximum(self.q, 0.0, out=self.q)
        return take.sum(axis=1)

    def expire(self) -> np.ndarray:
        """End of the day: throw away what expires today and age the rest; answers the waste."""
        waste = self.q[:, 0].copy()
        if self.sticky:
            self.q[:, :-2] = self.q[:, 1:-1]
            self.q[:, -2] = 0.0
        else:
            self.q[:, :-1] = self.q[:, 1:]
            self.q[:, -1] = 0.0
        return waste
