"""The nightly run in partitions: groups of stores that any cron worker of any host takes,
each run and committed in a transaction of its own (``boh.forecast.run.partition``)."""

import logging
import time
from datetime import timedelta

from psycopg2 import errors as pg_errors

from odoo import api, fields, models
from odoo.addons.boh_inventory.tools.core_messages import translate_core_error
from odoo.exceptions import UserError
from odoo.tools import SQL

from boh_core.errors import BohError

_logger = logging.getLogger(__name__)

#: Stores per partition, unless the system parameter below says otherwise: a partition of
#: 20 stores x 120 items is 2,420 series, one forecast call of a few seconds.
PARTITION_STORES = 20
PARTITION_STORES_PARAM = "boh_forecast.partition_stores"
#: The first key of the advisory lock a worker holds while it runs a partition (the second is
#: the partition's id): how another session sees that the partition is running.
PARTITION_LOCK_CLASS = 418_021_802
#: The cron that only takes partitions (any number of copies may exist: each is a worker).
WORKER_METHOD = "_cron_run_forecast_partitions"


class BohForecastEngine(models.AbstractModel):
    _inherit = "boh.forecast.engine"  # pylint: disable=consider-merging-classes-inherited

    # -- entry points -------------------------------------------------------------------

    @api.model
    def _cron_run_forecast(self):
        """Nightly: make tonight's run of each company with enabled locations (once a night:
        a second call finds it), then run one waiting partition. While some wait, the cron
        triggers itself (``_run_next_partition``): the runner commits after each call and calls
        again, so a run killed half way resumes where it stopped."""
        if not self._try_lock_shared():
            _logger.info("BOH forecast: a run for chosen locations is going on; retried later.")
            self._wake_partition_workers(later=True, nightly=True)
            return False
        self._plan_runs()
        return self._run_next_partition()

    @api.model
    def _cron_run_forecast_partitions(self):
        """Another worker of the nightly run: takes waiting partitions, never makes a run."""
        if not self._try_lock_shared():
            self._wake_partition_workers(later=True)
            return False
        return self._run_next_partition()

    @api.model
    def _wake_partition_workers(self, later=False, nightly=False):
        """Trigger the crons that take partitions (and the ``nightly`` one, which makes the
        runs), now or in a minute."""
        crons = (
            self.env["ir.cron"]
            .sudo()
            .search(
                [
                    ("model_id.model", "=", self._name),
                    ("code", "ilike", WORKER_METHOD),
                    ("active", "=", True),
                ]
            )
        )
        if nightly:
            nightly_cron = self.env.ref("boh_forecast.ir_cron_boh_forecast", False)
            crons |= nightly_cron or crons.browse()
        at = fields.Datetime.now() + timedelta(minutes=1) if later else None
        for cron in crons:
            cron._trigger(at)

    # -- planning -------------------------------------------------------------------------

    @api.model
    def _partition_size(self):
        param = self.env["ir.config_parameter"].sudo().get_param(PARTITION_STORES_PARAM)
        try:
            return max(1, int(param or PARTITION_STORES))
        except (TypeError, ValueError):
            return PARTITION_STORES

    @api.model
    def _plan_runs(self, size=None):
        """Tonight's run of every company with enabled locations, made if missing.

        A run made now also deletes its company's old forecasts (once a night, before any
        partition) and gives up the partitions earlier runs left waiting: tonight's forecasts
        those stores again."""
        today = self._local_now().date()
        Run = self.env["boh.forecast.run"].sudo()
        warehouses = (
            self.env["stock.warehouse"]
            .sudo()
            .search([("boh_forecast_enabled", "=", True)], order="id")
        )
        runs = Run.search([("date", "=", today), ("company_id", "in", warehouses.company_id.ids)])
        missing = warehouses.company_id - runs.company_id
        if not missing:
            return runs
        self._give_up_waiting(today)
        made = Run
        for company in missing:
            mine = warehouses.filtered(lambda w, c=company: w.company_id == c)
            made |= Run.create(self._run_vals(company, mine, today, size))
            self.with_company(company)._delete_old_forecasts(company, today)
        if len(made.partition_ids) > 1:
            self._wake_partition_workers()
        return runs | made

    @api.model
    def _run_vals(self, company, warehouses, today, size=None):
        """A run of ``warehouses`` in partitions of ``size`` stores (by id), and, when the
        company has a central kitchen, a last partition for the kitchen's prep plan: it sums
        every store's forecast, so it waits until no store partition of the run waits."""
        size = size or self._partition_size()
        partitions = [
            fields.Command.create(
                {
                    "company_id": company.id,
                    "sequence": number,
                    "kind": "stores",
                    "warehouse_ids": [fields.Command.set(warehouses[start : start + size].ids)],
                }
            )
            for number, start in enumerate(range(0, len(warehouses), size), start=1)
        ]
        kitchen = self._central_kitchen(company)
        if kitchen:
            partitions.append(
                fields.Command.create(
                    {
                        "company_id": company.id,
                        "sequence": len(partitions) + 1,
                        "kind": "kitchen",
                        "warehouse_ids": [fields.Command.set(kitchen.ids)],
                    }
                )
            )
        return {"company_id": company.id, "date": today, "partition_ids": partitions}

    @api.model
    def _give_up_waiting(self, today):
        """Fail the partitions of earlier nights still waiting, saying why (not a failed
        attempt: they were not run). One a worker is running is left to finish."""
        Partition = self.env["boh.forecast.run.partition"].sudo()
        Partition.flush_model()
        try:
            with self.env.cr.savepoint(flush=False):
                rows = self.env.execute_query(
                    SQL(
                        "SELECT id FROM boh_forecast_run_partition "
                        "WHERE state = 'received' AND date < %s FOR UPDATE SKIP LOCKED",
                        today,
                    )
                )
        except pg_errors.SerializationFailure:
            return  # one finished meanwhile: the next run gives the others up
        Partition.browse([row[0] for row in rows]).write(
            {
                "state": "failed",
                "error": self.env._(
                    "Not run before the next night's run, which forecasts these stores again."
                ),
            }
        )

    # -- taking and running partitions ---------------------------------------------------------

    @api.model
    def _run_next_partition(self):
        """Take a waiting partition and run it; after a run's last store partition, its
        kitchen partition too (a sum of stored forecasts: seconds).

        Each partition is a unit of work of its own for the cron runner, under its own
        ``limit_time_cpu`` and ``limit_time_real_cron``: the call reports what it ran with
        nothing remaining, and triggers its cron again while partitions wait, rather than
        reporting them as remaining (the runner would then call again in the same unit of
        work, up to 10 times)."""
        Partition = self.env["boh.forecast.run.partition"].sudo()
        done = 0
        partition = self._take_partition()
        if partition:
            self._run_partition(partition)
            done += 1
            if partition.kind == "stores":
                kitchen = self._take_partition(run=partition.run_id, kind="kitchen")
                if kitchen:
                    self._run_partition(kitchen)
                    done += 1
        if done and Partition.search_count([("state", "=", "received")]):
            self._trigger_again()
        self.env["ir.cron"]._notify_progress(done=done, remaining=0)
        return True

    @api.model
    def _trigger_again(self):
        """Have the cron that called run again now (a new unit of work); called outside a
        cron, wake the nightly run's crons.

        The runner deletes the cron's triggers older than the start of its own transaction
        once the call is done, and a trigger's time has whole seconds: a partition done within
        the second it was taken would lose the trigger for now, so a second one follows a
        second later."""
        cron = self.env["ir.cron"].sudo().browse(self.env.context.get("cron_id")).exists()
        if cron:
            now = fields.Datetime.now()
            cron._trigger([now, now + timedelta(seconds=1)])
        else:
            self._wake_partition_workers(nightly=True)

    @api.model
    def _take_partition(self, run=None, kind=None):
        """Lock a waiting partition no other transaction holds (``FOR UPDATE SKIP LOCKED``):
        the lock, held until this transaction ends, is what keeps two workers off the same
        partition; a worker that dies loses it and the partition waits again. A kitchen
        partition is taken only once no store partition of its run waits.

        A partition another worker finished after this transaction began cannot be locked
        here (repeatable read): nothing is taken, and the crons are triggered to come back
        in a new transaction."""
        where = [SQL("p.state = 'received'")]
        if run:
            where.append(SQL("p.run_id = %s", run.id))
        if kind:
            where.append(SQL("p.kind = %s", kind))
        query = SQL(
            """
            SELECT p.id FROM boh_forecast_run_partition p
             WHERE %s
               AND (p.kind = 'stores' OR NOT EXISTS (
                    SELECT 1 FROM boh_forecast_run_partition other
                     WHERE other.run_id = p.run_id AND other.kind = 'stores'
                       AND other.state = 'received'))
             ORDER BY p.date, p.sequence, p.id
             LIMIT 1
               FOR UPDATE OF p SKIP LOCKED
            """,
            SQL(" AND ").join(where),
        )
        Partition = self.env["boh.forecast.run.partition"].sudo()
        Partition.flush_model()
        try:
            with self.env.cr.savepoint(flush=False):
                rows = self.env.execute_query(query)
        except pg_errors.SerializationFailure:
            self._wake_partition_workers(nightly=True)
            return Partition
        if not rows:
            return Partition
        self.env.execute_query(
            SQL("SELECT pg_advisory_xact_lock(%s, %s)", PARTITION_LOCK_CLASS, rows[0][0])
        )
        partition = Partition.browse(rows[0][0])
        partition.invalidate_recordset()
        return partition

    @api.model
    def _run_partition(self, partition):
        """Run one taken partition in a savepoint: done with a summary, or rolled back and
        failed with the reason (the other partitions go on)."""
        company = partition.company_id
        started = fields.Datetime.now()
        clock, cpu = time.monotonic(), time.process_time()
        engine = self.sudo().with_company(company)
        timings, report = {}, {}
        try:
            with self.env.cr.savepoint():
                if partition.kind == "kitchen":
                    summary = engine._run_kitchen_step(company)
                else:
                    orders = engine._run(
                        partition.warehouse_ids, partition=True, timings=timings, report=report
                    )
                    # the seconds of each stage: where a night's time goes, per partition
                    summary = {
                        "purchase_orders": len(orders),
                        "seconds": {stage: round(s, 2) for stage, s in timings.items()},
                        "cpu_seconds": round(time.process_time() - cpu, 2),
                        "forecast_on": report.get("forecast_on"),
                        "accuracy_measured": report.get("accuracy_measured", False),
                    }
                    self._reopen_kitchen_step(partition.run_id)
        except Exception as error:  # noqa: BLE001 - the partition fails, the others go on
            reason = self._partition_failure(partition, error)
            partition._inbox_failed(
                reason,
                started_date=started,
                duration=time.monotonic() - clock,
                note="\n".join(report.get("notes", [])) or False,
            )
            return False
        partition._inbox_done(
            summary,
            started_date=started,
            duration=time.monotonic() - clock,
            note="\n".join(report.get("notes", [])) or False,
        )
        return True

    @api.model
    def _run_kitchen_step(self, company):
        """The run's last step: the central kitchen's prep plan for tomorrow, from every
        store's stored forecast (``_plan_kitchen_prep``)."""
        kitchen = self._central_kitchen(company)
        if not kitchen:
            return {"prep_plans": 0}
        recipe_book = self.env["boh.costing"]._load_book(company)
        supplied = self._kitchen_supplied_preps(recipe_book)
        day = self._local_now().date() + timedelta(days=1)
        plans = self._plan_kitchen_prep(company, kitchen, day, recipe_book, supplied)
        return {"prep_plans": len(plans)}

    @api.model
    def _reopen_kitchen_step(self, run):
        """A store partition run after its run's kitchen step (a retry): the kitchen's plan
        is made again, from the new forecasts."""
        run.partition_ids.filtered(lambda p: p.kind == "kitchen" and p.state != "received").write(
            {"state": "received"}
        )

    @api.model
    def _partition_failure(self, partition, error):
        """The reason a partition failed, for a BOH manager, and the log's record of it."""
        if isinstance(error, BohError):
            reason = translate_core_error(self.env, error)
        elif isinstance(error, UserError):
            reason = str(error.args[0]) if error.args else str(error)
        else:
            reason = self.env._(
                "A server problem (%(kind)s: %(error)s) stopped it; the server log has the "
                "details.",
                kind=type(error).__name__,
                error=error,
            )
        _logger.warning(
            "BOH forecast partition %s (%s) failed: %s",
            partition.id,
            ", ".join(partition.warehouse_ids.mapped("code")),
            reason,
            exc_info=not isinstance(error, (BohError, UserError)),
        )
        return reason
