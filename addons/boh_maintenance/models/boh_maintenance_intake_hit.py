from datetime import timedelta

from odoo import api, fields, models

# Namespace of the advisory locks taken while counting hits (any constant int4 would do).
_LOCK_NAMESPACE = 48151
#: The repair page's rate limits when no system parameter ``boh_maintenance.<name>`` sets them.
#: ``bad_token_*``: requests for labels that do not exist, per address (a budget of its own,
#: so that probing never blocks a real label's report from the same kitchen).
DEFAULT_LIMITS = {
    "address_limit": 10,
    "address_minutes": 10,
    "token_limit": 30,
    "token_minutes": 60,
    "bad_token_limit": 30,
    "bad_token_minutes": 10,
}


class BohMaintenanceIntakeHit(models.Model):
    """One counted request of the public repair page: a complete report (per address and per
    label) or a request for a label that does not exist (per address)."""

    _name = "boh.maintenance.intake.hit"
    _description = "Repair Intake Hit"
    _log_access = False
    _order = "at desc"

    kind = fields.Selection(
        [("address", "Client Address"), ("token", "Label"), ("bad_token", "Unknown Label")],
        required=True,
        index=True,
    )
    key = fields.Char(required=True, index=True)
    at = fields.Datetime(required=True, index=True, default=fields.Datetime.now)

    @api.model
    def _limits(self):
        """The rate limits the repair page applies now, ``{name: positive int}``: the system
        parameters, or the default where one is missing or unreadable."""
        params = self.env["ir.config_parameter"].sudo()
        limits = {}
        for name, default in DEFAULT_LIMITS.items():
            try:
                value = int(params.get_param(f"boh_maintenance.{name}") or default)
            except ValueError:
                value = default
            limits[name] = max(value, 1)
        return limits

    @api.model
    def _register_hits(self, hits):
        """Count ``(kind, key, limit, window_minutes)`` hits in order; stop at the first one
        over its limit and return False, else True.

        The counts and inserts run in their own short transaction under an advisory lock
        per key: a burst from one address cannot slip past the limit between the count and
        the insert, the locks are not held while the report itself is filed (so reports
        from one kitchen's address do not queue behind each other), and a hit stays counted
        even when the report then fails.
        """
        with self.env.registry.cursor() as cr:
            # Read committed, not Odoo's repeatable read: a repeatable-read snapshot would be
            # taken by the lock request, before the wait, and the count after the wait would
            # miss the hit that the transaction holding the lock had just committed. (Tests
            # run in one shared transaction, where the level can no longer be set.)
            if not self.env.registry.in_test_mode():
                cr.execute("SET TRANSACTION ISOLATION LEVEL READ COMMITTED")
            # A counter, not a record anyone reads: the commit need not wait for the disk
            # (a crash can forget the last hits, it cannot corrupt anything).
            cr.execute("SET LOCAL synchronous_commit TO OFF")
            counter = self.with_env(self.env(cr=cr))
            return all(counter._register_hit_locked(*hit) for hit in hits)

    @api.model
    def _register_hit_locked(self, kind, key, limit, window_minutes):
        cr = self.env.cr
        cr.execute(
            "SELECT pg_advisory_xact_lock(%s, hashtext(%s))", [_LOCK_NAMESPACE, f"{kind}:{key}"]
        )
        now = fields.Datetime.now()
        # One statement counts the hits of the window (no further than the limit) and
        # records this one only when the limit is not reached.
        cr.execute(
            """
            INSERT INTO boh_maintenance_intake_hit (kind, key, at)
            SELECT %(kind)s, %(key)s, %(now)s
             WHERE (SELECT count(*) FROM (
                        SELECT 1 FROM boh_maintenance_intake_hit
                         WHERE kind = %(kind)s AND key = %(key)s AND at > %(since)s
                         LIMIT %(limit)s) AS recent) < %(limit)s
            RETURNING id
            """,
            {
                "kind": kind,
                "key": key,
                "now": now,
                "since": now - timedelta(minutes=window_minutes),
                "limit": limit,
            },
        )
        return bool(cr.fetchone())

    @api.model
    def _cron_purge_hits(self):
        """Delete hits older than a day: no rate-limit window is longer."""
        old = self.sudo().search([("at", "<", fields.Datetime.now() - timedelta(days=1))])
        old.unlink()
