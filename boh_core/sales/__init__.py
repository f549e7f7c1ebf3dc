"""POS sales feed: payload validation, modifier explosion and CSV/JSON import.

Pure Python; ``boh_pos_bridge`` calls these from ``boh.pos.feed`` and the integrators'
client (``boh_core.client``) uses the importers.
"""

from .csv_import import CsvImportError, load_sales_file, load_sales_json, read_sales_csv
from .modifiers import DemandRow, demand_rows
from .payload import (
    Issue,
    Line,
    Modifier,
    Order,
    OrderResult,
    PushValidation,
    order_fingerprint,
    validate_push,
)

__all__ = [
    "CsvImportError",
    "DemandRow",
    "Issue",
    "Line",
    "Modifier",
    "Order",
    "OrderResult",
    "PushValidation",
    "demand_rows",
    "load_sales_file",
    "load_sales_json",
    "order_fingerprint",
    "read_sales_csv",
    "validate_push",
]
