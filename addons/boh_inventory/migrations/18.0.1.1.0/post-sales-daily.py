"""18.0.1.1.0: the forecast reads ``boh.sales.daily``, the daily sums of the sales facts.

The update creates the table and the triggers that keep it (``init``); this fills it from the
facts as they are at the end of the update, once, in the upgrade's transaction.
"""

from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    if not version:
        return
    api.Environment(cr, SUPERUSER_ID, {})["boh.sales.daily"]._rebuild()
