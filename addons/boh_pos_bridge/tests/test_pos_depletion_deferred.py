from .common import BohPosCase


class TestDeferredDepletion(BohPosCase):
    def test_deferred_mode_queues_then_posts_once(self):
        self.env["ir.config_parameter"].sudo().set_param(
            "boh_pos_bridge.depletion_mode", "deferred"
        )
        Todo = self.env["boh.pos.depletion.todo"].sudo()
        self.push(self.order("D1", [self.line("1", "BURGER", 2)]))
        self.push(self.order("D2", [self.line("1", "BURGER", 1)]))
        self.assertFalse(self.depleted())
        queued = Todo.search([("warehouse_id", "=", self.store.id)])
        self.assertEqual(set(queued.mapped("date")), {self.day})
        # a burst is posted once it has been quiet long enough, not before
        self.env["boh.pos.feed"]._cron_post_depletion(quiet_seconds=3600)
        self.assertFalse(self.depleted())
        self.env["boh.pos.feed"]._cron_post_depletion(quiet_seconds=0)
        self.assertFalse(Todo.search([("warehouse_id", "=", self.store.id)]))
        self.assertAlmostEqual(self.depleted()[self.beef], 3 * 0.15, places=6)
        beef_moves = self.env["stock.move"].search(
            [("boh_warehouse_id", "=", self.store.id), ("product_id", "=", self.beef.id)]
        )
        self.assertEqual(len(beef_moves), 1)
        # an amendment is queued and corrected by a delta move
        self.push(self.order("D2", [self.line("1", "BURGER", 3)]))
        self.env["boh.pos.feed"]._cron_post_depletion(quiet_seconds=0)
        self.assertAlmostEqual(self.depleted()[self.beef], 5 * 0.15, places=6)
        # nothing queued: nothing posted
        self.env["boh.pos.feed"]._cron_post_depletion(quiet_seconds=0)
        self.assertAlmostEqual(self.depleted()[self.beef], 5 * 0.15, places=6)
