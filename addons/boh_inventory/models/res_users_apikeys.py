from odoo import models


class ResUsersApikeys(models.Model):
    _inherit = "res.users.apikeys"

    def unlink(self):
        """A removed API key stops working at once, in every server process.

        Odoo remembers the (user, key) pairs it has accepted (``res.users.check`` is
        cached per process) and removing a key does not make it forget them: a leaked key
        an administrator revokes would go on working until that cache happened to be
        cleared. Clearing the registry caches is signalled to every worker.
        """
        result = super().unlink()
        self.env.registry.clear_cache()
        return result
