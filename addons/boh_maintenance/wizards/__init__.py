from . import (
    boh_maintenance_intake_settings,
    boh_maintenance_label_wizard,
    boh_maintenance_scan_wizard,
    boh_integration_wizard,
)
