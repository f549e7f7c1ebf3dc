from . import test_forecast_tour, test_replenishment_flow
