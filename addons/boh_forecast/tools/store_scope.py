"""The check that a store is one the user works with, for the forecast's wizards."""

from odoo.exceptions import AccessError


def check_store_in_scope(store):
    """Raise ``AccessError`` unless the current user may read ``store`` and works with it
    (``res.users._boh_store_scope``)."""
    env = store.env
    store.check_access("read")
    stores = env.user._boh_store_scope()
    if store not in stores:
        raise AccessError(
            env._(
                "You work with %(stores)s, not %(store)s.",
                stores=", ".join(stores.mapped("name")) or "-",
                store=store.name,
            )
        )
