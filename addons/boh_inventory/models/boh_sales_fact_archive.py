import logging
from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import SQL

from ..tools.bulk import delete_in_batches
from .boh_sales_daily import ARCHIVE_SETTING

_logger = logging.getLogger(__name__)

#: Facts deleted per statement, and statements per call of the cron (the cron runner commits
#: after each call and calls again while facts are left): short transactions whose dead rows
#: PostgreSQL's autovacuum keeps up with.
BATCH = 10_000
BATCHES_PER_CALL = 5


class BohSalesFact(models.Model):
    """The archive of old sales facts: deleted, their daily sums kept (README, "Daily sales
    sums")."""

    _inherit = "boh.sales.fact"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _cron_archive_facts(self):
        """Nightly: archive the facts older than each company keeps
        (``boh_sales_fact_keep_days``, 0 = for ever), at most ``BATCHES_PER_CALL`` batches a
        call; the cron runner calls again while some are left."""
        companies = self.env["res.company"].sudo().search([("boh_sales_fact_keep_days", ">", 0)])
        today = fields.Date.context_today(self)
        budget = BATCH * BATCHES_PER_CALL
        done = 0
        bounds = {}
        for company in companies:
            bounds[company] = today - timedelta(days=company.boh_sales_fact_keep_days)
            done += self._archive_facts(company, bounds[company], limit=budget - done)
            if done >= budget:
                break
        remaining = 0
        if done >= budget:
            remaining = sum(
                self.sudo().search_count([("company_id", "=", company.id), ("date", "<", before)])
                for company, before in bounds.items()
            )
        self.env["ir.cron"]._notify_progress(done=done, remaining=remaining)
        return done

    @api.model
    def _archive_facts(self, company, before, limit=None):
        """Delete ``company``'s facts of the days before ``before``, ``BATCH`` at a time (at
        most ``limit``), leaving their daily sums and orders of the day as they are; return
        how many were deleted.

        The daily-sum trigger of a DELETE does nothing while the transaction-local setting
        :data:`ARCHIVE_SETTING` is on: it is set here only, around this statement only, from
        constants (no input reaches it). Should the DELETE fail, the rollback of the
        transaction (or savepoint) takes the setting back with it.
        """
        self.flush_model()
        company = company.sudo()
        if not company.boh_sales_archived_before or company.boh_sales_archived_before < before:
            # the days a rebuild of the daily sums leaves as they are (their facts are gone)
            company.boh_sales_archived_before = before
            company.flush_recordset(["boh_sales_archived_before"])
        total = delete_in_batches(
            self.env,
            "boh_sales_fact",
            SQL("company_id = %s AND date < %s", company.id, before),
            batch=BATCH,
            limit=limit,
            setting=ARCHIVE_SETTING,
        )
        self.invalidate_model()
        if total:
            _logger.info(
                "BOH sales archive: %s facts of %s before %s deleted (daily sums kept)",
                total,
                company.name,
                before,
            )
        return total
