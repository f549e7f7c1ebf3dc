"""Every *Back of House* screen opens for every role, the way the web client opens it.

The server-side walk (``TestMenuWalk``) finds the menus and the buttons at run time, so a menu
added later is walked without editing this file. For each role it runs each menu's action
(server actions included), loads its views with ``get_views`` and reads the first page of its
default view with the action's domain and default filters, as the web client does. Any error
fails the test; menus that open on nothing are listed in the log. ``TestMenuClickbot`` clicks
the same menus in Chromium as the store manager, so client-side errors are caught too.
"""

import logging
from collections.abc import Iterator

from dateutil.relativedelta import relativedelta
from lxml import etree

from odoo import fields
from odoo.tests import HttpCase, TransactionCase, new_test_user, tagged
from odoo.tools.safe_eval import datetime, safe_eval, time

_logger = logging.getLogger(__name__)

ROOT_MENU = "boh_inventory.menu_boh_root"
FIRST_PAGE = 80  # the web client's default page size
WINDOW_ACTION = "ir.actions.act_window"
SELECTION_KEYS = ("active_id", "active_ids", "active_model")


def walk_roles(env):
    """The roles a restaurant group hands the suite to: administrator, one store's manager,
    a kitchen user. The demo's users where they exist (what people log in with), else new ones.
    """
    store = env.ref("boh_inventory.wh_store1", raise_if_not_found=False) or env[
        "stock.warehouse"
    ].search([("company_id", "=", env.company.id)], limit=1)
    manager = env.ref("boh_inventory.user_boh_manager", raise_if_not_found=False)
    if not manager:
        manager = new_test_user(
            env, "walk.manager", groups="base.group_user,boh_inventory.group_boh_manager"
        )
        manager.boh_warehouse_ids = store
    cook = env.ref("boh_inventory.user_boh_cook", raise_if_not_found=False)
    if not cook:
        cook = new_test_user(
            env, "walk.cook", groups="base.group_user,boh_inventory.group_boh_user"
        )
        cook.boh_warehouse_ids = store
    return {"administrator": env.ref("base.user_admin"), "store manager": manager, "kitchen": cook}


class ScreenWalker:
    """Opens actions as the web client does, as one user, and records what went wrong."""

    def __init__(self, env):
        self.env = env
        self.errors = []
        self.empty = []

    # ------------------------------------------------------------------ evaluation
    def _eval_context(self):
        user = self.env.user
        return {
            "uid": user.id,
            "user": user,
            "allowed_company_ids": self.env.companies.ids,
            "context_today": lambda: fields.Date.context_today(user),
            "datetime": datetime,
            "time": time,
            "relativedelta": relativedelta,
            "current_date": fields.Date.today().isoformat(),
        }

    def _evaluate(self, expression, default):
        if not expression:
            return default
        if not isinstance(expression, str):
            return expression
        return safe_eval(expression, self._eval_context())

    @staticmethod
    def needs_selection(action):
        """An action that only makes sense on selected records (``active_id`` and friends)."""
        text = f"{action.get('context') or ''} {action.get('domain') or ''}"
        return any(key in text for key in SELECTION_KEYS)

    # ------------------------------------------------------------------ opening
    def open(self, label, action):
        """Open ``action`` (an action record or dict) like the web client; record errors."""
        try:
            # every screen from the same state: what one role's menu creates (a proposed
            # schedule, a refreshed list) is rolled back before the next screen opens
            with self.env.cr.savepoint() as savepoint:
                self._open(label, action)
                self.env.flush_all()
                savepoint.rollback()
            self.env.invalidate_all()
        except Exception as error:  # noqa: BLE001 - every failure is reported, with its screen
            _logger.info("menu walk: %s as %s failed", label, self.env.user.login, exc_info=True)
            self.errors.append(f"{label}: {type(error).__name__}: {error}")

    def _open(self, label, action):
        if not isinstance(action, dict):
            action = self._load_action(action)
        kind = action.get("type")
        if kind == "ir.actions.server":
            server_action = self.env["ir.actions.server"].browse(action["id"])
            result = server_action.with_context(**self._evaluate(action.get("context"), {})).run()
            if result:
                self._open(label, result)
        elif kind == WINDOW_ACTION:
            self._open_window(label, action)
        # client actions and reports run in the browser: the clickbot tour walks those

    @staticmethod
    def _load_action(action):
        """What ``/web/action/load`` answers: the action read as superuser, like Odoo does
        (rights are checked when it runs and when its records are read)."""
        return action.sudo().read()[0]

    def _open_window(self, label, action):
        context = dict(self.env.context, **self._evaluate(action.get("context"), {}))
        env = self.env(context=context)
        Model = env[action["res_model"]]
        views = [list(view) for view in action.get("views") or []]
        if not views:
            views = [[False, kind] for kind in (action.get("view_mode") or "list").split(",")]
        if not any(kind == "search" for _id, kind in views):
            views.append([action.get("search_view_id") and action["search_view_id"][0], "search"])
        result = Model.get_views(views, {"load_filters": True, "toolbar": True})
        view_type = views[0][1]
        if view_type == "form":
            self._read_form(Model, action, result["views"]["form"])
            return
        domain, group_by = self._default_search(context, result["views"].get("search"))
        domain = list(self._evaluate(action.get("domain"), [])) + domain
        arch = result["views"][view_type]["arch"]
        if view_type in ("pivot", "graph") or group_by:
            Model.read_group(domain, ["__count"], group_by[:1], lazy=True)
            count = Model.search_count(domain, limit=1)
        else:
            page = Model.web_search_read(domain, self._specification(Model, arch), limit=FIRST_PAGE)
            count = page["length"]
        if not count:
            self.empty.append(label)

    def _read_form(self, Model, action, view):
        spec = self._specification(Model, view["arch"])
        if action.get("res_id"):
            Model.browse(action["res_id"]).web_read(spec)
        else:
            Model.onchange({}, [], spec)

    def _default_search(self, context, search_view):
        """The domain and group-by the search panel starts with (``search_default_*``)."""
        domain, group_by = [], []
        filters = {}
        if search_view:
            for node in etree.fromstring(search_view["arch"]).iter("filter", "field"):
                if node.get("name"):
                    filters.setdefault(node.get("name"), node)
        for key, value in context.items():
            if not key.startswith("search_default_") or not value:
                continue
            name = key[len("search_default_") :]
            node = filters.get(name)
            if node is None:
                continue
            if node.tag == "field":
                operator = "in" if isinstance(value, list) else "="
                domain.append((name, operator, value))
                continue
            if node.get("domain"):
                domain += list(self._evaluate(node.get("domain"), []))
            group = self._evaluate(node.get("context"), {}).get("group_by")
            if group:
                group_by += [group] if isinstance(group, str) else list(group)
        return domain, group_by

    @staticmethod
    def _specification(Model, arch):
        """What the view reads: its fields (many2ones with their display name)."""
        spec = {}
        for node in etree.fromstring(arch).iter("field"):
            name = node.get("name")
            field = Model._fields.get(name)
            if not field or name in spec:
                continue
            spec[name] = {"fields": {"display_name": {}}} if field.type == "many2one" else {}
        return spec


def boh_menus(env) -> Iterator[tuple[str, object]]:
    """(path, action) of every menu under *Back of House* that ``env.user`` sees."""
    root = env.ref(ROOT_MENU)
    menus = env["ir.ui.menu"].search([("id", "child_of", root.id)])  # filtered by groups
    for menu in menus.sorted("parent_path"):
        if menu.action:
            yield menu.complete_name, menu.action


def boh_form_buttons(env) -> Iterator[tuple[str, object]]:
    """Actions behind ``type="action"`` buttons of the BOH modules' form views."""
    views = env["ir.ui.view"].sudo().search([("type", "=", "form"), ("inherit_id", "=", False)])
    xmlids = views._get_external_ids()  # one query for all views
    models = {
        view.model
        for view in views
        if (view.model or "").startswith("boh.")
        or any(xid.startswith("boh_") for xid in xmlids.get(view.id, ()))
    }
    seen = set()
    for model in sorted(models):
        if model not in env:
            continue
        arch = env[model].get_views([(False, "form")])["views"]["form"]["arch"]
        for node in etree.fromstring(arch).iter("button"):
            if node.get("type") != "action" or not (node.get("name") or "").isdigit():
                continue
            action = env["ir.actions.actions"].sudo().browse(int(node.get("name")))
            if action.id in seen or not action.exists():
                continue
            seen.add(action.id)
            yield f"{model} form button {node.get('string') or node.get('name')}", action


@tagged("post_install", "-at_install")
class TestMenuWalk(TransactionCase):
    def test_every_screen_opens_for_every_role(self):
        problems = []
        for role, user in walk_roles(self.env).items():
            env = self.env(user=user)
            walker = ScreenWalker(env)
            screens = list(boh_menus(env))
            self.assertTrue(screens or role == "kitchen", f"{role} sees no Back of House menu")
            for label, action in screens:
                walker.open(label, action)
            for label, action in boh_form_buttons(self.env):
                typed = self.env[action.type].browse(action.id)
                if not typed.has_access("read"):
                    continue
                data = typed.sudo().read()[0]
                if data.get("type") == WINDOW_ACTION and not ScreenWalker.needs_selection(data):
                    if env[data["res_model"]].has_access("read"):
                        walker.open(label, typed)
            _logger.info(
                "menu walk as %s (%s): %d screens, empty: %s",
                role,
                user.login,
                len(screens),
                ", ".join(walker.empty) or "none",
            )
            problems += [f"[{role}] {error}" for error in walker.errors]
        self.assertFalse(problems, "screens that fail to open:\n" + "\n".join(problems))


@tagged("post_install", "-at_install")
class TestMenuClickbot(HttpCase):
    """Odoo's own clickbot clicks every *Back of House* menu as the store manager."""

    allow_end_on_form = True

    def test_store_manager_clicks_every_menu(self):
        manager = walk_roles(self.env)["store manager"]
        manager.password = manager.login
        if "tour_enabled" in manager._fields:
            manager.tour_enabled = False
        self.browser_js(
            "/odoo",
            "odoo.loader.modules.get('@web/webclient/clickbot/clickbot_loader')"
            f".startClickEverywhere('{ROOT_MENU}');",
            "odoo.isReady === true",
            login=manager.login,
            timeout=600,
            success_signal="clickbot test succeeded",
        )
