from . import (
    boh_maintenance_intake_hit,
    boh_maintenance_part_line,
    boh_maintenance_sla,
    boh_sensor_haccp_day,
    boh_sensor_metric,
    boh_sensor_reading,
    boh_sensor_threshold,
    maintenance_equipment,
    maintenance_equipment_category,
    maintenance_request,
    res_config_settings,
    stock_warehouse,
)
