"""Fixtures for the end-to-end tests: a live Odoo with the BOH addons, over XML-RPC.

``make test`` serves a fresh database and sets ``BOH_ODOO_URL``, ``BOH_ODOO_DB``,
``BOH_ODOO_LOGIN`` and ``BOH_ODOO_PASSWORD``; without them these tests are skipped (and the
test command says so).
"""

from __future__ import annotations

import os
import uuid
import xmlrpc.client
from dataclasses import dataclass

import pytest


@dataclass
class Odoo:
    url: str
    db: str
    uid: int
    password: str

    def call(self, model: str, method: str, *args, **kwargs):
        """``execute_kw`` as the configured user."""
        proxy = xmlrpc.client.ServerProxy(f"{self.url}/xmlrpc/2/object", allow_none=True)
        return proxy.execute_kw(self.db, self.uid, self.password, model, method, list(args), kwargs)

    def create_product(self, name: str, kind: str, uom: int, **values) -> int:
        """A product in one unit of measure, untaxed unless ``taxes_id`` is given."""
        vals = {"name": name, "boh_kind": kind, "uom_id": uom, "uom_po_id": uom}
        vals["taxes_id"] = [(6, 0, [])]
        vals.update(values)
        return self.call("product.product", "create", vals)

    def create_integration_user(self, name: str, sources: str) -> tuple[str, str]:
        """A user of the BOH Integration group granted ``sources`` (comma separated) and
        every store: ``(login, password)``."""
        login, password = name.lower().replace(" ", "-"), f"pw-{uuid.uuid4().hex}"
        group = self.ref("boh_pos_bridge.group_boh_integration")
        self.call(
            "res.users",
            "create",
            {
                "name": name,
                "login": login,
                "password": password,
                "groups_id": [(6, 0, [group])],
                "boh_pos_sources": sources,
                "boh_all_stores": True,
            },
        )
        return login, password

    def ref(self, xmlid: str) -> int:
        module, name = xmlid.split(".")
        found = self.call(
            "ir.model.data",
            "search_read",
            [("module", "=", module), ("name", "=", name)],
            fields=["res_id"],
        )
        return found[0]["res_id"]


@pytest.fixture(scope="session")
def odoo() -> Odoo:
    url = os.environ.get("BOH_ODOO_URL")
    if not url:
        pytest.skip("BOH_ODOO_URL is not set: no live Odoo server to test against")
    db = os.environ["BOH_ODOO_DB"]
    login = os.environ.get("BOH_ODOO_LOGIN", "admin")
    password = os.environ.get("BOH_ODOO_PASSWORD", "admin")
    common = xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/common")
    uid = common.authenticate(db, login, password, {})
    assert uid, f"cannot log in to {db} as {login}"
    return Odoo(url, db, uid, password)


@pytest.fixture
def unique() -> str:
    """A short suffix so that records of different runs never collide."""
    return uuid.uuid4().hex[:8]
