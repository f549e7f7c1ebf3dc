from . import test_pos_feed
from . import test_pos_access
from . import test_pos_availability
from . import test_pos_csv_import
from . import test_pos_odoo
from . import test_pos_depletion_deferred
from . import test_pos_unmapped_tour
from . import test_pos_86_tour
