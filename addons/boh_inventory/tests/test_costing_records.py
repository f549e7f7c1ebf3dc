from odoo.addons.boh_inventory.tools.orm_reader import company_field_sql, field_sql
from odoo.tests import tagged
from odoo.tools import SQL

from .common import BohRecipeCase


@tagged("post_install", "-at_install")
class TestCostingRecords(BohRecipeCase):
    """Costing reads and writes in SQL for speed: it must read what the ORM reads and leave
    the trace the ORM leaves (write date, author, tracking)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("zh_CN")
        cls.company_b = cls.env["res.company"].create({"name": "Test Kitchen B"})
        cls.tomato.with_company(cls.company_b).standard_price = 3.5
        cls.tomato.product_tmpl_id.with_context(lang="zh_CN").name = "测试番茄"

    def test_reader_reads_costs_and_names_as_the_orm_does(self):
        products = self.tomato | self.cheese
        Costing = self.env["boh.costing"]
        for company in (self.company, self.company_b):
            for lang in ("en_US", "zh_CN"):
                read = Costing.with_context(lang=lang)._read_products(company, set(products.ids))
                for product in products:
                    orm = product.with_company(company).with_context(lang=lang)
                    self.assertEqual(read[product.id]["standard_price"], orm.standard_price)
                    self.assertEqual(read[product.id]["name"], orm.name)
        read = Costing.with_context(lang="zh_CN")._read_products(self.company, {self.tomato.id})
        self.assertEqual(read[self.tomato.id]["name"], "测试番茄")
        # the cheese has no cost in company B: 0, as the ORM shows it
        self.assertEqual(self.cheese.with_company(self.company_b).standard_price, 0.0)

    def test_reader_sees_a_companys_default_cost_as_the_orm_does(self):
        self.env["ir.default"].set(
            "product.product", "standard_price", 4.25, company_id=self.company_b.id
        )
        Product = self.env["product.product"].with_company(self.company_b)
        [(value,)] = self.env.execute_query(
            SQL(
                "SELECT %s FROM product_product pp WHERE pp.id = %s",
                field_sql(Product, "pp", "standard_price"),
                self.cheese.id,
            )
        )
        self.assertEqual(value, self.cheese.with_company(self.company_b).standard_price)
        self.assertEqual(value, 4.25)

    def test_reader_reads_each_rows_company_in_a_view(self):
        companies = self.company | self.company_b
        rows = self.env.execute_query(
            SQL(
                """
                SELECT pp.id, c.id, %s
                  FROM product_product pp CROSS JOIN res_company c
                 WHERE pp.id = ANY(%s) AND c.id = ANY(%s)
                """,
                company_field_sql(self.env["product.product"], "pp", "standard_price", SQL("c.id")),
                (self.tomato | self.cheese).ids,
                companies.ids,
            )
        )
        self.assertEqual(len(rows), 4)
        for product_id, company_id, cost in rows:
            product = self.env["product.product"].browse(product_id)
            company = self.env["res.company"].browse(company_id)
            self.assertEqual(cost, product.with_company(company).standard_price)

    def test_recost_moves_write_date_and_logs_one_message_per_changed_recipe(self):
        recipes = self.sauce | self.dough | self.burger | self.pizza | self.set_meal | self.salad
        lines = recipes.line_ids
        for table, ids in (("boh_recipe", recipes.ids), ("boh_recipe_line", lines.ids)):
            self.env.cr.execute(
                SQL(
                    "UPDATE %s SET write_date = '2020-01-01', write_uid = %s WHERE id = ANY(%s)",
                    SQL.identifier(table),
                    self.env.ref("base.user_root").id,
                    ids,
                )
            )
        recipes.invalidate_recordset()
        lines.invalidate_recordset()
        tracked = self.env["mail.message"].search_count(
            [("model", "=", "boh.recipe"), ("tracking_value_ids", "!=", False)]
        )
        self.cheese.standard_price = 36.0
        self.env.cr.flush()  # the re-cost and its messages come just before commit
        changed = self.burger | self.pizza | self.set_meal
        for recipe in recipes:
            messages = self.env["mail.message"].search(
                [
                    ("model", "=", "boh.recipe"),
                    ("res_id", "=", recipe.id),
                    ("tracking_value_ids.field_id.name", "=", "portion_cost"),
                ]
            )
            if recipe in changed:
                self.assertEqual(len(messages), 1, recipe.name)
                self.assertGreater(str(recipe.write_date), "2020-01-01")
                self.assertEqual(recipe.write_uid, self.env.user)
                tracking = messages.sudo().tracking_value_ids
                self.assertAlmostEqual(tracking.new_value_float, recipe.portion_cost, places=2)
                self.assertIn("Test Cheese", messages.body)
            else:
                self.assertFalse(messages, f"{recipe.name}: its cost did not move")
                self.assertEqual(str(recipe.write_date), "2020-01-01 00:00:00")
        self.assertEqual(
            self.env["mail.message"].search_count(
                [("model", "=", "boh.recipe"), ("tracking_value_ids", "!=", False)]
            ),
            tracked + 3,
        )
        cheese_line = self.burger.line_ids.filtered(lambda line: line.product_id == self.cheese)
        self.assertEqual(cheese_line.write_uid, self.env.user)
        self.assertGreater(str(cheese_line.write_date), "2020-01-01")
        bun_line = self.burger.line_ids.filtered(lambda line: line.product_id == self.bun)
        self.assertEqual(str(bun_line.write_date), "2020-01-01 00:00:00", "its cost is the same")
