import logging
from datetime import datetime, timedelta, timezone

import pandas as pd

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.service.model import PG_CONCURRENCY_EXCEPTIONS_TO_RETRY

from boh_core.maintenance.sensors import breach_episodes, validate_reading

_logger = logging.getLogger(__name__)

#: Most readings accepted in one call; bigger batches must be split by the sender.
MAX_BATCH = 5000
#: How far back readings are re-read to follow an episode across batches.
EPISODE_LOOKBACK = timedelta(days=1)


def _naive(moment):
    """Aware datetime -> Odoo's naive UTC, to the second as Odoo stores it."""
    return moment.astimezone(timezone.utc).replace(tzinfo=None, microsecond=0)


class BohSensorReading(models.Model):
    """One value of one metric of one equipment at one instant."""

    _name = "boh.sensor.reading"
    _description = "Sensor Reading"
    _order = "at desc, id desc"
    _log_access = False

    equipment_id = fields.Many2one(
        "maintenance.equipment", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="equipment_id.company_id", store=True)
    metric_id = fields.Many2one("boh.sensor.metric", required=True, ondelete="restrict")
    at = fields.Datetime(required=True, index=True)
    value = fields.Float(required=True)

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
        "at": ISO 8601 with offset}``. The answer is ``{"batch": id, "readings":
        [{"index": i, "status": "stored" | "duplicate" | "error", "errors": [{field,
        value, message}]}]}``. The raw push is kept first as a ``boh.sensor.batch`` (its
        own transaction), so a push that fails can be read and retried. A reading of the
        same equipment, metric and time as a stored one is a duplicate: the first value
        stands. A bad reading does not stop the others. Breaches of the equipment's
        thresholds open one repair request per episode.
        """
        self.check_access("create")
        Batch = self.env["boh.sensor.batch"]
        batch_id = Batch._boh_store_raw(readings)
        try:
            with self.env.cr.savepoint():
                answer = self._boh_process_readings(readings)
        except PG_CONCURRENCY_EXCEPTIONS_TO_RETRY:
            # Odoo runs the whole call again, which stores the push again.
            Batch._boh_mark(
                batch_id,
                {
                    "state": "superseded",
                    "error": self.env._("A concurrent push touched the same data; retried."),
                },
            )
            raise
        except (UserError, ValidationError, AccessError) as error:
            Batch._boh_mark(batch_id, {"state": "failed", "error": str(error)})
            raise
        except Exception as error:
            _logger.exception("Sensor batch %s could not be processed", batch_id)
            Batch._boh_mark(batch_id, {"state": "failed", "error": repr(error)[:2000]})
            raise UserError(
                self.env._(
                    "Sensor batch %(batch)s was stored but could not be processed; a "
                    "maintenance manager can retry it from Sensors > Sensor Batches.",
                    batch=batch_id,
                )
            ) from None
        Batch._boh_mark_after_commit(batch_id, Batch._boh_outcome(answer))
        return {"batch": batch_id, **answer}

    @api.model
    def _boh_process_readings(self, readings):
        """Validate, store and follow a batch of readings; the answer of push_readings."""
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
                    "errors": [error.as_dict() for error in errors],
                }
            else:
                clean.append((index, reading))
        # The caller's own access rules decide which equipment they may report on.
        equipment = self.env["maintenance.equipment"].search_fetch(
            [("boh_short_code", "in", list({r["equipment"] for _i, r in clean}))],
            ["boh_short_code"],
        )
        by_code = {machine.boh_short_code: machine.id for machine in equipment}
        existing = set()
        if clean:
            moments = [_naive(r["at"]) for _i, r in clean]
            for row in self.sudo().search_fetch(
                [
                    ("equipment_id", "in", equipment.ids),
                    ("at", ">=", min(moments)),
                    ("at", "<=", max(moments)),
                ],
                ["equipment_id", "metric_id", "at"],
            ):
                existing.add((row.equipment_id.id, row.metric_id.id, row.at))
        to_create = []
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
                        {"field": "equipment", "value": reading["equipment"], "message": message}
                    ],
                }
                continue
            key = (equipment_id, metrics[reading["metric"]], _naive(reading["at"]))
            if key in existing:
                results[index] = {"index": index, "status": "duplicate", "errors": []}
                continue
            existing.add(key)
            to_create.append(
                {
                    "equipment_id": key[0],
                    "metric_id": key[1],
                    "at": key[2],
                    "value": reading["value"],
                }
            )
            results[index] = {"index": index, "status": "stored", "errors": []}
        created = self.sudo().create(to_create)
        if created:
            created._boh_track_episodes()
        return {"readings": results}

    def _boh_track_episodes(self):
        """Find breach episodes touched by these new readings; open a request for new ones."""
        thresholds = (
            self.env["boh.sensor.threshold"]
            .sudo()
            .search(
                [
                    ("equipment_id", "in", self.equipment_id.ids),
                    ("metric_id", "in", self.metric_id.ids),
                ]
            )
        )
        series = {(r.equipment_id.id, r.metric_id.id) for r in self}
        thresholds = thresholds.filtered(lambda t: (t.equipment_id.id, t.metric_id.id) in series)
        if not thresholds:
            return
        Episode = self.env["boh.sensor.episode"].sudo()
        open_episodes = Episode.search_fetch(
            [
                ("equipment_id", "in", thresholds.equipment_id.ids),
                ("state", "=", "open"),
            ],
            ["start"],
        )
        since = min(self.mapped("at")) - EPISODE_LOOKBACK
        if open_episodes:
            since = min(since, *open_episodes.mapped("start"))
        readings = self.sudo().search_fetch(
            [
                ("equipment_id", "in", thresholds.equipment_id.ids),
                ("metric_id", "in", thresholds.metric_id.ids),
                ("at", ">=", since),
            ],
            ["equipment_id", "metric_id", "at", "value"],
            order="at",
        )
        frame = pd.DataFrame(
            {
                "equipment": [r.equipment_id.boh_short_code for r in readings],
                "metric": [r.metric_id.code for r in readings],
                "at": pd.to_datetime([r.at for r in readings]),
                "value": [r.value for r in readings],
            }
        )
        episodes = breach_episodes(frame, thresholds._as_core())
        if episodes.empty:
            return
        Episode._boh_sync(episodes, thresholds)


class BohSensorEpisode(models.Model):
    """A run of out-of-range readings long enough to open one repair request."""

    _name = "boh.sensor.episode"
    _description = "Sensor Breach Episode"
    _order = "start desc"

    equipment_id = fields.Many2one(
        "maintenance.equipment", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="equipment_id.company_id", store=True)
    metric_id = fields.Many2one("boh.sensor.metric", required=True, ondelete="restrict")
    start = fields.Datetime(required=True)
    end = fields.Datetime()
    peak = fields.Float()
    direction = fields.Selection([("high", "Too High"), ("low", "Too Low")])
    state = fields.Selection([("open", "Open"), ("closed", "Closed")], default="open")
    request_id = fields.Many2one("maintenance.request", string="Repair Request", readonly=True)

    _sql_constraints = [
        (
            "episode_uniq",
            "unique(equipment_id, metric_id, start)",
            "This breach episode is already recorded.",
        )
    ]

    @api.model
    def _boh_sync(self, episodes, thresholds):
        """Create or update episodes from boh_core's frame; new ones open a repair request."""
        equipment = {t.equipment_id.boh_short_code: t.equipment_id for t in thresholds}
        metrics = {t.metric_id.code: t.metric_id for t in thresholds}
        known = {
            (e.equipment_id.id, e.metric_id.id, e.start): e
            for e in self.search(
                [("equipment_id", "in", thresholds.equipment_id.ids)], order="start"
            )
        }
        new_vals = []
        for row in episodes.itertuples(index=False):
            machine, metric = equipment[row.equipment], metrics[row.metric]
            start = row.start.tz_convert("UTC").tz_localize(None).to_pydatetime()
            end = (
                False
                if pd.isna(row.end)
                else row.end.tz_convert("UTC").tz_localize(None).to_pydatetime()
            )
            vals = {
                "end": end,
                "peak": row.peak,
                "direction": row.direction,
                "state": row.state,
            }
            episode = known.get((machine.id, metric.id, start))
            if episode:
                episode.write(vals)
            else:
                new_vals.append(
                    dict(vals, equipment_id=machine.id, metric_id=metric.id, start=start)
                )
        if not new_vals:
            return
        created = self.create(new_vals)
        request_vals = []
        for episode in created:
            request_vals.append(
                {
                    "name": self.env._(
                        "Sensor alarm: %(metric)s %(direction)s (peak %(peak)s)",
                        metric=episode.metric_id.name,
                        direction=dict(episode._fields["direction"].selection).get(
                            episode.direction, ""
                        ),
                        peak=round(episode.peak, 2),
                    ),
                    "equipment_id": episode.equipment_id.id,
                    "company_id": episode.equipment_id.company_id.id or self.env.company.id,
                    "maintenance_type": "corrective",
                    "boh_source": "sensor",
                    "boh_urgency": "urgent",
                    "owner_user_id": False,
                }
            )
        requests = self.env["maintenance.request"].sudo().create(request_vals)
        for episode, request in zip(created, requests, strict=True):
            episode.request_id = request
        self.env["boh.stock.review"]._boh_flag_from_episodes(created)
