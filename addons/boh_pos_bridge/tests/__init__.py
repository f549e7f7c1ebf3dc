from . import test_pos_feed
from . import test_pos_access
from . import test_pos_availability
from . import test_pos_csv_import
