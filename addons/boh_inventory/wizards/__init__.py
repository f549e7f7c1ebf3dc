from . import boh_integration_wizard
