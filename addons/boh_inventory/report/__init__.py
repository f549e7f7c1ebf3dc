from . import boh_use_first_report
from . import boh_supplier_scorecard
