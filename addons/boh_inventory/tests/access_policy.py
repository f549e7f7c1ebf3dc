"""Who may do what in the BOH suite: the table ``test_access_policy`` checks, cell by cell.

Roles (``ROLES``): a kitchen user and a store manager of one store, a BOH manager of another
company, a POS integration, a sensor integration, a portal user and the public user.

``MODEL_POLICY``: model -> {role: operations}, operations among r(ead), w(rite), c(reate),
u(nlink) as Odoo's access rights grant them; a role not named has none. Record rules then
narrow what an allowed role sees to its companies and stores (tested per model elsewhere).

``METHOD_POLICY``: "model.method" -> the roles that get past the method's access check.
Every public method of a BOH class is listed: XML-RPC can call any of them.
"""

KITCHEN = "kitchen"
MANAGER = "store_manager"
OTHER = "other_company_manager"
POS = "pos_integration"
SENSOR = "sensor_integration"
PORTAL = "portal"
PUBLIC = "public"

ROLES = {
    KITCHEN: {"groups": ["boh_inventory.group_boh_user"], "store": True},
    MANAGER: {"groups": ["boh_inventory.group_boh_manager"], "store": True},
    OTHER: {
        "groups": ["boh_inventory.group_boh_manager"],
        "other_company": True,
        "all_stores": True,
    },
    POS: {"groups": ["boh_pos_bridge.group_boh_integration"], "all_stores": True},
    SENSOR: {"groups": ["boh_maintenance.group_boh_sensor_integration"]},
    PORTAL: {"groups": ["base.group_portal"]},
    PUBLIC: {"groups": ["base.group_public"]},
}

#: the same operations for a store manager and a manager of another company: record rules,
#: not access rights, keep each to their own company and stores
BOTH_MANAGERS = (MANAGER, OTHER)


def _managers(operations, kitchen=""):
    cells = dict.fromkeys(BOTH_MANAGERS, operations)
    if kitchen:
        cells[KITCHEN] = kitchen
    return cells


MODEL_POLICY = {
    # boh_inventory
    "boh.allergen": _managers("rwcu", kitchen="r"),
    "boh.cost.impact": _managers("rwcu"),
    "boh.costing": {},
    "boh.integration.wizard": {},  # administrators only
    "boh.inbox.mixin": {},  # abstract: the inboxes below
    "boh.recipe": _managers("rwcu", kitchen="r"),
    "boh.recipe.line": _managers("rwcu", kitchen="r"),
    "boh.sales.fact": _managers("r", kitchen="r"),  # written by the sales feed only
    "boh.sales.daily": _managers("r", kitchen="r"),  # written by triggers on the facts only
    "boh.stock.count": _managers("rwcu", kitchen="rwc"),
    "boh.stock.count.line": _managers("rwcu", kitchen="rwcu"),
    "boh.uom.conversion": _managers("rwcu", kitchen="r"),
    "boh.waste.reason": _managers("rwcu", kitchen="r"),
    "boh.waste.entry": _managers("rwcu", kitchen="rwc"),
    "boh.waste.line": _managers("r", kitchen="r"),  # written when an entry is exploded
    "boh.count.area": _managers("rwcu", kitchen="r"),
    "boh.count.area.product": _managers("rwcu", kitchen="r"),
    "boh.use.first.report": _managers("r", kitchen="r"),
    "boh.change.log": _managers("r", kitchen="r"),  # written by the suite only
    "boh.kpi.dashboard": {},
    "boh.supplier.scorecard": _managers("r"),
    "boh.production.yield": _managers("r"),
    "boh.menu.engineering.line": _managers("r"),  # margins: managers only
    "boh.store.period": _managers("rwcu", kitchen="r"),  # costs: manager-only fields
    "boh.store.period.line": _managers("r", kitchen="r"),  # written by the computation
    "boh.production": _managers("rwcu", kitchen="rwc"),
    "boh.requisition": _managers("rwcu", kitchen="rwc"),
    "boh.requisition.line": _managers("rwcu", kitchen="rwcu"),
    # flags: raised by the passes, acknowledged by managers; the kitchen sees none (prices,
    # usage and labour are the managers')
    "boh.flag": _managers("rw"),
    "boh.flag.band": _managers("r"),  # widened by false alarms only
    "boh.flag.acknowledge": _managers("rwcu"),
    # boh_pos_bridge: what the feed records is read-only for everyone
    "boh.pos.availability": _managers("r", kitchen="r"),
    "boh.pos.batch": _managers("r"),
    "boh.pos.consumption": _managers("r"),
    "boh.pos.csv.import": _managers("rwcu"),
    "boh.pos.csv.import.column": _managers("rwcu"),
    "boh.pos.csv.import.mapping": _managers("rwcu"),
    "boh.pos.depletion.todo": _managers("r"),
    "boh.pos.feed": {},  # an API: push_sales and get_availability check their caller
    "boh.pos.item.map": _managers("rwcu"),
    "boh.pos.modifier.map": _managers("rwcu"),
    "boh.pos.modifier.map.line": _managers("rwcu"),
    "boh.pos.order": _managers("r"),
    "boh.pos.order.line": _managers("r"),
    "boh.pos.unmapped": _managers("rw"),
    # boh_forecast
    "boh.forecast": _managers("r", kitchen="r"),
    "boh.forecast.engine": {},
    "boh.forecast.report": _managers("r", kitchen="r"),
    "boh.forecast.run": _managers("r"),  # made and run by the nightly cron only
    "boh.forecast.run.partition": _managers("r"),
    "boh.forecast.run.wizard": _managers("rwcu"),
    "boh.forecast.series": _managers("r", kitchen="r"),
    "boh.labour.plan": _managers("r", kitchen="r"),
    "boh.labour.standard": _managers("rwcu", kitchen="r"),
    "boh.prep.plan": _managers("r", kitchen="r"),
    "boh.forecast.closure": _managers("rwcu", kitchen="r"),
    "boh.forecast.promotion": _managers("rwcu", kitchen="r"),
    "boh.forecast.event": _managers("rwcu", kitchen="r"),
    "boh.forecast.override": _managers("rwcu", kitchen="r"),
    "boh.forecast.weather": _managers("rwcu", kitchen="r"),
    "boh.forecast.weather.upload": _managers("rwcu"),
    "boh.forecast.inputs": {},
    # boh_labour: the kitchen reads its schedule; employees' availability is their own
    "boh.labour.week": _managers("rwcu", kitchen="r"),
    "boh.labour.shift": _managers("rwcu", kitchen="r"),
    "boh.labour.gap": _managers("rwcu", kitchen="r"),
    "boh.labour.availability": _managers("rwcu", kitchen="rwcu"),
    "boh.labour.attendance.report": _managers("r", kitchen="r"),
    "boh.labour.kpi.report": _managers("r"),  # wages stay with the managers
    "boh.labour.planner": {},
    # boh_demo
    "boh.demo.loader": {},
    # boh_maintenance
    "boh.maintenance.intake.hit": {},
    "boh.maintenance.intake.report": _managers("rw"),
    "boh.maintenance.intake.settings": _managers("rwcu"),
    "boh.maintenance.label.wizard": _managers("rwcu"),
    "boh.maintenance.part.line": _managers("rwcu", kitchen="rwcu"),  # technicians record parts
    "boh.maintenance.reliability.report": _managers("r"),
    "boh.maintenance.scan.wizard": _managers("rwcu", kitchen="rwcu"),
    "boh.maintenance.sla": _managers("r", kitchen="r"),
    "boh.sensor.batch": _managers("r"),
    "boh.sensor.episode": _managers("r"),
    "boh.sensor.haccp.day": _managers("r"),
    "boh.sensor.metric": _managers("r", kitchen="r"),
    "boh.sensor.reading": _managers("rc"),
    "boh.sensor.threshold": _managers("rwcu", kitchen="r"),
    "boh.stock.review": _managers("rw"),
    "boh.stock.review.line": _managers("r"),
}

EVERY_BOH_USER = {KITCHEN, MANAGER, OTHER}
MANAGERS = set(BOTH_MANAGERS)
NOBODY = set()  # of these roles: administrators only

METHOD_POLICY = {
    # the feed's API: integrations and BOH managers (CSV uploads, retries)
    "boh.pos.feed.push_sales": MANAGERS | {POS},
    "boh.pos.feed.get_availability": MANAGERS | {POS},
    "boh.sensor.reading.push_readings": MANAGERS | {SENSOR},
    # back-office actions
    "boh.forecast.run.wizard.action_run": MANAGERS,
    "boh.forecast.run.partition.action_retry": MANAGERS,
    "boh.forecast.series.action_open_forecast_vs_actual": EVERY_BOH_USER,
    "boh.integration.wizard.action_create_user": NOBODY,
    "boh.integration.wizard.action_revoke_keys": NOBODY,
    "boh.integration.wizard.action_rotate_key": NOBODY,
    "boh.integration.wizard.action_save_scope": NOBODY,
    "boh.maintenance.intake.report.action_retry": MANAGERS,
    # the inbox's retry, as each inbox above has it; on the abstract mixin itself, nobody
    "boh.inbox.mixin.action_retry": NOBODY,
    "boh.maintenance.intake.settings.action_save": MANAGERS,
    "boh.maintenance.label.wizard.action_print": MANAGERS,
    "boh.maintenance.reliability.report.action_open_report": MANAGERS,
    "boh.maintenance.scan.wizard.action_scan": EVERY_BOH_USER,
    "boh.pos.availability.action_refresh": EVERY_BOH_USER,
    "boh.pos.batch.action_retry": MANAGERS,
    "boh.pos.csv.import.action_back": MANAGERS,
    "boh.pos.csv.import.action_import": MANAGERS,
    "boh.pos.csv.import.action_open_unmapped": MANAGERS,
    "boh.pos.csv.import.action_read_columns": MANAGERS,
    "boh.pos.unmapped.action_resolve": MANAGERS,
    "boh.recipe.action_open_cost_impact": MANAGERS,
    "boh.recipe.action_recompute_cost": MANAGERS,
    "boh.sensor.batch.action_retry": MANAGERS,
    "boh.stock.count.action_approve": MANAGERS,
    "boh.stock.count.action_cancel": EVERY_BOH_USER,
    "boh.stock.count.action_draft": EVERY_BOH_USER,
    "boh.stock.count.action_load_stock": EVERY_BOH_USER,
    "boh.stock.count.action_view_moves": EVERY_BOH_USER,
    "boh.stock.count.action_open_sheet": EVERY_BOH_USER,
    "boh.stock.count.action_review_differences": MANAGERS,
    "boh.stock.count.action_print_sheet": EVERY_BOH_USER,
    "boh.production.action_cancel": EVERY_BOH_USER,
    "boh.production.action_confirm": EVERY_BOH_USER,
    "boh.production.action_plan_from_requisitions": EVERY_BOH_USER,
    "boh.production.action_print_label_sheet": EVERY_BOH_USER,
    "boh.production.action_print_labels": EVERY_BOH_USER,
    "boh.production.action_view_moves": EVERY_BOH_USER,
    "boh.production.yield.action_view_productions": MANAGERS,
    "boh.requisition.action_accept": EVERY_BOH_USER,
    "boh.requisition.action_cancel": EVERY_BOH_USER,
    "boh.requisition.action_receive": EVERY_BOH_USER,
    "boh.requisition.action_ship": EVERY_BOH_USER,
    "boh.requisition.action_submit": EVERY_BOH_USER,
    "boh.requisition.action_view_pickings": EVERY_BOH_USER,
    "boh.flag.action_acknowledge": MANAGERS,
    "boh.flag.action_open_evidence": MANAGERS,
    "boh.flag.acknowledge.action_confirm": MANAGERS,
    "boh.waste.entry.action_approve": MANAGERS,
    "boh.waste.entry.action_reject": MANAGERS,
    "boh.waste.entry.action_view_moves": EVERY_BOH_USER,
    "boh.use.first.report.action_open": EVERY_BOH_USER,
    "boh.use.first.report.action_waste_expired": EVERY_BOH_USER,
    "boh.stock.review.action_mark_reviewed": MANAGERS,
    "boh.kpi.dashboard.get_dashboard_data": MANAGERS,
    "boh.store.period.action_compute": MANAGERS,
    "boh.store.period.action_close": MANAGERS,
    "boh.store.period.action_view_lines": EVERY_BOH_USER,
    "boh.store.period.action_view_menu_engineering": MANAGERS,
    "boh.store.period.line.action_view_moves": EVERY_BOH_USER,
    "boh.store.period.line.action_view_waste": EVERY_BOH_USER,
    "maintenance.equipment.action_boh_print_labels": MANAGERS,
    "maintenance.equipment.action_boh_revoke_label": MANAGERS,
    # every employee may follow and edit their own repair requests (Odoo's maintenance)
    "maintenance.request.action_boh_dispatch": EVERY_BOH_USER,
    # the register asks for its 86 list: Odoo's POS users, none of these roles
    "pos.config.boh_unavailable_product_ids": NOBODY,
    "pos.order.action_boh_feed_retry": MANAGERS,
    "product.template.action_open_boh_recipe": EVERY_BOH_USER,
    "stock.warehouse.action_boh_run_forecast": MANAGERS,
    "stock.warehouse.action_boh_upload_weather": MANAGERS,
    "stock.warehouse.action_boh_regenerate_kiosk_key": MANAGERS,
    "boh.forecast.override.action_show_value_added": EVERY_BOH_USER,
    "boh.forecast.weather.upload.action_load": MANAGERS,
    "boh.pos.depletion.todo.action_retry": MANAGERS,
    "boh.labour.shift.action_approve_swap": MANAGERS,
    "boh.labour.shift.action_refuse_swap": MANAGERS,
    "boh.labour.week.action_propose": MANAGERS,
    "boh.labour.week.action_draft": MANAGERS,
    "boh.labour.week.action_publish": MANAGERS,
    "boh.labour.week.action_open_grid": EVERY_BOH_USER,
    "boh.labour.week.action_propose_next_week": MANAGERS,
    "boh.labour.week.grid_data": EVERY_BOH_USER,
    "boh.labour.week.grid_save_shift": MANAGERS,
    "boh.labour.week.grid_delete_shift": MANAGERS,
}

#: Record scope of every stored BOH model: (path to its company, path to its store), None
#: where it has none. A company path means a global company rule; a store path a store rule
#: for the BOH groups (``test_every_model_holds_its_records_in_company_and_store``).
RECORD_SCOPE = {
    # boh_inventory
    "boh.change.log": ("company_id", "warehouse_id"),
    "boh.cost.impact": ("company_id", None),  # a company's price changes
    "boh.count.area": ("company_id", "warehouse_id"),
    "boh.count.area.product": ("company_id", "area_id.warehouse_id"),
    "boh.production": ("company_id", "warehouse_id"),
    "boh.recipe": ("company_id", None),  # the company's menu
    "boh.recipe.line": ("company_id", None),
    # the ordering store's and the supplying kitchen's (or lending store's) staff
    "boh.requisition": ("company_id", "site_ids"),
    "boh.requisition.line": ("company_id", "requisition_id.site_ids"),
    "boh.sales.fact": ("company_id", "warehouse_id"),
    "boh.flag": ("company_id", "warehouse_id"),
    "boh.flag.band": ("company_id", "warehouse_id"),
    "boh.sales.daily": ("company_id", "warehouse_id"),
    "boh.stock.count": ("company_id", "warehouse_id"),
    "boh.stock.count.line": ("company_id", "count_id.warehouse_id"),
    "boh.uom.conversion": ("company_id", None),
    "boh.use.first.report": ("company_id", "warehouse_id"),
    "boh.waste.entry": ("company_id", "warehouse_id"),
    "boh.waste.line": ("company_id", "warehouse_id"),
    "boh.waste.reason": ("company_id", None),
    "boh.store.period": ("company_id", "warehouse_id"),
    "boh.store.period.line": ("company_id", "warehouse_id"),
    "boh.menu.engineering.line": ("company_id", "warehouse_id"),
    "boh.supplier.scorecard": ("company_id", "warehouse_id"),
    "boh.production.yield": ("company_id", "warehouse_id"),
    # boh_pos_bridge
    "boh.pos.availability": ("company_id", "warehouse_id"),
    "boh.pos.batch": ("company_id", "warehouse_id"),
    "boh.pos.consumption": ("company_id", "warehouse_id"),
    "boh.pos.depletion.todo": ("company_id", "warehouse_id"),
    "boh.pos.item.map": ("company_id", None),  # a POS's codes, for every store
    "boh.pos.modifier.map": ("company_id", None),
    "boh.pos.modifier.map.line": ("modifier_id.company_id", None),
    "boh.pos.order": ("company_id", "warehouse_id"),
    "boh.pos.order.line": ("order_id.company_id", "order_id.warehouse_id"),
    "boh.pos.unmapped": ("company_id", None),
    # boh_forecast
    "boh.forecast": ("company_id", "warehouse_id"),
    "boh.forecast.closure": ("company_id", "warehouse_id"),
    "boh.forecast.event": ("company_id", "warehouse_id"),
    "boh.forecast.override": ("company_id", "warehouse_id"),
    "boh.forecast.promotion": ("company_id", "warehouse_id"),
    "boh.forecast.report": ("company_id", "warehouse_id"),
    "boh.forecast.run": ("company_id", None),  # a company's night: its partitions have stores
    "boh.forecast.run.partition": ("company_id", "warehouse_ids"),
    "boh.forecast.series": ("company_id", "warehouse_id"),
    "boh.forecast.weather": ("company_id", "warehouse_id"),
    "boh.labour.plan": ("company_id", "warehouse_id"),
    "boh.labour.standard": ("company_id", "warehouse_id"),
    "boh.prep.plan": ("company_id", "warehouse_id"),
    # boh_labour
    "boh.labour.attendance.report": ("company_id", "warehouse_id"),
    "boh.labour.availability": ("company_id", "employee_id.boh_warehouse_ids"),
    "boh.labour.gap": ("company_id", "warehouse_id"),
    "boh.labour.kpi.report": ("company_id", "warehouse_id"),
    "boh.labour.shift": ("company_id", "warehouse_id"),
    "boh.labour.week": ("company_id", "warehouse_id"),
    # boh_maintenance
    "boh.maintenance.intake.report": ("company_id", "equipment_id.boh_store_id"),
    "boh.maintenance.part.line": ("company_id", "request_id.boh_store_id"),
    "boh.maintenance.reliability.report": ("company_id", "store_id"),
    "boh.maintenance.sla": ("company_id", None),  # the company's response times
    "boh.sensor.batch": ("company_id", None),  # a gateway's raw push, for several stores
    "boh.sensor.episode": ("company_id", "equipment_id.boh_store_id"),
    "boh.sensor.haccp.day": ("company_id", "equipment_id.boh_store_id"),
    "boh.sensor.reading": ("company_id", "equipment_id.boh_store_id"),
    "boh.sensor.threshold": ("company_id", "equipment_id.boh_store_id"),
    "boh.stock.review": ("company_id", "store_id"),
    "boh.stock.review.line": ("company_id", "review_id.store_id"),
}

#: Stored BOH models without business data of a company, and why.
NO_RECORD_SCOPE = {
    "boh.allergen": "the fourteen declared allergens, the same for every company",
    "boh.sensor.metric": "the kinds of reading (temperature, humidity), shared",
    "boh.maintenance.intake.hit": "the public page's rate counters, read by no user",
}
