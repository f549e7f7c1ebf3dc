"""Pure-Python core of the BOH suite: the algorithms, with no Odoo import.

The Odoo addons under ``addons/`` are thin adapters over this package; integrators
can use it directly (see ``boh_core.client`` for the XML-RPC client).
"""

from .errors import BohError

__all__ = ["BohError"]
__version__ = "18.0.1.0.0"
