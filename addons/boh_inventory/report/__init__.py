from . import boh_use_first_report
from . import boh_supplier_scorecard
from . import boh_production_yield
