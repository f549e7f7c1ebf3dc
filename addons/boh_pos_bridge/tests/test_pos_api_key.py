"""An integration's API key, used as integrators do: XML-RPC over the test server."""

import xmlrpc.client
from datetime import datetime, timedelta

from odoo.addons.base.controllers.rpc import (
    RPC_FAULT_CODE_ACCESS_DENIED,
    RPC_FAULT_CODE_ACCESS_ERROR,
)
from odoo.exceptions import ValidationError
from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from .common import BohPosCase


@tagged("post_install", "-at_install")
class TestPosApiKey(BohPosCase, HttpCase):
    # BohPosCase already serves requests from the test cursor (it enters test mode)
    registry_test_mode = False

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.group = cls.env.ref("boh_pos_bridge.group_boh_integration")
        cls.Keys = cls.env["res.users.apikeys"].with_user(cls.integrator)

    def new_key(self, name="POS harbour", days=30):
        """A key as Odoo's *New API Key* dialog makes it: by the user, for any RPC."""
        return self.Keys._generate(None, name, datetime.now() + timedelta(days=days))

    def keys_named(self, name):
        return self.env["res.users.apikeys"].search(
            [("user_id", "=", self.integrator.id), ("name", "=", name)]
        )

    def rpc(self, key, model, method, *args, **kwargs):
        return self.xmlrpc_object.execute_kw(
            self.env.cr.dbname, self.integrator.id, key, model, method, list(args), kwargs
        )

    def assertFault(self, code, call, *args, **kwargs):
        # the server logs each refused call as a warning of odoo.http: expected here
        with mute_logger("odoo.http"), self.assertRaises(xmlrpc.client.Fault) as info:
            call(*args, **kwargs)
        self.assertEqual(info.exception.faultCode, code, info.exception.faultString)
        return info.exception

    def payload(self, ref):
        return {
            "source": "test_pos",
            "batch_id": f"apikey-{ref}",
            "orders": [self.order(ref, [self.line("1", "BURGER", 2, "12.10")])],
        }

    def test_key_pushes_and_polls_over_xmlrpc(self):
        key = self.new_key()
        self.assertNotEqual(key, "test_boh_integrator")  # the key, not the password
        answer = self.rpc(key, "boh.pos.feed", "push_sales", self.payload("K1"))
        self.assertEqual(answer["orders"], [{"order_ref": "K1", "status": "created", "errors": []}])
        batch = self.env["boh.pos.batch"].browse(answer["batch"])
        self.assertEqual((batch.channel, batch.user_id), ("xmlrpc", self.integrator))
        order = self.env["boh.pos.order"].search([("order_ref", "=", "K1")])
        self.assertEqual(order.state, "done")
        self.assertAlmostEqual(self.depleted()[self.beef], 0.3, places=6)
        again = self.rpc(key, "boh.pos.feed", "push_sales", self.payload("K1"))
        self.assertEqual(again["orders"][0]["status"], "duplicate")
        availability = self.rpc(key, "boh.pos.feed", "get_availability", "TSTH")
        self.assertIsInstance(availability, list)
        for row in availability:
            self.assertEqual(set(row), {"item_code", "portions"})
        # a malformed payload is a fault naming the field, not a traceback
        fault = self.assertFault(
            2, self.rpc, key, "boh.pos.feed", "push_sales", {"source": "x", "orders": "all"}
        )
        self.assertIn("orders", fault.faultString)
        self.assertNotIn("Traceback", fault.faultString)

    def test_key_can_do_nothing_else(self):
        key = self.new_key()
        for model in ("boh.pos.order", "boh.pos.batch", "boh.recipe", "boh.sales.fact"):
            self.assertFault(
                RPC_FAULT_CODE_ACCESS_ERROR, self.rpc, key, model, "search_read", [], ["id"]
            )
        self.assertFault(
            RPC_FAULT_CODE_ACCESS_ERROR,
            self.rpc,
            key,
            "boh.pos.item.map",
            "create",
            {"source": "test_pos", "code": "STEAL", "product_id": self.burger_product.id},
        )
        self.assertFault(
            RPC_FAULT_CODE_ACCESS_ERROR,
            self.rpc,
            key,
            "product.product",
            "write",
            [self.burger_product.id],
            {"list_price": 0.01},
        )
        self.assertFault(
            RPC_FAULT_CODE_ACCESS_ERROR,
            self.rpc,
            key,
            "boh.pos.unmapped",
            "search_read",
            [],
            ["code"],
        )
        self.assertEqual(self.burger_product.list_price, 12.1)
        self.assertFalse(self.env["boh.pos.item.map"].search([("code", "=", "STEAL")]))

    def test_expired_and_deleted_keys_are_refused(self):
        expired = self.new_key("expired", days=-1)
        self.assertFault(
            RPC_FAULT_CODE_ACCESS_DENIED,
            self.rpc,
            expired,
            "boh.pos.feed",
            "push_sales",
            self.payload("E1"),
        )
        key = self.new_key("to rotate")
        self.assertEqual(
            self.rpc(key, "boh.pos.feed", "push_sales", self.payload("E2"))["orders"][0]["status"],
            "created",
        )
        # rotation: the user deletes the old key from their preferences, and a key that
        # was accepted before is refused at once (Odoo caches accepted (uid, key) pairs;
        # boh_inventory clears that cache when a key is removed)
        self.keys_named("to rotate").with_user(self.integrator)._remove()
        self.assertFault(
            RPC_FAULT_CODE_ACCESS_DENIED,
            self.rpc,
            key,
            "boh.pos.feed",
            "get_availability",
            "TSTH",
        )
        # a key deleted before it was ever used is refused at once
        unused = self.new_key("never used")
        self.keys_named("never used").with_user(self.integrator)._remove()
        self.assertFault(
            RPC_FAULT_CODE_ACCESS_DENIED,
            self.rpc,
            unused,
            "boh.pos.feed",
            "get_availability",
            "TSTH",
        )
        self.assertFalse(self.env["boh.pos.order"].search([("order_ref", "=", "E1")]))
        # a made-up key is refused too
        self.assertFault(
            RPC_FAULT_CODE_ACCESS_DENIED,
            self.rpc,
            "0" * 40,
            "boh.pos.feed",
            "get_availability",
            "TSTH",
        )

    def test_key_duration_is_bounded_by_the_group(self):
        self.assertEqual(self.group.api_key_duration, 366)
        # the user's longest-lived group decides; the integrator has no other
        longest = max(self.integrator.groups_id.mapped("api_key_duration"))
        self.assertEqual(longest, self.group.api_key_duration)
        key = self.new_key("a year", days=365)
        self.assertTrue(key)
        with self.assertRaises(ValidationError):
            self.new_key("too long", days=367)
        with self.assertRaises(ValidationError):
            self.Keys._generate(None, "forever", False)
        self.assertFalse(
            self.env["res.users.apikeys"].search(
                [("user_id", "=", self.integrator.id), ("name", "in", ["too long", "forever"])]
            )
        )
