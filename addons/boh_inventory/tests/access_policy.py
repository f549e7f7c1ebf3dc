"""Who may do what in the BOH suite: the table ``test_access_policy`` checks, cell by cell.

Roles (``ROLES``): a kitchen user and a store manager of one store, a BOH manager of another
company, a POS integration, a sensor integration, a portal user and the public user.

``MODEL_POLICY``: model -> {role: operations}, operations among r(ead), w(rite), c(reate),
u(nlink) as Odoo's access rights grant them; a role not named has none. Record rules then
narrow what an allowed role sees to its companies and stores (tested per model elsewhere).

``METHOD_POLICY``: "model.method" -> the roles that get past the method's access check.
Every public method of a BOH class is listed: XML-RPC can call any of them.
"""

KITCHEN = "kitchen"
MANAGER = "store_manager"
OTHER = "other_company_manager"
POS = "pos_integration"
SENSOR = "sensor_integration"
PORTAL = "portal"
PUBLIC = "public"

ROLES = {
    KITCHEN: {"groups": ["boh_inventory.group_boh_user"], "store": True},
    MANAGER: {"groups": ["boh_inventory.group_boh_manager"], "store": True},
    OTHER: {
        "groups": ["boh_inventory.group_boh_manager"],
        "other_company": True,
        "all_stores": True,
    },
    POS: {"groups": ["boh_pos_bridge.group_boh_integration"], "all_stores": True},
    SENSOR: {"groups": ["boh_maintenance.group_boh_sensor_integration"]},
    PORTAL: {"groups": ["base.group_portal"]},
    PUBLIC: {"groups": ["base.group_public"]},
}

MODEL_POLICY = {}

METHOD_POLICY = {}
