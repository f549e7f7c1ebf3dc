import base64

from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from .common import SOURCE, BohPosCase


@tagged("post_install", "-at_install")
class TestPosCsvImport(BohPosCase):
    def _upload(self, text, column_map=""):
        wizard = Form(self.env["boh.pos.csv.import"])
        wizard.file = base64.b64encode(text.encode())
        wizard.source = SOURCE
        wizard.column_map = column_map
        wizard = wizard.save()
        wizard.action_import()
        return wizard

    def test_upload_goes_through_the_same_pipeline(self):
        day = self.day.isoformat()
        text = (
            "Store,Ticket,business_date,closed_at,line_ref,item_code,qty,unit_price,modifiers\n"
            f"TSTH,F1,{day},{day}T19:05:00+00:00,1,BURGER,2,12.10,XCHEESE\n"
            f"TSTH,F1,,,2,UNKNOWN,1,5.00,\n"
            f"TSTH,F2,{day},{day}T19:10:00+00:00,1,PIZZA,1,11.00,\n"
        )
        column_map = '{"Store": "location", "Ticket": "order_ref"}'
        wizard = self._upload(text, column_map)
        self.assertEqual(wizard.state, "done")
        self.assertIn("2 created", wizard.summary)
        self.assertEqual(wizard.batch_ids.channel, "csv")
        orders = self.env["boh.pos.order"].search([("order_ref", "in", ["F1", "F2"])])
        self.assertEqual({o.order_ref: o.state for o in orders}, {"F1": "unmapped", "F2": "done"})
        self.assertTrue(self.env["boh.pos.unmapped"].search([("code", "=", "UNKNOWN")]))
        # uploading the same file again changes nothing
        wizard = self._upload(text, column_map)
        self.assertIn("2 already there", wizard.summary)

    def test_bad_file_is_a_clean_error(self):
        with self.assertRaises(UserError):
            self._upload("location,order_ref\nTSTH,\n")
        with self.assertRaises(UserError):
            self._upload("a,b\n1,2\n", column_map="[1, 2]")
