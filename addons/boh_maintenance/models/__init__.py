from . import (
    boh_maintenance_intake_hit,
    boh_maintenance_intake_report,
    boh_maintenance_part_line,
    boh_maintenance_sla,
    boh_sensor_batch,
    boh_sensor_haccp_day,
    boh_sensor_metric,
    boh_sensor_episode,
    boh_sensor_reading,
    boh_sensor_threshold,
    boh_stock_review,
    boh_stock_review_line,
    maintenance_equipment,
    maintenance_equipment_category,
    maintenance_request,
    res_config_settings,
    stock_warehouse,
)
from . import boh_kpi_dashboard
from . import boh_flag
from . import boh_sensor_reading_flags
