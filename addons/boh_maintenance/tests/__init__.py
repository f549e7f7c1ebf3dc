from . import (
    test_access,
    test_dispatch_sla,
    test_intake,
    test_intake_hostile,
    test_intake_settings,
    test_labels,
    test_reliability_report,
    test_sensor_integration,
    test_sensors,
    test_sla_hours,
    test_tour,
)
from . import test_preventive  # noqa: I001
from . import test_sensor_storage  # noqa: I001
from . import test_kpi_slots
from . import test_sensor_flags
