from . import boh_demo_loader
