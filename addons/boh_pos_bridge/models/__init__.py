from . import stock_move
from . import boh_pos_batch
from . import boh_pos_mapping
from . import boh_pos_order
from . import boh_pos_unmapped
from . import boh_pos_availability
from . import boh_pos_feed
