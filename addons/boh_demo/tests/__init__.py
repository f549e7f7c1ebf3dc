from . import test_boh_demo
