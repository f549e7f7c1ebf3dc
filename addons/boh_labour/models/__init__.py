from . import (
    res_company,
    res_config_settings,
    hr_employee,
    boh_labour_planner,
    boh_labour_standard,
    boh_labour_plan,
    boh_labour_availability,
    boh_labour_week,
    boh_labour_shift,
    boh_labour_gap,
    hr_attendance,
    stock_warehouse,
)
from . import boh_kpi_dashboard
from . import boh_flag_labour
