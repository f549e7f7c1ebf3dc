from . import (
    test_dispatch_sla,
    test_intake,
    test_labels,
    test_reliability_report,
    test_sensors,
    test_sla_hours,
    test_tour,
)
