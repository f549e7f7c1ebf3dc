from . import test_labour_flow, test_labour_access, test_labour_portal, test_labour_tour
