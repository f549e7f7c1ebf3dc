"""18.0.1.1.0: sensor batches and repair reports are items of the suite's inbox.

Repair reports take the inbox's states (``queued`` is now *Received*, ``filed`` *Processed*;
see ``pre-inbox.py``); filed ones get the date they were filed. The days processed sensor
batches are kept move from ``boh_maintenance.sensor_batch_keep_days`` to the inbox's setting
``boh_inventory.inbox_keep_days``, which purges their payloads instead of the batches.
"""

from odoo import SUPERUSER_ID, api

OLD_KEEP_DAYS = "boh_maintenance.sensor_batch_keep_days"
NEW_KEEP_DAYS = "boh_inventory.inbox_keep_days"


def migrate(cr, version):
    env = api.Environment(cr, SUPERUSER_ID, {})
    cr.execute(
        "UPDATE boh_maintenance_intake_report SET processed_date = write_date "
        "WHERE state = 'done' AND processed_date IS NULL"
    )
    cr.execute(
        "UPDATE boh_sensor_batch SET processed_date = write_date "
        "WHERE state IN ('done', 'superseded') AND processed_date IS NULL"
    )
    Param = env["ir.config_parameter"]
    old = Param.search([("key", "=", OLD_KEEP_DAYS)])
    if old and not Param.get_param(NEW_KEEP_DAYS):
        Param.set_param(NEW_KEEP_DAYS, old.value)
    old.unlink()
