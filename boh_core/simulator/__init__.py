"""A seeded, deterministic simulator of a restaurant group (central kitchen and stores).

:func:`simulate` turns a :class:`Group` (sites, menu, ingredients, recipes, equipment,
staff; :func:`default_group` is a ready one) into daily and hourly sales per menu item,
``push_sales`` orders, purchases, waste, counts, equipment failures, sensor readings and staff
hours, all plain data. :mod:`boh_core.simulator.realism` measures how real the sales look.
"""

from .catalog import default_group
from .core import Simulation, simulate
from .model import Employee, Equipment, Group, Ingredient, MenuItem, Modifier, Site, group_from_dict
from .realism import BAKERY_RANGES, series_measures

__all__ = [
    "BAKERY_RANGES",
    "Employee",
    "Equipment",
    "Group",
    "Ingredient",
    "MenuItem",
    "Modifier",
    "Simulation",
    "Site",
    "default_group",
    "group_from_dict",
    "series_measures",
    "simulate",
]
