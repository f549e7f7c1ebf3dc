from . import boh_forecast_report
