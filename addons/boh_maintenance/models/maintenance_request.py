from collections import defaultdict
from datetime import timedelta, timezone

from odoo import Command, api, fields, models
from odoo.addons.boh_inventory.tools.server_context import (
    check_server_fields,
    server_switches,
    switched_on,
)
from odoo.exceptions import UserError

from boh_core.exceptions import Finding
from boh_core.maintenance.dispatch import DispatchRequest, Technician, assign_batch
from boh_core.maintenance.sla import ALWAYS, add_business_hours, sla_status

URGENCY_PRIORITY = {"normal": "2", "urgent": "3"}
#: How many past requests of the same equipment the technician sees.
HISTORY_SIZE = 10


def _aware(value):
    """Odoo's naive UTC datetime as an aware one."""
    return value.replace(tzinfo=timezone.utc)


def _naive(value):
    """An aware datetime as Odoo's naive UTC."""
    return value.astimezone(timezone.utc).replace(tzinfo=None)


def _event(value, created):
    """An SLA event time, aware and never before the creation (clock skew), or None."""
    return max(_aware(value), created) if value else None


#: Recorded by the suite (intake, SLA clocks, dispatch), shown read-only, never set by hand.
SERVER_FIELDS = (
    "boh_reference",
    "boh_source",
    "boh_reported_at",
    "boh_first_response_at",
    "boh_done_at",
    "boh_overdue_notified",
    "boh_dispatch_state",
)


class MaintenanceRequest(models.Model):
    _inherit = "maintenance.request"

    boh_reference = fields.Char("Reference", copy=False, readonly=True, index=True)
    boh_source = fields.Selection(
        [("backend", "Back Office"), ("qr", "QR Label"), ("sensor", "Sensor")],
        string="Source",
        default="backend",
        readonly=True,
    )
    boh_reporter_name = fields.Char("Reported By")
    boh_reporter_phone = fields.Char("Reporter Phone")
    boh_urgency = fields.Selection(
        [("normal", "Normal"), ("urgent", "Urgent")], string="Urgency", default="normal"
    )
    boh_photo = fields.Image("Photo", max_width=1920, max_height=1920, attachment=True)
    boh_store_id = fields.Many2one(
        "stock.warehouse", related="equipment_id.boh_store_id", store=True, index=True
    )
    boh_reported_at = fields.Datetime(
        "Reported At", default=fields.Datetime.now, readonly=True, index=True, copy=False
    )
    boh_first_response_at = fields.Datetime("First Response", readonly=True, copy=False)
    boh_done_at = fields.Datetime("Finished At", readonly=True, copy=False)
    boh_response_deadline = fields.Datetime(
        "Respond By", compute="_compute_boh_deadlines", store=True
    )
    boh_resolution_deadline = fields.Datetime(
        "Resolve By", compute="_compute_boh_deadlines", store=True
    )
    boh_sla_state = fields.Selection(
        [
            ("on_track", "On Track"),
            ("response_late", "Response Late"),
            ("overdue", "Overdue"),
            ("met", "Met"),
            ("breached", "Breached"),
        ],
        string="SLA",
        compute="_compute_boh_sla_state",
    )
    boh_is_overdue = fields.Boolean(
        "Overdue", compute="_compute_boh_sla_state", search="_search_boh_is_overdue"
    )
    boh_overdue_notified = fields.Boolean(readonly=True, copy=False)
    boh_dispatch_state = fields.Selection(
        [
            ("pending", "Not Dispatched"),
            ("auto", "Dispatched"),
            ("manual", "Assigned by Hand"),
            ("no_technician", "Nobody Qualified"),
        ],
        string="Dispatch",
        default="pending",
        readonly=True,
        copy=False,
        tracking=True,
    )
    boh_part_line_ids = fields.One2many(
        "boh.maintenance.part.line", "request_id", string="Spare Parts", copy=False
    )
    boh_parts_cost = fields.Float(
        "Parts Cost", compute="_compute_boh_costs", store=True, aggregator="sum"
    )
    boh_labour_cost = fields.Float(
        "Labour Cost", compute="_compute_boh_costs", store=True, aggregator="sum"
    )
    boh_history_ids = fields.Many2many(
        "maintenance.request", string="Equipment History", compute="_compute_boh_history"
    )
    boh_last_preventive_date = fields.Date("Last Preventive Visit", compute="_compute_boh_history")

    @api.depends(
        "priority",
        "boh_reported_at",
        "company_id.boh_store_calendar_id",
        "boh_store_id.boh_calendar_id",
    )
    def _compute_boh_deadlines(self):
        targets = self.env["boh.maintenance.sla"]._targets_by_company(self.company_id)
        calendars = self._boh_working_hours()
        for request in self:
            calendar = calendars[request.id]
            company_targets = targets.get(request.company_id.id)
            if not company_targets or not request.boh_reported_at:
                request.boh_response_deadline = request.boh_resolution_deadline = False
                continue
            target = company_targets[request.priority or "1"][0]
            start = _aware(request.boh_reported_at)
            request.boh_response_deadline = _naive(
                add_business_hours(start, target.response_hours, calendar)
            )
            request.boh_resolution_deadline = _naive(
                add_business_hours(start, target.resolution_hours, calendar)
            )

    @api.depends(
        "boh_response_deadline",
        "boh_resolution_deadline",
        "boh_first_response_at",
        "boh_done_at",
        "priority",
        "company_id.boh_store_calendar_id",
        "boh_store_id.boh_calendar_id",
    )
    def _compute_boh_sla_state(self):
        now = _aware(fields.Datetime.now())
        targets = self.env["boh.maintenance.sla"]._targets_by_company(self.company_id)
        calendars = self._boh_working_hours()
        for request in self:
            if not request.boh_reported_at or request.company_id.id not in targets:
                request.boh_sla_state = False
                request.boh_is_overdue = False
                continue
            company_targets = {p: t for p, (t, _w) in targets[request.company_id.id].items()}
            reported = _aware(request.boh_reported_at)
            status = sla_status(
                request.priority or "1",
                company_targets,
                reported,
                now=max(now, reported),
                first_response=_event(request.boh_first_response_at, reported),
                resolved=_event(request.boh_done_at, reported),
                calendar=calendars[request.id],
            )
            if status.resolved:
                state = "breached" if status.resolution_overdue else "met"
            elif status.resolution_overdue:
                state = "overdue"
            elif status.response_overdue:
                state = "response_late"
            else:
                state = "on_track"
            request.boh_sla_state = state
            request.boh_is_overdue = state in ("overdue", "response_late")

    def _boh_working_hours(self):
        """``{request id: WorkingHours}``: the opening hours of each request's store
        (``stock.warehouse._boh_store_time``), else its company's default store hours, else
        around the clock."""
        stores = self.boh_store_id._boh_store_time()
        defaults = self.company_id.sudo().boh_store_calendar_id._boh_working_hours()
        result = {}
        for request in self:
            if request.boh_store_id:
                result[request.id] = stores[request.boh_store_id.id].hours
            else:
                calendar = request.company_id.sudo().boh_store_calendar_id
                result[request.id] = defaults.get(calendar.id, ALWAYS)
        return result

    def _search_boh_is_overdue(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(self.env._("Unsupported search on the overdue flag."))
        now = fields.Datetime.now()
        overdue = [
            ("boh_done_at", "=", False),
            "|",
            ("boh_resolution_deadline", "<", now),
            "&",
            ("boh_first_response_at", "=", False),
            ("boh_response_deadline", "<", now),
        ]
        if (operator == "=") == value:
            return overdue
        return ["!", *overdue]

    @api.depends("boh_part_line_ids.cost", "duration")
    def _compute_boh_costs(self):
        rate = float(
            self.env["ir.config_parameter"].sudo().get_param("boh_maintenance.labour_rate") or 0.0
        )
        for request in self:
            request.boh_parts_cost = sum(request.boh_part_line_ids.mapped("cost"))
            request.boh_labour_cost = (request.duration or 0.0) * rate

    @api.depends("equipment_id")
    def _compute_boh_history(self):
        equipment = self.equipment_id
        past = self.search_fetch(
            [("equipment_id", "in", equipment.ids)],
            ["equipment_id", "maintenance_type", "boh_done_at", "close_date"],
            order="boh_reported_at desc, id desc",
        )
        by_equipment = defaultdict(list)
        for request in past:
            by_equipment[request.equipment_id.id].append(request)
        for request in self:
            others = [r for r in by_equipment[request.equipment_id.id] if r.id != request.id]
            request.boh_history_ids = [Command.set([r.id for r in others[:HISTORY_SIZE]])]
            preventive = [
                r.close_date for r in others if r.maintenance_type == "preventive" and r.close_date
            ]
            request.boh_last_preventive_date = max(preventive) if preventive else False

    @api.model_create_multi
    def create(self, vals_list):
        """Number requests, map urgency to priority, then dispatch those nobody assigned."""
        check_server_fields(self, vals_list, SERVER_FIELDS)
        sequence = self.env["ir.sequence"].sudo()
        equipment = self.env["maintenance.equipment"].browse(
            [vals["equipment_id"] for vals in vals_list if vals.get("equipment_id")]
        )
        teams = {machine.id: machine.maintenance_team_id.id for machine in equipment.sudo()}
        undispatched = []
        for index, vals in enumerate(vals_list):
            vals.setdefault("boh_reference", sequence.next_by_code("boh.maintenance.request"))
            # The team of the equipment wins over the default team (the first one found).
            if teams.get(vals.get("equipment_id")) and not vals.get("maintenance_team_id"):
                vals["maintenance_team_id"] = teams[vals["equipment_id"]]
            if vals.get("boh_urgency") and not vals.get("priority"):
                vals["priority"] = URGENCY_PRIORITY.get(vals["boh_urgency"], "2")
            if vals.get("user_id"):
                vals.setdefault("boh_dispatch_state", "manual")
            elif vals.get("maintenance_type", "corrective") == "corrective":
                undispatched.append(index)
        requests = super().create(vals_list)
        to_dispatch = self.browse([requests[i].id for i in undispatched])
        if to_dispatch and not switched_on(self.env, "boh_no_dispatch"):
            to_dispatch._boh_dispatch()
        requests.filtered(lambda r: r.maintenance_type == "corrective")._boh_check_repeats()
        return requests

    def write(self, vals):
        """Keep the SLA clocks and dispatch state in step with stage and technician changes."""
        check_server_fields(self, [vals], SERVER_FIELDS)
        if "user_id" in vals and not switched_on(self.env, "boh_dispatching"):
            vals = dict(vals, boh_dispatch_state="manual" if vals["user_id"] else "pending")
        now = fields.Datetime.now()
        stage = self.env["maintenance.stage"].browse(vals.get("stage_id"))
        if "stage_id" in vals:
            self.filtered(lambda r: not r.boh_first_response_at).sudo().write(
                {"boh_first_response_at": now}
            )
        finishing = self.filtered(lambda r: not r.boh_done_at) if stage.done else self.browse()
        result = super().write(vals)
        if "stage_id" in vals:
            if stage.done:
                # After the write: parts added in the same save are drawn too.
                finishing._boh_consume_parts()
                finishing.sudo().write({"boh_done_at": now})
            else:
                self.filtered("boh_done_at").sudo().write({"boh_done_at": False})
        return result

    def action_boh_dispatch(self):
        """Send these requests again to the best qualified, least loaded technician."""
        self.check_access("write")
        self._boh_dispatch()
        return True

    def _boh_technician_skills(self, members):
        """Skill ids of each member (user id) who is an employee, skilled or not."""
        employees = (
            self.env["hr.employee"]
            .sudo()
            .search_fetch([("user_id", "in", members.ids)], ["user_id"])
        )
        skills = defaultdict(set)
        for user in employees.user_id:
            skills[user.id]  # noqa: B018 -- an employee without skills is still a technician
        for line in (
            self.env["hr.employee.skill"]
            .sudo()
            .search_fetch([("employee_id", "in", employees.ids)], ["employee_id", "skill_id"])
        ):
            skills[line.employee_id.user_id.id].add(line.skill_id.id)
        return skills

    def _boh_open_loads(self, user_ids):
        """Open requests of each user per priority, these requests left out, in one read."""
        loads = defaultdict(lambda: defaultdict(float))
        for user, priority, count in (
            self.env["maintenance.request"]
            .sudo()
            ._read_group(
                [
                    ("user_id", "in", user_ids),
                    ("stage_id.done", "=", False),
                    ("archive", "=", False),
                    ("id", "not in", self.ids),
                ],
                ["user_id", "priority"],
                ["__count"],
            )
        ):
            loads[user.id][priority or "1"] += count
        return loads

    def _boh_dispatch(self):
        """Assign each request to a qualified team member with the lightest weighted load.

        A technician is an employee whose user is a member of the request's team and who
        holds every skill of the equipment category. Requests with nobody qualified stay
        unassigned, in the "Nobody Qualified" dispatch state.
        """
        requests = self.sudo().filtered(lambda r: r.maintenance_team_id and not r.stage_id.done)
        if not requests:
            return
        skills = self._boh_technician_skills(requests.maintenance_team_id.member_ids)
        loads = requests._boh_open_loads(list(skills))
        targets = self.env["boh.maintenance.sla"]._targets_by_company(requests.company_id)
        assignments = {}
        for team in requests.maintenance_team_id:
            team_requests = requests.filtered(lambda r, t=team: r.maintenance_team_id == t)
            company_targets = targets[team_requests[0].company_id.id]
            weights = {priority: weight for priority, (_t, weight) in company_targets.items()}
            technicians = [
                Technician(id=uid, skills=frozenset(skills[uid]), open_load=dict(loads[uid]))
                for uid in team.member_ids.ids
                if uid in skills
            ]
            batch = [
                DispatchRequest(
                    id=request.id,
                    required_skills=frozenset(request.equipment_id.category_id.boh_skill_ids.ids),
                    priority=request.priority or "1",
                )
                for request in team_requests
            ]
            assignments.update(assign_batch(batch, technicians, weights))
        by_user = defaultdict(list)
        for request_id, user_id in assignments.items():
            by_user[user_id].append(request_id)
        dispatching = (
            self.env["maintenance.request"]
            .sudo()
            .with_context(**server_switches("boh_dispatching"))
        )
        for user_id, request_ids in by_user.items():
            if user_id is None:
                dispatching.browse(request_ids).write(
                    {"user_id": False, "boh_dispatch_state": "no_technician"}
                )
            else:
                dispatching.browse(request_ids).write(
                    {"user_id": user_id, "boh_dispatch_state": "auto"}
                )

    def _boh_consume_parts(self):
        """Draw the spare parts of finishing requests from their store's stock, at cost."""
        lines = self.boh_part_line_ids.filtered(lambda line: not line.move_id)
        if not lines:
            return
        missing = lines.request_id.filtered(lambda r: not r.boh_store_id.lot_stock_id)
        if missing:
            raise UserError(
                self.env._(
                    "Set the store of the equipment of %(requests)s: spare parts are drawn "
                    "from the store's stock.",
                    requests=", ".join(missing.mapped("display_name")),
                )
            )
        lines._create_stock_moves()

    def _boh_check_repeats(self):
        """Warn the team when an equipment fails too often (N corrective requests in M days).

        The warning is posted when these new requests make the count reach N, not again for
        every further failure while it stays at or above N.
        """
        params = self.env["ir.config_parameter"].sudo()
        count = int(params.get_param("boh_maintenance.repeat_count") or 3)
        days = int(params.get_param("boh_maintenance.repeat_days") or 30)
        equipment = self.equipment_id
        if not equipment or count < 2:
            return
        since = fields.Datetime.now() - timedelta(days=days)
        groups = self.sudo()._read_group(
            [
                ("equipment_id", "in", equipment.ids),
                ("maintenance_type", "=", "corrective"),
                ("boh_reported_at", ">=", since),
            ],
            ["equipment_id"],
            ["__count"],
        )
        new_per_equipment = defaultdict(int)
        for request in self:
            new_per_equipment[request.equipment_id.id] += 1
        alerted = {
            machine.sudo(): failures
            for machine, failures in groups
            if failures >= count > failures - new_per_equipment[machine.id]
        }
        if not alerted:
            return
        machines = self.env["maintenance.equipment"].sudo().union(*alerted)
        self._boh_raise_repeat_flags(alerted, since, days)
        machines.write({"boh_repeat_failure_at": fields.Datetime.now()})

    @api.model
    def _boh_raise_repeat_flags(self, alerted, since, days):
        """A note on each machine that fails too often and a repeat-failure flag (one open
        flag per machine), whose to-do goes to the store's manager, else whoever looks after
        the machine; its evidence is the machine's corrective requests."""
        machines = self.env["maintenance.equipment"].sudo().union(*alerted)
        managers_by_store = machines.boh_store_id._boh_managers()
        count = int(
            self.env["ir.config_parameter"].sudo().get_param("boh_maintenance.repeat_count") or 3
        )
        now = fields.Datetime.now()
        findings, stores, evidence, labels, users = [], {}, {}, {}, {}
        for machine, failures in alerted.items():
            message = self.env._(
                "Repeat failure: %(count)s corrective requests in the last %(days)s "
                "days. Consider a deeper repair or a replacement.",
                count=failures,
                days=days,
            )
            machine.message_post(body=message, subtype_xmlid="mail.mt_note")
            key = (machine.id,)
            findings.append(
                Finding(
                    kind="repeat_failure",
                    key=key,
                    start=since,
                    end=now,
                    observed=failures,
                    expected=count - 1,
                    low=0,
                    high=count - 1,
                    score=float(failures),
                    unit=self.env._("requests"),
                    detail={"days": days, "limit": count},
                )
            )
            stores[key] = machine.boh_store_id.id
            # someone must decide: the store's manager, else whoever looks after the machine
            users[key] = (
                managers_by_store.get(machine.boh_store_id.id)
                or machine.technician_user_id
                or machine.category_id.technician_user_id
                or machine.maintenance_team_id.member_ids[:1]
            )
            evidence[key] = {
                "res_model": "maintenance.request",
                "domain": [
                    ["equipment_id", "=", machine.id],
                    ["maintenance_type", "=", "corrective"],
                ],
                "view": "list",
            }
            labels[key] = (
                self.env._("Repeat failure: %(name)s", name=machine.name),
                machine.boh_store_id.name or machine.location or "",
            )
        self.env["boh.flag"]._raise_findings(
            findings, stores=stores, evidence=evidence, labels=labels, users=users
        )

    def _boh_overdue_manager(self, managers_by_store):
        """The user to warn about this overdue request."""
        self.ensure_one()
        return (
            managers_by_store.get(self.boh_store_id.id)
            or self.equipment_id.category_id.technician_user_id
            or self.maintenance_team_id.member_ids[:1]
        )

    @api.model
    def _cron_boh_notify_overdue(self, batch_size=200):
        """Give the manager of each newly overdue request a to-do activity."""
        requests = self.sudo().search(
            [("boh_is_overdue", "=", True), ("boh_overdue_notified", "=", False)],
            limit=batch_size,
        )
        if not requests:
            return
        managers_by_store = requests.boh_store_id._boh_managers()
        for request in requests:
            manager = request._boh_overdue_manager(managers_by_store)
            if manager:
                request.activity_schedule(
                    "mail.mail_activity_data_todo",
                    user_id=manager.id,
                    summary=self.env._("Repair overdue: %(ref)s", ref=request.boh_reference),
                    note=self.env._(
                        "This repair request is past its SLA deadline (resolve by %(deadline)s).",
                        deadline=request.boh_resolution_deadline,
                    ),
                )
        requests.write({"boh_overdue_notified": True})
        remaining = self.sudo().search_count(
            [("boh_is_overdue", "=", True), ("boh_overdue_notified", "=", False)]
        )
        self.env["ir.cron"]._notify_progress(done=len(requests), remaining=remaining)
        if remaining:
            self.env.ref("boh_maintenance.ir_cron_boh_notify_overdue")._trigger()
