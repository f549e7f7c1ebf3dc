from . import boh_use_first_report
