"""Who may push what: stores, the reserved Odoo POS source, other integrators' orders,
retries, context switches sent from outside, and answers without internals."""

import json
from datetime import timedelta
from unittest.mock import patch

from odoo import fields
from odoo.addons.boh_inventory.tools.migration import make_integration_users_portal
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import new_test_user, tagged

from .common import SOURCE, BohPosCase


@tagged("post_install", "-at_install")
class TestFeedTrust(BohPosCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.manager = new_test_user(
            cls.env,
            login="trust_store_manager",
            groups="boh_inventory.group_boh_manager",
        )
        cls.manager.boh_all_stores = False
        cls.manager.boh_warehouse_ids = cls.store
        cls.other_integrator = new_test_user(
            cls.env,
            login="trust_other_pos",
            groups="boh_pos_bridge.group_boh_integration",
            boh_all_stores=True,
            boh_pos_sources=SOURCE,
        )

    def _orders(self, ref):
        return self.env["boh.pos.order"].search([("order_ref", "=", ref)])

    def test_a_store_manager_pushes_only_into_their_stores(self):
        feed = self.env["boh.pos.feed"].with_user(self.manager)
        answer = feed.push_sales(
            {
                "source": SOURCE,
                "orders": [
                    self.order("MINE", [self.line("1", "BURGER")]),
                    self.order("THEIRS", [self.line("1", "BURGER")], location="TSTL"),
                ],
            }
        )
        self.assertEqual(self.statuses(answer), ["created", "error"])
        (error,) = answer["orders"][1]["errors"]
        self.assertEqual(error["field"], "location")
        self.assertIn("'TSTL'", error["message"])
        self.assertFalse(self._orders("THEIRS"))
        self.assertFalse(self.depleted(self.other_store), "nothing depleted in the other store")

    def test_the_odoo_pos_source_is_reserved(self):
        payload = {"source": "odoo-pos", "orders": [self.order("FAKE", [self.line("1", "BURGER")])]}
        with self.assertRaisesRegex(ValidationError, "reserved for Odoo's own point of sale"):
            self.feed.push_sales(payload)
        # a context switch sent with the call changes nothing: RPC carries plain data only
        forged = self.feed.with_context(boh_odoo_pos_feed=True, boh_pos_skip_feed=True)
        with self.assertRaisesRegex(ValidationError, "reserved for Odoo's own point of sale"):
            forged.push_sales(payload)
        self.assertFalse(self._orders("FAKE"))

    def test_one_integrator_cannot_amend_anothers_orders(self):
        self.push(self.order("OWN", [self.line("1", "BURGER")]))
        other = self.env["boh.pos.feed"].with_user(self.other_integrator)
        changed = self.order("OWN", [self.line("1", "BURGER", qty=5)])
        answer = other.push_sales({"source": SOURCE, "orders": [changed]})
        self.assertEqual(self.statuses(answer), ["error"])
        self.assertIn("another integration user", answer["orders"][0]["errors"][0]["message"])
        self.assertEqual(self._orders("OWN").version, 1)
        # the same content is still answered as a duplicate (re-sending is always safe)
        same = other.push_sales(
            {"source": SOURCE, "orders": [self.order("OWN", [self.line("1", "BURGER")])]}
        )
        self.assertEqual(self.statuses(same), ["duplicate"])
        # the owner amends it
        self.assertEqual(self.statuses(self.push(changed)), ["amended"])

    def _failed_batch(self, orders):
        return self.env["boh.pos.batch"].create(
            {
                "source": SOURCE,
                "state": "failed",
                "user_id": self.integrator.id,
                "payload": json.dumps({"source": SOURCE, "orders": orders}),
            }
        )

    def test_retry_never_puts_back_older_content(self):
        old = self._failed_batch([self.order("R1", [self.line("1", "BURGER", qty=1)])])
        self.push(self.order("R1", [self.line("1", "BURGER", qty=3)]))  # a later push
        old.action_retry()
        answer = json.loads(old.result)
        self.assertEqual(self.statuses(answer), ["error"])
        self.assertIn("later push", answer["orders"][0]["errors"][0]["message"])
        self.assertEqual(self._orders("R1").line_ids.qty, 3.0, "the newer content stays")

    def test_only_a_failed_push_is_retried(self):
        batch = self._failed_batch([self.order("R2", [self.line("1", "BURGER")])])
        batch.action_retry()
        self.assertEqual(batch.state, "done")
        with self.assertRaisesRegex(UserError, "Only a failed item can be retried"):
            batch.action_retry()

    def test_a_server_problem_is_answered_without_its_internals(self):
        feed_class = type(self.env["boh.pos.feed"])
        real = feed_class._write_batch

        def failing(feed, entries):
            if any(entry.order.order_ref == "BAD" for entry in entries):
                raise RuntimeError('relation "boh_pos_order" violates secret_constraint_xyz')
            return real(feed, entries)

        with patch.object(feed_class, "_write_batch", failing):
            answer = self.push(
                self.order("GOOD", [self.line("1", "BURGER")]),
                self.order("BAD", [self.line("1", "BURGER")]),
            )
        self.assertEqual(self.statuses(answer), ["created", "error"])
        text = json.dumps(answer)
        self.assertNotIn("secret_constraint_xyz", text)
        self.assertNotIn("relation", text)
        self.assertIn("server problem", answer["orders"][1]["errors"][0]["message"])


@tagged("post_install", "-at_install")
class TestIntegrationAccess(BohPosCase):
    """Integration users are portal-type users: their group gives them the feed, their
    stores and sources, and nothing else of the back office."""

    def _wizard(self, **values):
        admin = self.env.ref("base.user_admin")
        vals = {
            "kind": "pos",
            "name": "Toast POS",
            "login": "toast-pos",
            "store_ids": [(6, 0, self.store.ids)],
            "pos_sources": SOURCE,
            "expiry_days": 30,
        }
        vals.update(values)
        return self.env["boh.integration.wizard"].with_user(admin).create(vals)

    def test_the_wizard_creates_a_portal_integration_user_with_an_expiring_key(self):
        wizard = self._wizard()
        wizard.action_create_user()
        user = wizard.user_id
        self.assertTrue(user.share, "a portal-type user, not an internal one")
        self.assertTrue(user.has_group("boh_pos_bridge.group_boh_integration"))
        self.assertFalse(user.has_group("base.group_user"))
        self.assertEqual(user.boh_warehouse_ids, self.store)
        self.assertEqual(user._boh_pos_source_set(), {SOURCE})
        self.assertTrue(wizard.key)
        key = self.env["res.users.apikeys"].search([("user_id", "=", user.id)])
        self.assertEqual(len(key), 1)
        self.assertEqual(key.expiration_date.date(), wizard.key_expiry)
        # the key signs in over RPC as that user
        uid = self.env["res.users.apikeys"]._check_credentials(scope="rpc", key=wizard.key)
        self.assertEqual(uid, user.id)

    def test_rotating_revokes_the_old_key_and_revoking_stops_it(self):
        wizard = self._wizard(login="toast-pos-2")
        wizard.action_create_user()
        old = wizard.key
        wizard.action_rotate_key()
        Keys = self.env["res.users.apikeys"]
        self.assertFalse(Keys._check_credentials(scope="rpc", key=old))
        self.assertEqual(Keys._check_credentials(scope="rpc", key=wizard.key), wizard.user_id.id)
        new = wizard.key
        wizard.action_revoke_keys()
        self.assertFalse(Keys._check_credentials(scope="rpc", key=new))
        self.assertFalse(wizard.key)

    def test_only_administrators_manage_integration_keys(self):
        manager = new_test_user(
            self.env, login="trust_mgr_keys", groups="boh_inventory.group_boh_manager"
        )
        with self.assertRaises(AccessError):
            self.env["boh.integration.wizard"].with_user(manager).create({"kind": "pos"})
        wizard = self._wizard(login="toast-pos-3")
        with self.assertRaises(AccessError):
            wizard.with_user(manager).action_rotate_key()

    def test_an_integration_user_reads_nothing_of_the_back_office(self):
        wizard = self._wizard(login="toast-pos-4")
        wizard.action_create_user()
        env = self.env(user=wizard.user_id)
        for model in ("hr.employee", "stock.quant", "boh.recipe", "boh.pos.order", "boh.pos.batch"):
            with self.subTest(model=model), self.assertRaises(AccessError):
                env[model].search([], limit=1)
        supplier = self.env["res.partner"].create({"name": "Trust Test Supplier"})
        self.assertNotIn(supplier, env["res.partner"].search([]), "no company contacts")
        with self.assertRaises(AccessError):
            env["boh.recipe"].browse().action_recompute_cost()
        with self.assertRaises(AccessError):
            env["boh.recipe"].browse(self.burger.id).action_recompute_cost()

    def test_an_integration_pushes_only_its_sources_and_stores(self):
        wizard = self._wizard(login="toast-pos-5")
        wizard.action_create_user()
        feed = self.env["boh.pos.feed"].with_user(wizard.user_id)
        with self.assertRaisesRegex(ValidationError, "not one of the POS sources"):
            feed.push_sales({"source": "someone-else", "orders": []})
        answer = feed.push_sales(
            {
                "source": SOURCE,
                "orders": [
                    self.order("W1", [self.line("1", "BURGER")]),
                    self.order("W2", [self.line("1", "BURGER")], location="TSTL"),
                ],
            }
        )
        self.assertEqual(self.statuses(answer), ["created", "error"])
        self.assertIsInstance(feed.get_availability("TSTH"), list)
        with self.assertRaisesRegex(ValidationError, "not one of your stores"):
            feed.get_availability("TSTL")

    def test_the_upgrade_makes_an_internal_integration_user_a_portal_user(self):
        """The README once said to create integrations as internal users; the 18.0.1.1.0
        migration turns them into portal users (their key still signs in) and takes a
        person with back-office rights out of the integration group instead."""
        integration = self.env.ref("boh_pos_bridge.group_boh_integration")
        internal = self.env.ref("base.group_user")
        old_style = new_test_user(self.env, login="old-style-pos", groups="base.group_user")
        person = new_test_user(
            self.env, login="old-style-manager", groups="boh_inventory.group_boh_manager"
        )
        # what Odoo's update leaves behind: the group (and the portal group it now implies)
        # added to internal users by SQL, past the one-user-type check
        portal = self.env.ref("base.group_portal")
        for user in old_style | person:
            for group in integration | portal:
                self.env.cr.execute(
                    "INSERT INTO res_groups_users_rel (gid, uid) VALUES (%s, %s)",
                    (group.id, user.id),
                )
        self.env.invalidate_all()
        key = (
            self.env["res.users.apikeys"]
            .with_user(old_style)
            ._generate("rpc", "old key", fields.Datetime.now() + timedelta(days=30))
        )
        make_integration_users_portal(self.env, ["boh_pos_bridge.group_boh_integration"])
        self.env.invalidate_all()
        self.assertTrue(old_style.share)
        self.assertEqual(
            old_style.groups_id & (internal | integration | portal), integration | portal
        )
        Keys = self.env["res.users.apikeys"]
        self.assertEqual(Keys._check_credentials(scope="rpc", key=key), old_style.id)
        self.assertFalse(person.share)
        self.assertTrue(person.has_group("boh_inventory.group_boh_manager"))
        self.assertNotIn(integration, person.groups_id)
