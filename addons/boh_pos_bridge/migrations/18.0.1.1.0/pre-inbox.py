"""18.0.1.1.0: the depletion to-do takes the states of the suite's inbox
(``boh.inbox.mixin``) before the new selection is loaded: ``queued`` becomes ``received``,
``posted`` ``done``. A database whose to-do has no state yet (18.0.1.0.0 queued store-days
only) gets it from the column's default."""

from odoo.tools.sql import column_exists


def migrate(cr, version):
    if not column_exists(cr, "boh_pos_depletion_todo", "state"):
        return
    cr.execute(
        """
        UPDATE boh_pos_depletion_todo
           SET state = CASE state WHEN 'queued' THEN 'received' WHEN 'posted' THEN 'done' END
         WHERE state IN ('queued', 'posted')
        """
    )
