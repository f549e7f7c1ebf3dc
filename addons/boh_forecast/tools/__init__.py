from . import store_scope
