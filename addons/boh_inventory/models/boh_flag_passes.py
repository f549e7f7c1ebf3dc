import logging
from collections import defaultdict

from odoo import api, fields, models

from ..tools.flag_pass import PassRun
from .boh_flag import _odoo_datetime, cause_key

_logger = logging.getLogger(__name__)


class BohFlag(models.Model):
    """The detection passes' frame: each company's stores, each pass, each store's flags.

    A pass is a method ``_pass_<what>(run)`` (``run``: :class:`~..tools.flag_pass.PassRun`)
    that reads its data for all the run's stores in a few batched queries, calls its
    ``boh_core.exceptions`` detector once and returns :class:`~..tools.flag_pass.Flagged`
    findings; it writes nothing. Each addon adds its passes to :meth:`_daily_passes` (or,
    for the passes that run within minutes of the data, to a list of its own). The frame
    then raises each store's flags in a savepoint of its own: a store whose pass or flags
    fail is logged and rolled back alone, the others go on.
    """

    _inherit = "boh.flag"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _daily_passes(self):
        """The names of the daily pass methods; each addon adds its own (``super()``)."""
        return ["_pass_usage", "_pass_waste", "_pass_prices", "_pass_counts"]

    @api.model
    def _cron_run_daily_passes(self):
        """Run the daily passes for every company's stores (``ir_cron_boh_run_daily_passes``)."""
        return self._run_passes_by_company(self._daily_passes())

    @api.model
    def _run_passes_by_company(self, passes, stores=None):
        """Run ``passes`` over ``stores`` (default: every store), one company at a time;
        return the flags raised or updated."""
        stores = (
            stores
            if stores is not None
            else self.env["stock.warehouse"].sudo().search([("active", "=", True)])
        )
        flags = self.browse()
        for company in stores.company_id:
            mine = stores.filtered(lambda store, c=company: store.company_id == c)
            flags |= self.with_company(company)._run_passes(passes, mine)
        return flags

    @api.model
    def _run_passes(self, passes, stores):
        """Run ``passes`` (method names) over ``stores`` of one company and raise the flags
        they find, each store's in a savepoint of its own. Returns the flags raised or
        updated."""
        self = self.sudo()
        stores = stores.sudo()
        if not stores:
            return self.browse()
        now = fields.Datetime.now()
        times = stores._boh_store_time(now)
        run = PassRun(
            stores=stores,
            now=now,
            today={sid: t.today for sid, t in times.items()},
            tz={sid: t.tz for sid, t in times.items()},
        )
        found = []
        for name in passes:
            found += self._run_one_pass(name, run)
        by_store = defaultdict(list)
        for flagged in found:
            by_store[flagged.store_id].append(flagged)
        flags = self.browse()
        for store_id, part in by_store.items():
            try:
                with self.env.cr.savepoint():
                    flags |= self._raise_flagged(part)
            except Exception:
                _logger.exception("BOH flags: the flags of store %s could not be raised", store_id)
        for name, skipped in run.skipped.items():
            if skipped:
                _logger.info(
                    "BOH flags: %s did not judge %d series yet (too little history), e.g. %s",
                    name,
                    len(skipped),
                    list(skipped)[:5],
                )
        return flags

    @api.model
    def _run_one_pass(self, name, run):
        """The findings of pass ``name`` over ``run``; when it fails over all the stores at
        once, it runs again store by store, so that one store's bad data does not silence
        the others (that store is logged and left out)."""
        method = getattr(self, name)
        try:
            with self.env.cr.savepoint():
                return list(method(run))
        except Exception:
            if len(run.stores) == 1:
                _logger.exception("BOH flags: %s failed for store %s", name, run.stores.name)
                return []
        found = []
        for store in run.stores:
            found += self._run_one_pass(name, run.restricted(store))
        return found

    @api.model
    def _closed_days(self, stores, first, last):
        """``{(store id, day)}`` of ``stores`` known to be closed (or not trading as usual)
        on ``first``..``last``: none here; the forecast's closures and holidays add theirs."""
        return set()

    @api.model
    def _drop_acknowledged(self, flagged):
        """``flagged`` less the findings a manager already acknowledged: a finding whose
        episode began within an acknowledged flag of its cause (a run of days that goes on,
        a silence that lasts) is that flag's, not a new one; one that began after it is."""
        causes = {cause_key(f.finding.kind, f.finding.key) for f in flagged}
        spans = defaultdict(list)
        for flag in self.search_fetch(
            [("cause_key", "in", list(causes)), ("state", "=", "acknowledged")],
            ["cause_key", "start", "end"],
        ):
            spans[flag.cause_key].append((flag.start, flag.end))
        kept = []
        for item in flagged:
            start = _odoo_datetime(item.finding.start)
            known = spans.get(cause_key(item.finding.kind, item.finding.key), ())
            if not any(first and last and first <= start <= last for first, last in known):
                kept.append(item)
        return kept

    @api.model
    def _raise_flagged(self, flagged):
        """Raise the flags of ``flagged`` (one store's :class:`Flagged` findings), a batch
        per kind (the flag API's evidence and labels are keyed by the finding's key, which
        two kinds may share), titled in the language of the store's manager."""
        by_kind = defaultdict(list)
        for item in self._drop_acknowledged(flagged):
            by_kind[item.finding.kind].append(item)
        store = self.env["stock.warehouse"].browse(flagged[0].store_id or [])
        manager = store._boh_managers().get(store.id)
        # a flag's title is written in the language of who gets its to-do
        local = self.with_context(lang=manager.lang) if manager and manager.lang else self
        flags = self.browse()
        for part in by_kind.values():
            flags |= self._raise_findings(
                [f.finding for f in part],
                stores={f.finding.key: f.store_id for f in part if f.store_id},
                evidence={f.finding.key: f.evidence for f in part if f.evidence},
                labels={f.finding.key: _label(local, f.label) for f in part if f.label},
            )
        return flags


def _label(flag, label):
    """A pass's ``(what, where)``, ``what`` given as text or as a function of a ``boh.flag``
    recordset (whose environment's language it writes in)."""
    what, where = label
    return (what(flag) if callable(what) else what, where)
