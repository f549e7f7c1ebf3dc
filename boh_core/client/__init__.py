"""XML-RPC client and command line for integrators (standard library only).

``BohClient`` talks to the ``boh.pos.feed`` model of a BOH Odoo database; ``python -m
boh_core.client`` (or ``boh``) is its command line.
"""

from .xmlrpc import (
    BatchResult,
    BohAuthError,
    BohClient,
    BohClientError,
    BohConnectionError,
    BohServerError,
    Journal,
    JournalError,
    OrderFailure,
    Summary,
)

__all__ = [
    "BatchResult",
    "BohAuthError",
    "BohClient",
    "BohClientError",
    "BohConnectionError",
    "BohServerError",
    "Journal",
    "JournalError",
    "OrderFailure",
    "Summary",
]
