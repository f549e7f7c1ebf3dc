import logging
from datetime import datetime, timedelta, timezone

import pandas as pd

from odoo import api, fields, models
from odoo.addons.boh_inventory.tools.bulk import insert_query
from odoo.addons.boh_inventory.tools.core_messages import translated_dict
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.service.model import PG_CONCURRENCY_EXCEPTIONS_TO_RETRY
from odoo.tools import SQL
from odoo.tools.sql import SQL_ORDER_BY_TYPE

from boh_core.maintenance.sensors import track_episodes, validate_reading

_logger = logging.getLogger(__name__)

#: Most readings accepted in one call; bigger batches must be split by the sender.
MAX_BATCH = 5000
#: How far back readings are re-read to follow an episode across batches.
EPISODE_LOOKBACK = timedelta(days=1)
#: Columns of a reading as the bulk writer inserts them (no audit columns: a reading is
#: a measurement, not a record anyone edits).
READING_COLUMNS = (
    ("equipment_id", "int4"),
    ("metric_id", "int4"),
    ("at", "timestamp"),
    ("value", "float4"),
)


def _naive(moment):
    """Aware datetime -> Odoo's naive UTC, to the second as Odoo stores it."""
    return moment.astimezone(timezone.utc).replace(tzinfo=None, microsecond=0)


def execute_racing(env, query):
    """``env.execute_query`` for a statement that may lose a race with a concurrent push.

    Losing raises a serialization failure that Odoo answers by running the call again:
    expected, so not logged as a bad query (any other error is logged by push_readings).
    """
    env.flush_query(query)
    env.cr.execute(query, log_exceptions=False)
    return [] if env.cr.description is None else env.cr.fetchall()


class SensorValue(fields.Float):
    """A float kept as PostgreSQL ``real`` (4 bytes, 6-7 significant digits).

    Ample for what sensors measure, and half the size of ``double precision``. The
    database sends the shortest text that reads back as the same ``real``, so 7.9
    comes back as 7.9, not 7.900000095.
    """

    _column_type = ("float4", "real")

    @property
    def column_order(self):
        """Among the 4-byte columns, before the timestamp: no alignment padding."""
        return SQL_ORDER_BY_TYPE["int4"]


def core_readings(readings, code_of, metric):
    """Stored readings (``_series_frame``) as ``boh_core.maintenance.sensors`` reads them:
    equipment by short code (``code_of`` maps ids), ``metric`` a code or a column of codes."""
    return pd.DataFrame(
        {
            "equipment": readings["equipment_id"].map(code_of),
            "metric": metric,
            "at": pd.to_datetime(readings["at"]),
            "value": readings["value"].astype(float),
        }
    )


class BohSensorReading(models.Model):
    """One value of one metric of one equipment at one instant.

    Kept compact: no access log columns, the company read through the equipment
    rather than copied on every row, a 4-byte value, and one index besides the
    primary key: the unique (equipment, metric, at) key, which is both the
    duplicate check and the index every query of readings uses.
    """

    _name = "boh.sensor.reading"
    _description = "Sensor Reading"
    _order = "at desc, id desc"
    _log_access = False

    # Stored as id, equipment_id, metric_id, value (4 bytes each), then at (8 bytes).
    equipment_id = fields.Many2one("maintenance.equipment", required=True, ondelete="cascade")
    metric_id = fields.Many2one("boh.sensor.metric", required=True, ondelete="restrict")
    value = SensorValue(required=True)
    at = fields.Datetime(required=True)
    company_id = fields.Many2one(related="equipment_id.company_id")

    _sql_constraints = [
        (
            "reading_uniq",
            "unique(equipment_id, metric_id, at)",
            "A reading of this equipment and metric at this time already exists.",
        )
    ]

    @api.model
    def push_readings(self, readings):
        """Store a batch of sensor readings; answer per reading, in input order.

        Each reading is ``{"equipment": short code, "metric": code, "value": number,
        "at": ISO 8601 with offset}``. The answer is ``{"batch": id or False, "readings":
        [{"index": i, "status": "stored" | "duplicate" | "error", "errors": [{field,
        value, message}]}]}``. A reading of the same equipment, metric and time as a
        stored one (or an earlier one of the same push) is a duplicate: the first value
        stands, also when two pushes race. A bad reading does not stop the others.
        Breaches of the equipment's thresholds open one repair request per episode,
        whatever order the readings come in.

        The answer is sent once the readings are committed, so a caller that gets no
        answer sends again (duplicates are harmless). A push is kept verbatim as a
        ``boh.sensor.batch`` only when some of it could not be stored: with the readings
        answered ``error``, or, in a transaction of its own, when it failed as a whole
        (then a maintenance manager can read and retry it).
        """
        pusher = self._check_push_access()
        Batch = self.env["boh.sensor.batch"]
        try:
            with self.env.cr.savepoint():
                answer = pusher._process_readings(readings)
        except PG_CONCURRENCY_EXCEPTIONS_TO_RETRY:
            # Odoo runs the whole call again; nothing of this attempt was kept.
            raise
        except (UserError, ValidationError, AccessError) as error:
            Batch._keep_failed(readings, str(error))
            raise
        except Exception as error:
            _logger.exception("A sensor push could not be processed")
            batch_id = Batch._keep_failed(readings, repr(error)[:2000])
            raise UserError(
                self.env._(
                    "Sensor batch %(batch)s was stored but could not be processed; a "
                    "maintenance manager can retry it from Sensors > Sensor Batches.",
                    batch=batch_id,
                )
            ) from None
        batch_id = False
        if any(reading["status"] == "error" for reading in answer["readings"]):
            batch_id = Batch._keep(readings, answer)
        return {"batch": batch_id, **answer}

    @api.model
    def _check_push_access(self):
        """The reading model to process a push with, or AccessError.

        A sensor integration user may read nothing of the suite: their push is processed
        in sudo, on any equipment of their companies, without making them a follower of
        the requests it opens. Anyone else needs create rights on readings and reports
        only on the equipment their own rules show them.
        """
        if not self.env.su and self.env.user.has_group(
            "boh_maintenance.group_boh_sensor_integration"
        ):
            return self.sudo().with_context(mail_create_nosubscribe=True)
        self.check_access("create")
        return self

    @api.model
    def _check_batch(self, readings):
        """Refuse a push that is not a list, or more readings than one call may carry."""
        if not isinstance(readings, list | tuple):
            raise UserError(self.env._("readings must be a list of readings."))
        if len(readings) > MAX_BATCH:
            raise UserError(
                self.env._(
                    "%(count)s readings were sent; send at most %(max)s per call.",
                    count=len(readings),
                    max=MAX_BATCH,
                )
            )

    @api.model
    def _equipment_by_code(self, codes):
        """Ids of the equipment with these short codes that the caller may report on.

        The caller's own access rules decide which equipment they may report on; a sensor
        integration pushes in sudo (_check_push_access): keep to the companies of the user,
        never to those the call's context claims (sudo does not check them).
        """
        equipment = self.env["maintenance.equipment"].search_fetch(
            [
                ("boh_short_code", "in", list(codes)),
                ("company_id", "in", [*self.env.user.company_ids.ids, False]),
            ],
            ["boh_short_code"],
        )
        return {machine.boh_short_code: machine.id for machine in equipment}

    @api.model
    def _process_readings(self, readings):
        """Validate, store and follow a batch of readings; the answer of push_readings."""
        self._check_batch(readings)
        now = datetime.now(timezone.utc)
        metrics = {
            metric.code: metric.id
            for metric in self.env["boh.sensor.metric"].sudo().search_fetch([], ["code"])
        }
        results = [None] * len(readings)
        clean = []
        for index, raw in enumerate(readings):
            reading, errors = validate_reading(raw, metrics, now=now)
            if errors:
                results[index] = {
                    "index": index,
                    "status": "error",
                    "errors": [translated_dict(self.env, error) for error in errors],
                }
            else:
                clean.append((index, reading))
        by_code = self._equipment_by_code({r["equipment"] for _i, r in clean})
        rows = {}  # (equipment id, metric id, at) -> (index, value), first one first
        for index, reading in clean:
            equipment_id = by_code.get(reading["equipment"])
            if not equipment_id:
                message = self.env._(
                    "No equipment has the code %(code)s.", code=reading["equipment"]
                )
                results[index] = {
                    "index": index,
                    "status": "error",
                    "errors": [
                        {
                            "code": "sensor.equipment.unknown",
                            "field": "equipment",
                            "value": reading["equipment"],
                            "message": message,
                        }
                    ],
                }
                continue
            key = (equipment_id, metrics[reading["metric"]], _naive(reading["at"]))
            if key in rows:
                results[index] = {"index": index, "status": "duplicate", "errors": []}
                continue
            rows[key] = (index, reading["value"])
        stored = self._insert_readings(rows)
        for key, (index, _value) in rows.items():
            status = "stored" if key in stored else "duplicate"
            results[index] = {"index": index, "status": status, "errors": []}
        if stored:
            self._track_episodes(stored)
        return {"readings": results}

    @api.model
    def _insert_readings(self, rows):
        """Insert ``{(equipment id, metric id, at): (index, value)}`` in one statement.

        Readings whose key is already stored, also by a concurrent push, are skipped by
        the database itself (``ON CONFLICT DO NOTHING``): the first value stands. Returns
        the set of keys actually inserted.
        """
        if not rows:
            return set()
        inserted = execute_racing(
            self.env,
            insert_query(
                self._table,
                READING_COLUMNS,
                [(*key, value) for key, (_index, value) in rows.items()],
                on_conflict="(equipment_id, metric_id, at) DO NOTHING",
                returning="equipment_id, metric_id, at",
            ),
        )
        return {tuple(row) for row in inserted}

    @api.model
    def _series_frame(self, equipment_ids, metric_ids, since, until=None):
        """Readings of these equipment and metrics from ``since`` (to ``until``), as a frame
        with columns ``equipment_id``, ``metric_id``, ``at`` (naive UTC) and ``value``.

        Read in one query that the (equipment, metric, at) key serves.
        """
        until_clause = SQL("AND at < %s", until) if until else SQL()
        rows = self.env.execute_query(
            SQL(
                """
                SELECT equipment_id, metric_id, at, value FROM %s
                 WHERE equipment_id = ANY(%s) AND metric_id = ANY(%s) AND at >= %s %s
                 ORDER BY equipment_id, metric_id, at
                """,
                SQL.identifier(self._table),
                list(equipment_ids),
                list(metric_ids),
                since,
                until_clause,
            )
        )
        return pd.DataFrame(rows, columns=["equipment_id", "metric_id", "at", "value"])

    @api.model
    def _track_episodes(self, keys):
        """Open or extend the breach episodes that new readings ``keys`` touch.

        ``keys`` are ``(equipment id, metric id, at)``. Episodes are matched by overlap,
        not by their start (boh_core.maintenance.sensors.reconcile_episodes): readings
        arriving late or out of order extend an episode rather than open a second one.
        """
        series = {(equipment_id, metric_id) for equipment_id, metric_id, _at in keys}
        thresholds = (
            self.env["boh.sensor.threshold"]
            .sudo()
            .search(
                [
                    ("equipment_id", "in", list({s[0] for s in series})),
                    ("metric_id", "in", list({s[1] for s in series})),
                ],
                order="id",
            )
            .filtered(lambda t: (t.equipment_id.id, t.metric_id.id) in series)
        )
        if not thresholds:
            return
        thresholds._mark_tracking(max(key[2] for key in keys))
        Episode = self.env["boh.sensor.episode"].sudo()
        since = min(key[2] for key in keys) - EPISODE_LOOKBACK
        known = Episode.search_fetch(
            [
                ("equipment_id", "in", thresholds.equipment_id.ids),
                ("metric_id", "in", thresholds.metric_id.ids),
                "|",
                "|",
                ("state", "=", "open"),
                ("last_out", ">=", since),
                ("end", ">=", since),
            ],
            ["equipment_id", "metric_id", "start", "last_out", "end", "peak", "state"],
        ).filtered(lambda e: (e.equipment_id.id, e.metric_id.id) in series)
        for episode in known.filtered(lambda e: e.state == "open"):
            # An open episode goes on until a reading comes back in range: read from its
            # last out-of-range reading on, however long the sensor was silent.
            since = min(since, episode.last_out or episode.start)
        frame = self._series_frame(thresholds.equipment_id.ids, thresholds.metric_id.ids, since)
        frame = core_readings(
            frame,
            {t.equipment_id.id: t.equipment_id.boh_short_code for t in thresholds},
            frame["metric_id"].map({t.metric_id.id: t.metric_id.code for t in thresholds}),
        )
        episodes = track_episodes(frame, thresholds._as_core(), known._as_core())
        if not episodes.empty:
            Episode._sync(episodes, thresholds)
