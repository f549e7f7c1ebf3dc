from . import portal
from . import kiosk
