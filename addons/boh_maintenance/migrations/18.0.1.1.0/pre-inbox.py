"""18.0.1.1.0: repair reports take the states of the suite's inbox (``boh.inbox.mixin``)
before the new selection is loaded: ``queued`` becomes ``received``, ``filed`` ``done``."""


def migrate(cr, version):
    cr.execute(
        """
        UPDATE boh_maintenance_intake_report
           SET state = CASE state WHEN 'queued' THEN 'received' WHEN 'filed' THEN 'done' END
         WHERE state IN ('queued', 'filed')
        """
    )
