from . import test_costing
from . import test_cost_impact
from . import test_access
from . import test_recipe_tour
from . import test_stock_count
from . import test_menu_walk
from . import test_server_switches
from . import test_access_policy
