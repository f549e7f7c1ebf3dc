from . import boh_demo_loader
from . import boh_demo_loader_stock
