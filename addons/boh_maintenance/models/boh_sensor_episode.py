import pandas as pd

from odoo import api, fields, models

from boh_core.exceptions import Finding
from boh_core.maintenance.sensors import KNOWN_COLUMNS


def _odoo_datetime(stamp):
    """A pandas UTC timestamp (or NaT) -> Odoo's naive UTC datetime (or False)."""
    if pd.isna(stamp):
        return False
    return stamp.tz_convert("UTC").tz_localize(None).to_pydatetime()


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
    last_out = fields.Datetime(
        "Last Out of Range", help="The latest out-of-range reading of this episode."
    )
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

    def _as_core(self):
        """These recorded episodes as ``reconcile_episodes`` reads them (``KNOWN_COLUMNS``)."""
        return pd.DataFrame(
            [
                (
                    e.id,
                    e.equipment_id.boh_short_code,
                    e.metric_id.code,
                    e.start,
                    e.last_out or None,
                    e.end or None,
                    e.peak,
                    e.state,
                )
                for e in self
            ],
            columns=list(KNOWN_COLUMNS),
        )

    @api.model
    def _sync(self, episodes, thresholds):
        """Apply boh_core's tracked episodes: extend known ones, create and report new ones."""
        equipment = {t.equipment_id.boh_short_code: t.equipment_id for t in thresholds}
        metrics = {t.metric_id.code: t.metric_id for t in thresholds}
        new_vals = []
        for row in episodes.itertuples(index=False):
            vals = {
                "start": _odoo_datetime(row.start),
                "last_out": _odoo_datetime(row.last_out),
                "end": _odoo_datetime(row.end),
                "peak": float(row.peak),
                "direction": row.direction,
                "state": row.state,
            }
            if row.new:
                machine, metric = equipment[row.equipment], metrics[row.metric]
                new_vals.append(dict(vals, equipment_id=machine.id, metric_id=metric.id))
                continue
            episode = self.browse(int(row.id))
            changed = {name: value for name, value in vals.items() if episode[name] != value}
            if changed:
                episode.write(changed)
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
                    "company_id": episode.equipment_id.company_id.id or self.env.user.company_id.id,
                    "maintenance_type": "corrective",
                    "boh_source": "sensor",
                    "boh_urgency": "urgent",
                    "owner_user_id": False,
                }
            )
        requests = self.env["maintenance.request"].sudo().create(request_vals)
        for episode, request in zip(created, requests, strict=True):
            episode.request_id = request
        reviews = self.env["boh.stock.review"]._flag_from_episodes(created)
        created._raise_breach_flags(reviews)

    def _as_finding(self, threshold):
        """This breach as a cold-room finding: the peak against the threshold's range, scored
        by how far beyond the limit it went (in the metric's unit)."""
        self.ensure_one()
        low = threshold.min_value if threshold and threshold.has_min else self.peak
        high = threshold.max_value if threshold and threshold.has_max else self.peak
        beyond = self.peak - high if self.direction == "high" else low - self.peak
        return Finding(
            kind="cold_room",
            key=(self.equipment_id.id,),
            start=self.start,
            end=self.last_out or self.start,
            observed=self.peak,
            expected=(low + high) / 2,
            low=low,
            high=high,
            score=round(max(beyond, 0.0), 2),
            unit=self.metric_id.unit or "",
            detail={"direction": self.direction, "metric": self.metric_id.code},
        )

    def _raise_breach_flags(self, reviews):
        """A cold-room flag per equipment whose breach just began (one open flag per
        equipment: a new breach while it is open updates it). Its evidence is the stock review
        when the equipment holds stock, else the readings' graph."""
        review_of = {review.episode_id.id: review for review in reviews}
        limits = {
            (t.equipment_id.id, t.metric_id.id): t
            for t in self.env["boh.sensor.threshold"]
            .sudo()
            .search([("equipment_id", "in", self.equipment_id.ids)])
        }
        findings, stores, evidence, labels = [], {}, {}, {}
        for episode in self:
            machine = episode.equipment_id
            key = (machine.id,)
            findings.append(episode._as_finding(limits.get((machine.id, episode.metric_id.id))))
            stores[key] = machine.boh_store_id.id
            bound = episode.metric_id
            review = review_of.get(episode.id)
            evidence[key] = (
                ("boh.stock.review", review.id)
                if review
                else {
                    "res_model": "boh.sensor.reading",
                    "domain": [["equipment_id", "=", machine.id], ["metric_id", "=", bound.id]],
                    "view": "graph",
                }
            )
            labels[key] = (
                self.env._(
                    "%(equipment)s out of range: %(metric)s %(peak)s",
                    equipment=machine.display_name,
                    metric=bound.name,
                    peak=round(episode.peak, 2),
                ),
                machine.boh_store_id.name or machine.location or "",
            )
        self.env["boh.flag"]._raise_findings(
            findings, stores=stores, evidence=evidence, labels=labels
        )
