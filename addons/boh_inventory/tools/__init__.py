from . import bulk
from . import server_context
from . import migration
from . import orm_reader
from . import core_messages
from . import refusals
from . import actions
from . import flag_pass
