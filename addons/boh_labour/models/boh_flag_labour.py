from datetime import timedelta

import pandas as pd

from odoo import api, models
from odoo.addons.boh_inventory.tools.flag_pass import Flagged, day_of

from boh_core.exceptions.labour import detect_labour

#: Days of attendance and labour plans read: the detector's look-back and then some.
LABOUR_HISTORY_DAYS = 91
#: Days before yesterday judged again (attendance closed late, a forgotten check-out).
LABOUR_RECHECK_DAYS = 2


class BohFlag(models.Model):
    """The daily labour pass: hours worked far above the hours the forecast needed."""

    _inherit = "boh.flag"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _daily_passes(self):
        return [*super()._daily_passes(), "_pass_labour"]

    @api.model
    def _pass_labour(self, run):
        """Each store's days worked far above its labour plan, against its own habit."""
        last = run.yesterday()
        days = self._read_labour_days(run.stores, last - timedelta(days=LABOUR_HISTORY_DAYS), last)
        # a day nobody worked is a closed day, not a day of the store's habit
        days = days[days.hours > 0]
        findings = detect_labour(days, settings=self._detector_settings("labour"))
        run.skipped["labour"] = findings.skipped
        recent = last - timedelta(days=LABOUR_RECHECK_DAYS)
        found = []
        for finding in findings:
            if day_of(finding.end) < recent:
                continue
            store = self.env["stock.warehouse"].browse(finding.key[0])
            domain = [
                ("warehouse_id", "=", store.id),
                ("date", ">=", str(day_of(finding.start))),
                ("date", "<=", str(day_of(finding.end))),
            ]
            evidence = {"res_model": "boh.labour.attendance.report", "domain": domain}

            def what(flag):
                return flag.env._("Hours worked far above the forecast's need")

            found.append(Flagged(finding, store.id, evidence, (what, store.name)))
        return found

    @api.model
    def _read_labour_days(self, stores, first, last):
        """Hours worked (attendance, per store and local day) and hours the labour plan
        needed (from the forecast), per store and day of ``first``..``last``: two grouped
        reads."""
        domain = [("warehouse_id", "in", stores.ids), ("date", ">=", first), ("date", "<=", last)]
        worked = (
            self.env["boh.labour.attendance.report"]
            .sudo()
            ._read_group(domain, ["warehouse_id", "date:day"], ["actual_hours:sum"])
        )
        needed = (
            self.env["boh.labour.plan"]
            .sudo()
            ._read_group(domain, ["warehouse_id", "date:day"], ["hours:sum"])
        )
        frame = pd.DataFrame(
            [(store.id, day, hours or 0.0) for store, day, hours in worked],
            columns=["store", "ds", "hours"],
        )
        plan = pd.DataFrame(
            [(store.id, day, hours or 0.0) for store, day, hours in needed],
            columns=["store", "ds", "needed"],
        )
        merged = frame.merge(plan, on=["store", "ds"], how="outer")
        # float columns first: an empty read is an object column, which fillna would downcast
        merged[["hours", "needed"]] = merged[["hours", "needed"]].astype(float).fillna(0.0)
        return merged
