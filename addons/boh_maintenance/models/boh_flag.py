from odoo import fields, models


class BohFlag(models.Model):
    _inherit = "boh.flag"

    def _acknowledge(self, cause, note="", haccp_action=""):
        """Acknowledging a cold-room flag records the decision on its stock review too: the
        HACCP corrective action is what was done with the stock."""
        reviews = (
            self.env["boh.stock.review"]
            .sudo()
            .browse(
                self.filtered(
                    lambda f: f.state == "open" and f.res_model == "boh.stock.review" and f.res_id
                ).mapped("res_id")
            )
            .exists()
        )
        result = super()._acknowledge(cause, note, haccp_action)
        reviews = reviews.filtered(lambda r: r.state == "to_review")
        if reviews:
            reviews.write(
                {
                    "state": "reviewed",
                    "note": haccp_action or note or False,
                    "reviewed_by_id": self.env.uid,
                    "reviewed_at": fields.Datetime.now(),
                }
            )
        return result
