from . import boh_pos_csv_import
