"""18.0.1.1.0: the depletion to-do takes the states of the suite's inbox
(``boh.inbox.mixin``) before the new selection is loaded: ``queued`` becomes ``received``,
``posted`` ``done``."""


def migrate(cr, version):
    cr.execute(
        """
        UPDATE boh_pos_depletion_todo
           SET state = CASE state WHEN 'queued' THEN 'received' WHEN 'posted' THEN 'done' END
         WHERE state IN ('queued', 'posted')
        """
    )
