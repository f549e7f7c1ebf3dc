"""18.0.1.1.0: the company's forecast settings are spelled out (``boh_fc_*`` ->
``boh_forecast_*``). Renaming the columns before the module loads keeps each company's values;
without it the new fields would start from their defaults and the old columns linger."""

from odoo.tools.sql import column_exists, rename_column

RENAMED = {
    "boh_fc_horizon": "boh_forecast_horizon",
    "boh_fc_history_days": "boh_forecast_history_days",
    "boh_fc_service_level": "boh_forecast_service_level",
}


def migrate(cr, version):
    for old, new in RENAMED.items():
        if column_exists(cr, "res_company", old) and not column_exists(cr, "res_company", new):
            rename_column(cr, "res_company", old, new)
