"""18.0.1.1.0: the forecast reads ``boh.sales.daily``, the daily sums of the sales facts.

The update creates the table and its triggers (``init``), which fills an empty table from the
facts; this recomputes it once more from the facts as they are at the end of the update, so an
upgraded database starts with the same rows as a fresh one would.
"""

from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    if not version:
        return
    api.Environment(cr, SUPERUSER_ID, {})["boh.sales.daily"]._rebuild()
