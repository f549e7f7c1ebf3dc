"""Store opening hours move from boh_maintenance into boh_inventory (18.0.1.1.0).

The columns ``stock_warehouse.boh_calendar_id`` and ``res_company.boh_store_calendar_id`` stay
where they are, so their values are kept; what moves is the ownership of the field records.
Handing their external ids to boh_inventory before it loads means no update step sees them
as fields that disappeared from boh_maintenance, and uninstalling boh_maintenance later keeps
the columns.
"""

import logging

_logger = logging.getLogger(__name__)

MOVED = (
    "field_stock_warehouse__boh_calendar_id",
    "field_res_company__boh_store_calendar_id",
    "field_res_config_settings__boh_store_calendar_id",
)


def migrate(cr, version):
    if not version:
        return
    # an id boh_inventory already holds would clash; drop the maintenance duplicate first
    cr.execute(
        """
        DELETE FROM ir_model_data old
         USING ir_model_data new
         WHERE old.module = 'boh_maintenance' AND new.module = 'boh_inventory'
           AND old.name = new.name AND old.name IN %s
        """,
        (MOVED,),
    )
    cr.execute(
        """
        UPDATE ir_model_data SET module = 'boh_inventory'
         WHERE module = 'boh_maintenance' AND name IN %s
        """,
        (MOVED,),
    )
    if cr.rowcount:
        _logger.info("store opening hours: %s field ids moved to boh_inventory", cr.rowcount)
