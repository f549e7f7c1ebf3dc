from . import boh_forecast_run_wizard
