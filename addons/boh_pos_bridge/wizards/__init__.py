from . import boh_pos_csv_import
from . import boh_pos_csv_import_column
from . import boh_pos_csv_import_mapping
from . import boh_integration_wizard
