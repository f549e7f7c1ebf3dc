import base64

from odoo.exceptions import UserError
from odoo.tests import Form, new_test_user, tagged

from .common import SOURCE, BohPosCase


@tagged("post_install", "-at_install")
class TestPosCsvImport(BohPosCase):
    def _choose_file(self, text):
        """Step one: the file and the source; then the wizard reads the header row."""
        form = Form(self.env["boh.pos.csv.import"])
        form.file = base64.b64encode(text.encode())
        form.source = SOURCE
        wizard = form.save()
        wizard.action_read_columns()
        self.assertEqual(wizard.state, "map")
        return wizard

    def _map(self, wizard, choices):
        """Step two: choose columns as a user does in the mapping list (field -> header)."""
        form = Form(wizard)
        fields = [m.field_name for m in wizard.mapping_ids]
        for field, header in choices.items():
            column = wizard.column_ids.filtered(lambda c, h=header: c.name == h)
            with form.mapping_ids.edit(fields.index(field)) as line:
                line.column_id = column
        return form.save()

    def _upload(self, text, choices=None):
        wizard = self._map(self._choose_file(text), choices or {})
        wizard.action_import()
        return wizard

    def test_upload_with_mapping_step_goes_through_the_same_pipeline(self):
        """A file whose headers differ from the layout is mapped, then imported like a push.

        Long because it walks one upload as a person does it (file, column mapping, import, answer),
        each step checking what the next one relies on.
        """
        day = self.day.isoformat()
        text = (
            "Store,Ticket,Business_Date,CLOSED_AT,line_ref,item_code,qty,unit_price,Mods\n"
            f"TSTH,F1,{day},{day}T19:05:00+00:00,1,BURGER,2,12.10,XCHEESE\n"
            f"TSTH,F1,,,2,UNKNOWN,1,5.00,\n"
            f"TSTH,F2,{day},{day}T19:10:00+00:00,1,PIZZA,1,11.00,\n"
        )
        wizard = self._choose_file(text)
        self.assertEqual(
            wizard.column_ids.mapped("name"),
            [
                "Store",
                "Ticket",
                "Business_Date",
                "CLOSED_AT",
                "line_ref",
                "item_code",
                "qty",
                "unit_price",
                "Mods",
            ],
        )
        # one line per field of the documented layout, required ones first
        mapping = {m.field_name: m for m in wizard.mapping_ids}
        self.assertEqual(
            set(mapping),
            {
                "order_ref",
                "location",
                "business_date",
                "closed_at",
                "line_ref",
                "item_code",
                "qty",
                "unit_price",
                "modifiers",
                "void",
                "restock",
                "parent_line_ref",
                "covers",
                "source",
            },
        )
        self.assertTrue(mapping["qty"].required)
        self.assertFalse(mapping["modifiers"].required)
        # headers that match a field by name (any case) are chosen already
        self.assertEqual(mapping["business_date"].column_id.name, "Business_Date")
        self.assertEqual(mapping["closed_at"].column_id.name, "CLOSED_AT")
        self.assertEqual(mapping["qty"].column_id.name, "qty")
        self.assertFalse(mapping["location"].column_id)
        self.assertFalse(mapping["order_ref"].column_id)
        self.assertFalse(mapping["modifiers"].column_id)
        wizard = self._map(
            wizard, {"location": "Store", "order_ref": "Ticket", "modifiers": "Mods"}
        )
        wizard.action_import()
        self.assertEqual(wizard.state, "done")
        self.assertIn("2 created", wizard.summary)
        self.assertEqual(wizard.batch_ids.channel, "csv")
        orders = self.env["boh.pos.order"].search([("order_ref", "in", ["F1", "F2"])])
        self.assertEqual({o.order_ref: o.state for o in orders}, {"F1": "unmapped", "F2": "done"})
        self.assertTrue(self.env["boh.pos.unmapped"].search([("code", "=", "UNKNOWN")]))
        f1 = orders.filtered(lambda o: o.order_ref == "F1")
        self.assertIn("XCHEESE", f1.line_ids.filtered(lambda ln: ln.line_ref == "1").modifiers)
        # uploading the same file again changes nothing
        wizard = self._upload(
            text, {"location": "Store", "order_ref": "Ticket", "modifiers": "Mods"}
        )
        self.assertIn("2 already there", wizard.summary)

    def test_missing_required_mapping_names_the_field(self):
        day = self.day.isoformat()
        text = (
            "Store,order_ref,business_date,closed_at,line_ref,item_code,qty,unit_price\n"
            f"TSTH,F9,{day},{day}T19:05:00+00:00,1,BURGER,1,12.10\n"
        )
        wizard = self._choose_file(text)
        with self.assertRaisesRegex(UserError, "Location"):
            wizard.action_import()
        self.assertFalse(self.env["boh.pos.order"].search([("order_ref", "=", "F9")]))
        # a required choice taken back is refused the same way
        wizard = self._map(wizard, {"location": "Store"})
        wizard.mapping_ids.filtered(lambda m: m.field_name == "qty").column_id = False
        with self.assertRaisesRegex(UserError, "Quantity"):
            wizard.action_import()
        # going back to the file step and on again reads the header afresh
        wizard.action_back()
        self.assertEqual(wizard.state, "upload")
        wizard.action_read_columns()
        self.assertEqual(len(wizard.mapping_ids), 14)
        self.assertEqual(len(wizard.column_ids), 8)

    def test_import_without_mapping_step_matches_by_name(self):
        day = self.day.isoformat()
        text = (
            "location,order_ref,business_date,closed_at,line_ref,item_code,qty,unit_price\n"
            f"TSTH,F7,{day},{day}T19:05:00+00:00,1,BURGER,1,12.10\n"
        )
        wizard = self.env["boh.pos.csv.import"].create(
            {"file": base64.b64encode(text.encode()), "source": SOURCE}
        )
        wizard.action_import()
        self.assertIn("1 created", wizard.summary)

    def test_bad_file_is_a_clean_error(self):
        with self.assertRaises(UserError):
            self._upload("location,order_ref\nTSTH,\n")
        with self.assertRaisesRegex(UserError, "header"):
            self._choose_file(",,\n1,2,3\n")
        wizard = self.env["boh.pos.csv.import"].create(
            {"file": base64.b64encode(b"\xff\xfe\x00bad"), "source": SOURCE}
        )
        with self.assertRaisesRegex(UserError, "UTF-8"):
            wizard.action_read_columns()

    def test_manager_can_run_the_mapping_step(self):
        manager = new_test_user(
            self.env,
            login="test_boh_csv_mgr",
            groups="boh_inventory.group_boh_manager",
            boh_all_stores=True,
        )
        day = self.day.isoformat()
        text = (
            "location,order_ref,business_date,closed_at,line_ref,item_code,qty,unit_price\n"
            f"TSTH,F8,{day},{day}T19:05:00+00:00,1,BURGER,1,12.10\n"
        )
        wizard = (
            self.env["boh.pos.csv.import"]
            .with_user(manager)
            .create({"file": base64.b64encode(text.encode()), "source": SOURCE})
        )
        wizard.action_read_columns()
        wizard.action_import()
        self.assertIn("1 created", wizard.summary)
