"""Exceptions a manager must see: detectors of unusual sales, feeds, usage, waste, prices,
counts, sensors and labour, over plain data (pandas frames), returning :class:`Finding`.

Each family has its module (its docstring says the method) and a settings dataclass with
defaults; every detector returns :class:`Findings` (a list of :class:`Finding`, plus the
series it could not judge yet). See ``/work/notes/exceptions_api.md`` for the call summary.
"""

from ._common import Findings
from .counts import CountThresholds, detect_counts
from .feeds import FeedThresholds, detect_silent_feeds, detect_silent_items, hourly_profile
from .finding import KINDS, Finding
from .labour import LabourThresholds, detect_labour
from .prices import PriceThresholds, detect_prices
from .sales import SalesThresholds, detect_sales
from .sensors import (
    SensorThresholds,
    detect_door,
    detect_drift,
    detect_sensors,
    detect_silent_sensors,
    detect_stuck,
)
from .usage import UsageThresholds, detect_usage, detect_waste

#: The settings dataclass of each kind (the Odoo settings expose their fields).
SETTINGS = {
    "sales": SalesThresholds,
    "feed_silent": FeedThresholds,
    "item_silent": FeedThresholds,
    "usage": UsageThresholds,
    "waste": UsageThresholds,
    "price": PriceThresholds,
    "count": CountThresholds,
    "sensor_drift": SensorThresholds,
    "sensor_door": SensorThresholds,
    "sensor_silent": SensorThresholds,
    "sensor_stuck": SensorThresholds,
    "labour": LabourThresholds,
}

__all__ = [
    "KINDS",
    "SETTINGS",
    "CountThresholds",
    "FeedThresholds",
    "Finding",
    "Findings",
    "LabourThresholds",
    "PriceThresholds",
    "SalesThresholds",
    "SensorThresholds",
    "UsageThresholds",
    "detect_counts",
    "detect_door",
    "detect_drift",
    "detect_labour",
    "detect_prices",
    "detect_sales",
    "detect_sensors",
    "detect_silent_feeds",
    "detect_silent_items",
    "detect_silent_sensors",
    "detect_stuck",
    "detect_usage",
    "detect_waste",
    "hourly_profile",
]
