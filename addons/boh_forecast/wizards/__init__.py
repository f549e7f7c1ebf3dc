from . import boh_forecast_run_wizard, boh_forecast_weather_upload
