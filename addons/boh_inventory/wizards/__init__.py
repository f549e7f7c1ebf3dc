from . import boh_integration_wizard
from . import boh_flag_acknowledge
