"""18.0.1.1.0: the HACCP log and batch purge crons call their renamed methods.

Both crons are ``noupdate`` records, so ``-u`` keeps the code of 18.0.1.0.0, whose methods
(``_cron_boh_haccp_log``, ``_cron_boh_purge_batches``) no longer exist: every run would fail.
"""

from odoo import SUPERUSER_ID, api

RENAMED = {
    "boh_maintenance.ir_cron_boh_haccp_log": (
        "model._cron_boh_haccp_log()",
        "model._cron_write_haccp_log()",
    ),
    "boh_maintenance.ir_cron_boh_purge_sensor_batches": (
        "model._cron_boh_purge_batches()",
        "model._cron_purge_processed()",
    ),
}


def migrate(cr, version):
    env = api.Environment(cr, SUPERUSER_ID, {})
    for xmlid, (old, new) in RENAMED.items():
        cron = env.ref(xmlid, raise_if_not_found=False)
        # only the released code: a cron an administrator rewrote is theirs
        if cron and cron.code.strip() == old:
            cron.code = new
