"""Who hears of a flag: the store manager's to-do, the on-call person at night, the digest."""

from datetime import timedelta

import pytz

from odoo import api, fields, models

from boh_core.exceptions import SETTINGS

from .boh_flag import COLD_ROOM_KINDS

PARAM = "boh_inventory.flag_"
#: The settings' threshold of each kind (``boh_inventory.flag_threshold_<family>``).
THRESHOLD_FAMILY = {
    "sales": "sales",
    "feed_silent": "feed",
    "item_silent": "feed",
    "usage": "usage",
    "waste": "usage",
    "price": "price",
    "count": "count",
    "sensor_drift": "sensor",
    "sensor_door": "sensor",
    "sensor_silent": "sensor",
    "sensor_stuck": "sensor",
    "labour": "labour",
}
#: The field of the family's settings dataclass that the threshold sets.
THRESHOLD_FIELD = dict.fromkeys(set(THRESHOLD_FAMILY.values()), "z") | {"feed": "min_expected"}


class BohFlag(models.Model):
    _inherit = "boh.flag"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _flag_settings(self):
        """The flag settings (config parameters) in one read."""
        params = self.env["ir.config_parameter"].sudo()
        oncall = params.get_param(f"{PARAM}oncall_user_id")
        return {
            "oncall": self.env["res.users"].sudo().browse(int(oncall)).exists()
            if oncall and oncall.isdigit()
            else self.env["res.users"],
            "night_start": float(params.get_param(f"{PARAM}night_start") or 22.0),
            "night_end": float(params.get_param(f"{PARAM}night_end") or 6.0),
            "digest": params.get_param(f"{PARAM}digest", "True") not in ("False", "0", ""),
        }

    @api.model
    def _flag_thresholds(self):
        """``{kind: number}``: the settings' threshold of each detected kind (*Flag
        thresholds*): the detector's ``z`` (a robust z-score), for silent feeds the orders
        expected during the silence (``min_expected``); unset, the detector's default."""
        params = self.env["ir.config_parameter"].sudo()
        result = {}
        for kind, family in THRESHOLD_FAMILY.items():
            value = params.get_param(f"{PARAM}threshold_{family}")
            result[kind] = (
                float(value) if value else getattr(SETTINGS[kind](), THRESHOLD_FIELD[family])
            )
        return result

    @api.model
    def _detector_settings(self, kind, **values):
        """The settings dataclass of ``kind`` (``boh_core.exceptions.SETTINGS``) with the
        threshold of the settings and ``values`` (other fields) applied: what a pass hands to
        the detector as ``settings=``."""
        family = THRESHOLD_FAMILY[kind]
        values.setdefault(THRESHOLD_FIELD[family], self._flag_thresholds()[kind])
        return SETTINGS[kind](**values)

    def _notify_new(self):
        """Give each new flag's responsible a to-do and send the cold-room flags raised at
        night to the on-call person at once."""
        if not self:
            return
        flags = self.sudo()
        self._schedule_todos(flags.filtered("user_id"), "user_id")
        settings = self._flag_settings()
        if settings["oncall"]:
            night = flags.filtered(lambda f: f.kind in COLD_ROOM_KINDS)._at_night(settings)
            if night:
                night.escalated_user_id = settings["oncall"]
                self._schedule_todos(night, "escalated_user_id")
                for flag in night:
                    flag.message_post(
                        body=self.env._(
                            "Raised at night: sent to the on-call person, %(user)s.",
                            user=settings["oncall"].name,
                        ),
                        partner_ids=settings["oncall"].partner_id.ids,
                        subtype_xmlid="mail.mt_comment",
                    )

    @api.model
    def _schedule_todos(self, flags, user_field):
        """One to-do per flag for the user in ``user_field``, created in one batch."""
        model_id = self.env["ir.model"]._get_id("boh.flag")
        todo = self.env.ref("mail.mail_activity_data_todo")
        today = fields.Date.context_today(self)
        self.env["mail.activity"].sudo().with_context(mail_activity_quick_update=True).create(
            [
                {
                    "res_model_id": model_id,
                    "res_id": flag.id,
                    "activity_type_id": todo.id,
                    "user_id": flag[user_field].id,
                    "summary": flag.with_context(lang=flag[user_field].lang).env._(
                        "Flag: %(what)s", what=flag.name
                    ),
                    "date_deadline": today,
                    "automated": True,
                }
                for flag in flags
            ]
        )

    def _at_night(self, settings, now=None):
        """These flags whose store's local time (at ``now``, naive UTC) is in the night hours."""
        now = now or fields.Datetime.now()
        times = self.warehouse_id._boh_store_time(now)
        start, end = settings["night_start"], settings["night_end"]

        def is_night(flag):
            tz = times[flag.warehouse_id.id].tz if flag.warehouse_id else "UTC"
            local = pytz.utc.localize(now).astimezone(pytz.timezone(tz))
            hour = local.hour + local.minute / 60.0
            return (start <= hour or hour < end) if start > end else (start <= hour < end)

        return self.filtered(is_night)

    # -- the morning digest -----------------------------------------------------------------

    @api.model
    def _cron_send_digest(self):
        """Mail each BOH manager the open flags of their stores, in their own language."""
        if not self._flag_settings()["digest"]:
            return
        manager_group = self.env.ref("boh_inventory.group_boh_manager")
        managers = (
            self.env["res.users"]
            .sudo()
            .search(
                [
                    ("groups_id", "in", manager_group.ids),
                    ("share", "=", False),
                    ("email", "!=", False),
                    "|",
                    ("boh_warehouse_ids", "!=", False),
                    ("boh_all_stores", "=", True),
                ]
            )
        )
        flags = self.sudo().search([("state", "=", "open"), ("warehouse_id", "!=", False)])
        by_store = {}
        for flag in flags:
            by_store.setdefault(flag.warehouse_id.id, self.sudo().browse())
            by_store[flag.warehouse_id.id] |= flag
        mails = []
        for manager in managers:
            theirs = (
                self.sudo()
                .browse()
                .union(*(by_store.get(store.id, self.browse()) for store in manager.boh_store_ids))
            )
            if theirs:
                mails.append(self._digest_mail(manager, theirs))
        if mails:
            self.env["mail.mail"].sudo().create(mails)

    @api.model
    def _digest_mail(self, manager, flags):
        """The digest mail of ``manager`` listing ``flags``, rendered in the manager's language."""
        lang = manager.lang or "en_US"
        env = self.with_context(lang=lang).env
        flags = flags.with_env(env)
        body = env["ir.qweb"]._render(
            "boh_inventory.boh_flag_digest",
            {
                "manager": manager,
                "flags": flags.sorted(lambda f: (f.warehouse_id.name or "", -f.score)),
                "kinds": dict(flags._fields["kind"]._description_selection(env)),
                "since": fields.Datetime.now() - timedelta(days=1),
            },
        )
        return {
            "subject": env._("%(count)s open flags in your stores", count=len(flags)),
            "body_html": body,
            "email_to": manager.email_formatted,
            "email_from": (manager.company_id.email_formatted or manager.email_formatted),
            "auto_delete": True,
            "recipient_ids": [],
        }
