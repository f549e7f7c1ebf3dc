"""Flags: what a manager must see, one open flag per cause (issue 19).

The detection passes turn boh_core's :class:`~boh_core.exceptions.Finding` objects into flags
with :meth:`BohFlag._raise_findings`: a finding whose cause (``kind`` and ``key``) already has
an open flag updates it (observed, score, end, times seen) instead of raising another one.
"""

import json
from dataclasses import replace
from datetime import UTC, datetime, time

from odoo import api, fields, models
from odoo.exceptions import UserError

from boh_core.exceptions import KINDS

from ..tools.server_context import beyond_writable, check_server_fields

#: The label of each kind of finding (``boh_core.exceptions.KINDS``, in that order).
KIND_LABELS = {
    "sales": "Sales",
    "feed_silent": "Silent Sales Feed",
    "item_silent": "Silent Menu Item",
    "usage": "Usage Variance",
    "waste": "Waste",
    "price": "Vendor Price",
    "count": "Count",
    "sensor_drift": "Temperature Drift",
    "sensor_door": "Door Pattern",
    "sensor_silent": "Silent Sensor",
    "sensor_stuck": "Stuck Sensor",
    "labour": "Labour Hours",
    "repeat_failure": "Repeat Failure",
    "cold_room": "Cold-Room Breach",
}
assert tuple(KIND_LABELS) == KINDS, "a kind of boh_core.exceptions has no flag label"

#: Kinds about the temperature of stored food: acknowledging one records the HACCP
#: corrective action (what was done with the food).
TEMPERATURE_KINDS = frozenset({"sensor_drift", "sensor_door", "cold_room"})
#: Kinds about a cold room or its sensor: raised at night, they go to the on-call person.
COLD_ROOM_KINDS = TEMPERATURE_KINDS | {"sensor_silent", "sensor_stuck"}

#: What a person may change on a flag by hand: nothing but the chatter; acknowledging is
#: the wizard's (``boh.flag.acknowledge``).
WRITABLE = frozenset()


def cause_key(kind, key):
    """The text naming a cause: the kind and the finding's key, ``"sales:3/17"``."""
    parts = key if isinstance(key, tuple | list) else (key,)
    return f"{kind}:{'/'.join(str(part) for part in parts)}"


def _odoo_datetime(value):
    """A finding's bound (a date, a naive UTC datetime or an aware one) as Odoo stores it."""
    if not value:
        return False
    return _as_datetime(value).replace(microsecond=0)


def _as_datetime(value):
    """A date or datetime as a naive UTC datetime (a date as its midnight)."""
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(UTC).replace(tzinfo=None)
        return value
    return datetime.combine(value, time.min)


class BohFlag(models.Model):
    """One unusual thing a manager must look at: what, where, how unusual, the evidence."""

    _name = "boh.flag"
    _description = "Flag"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "state, score desc, id desc"
    _check_company_auto = True

    name = fields.Char("What", required=True, readonly=True)
    place = fields.Char("Where", readonly=True)
    kind = fields.Selection(list(KIND_LABELS.items()), required=True, readonly=True, index=True)
    cause_key = fields.Char(
        "Cause", required=True, readonly=True, index=True, help="The kind and the series' key."
    )
    company_id = fields.Many2one(
        "res.company", required=True, readonly=True, index=True, default=lambda s: s.env.company
    )
    warehouse_id = fields.Many2one(
        "stock.warehouse", string="Store", readonly=True, index=True, check_company=True
    )
    user_id = fields.Many2one("res.users", string="Responsible", readonly=True, index=True)
    observed = fields.Float(readonly=True, digits=(16, 3))
    expected = fields.Float(readonly=True, digits=(16, 3))
    low = fields.Float("Expected From", readonly=True, digits=(16, 3))
    high = fields.Float("Expected To", readonly=True, digits=(16, 3))
    score = fields.Float(readonly=True, digits=(16, 1), help="How unusual: 3 is rare, 6 very rare.")
    unit = fields.Char(readonly=True)
    start = fields.Datetime(readonly=True)
    end = fields.Datetime(readonly=True)
    seen_count = fields.Integer("Times Seen", default=1, readonly=True)
    last_seen = fields.Datetime(readonly=True, default=fields.Datetime.now)
    detail = fields.Text(readonly=True, help="The method's own evidence (JSON).")
    res_model = fields.Char("Evidence Model", readonly=True)
    res_id = fields.Many2oneReference("Evidence Record", model_field="res_model", readonly=True)
    evidence_domain = fields.Char(readonly=True, help="The records to open when no one record is.")
    evidence_view = fields.Char(readonly=True, help="The view to open the evidence in.")
    state = fields.Selection(
        [("open", "Open"), ("acknowledged", "Acknowledged")],
        default="open",
        required=True,
        readonly=True,
        index=True,
        tracking=True,
    )
    ack_cause = fields.Selection(
        [("known", "Known Cause"), ("fixed", "Fixed"), ("false_alarm", "False Alarm")],
        string="Cause Given",
        readonly=True,
        tracking=True,
    )
    ack_note = fields.Text("Acknowledgement Note", readonly=True)
    haccp_action = fields.Text(
        "HACCP Corrective Action",
        readonly=True,
        help="What was done with the food (kept, moved, thrown away), as audits require.",
    )
    ack_user_id = fields.Many2one("res.users", string="Acknowledged By", readonly=True)
    ack_date = fields.Datetime("Acknowledged On", readonly=True)
    escalated_user_id = fields.Many2one("res.users", string="Escalated To", readonly=True)
    is_temperature = fields.Boolean(compute="_compute_is_temperature")

    def init(self):
        # the one open flag per cause, kept by the database as well
        self.env.cr.execute(
            "CREATE UNIQUE INDEX IF NOT EXISTS boh_flag_open_cause_uniq "
            "ON boh_flag (cause_key) WHERE state = 'open'"
        )

    @api.depends("kind")
    def _compute_is_temperature(self):
        for flag in self:
            flag.is_temperature = flag.kind in TEMPERATURE_KINDS

    @api.model_create_multi
    def create(self, vals_list):
        check_server_fields(self, vals_list, set(self._fields) - WRITABLE)
        return super().create(vals_list)

    def write(self, vals):
        """Flags are written by the passes and the acknowledgement (the chatter aside)."""
        check_server_fields(self, [vals], beyond_writable(self, vals, WRITABLE))
        return super().write(vals)

    # -- the passes' API ----------------------------------------------------------------

    @api.model
    def _raise_findings(self, findings, stores=None, evidence=None, labels=None, users=None):
        """Raise or update the flags of ``findings`` (boh_core ``Finding``), in one batch.

        Each optional argument is a dict keyed by the finding's ``key``:
        ``stores`` the store (``stock.warehouse`` id) it concerns (its company is the flag's);
        ``evidence`` what the flag's button opens: ``(res_model, res_id)`` or a dict with
        ``res_model`` and ``res_id`` or ``domain`` (a list) and optionally ``view``
        (``"graph"``, ``"list"``...); ``labels`` the ``(what, where)`` texts a manager reads
        (by default the kind and the store); ``users`` who gets the to-do (by default the
        store's first BOH manager). A finding whose cause has an open flag updates it; the
        others are created together, each with a to-do. Returns the flags raised or updated.
        """
        findings = self._merge_findings(findings)
        if not findings:
            return self.browse()
        stores, evidence = stores or {}, evidence or {}
        labels, users = labels or {}, users or {}
        flags = self.sudo()
        keys = [cause_key(f.kind, f.key) for f in findings]
        open_flags = {
            flag.cause_key: flag
            for flag in flags.search_fetch(
                [("cause_key", "in", keys), ("state", "=", "open")],
                ["cause_key", "seen_count", "start", "score"],
            )
        }
        now = fields.Datetime.now()
        updated, new_vals = flags.browse(), []
        for finding, key in zip(findings, keys, strict=True):
            values = self._finding_values(finding, now)
            flag = open_flags.get(key)
            if flag:
                values["seen_count"] = flag.seen_count + 1
                values["start"] = min(filter(None, [flag.start, values["start"]]), default=False)
                values.update(self._evidence_values(evidence.get(finding.key)))
                flag.write(values)
                updated |= flag
                continue
            values.update(self._new_flag_values(finding, key, stores, evidence, labels, users))
            new_vals.append(values)
        created = flags.create(self._with_responsibles(new_vals)) if new_vals else flags.browse()
        created._notify_new()
        return (updated | created).with_env(self.env)

    @api.model
    def _with_responsibles(self, vals_list):
        """``vals_list`` of new flags, those no one was named for given to their store's
        first BOH manager (the managers of all their stores read at once)."""
        stores = (
            self.env["stock.warehouse"]
            .sudo()
            .browse({vals["warehouse_id"] for vals in vals_list if vals["warehouse_id"]})
        )
        managers = stores._boh_managers()
        for vals in vals_list:
            manager = managers.get(vals["warehouse_id"])
            if not vals["user_id"] and manager:
                vals["user_id"] = manager.id
        return vals_list

    @api.model
    def _merge_findings(self, findings):
        """One finding per cause: the latest of a batch's repeats, from the earliest start."""
        merged = {}
        for finding in findings:
            key = cause_key(finding.kind, finding.key)
            previous = merged.get(key)
            if previous is None:
                merged[key] = finding
                continue
            latest = (
                finding if _as_datetime(finding.end) >= _as_datetime(previous.end) else previous
            )
            earliest = min(previous.start, finding.start, key=_as_datetime)
            merged[key] = replace(latest, start=earliest)
        return list(merged.values())

    @api.model
    def _finding_values(self, finding, now):
        """The measured values of a finding, written on a new or an open flag."""
        return {
            "observed": finding.observed,
            "expected": finding.expected,
            "low": finding.low,
            "high": finding.high,
            "score": finding.score,
            "unit": finding.unit or False,
            "start": _odoo_datetime(finding.start),
            "end": _odoo_datetime(finding.end),
            "detail": json.dumps(finding.detail, default=str, sort_keys=True)
            if finding.detail
            else False,
            "last_seen": now,
        }

    @api.model
    def _new_flag_values(self, finding, key, stores, evidence, labels, users):
        """Where a new flag belongs, who gets its to-do and what its button opens."""
        store = self.env["stock.warehouse"].sudo().browse(stores.get(finding.key) or [])
        kind_label = dict(self._fields["kind"]._description_selection(self.env))[finding.kind]
        what, where = labels.get(finding.key) or (kind_label, store.name or "")
        user = users.get(finding.key)
        values = {
            "name": what or kind_label,
            "place": where or False,
            "kind": finding.kind,
            "cause_key": key,
            "company_id": (store.company_id or self.env.company).id,
            "warehouse_id": store.id,
            "user_id": user.id if isinstance(user, models.BaseModel) else (user or False),
        }
        values.update(self._evidence_values(evidence.get(finding.key)))
        return values

    @api.model
    def _evidence_values(self, proof):
        """The evidence fields of ``proof``: ``(res_model, res_id)`` or a dict with
        ``res_model`` and ``res_id`` or ``domain`` (and ``view``); none when ``proof`` is."""
        if not proof:
            return {}
        if isinstance(proof, tuple | list):
            proof = {"res_model": proof[0], "res_id": proof[1]}
        return {
            "res_model": proof.get("res_model") or False,
            "res_id": proof.get("res_id") or False,
            "evidence_domain": json.dumps(proof["domain"]) if proof.get("domain") else False,
            "evidence_view": proof.get("view") or False,
        }

    # -- acknowledgement --------------------------------------------------------------------

    def _acknowledge(self, cause, note="", haccp_action=""):
        """Close these open flags with a cause; a false alarm widens the series' band."""
        open_flags = self.filtered(lambda f: f.state == "open")
        missing = open_flags.filtered(lambda f: f.is_temperature)
        if missing and not (haccp_action or "").strip():
            raise UserError(
                self.env._(
                    "A temperature flag needs the HACCP corrective action: say what was done "
                    "with the food (%(flags)s).",
                    flags=", ".join(missing.mapped("display_name")),
                )
            )
        open_flags.sudo().write(
            {
                "state": "acknowledged",
                "ack_cause": cause,
                "ack_note": note or False,
                "haccp_action": haccp_action or False,
                "ack_user_id": self.env.uid,
                "ack_date": fields.Datetime.now(),
            }
        )
        open_flags.sudo().activity_feedback(["mail.mail_activity_data_todo"])
        if cause == "false_alarm":
            self.env["boh.flag.band"]._widen(open_flags)
        return True

    def action_acknowledge(self):
        """Open the acknowledgement of these flags (cause, note, HACCP action)."""
        self.check_access("write")
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Acknowledge"),
            "res_model": "boh.flag.acknowledge",
            "view_mode": "form",
            "target": "new",
            "context": {"default_flag_ids": self.ids},
        }

    def action_open_evidence(self):
        """Open what the flag was raised on: the numbers' line, the sensor graph, the orders."""
        self.check_access("read")
        self.ensure_one()
        if not self.res_model or self.res_model not in self.env:
            raise UserError(self.env._("This flag has no evidence to open."))
        action = {
            "type": "ir.actions.act_window",
            "name": self.name,
            "res_model": self.res_model,
        }
        if self.res_id:
            return dict(action, res_id=self.res_id, view_mode="form", views=[(False, "form")])
        view = self.evidence_view or "list"
        modes = [view] + [mode for mode in ("list", "form") if mode != view]
        domain = self.evidence_domain and json.loads(self.evidence_domain)
        return dict(
            action,
            domain=domain or [],
            view_mode=",".join(modes),
            views=[(False, mode) for mode in modes],
        )
