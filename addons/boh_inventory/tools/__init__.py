from . import bulk
from . import server_context
