from odoo.tests import tagged

from .common import SOURCE, BohPosCase


@tagged("post_install", "-at_install")
class TestPosUnmappedCounts(BohPosCase):
    def queue(self, kind, code):
        return self.env["boh.pos.unmapped"].search(
            [("source", "=", SOURCE), ("kind", "=", kind), ("code", "=", code)]
        )

    def test_waiting_count_matches_codes_exactly(self):
        answer = self.push(
            # waits for CHEESE
            self.order("W1", [self.line("1", "BURGER", modifiers=[{"code": "CHEESE"}])]),
            # waits for a new dish only: its XCHEESE is mapped and is not CHEESE
            self.order(
                "W2",
                [
                    self.line("1", "BURGER", modifiers=[{"code": "XCHEESE"}]),
                    self.line("2", "NEWDISH"),
                ],
            ),
            # codes are case-sensitive, and a code may hold the separator of the display
            self.order("W3", [self.line("1", "BURGER", modifiers=[{"code": "cheese"}])]),
            self.order(
                "W4", [self.line("1", "PIZZA", modifiers=[{"code": "SALT, CHEESE x1", "qty": 2}])]
            ),
            # CHEESE on two lines of one order: one order waiting
            self.order(
                "W5",
                [
                    self.line("1", "BURGER", modifiers=[{"code": "CHEESE", "qty": 2}]),
                    self.line("2", "PIZZA", modifiers=[{"code": "CHEESE"}]),
                ],
            ),
            # an item code that contains another one
            self.order("W6", [self.line("1", "NEWDISH-XL")]),
        )
        self.assertEqual(self.statuses(answer), ["created"] * 6)
        counts = {
            (q.kind, q.code): q.waiting_count
            for q in self.env["boh.pos.unmapped"].search([("source", "=", SOURCE)])
        }
        self.assertEqual(
            counts,
            {
                ("modifier", "CHEESE"): 2,
                ("modifier", "cheese"): 1,
                ("modifier", "SALT, CHEESE x1"): 1,
                ("item", "NEWDISH"): 1,
                ("item", "NEWDISH-XL"): 1,
            },
        )
        # one code alone is counted the same as in the list
        self.assertEqual(self.queue("modifier", "CHEESE").waiting_count, 2)
        # mapped: the orders stop waiting, the others still wait
        cheese = self.queue("modifier", "CHEESE")
        cheese.write({"product_id": self.cheese.id, "qty": 10, "uom_id": self.gram.id})
        cheese.action_resolve()
        self.env.invalidate_all()  # the counts are computed, not stored
        done = self.env["boh.pos.order"].search([("order_ref", "in", ["W1", "W5"])])
        self.assertEqual(set(done.mapped("state")), {"done"})
        self.assertEqual(self.queue("modifier", "cheese").waiting_count, 1)
        self.assertEqual(self.queue("item", "NEWDISH").waiting_count, 1)
        self.assertEqual(cheese.waiting_count, 0)

    def test_other_source_is_not_counted(self):
        self.push(self.order("O1", [self.line("1", "BURGER", modifiers=[{"code": "ONION"}])]))
        self.push(
            self.order("O1", [self.line("1", "ONION-RINGS", modifiers=[{"code": "ONION"}])]),
            source="other_pos",
        )
        self.assertEqual(self.queue("modifier", "ONION").waiting_count, 1)
