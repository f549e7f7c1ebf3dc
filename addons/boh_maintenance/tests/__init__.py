from . import test_dispatch_sla, test_intake, test_labels, test_sensors, test_tour
