"""Day-by-day inventory replay: what an ordering policy wastes and misses on real demand.

:mod:`.params` holds the per-ingredient table (lead time, delivery days, pack, shelf life,
cost), :mod:`.lots` the first-expired-first-out stock in lots, :mod:`.policies` the three
ways of ordering (par level, Odoo's min/max rules, the suite), :mod:`.simulate` the replay
loop and its measures, and :mod:`.risk` the expected waste and stockout risk of one order
quantity, the figure the Odoo purchase lines show.
"""

from .params import DEFAULT_PARAMS, IngredientTable, ingredient_table
from .policies import MinMaxPolicy, ParPolicy, SuitePolicy
from .risk import order_risk
from .simulate import ForecastBook, ReplayResult, replay, summarise

__all__ = [
    "DEFAULT_PARAMS",
    "ForecastBook",
    "IngredientTable",
    "MinMaxPolicy",
    "ParPolicy",
    "ReplayResult",
    "SuitePolicy",
    "ingredient_table",
    "order_risk",
    "replay",
    "summarise",
]
