from . import test_forecast_inputs, test_forecast_tour, test_order_risk, test_replenishment_flow
from . import test_kpi_slots
from . import test_forecast_retention
from . import test_forecast_partitions
from . import test_forecast_dask
from . import test_flag_sales
from . import test_forecast_accuracy_schedule
