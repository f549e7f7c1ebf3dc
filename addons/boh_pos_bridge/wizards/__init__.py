from . import boh_pos_csv_import
from . import boh_pos_csv_import_column
from . import boh_pos_csv_import_mapping
