from . import test_costing
from . import test_cost_impact
from . import test_access
from . import test_recipe_tour
from . import test_stock_count
from . import test_store_time
