"""The access policy of the whole suite in one table, checked cell by cell.

``POLICY`` says, for every model of the BOH modules and every public method of their classes
(what XML-RPC can call), which roles may do what. The test builds one user per role, asks
Odoo for each model operation (``has_access`` on an empty recordset) and calls each public
method on an empty recordset: a role the table does not allow must get an ``AccessError``
before any other error; an allowed role must not. A BOH model or public method missing from
the table fails the test, so a new one must be declared here. On a mismatch the test prints
the table as the database has it, to compare with.
"""

import inspect
import logging
import pprint

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import TransactionCase, new_test_user, tagged
from odoo.tools import mute_logger

from .access_policy import METHOD_POLICY, MODEL_POLICY, NO_RECORD_SCOPE, RECORD_SCOPE, ROLES

_logger = logging.getLogger(__name__)
OPERATIONS = {"r": "read", "w": "write", "c": "create", "u": "unlink"}
#: What Odoo itself offers on every model: not the suite's API.
ORM_METHODS = {
    "create", "write", "unlink", "copy", "read", "search", "search_count", "search_read",
    "name_create", "default_get", "onchange", "fields_get", "init", "get_views",
    "read_group", "copy_data", "toggle_active", "action_archive", "action_unarchive",
}  # fmt: skip


def boh_modules(env):
    return set(
        env["ir.module.module"]
        .search([("name", "=like", "boh\\_%"), ("state", "=", "installed")])
        .mapped("name")
    )


def boh_models(env):
    """The models the BOH modules define (``boh.*``), abstract and transient included."""
    data = env["ir.model.data"].search(
        [("module", "in", list(boh_modules(env))), ("model", "=", "ir.model")]
    )
    names = env["ir.model"].browse(data.mapped("res_id")).mapped("model")
    return sorted(name for name in names if name.startswith("boh.") and name in env)


def boh_public_methods(env):
    """``model.method`` of every public method a BOH class defines, on any model."""
    found = set()
    for name in env.registry:
        mro = type(env[name]).__mro__
        # Odoo's own public methods that a BOH class overrides stay Odoo's API and rights
        odoo_defined = {
            attr
            for cls in mro
            if not cls.__module__.startswith("odoo.addons.boh_")
            for attr in vars(cls)
        }
        for cls in mro:
            if not cls.__module__.startswith("odoo.addons.boh_"):
                continue
            for attr, value in vars(cls).items():
                if attr.startswith("_") or attr in ORM_METHODS or attr.startswith("web_"):
                    continue
                if inspect.isfunction(value) and attr not in odoo_defined:
                    found.add(f"{name}.{attr}")
    return sorted(found)


@tagged("post_install", "-at_install")
class TestAccessPolicy(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        # methods that commit in a cursor of their own (raw POS pushes) share this one
        cls.registry.enter_test_mode(cls.cr)
        cls.addClassCleanup(cls.registry.leave_test_mode)
        cls.store = env["stock.warehouse"].search([("company_id", "=", env.company.id)], limit=1)
        cls.company_b = env["res.company"].create({"name": "Policy Test Group B"})
        cls.users = {}
        for role, spec in ROLES.items():
            groups = [xmlid for xmlid in spec["groups"] if env.ref(xmlid, raise_if_not_found=False)]
            if len(groups) < len(spec["groups"]):
                continue  # the module of that role is not installed
            if role == "public":
                cls.users[role] = env.ref("base.public_user")
                continue
            values = {"boh_all_stores": spec.get("all_stores", False)}
            if spec.get("other_company"):
                values.update(
                    company_id=cls.company_b.id, company_ids=[Command.set(cls.company_b.ids)]
                )
            user = new_test_user(env, login=f"policy_{role}", groups=",".join(groups), **values)
            if spec.get("store"):
                user.boh_warehouse_ids = cls.store
            cls.users[role] = user

    def _actual_models(self, models):
        actual = {}
        for model in models:
            cells = {}
            for role, user in self.users.items():
                Model = self.env[model].with_user(user)
                ops = "".join(o for o, op in OPERATIONS.items() if Model.has_access(op))
                if ops:
                    cells[role] = ops
            actual[model] = cells
        return actual

    def test_every_model_has_exactly_its_declared_access(self):
        models = boh_models(self.env)
        undeclared = [model for model in models if model not in MODEL_POLICY]
        actual = self._actual_models(models)
        wrong = {
            model: {"declared": MODEL_POLICY[model], "actual": actual[model]}
            for model in models
            if model in MODEL_POLICY
            and {r: c for r, c in MODEL_POLICY[model].items() if r in self.users} != actual[model]
        }
        if undeclared or wrong:
            _logger.info("access policy as the database has it:\n%s", pprint.pformat(actual))
        self.assertFalse(undeclared, "BOH models missing from MODEL_POLICY")
        self.assertFalse(wrong, "models whose access differs from MODEL_POLICY")

    def _call(self, user, dotted):
        model, method = dotted.rsplit(".", 1)
        records = self.env[model].with_user(user).browse()
        function = getattr(records, method)
        params = [
            p
            for p in list(inspect.signature(function).parameters.values())
            if p.default is inspect.Parameter.empty
            and p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
        ]
        with self.env.cr.savepoint(), mute_logger("odoo.addons", "odoo.models"):
            function(*[None] * len(params))

    def test_every_public_method_checks_its_caller_first(self):
        methods = boh_public_methods(self.env)
        undeclared = [m for m in methods if m not in METHOD_POLICY]
        actual, problems = {}, []
        for dotted in methods:
            allowed = METHOD_POLICY.get(dotted, set())
            actual[dotted] = set()
            for role, user in self.users.items():
                why = ""
                try:
                    self._call(user, dotted)
                    refused = False
                except AccessError as error:
                    refused, why = True, f": {error}"
                except Exception:  # noqa: BLE001 - any other answer means the call got through
                    refused = False
                if not refused:
                    actual[dotted].add(role)
                if dotted in METHOD_POLICY and refused == (role in allowed):
                    verb = "was refused" if refused else "got past the access check"
                    problems.append(f"{dotted} as {role} {verb}{why[:200]}")
        if undeclared or problems:
            _logger.info("method policy as the database has it:\n%s", pprint.pformat(actual))
        self.assertFalse(undeclared, "public methods missing from METHOD_POLICY")
        self.assertFalse(problems, "\n".join(problems))

    def _stored_models(self):
        """The BOH models with records in the database (tables and SQL views)."""
        return [
            name
            for name in boh_models(self.env)
            if not self.env[name]._abstract and not self.env[name]._transient
        ]

    def test_every_model_declares_its_record_scope_and_has_its_rules(self):
        """Each stored BOH model says where its company and store are, and has a global
        company rule and a store rule for the BOH groups on those paths."""
        boh_groups = self.env.ref("boh_inventory.group_boh_user") | self.env.ref(
            "boh_inventory.group_boh_manager"
        )
        problems = []
        for model in self._stored_models():
            if model in NO_RECORD_SCOPE:
                continue
            if model not in RECORD_SCOPE:
                problems.append(f"{model}: missing from RECORD_SCOPE and NO_RECORD_SCOPE")
                continue
            company, store = RECORD_SCOPE[model]
            rules = self.env["ir.rule"].search([("model_id.model", "=", model)])
            if not rules.filtered(
                lambda r, c=company: r["global"] and f"('{c}', 'in', company_ids" in r.domain_force
            ):
                problems.append(f"{model}: no global rule on {company} in company_ids")
            if store and not rules.filtered(
                lambda r, s=store: (
                    r.groups & boh_groups
                    and f"('{s}', 'in', user.boh_store_ids.ids" in r.domain_force
                )
            ):
                problems.append(f"{model}: no BOH store rule on {store}")
        self.assertFalse(problems, "\n".join(problems))

    def test_every_model_holds_its_records_in_company_and_store(self):
        """What each role reads of every stored BOH model lies in its companies and stores:
        the other company's manager reads nothing of this company, the store manager and the
        kitchen user nothing of another store. Checked on the records the database holds."""
        company = self.env.company
        problems, checked = [], 0
        for model in self._stored_models():
            if model not in RECORD_SCOPE:
                continue
            company_path, store_path = RECORD_SCOPE[model]
            for role in ("other_company_manager", "store_manager", "kitchen"):
                user = self.users.get(role)
                Model = self.env[model].with_user(user)
                if user is None or not Model.has_access("read"):
                    continue
                seen = Model.search([], limit=500).sudo()
                checked += len(seen)
                if role == "other_company_manager":
                    wrong = seen.filtered(lambda r, p=company_path: company in r.mapped(p))
                elif store_path:
                    wrong = seen.filtered(
                        lambda r, p=store_path: r.mapped(p) and self.store not in r.mapped(p)
                    )
                else:  # shared records (no company) are everyone's
                    wrong = seen.filtered(
                        lambda r, p=company_path: r.mapped(p) and company not in r.mapped(p)
                    )
                if wrong:
                    problems.append(f"{model} as {role}: reads {len(wrong)} records out of scope")
        _logger.info("record scope: %s records read across roles, all checked", checked)
        self.assertFalse(problems, "\n".join(problems))

    def test_the_table_is_counted(self):
        """The size of the table: roles x (models x operations + methods)."""
        cells = len(self.users) * (
            len(boh_models(self.env)) * 4 + len(boh_public_methods(self.env))
        )
        _logger.info("access policy: %s roles, %s cells", len(self.users), cells)
        self.assertGreater(cells, 0)
