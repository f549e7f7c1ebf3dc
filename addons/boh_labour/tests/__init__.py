from . import test_labour_flow, test_labour_access, test_labour_portal, test_labour_tour
from . import test_kpi_slots, test_labour_cost, test_labour_kiosk
from . import test_flag_labour
