from markupsafe import Markup, escape

from odoo import fields, models


class BohCostImpact(models.Model):
    _name = "boh.cost.impact"
    _description = "Menu Item Cost Impact"
    _order = "date desc, abs_change desc, id desc"
    _check_company_auto = True

    date = fields.Datetime(required=True, default=fields.Datetime.now, index=True)
    company_id = fields.Many2one("res.company", required=True, index=True)
    recipe_id = fields.Many2one("boh.recipe", required=True, ondelete="cascade", index=True)
    # set on create rather than related: a price change writes thousands of these at once
    product_id = fields.Many2one("product.product", string="Menu Item", index=True)
    cause = fields.Char(required=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    old_cost = fields.Monetary()
    new_cost = fields.Monetary()
    old_food_cost_pct = fields.Float(string="Old Food Cost %")
    new_food_cost_pct = fields.Float(string="New Food Cost %")
    change_pct = fields.Float(string="Change (points)")
    abs_change = fields.Float()
    target_food_cost_pct = fields.Float(string="Target %")
    crossed_target = fields.Selection(
        [("above", "Now over target"), ("below", "Back under target")],
        string="Target",
    )

    def _notify_above_threshold(self):
        """Tell the BOH managers of the company and the user who changed the price about the
        menu items whose food cost % moved by at least the alert threshold
        (``boh_inventory.cost_alert_points``, default 2 points), with the figures after it."""
        param = self.env["ir.config_parameter"].sudo().get_param("boh_inventory.cost_alert_points")
        try:
            threshold = float(param) if param else 2.0
        except ValueError:
            threshold = 2.0
        alerts = self.filtered(lambda impact: impact.abs_change >= threshold)
        if not alerts or threshold <= 0:
            return
        managers = self.env.ref("boh_inventory.group_boh_manager").sudo().users
        for company in alerts.company_id:
            lines = alerts.filtered(lambda impact, company=company: impact.company_id == company)
            partners = managers.filtered(lambda user, company=company: company in user.company_ids)
            partners = (partners | self.env.user).partner_id
            rows = Markup("").join(
                Markup("<li>%s: %s%% &#8594; %s%% (%s)</li>")
                % (
                    impact.product_id.display_name,
                    f"{impact.old_food_cost_pct:.1f}",
                    f"{impact.new_food_cost_pct:.1f}",
                    escape(impact.cause),
                )
                for impact in lines.sorted("abs_change", reverse=True)
            )
            self.env["mail.thread"].sudo().message_notify(
                partner_ids=partners.ids,
                subject=self.env._(
                    "Food cost moved by %(points)s points or more on %(count)s menu items",
                    points=f"{threshold:g}",
                    count=len(lines),
                ),
                body=Markup("<p>%s</p><ul>%s</ul>")
                % (
                    self.env._("Food cost % before and after the price change:"),
                    rows,
                ),
            )
