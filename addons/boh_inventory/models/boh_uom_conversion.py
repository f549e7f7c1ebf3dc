from odoo import api, fields, models
from odoo.exceptions import ValidationError


class BohUomConversion(models.Model):
    _name = "boh.uom.conversion"
    _description = "Ingredient Unit Conversion"
    _check_company_auto = True

    product_tmpl_id = fields.Many2one(
        "product.template", string="Ingredient", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="product_tmpl_id.company_id", store=True)
    from_qty = fields.Float(
        string="Quantity", default=1.0, required=True, digits="Product Unit of Measure"
    )
    from_uom_id = fields.Many2one("uom.uom", string="Unit", required=True)
    to_qty = fields.Float(string="Equals", required=True, digits="Product Unit of Measure")
    to_uom_id = fields.Many2one("uom.uom", string="Of Unit", required=True)

    @api.model_create_multi
    def create(self, vals_list):
        """Re-cost the recipes of the ingredients that gain a conversion."""
        conversions = super().create(vals_list)
        conversions._schedule_recost()
        return conversions

    def write(self, vals):
        """Re-cost the recipes of the ingredients whose conversion changes."""
        before = self.product_tmpl_id
        res = super().write(vals)
        self._schedule_recost(before)
        return res

    def unlink(self):
        """Re-cost the recipes of the ingredients that lose a conversion."""
        templates = self.product_tmpl_id
        res = super().unlink()
        self.browse()._schedule_recost(templates)
        return res

    def _schedule_recost(self, templates=None):
        """Re-cost, before the commit, the recipes using these conversions' ingredients."""
        templates = (templates or self.env["product.template"]) | self.product_tmpl_id
        if templates:
            self.env["boh.costing"]._schedule_recost(
                self.env.company,
                templates.product_variant_ids.ids,
                self.env._(
                    "Unit conversion of %(products)s changed",
                    products=", ".join(templates.mapped("name")),
                ),
            )

    @api.constrains("from_qty", "to_qty", "from_uom_id", "to_uom_id")
    def _check_conversion(self):
        for conversion in self:
            if conversion.from_qty <= 0 or conversion.to_qty <= 0:
                raise ValidationError(
                    self.env._(
                        "The conversion of %(ingredient)s must use quantities above zero "
                        "(got %(from_qty)s %(from_uom)s = %(to_qty)s %(to_uom)s).",
                        ingredient=conversion.product_tmpl_id.display_name,
                        from_qty=conversion.from_qty,
                        from_uom=conversion.from_uom_id.name,
                        to_qty=conversion.to_qty,
                        to_uom=conversion.to_uom_id.name,
                    )
                )
            if conversion.from_uom_id.category_id == conversion.to_uom_id.category_id:
                raise ValidationError(
                    self.env._(
                        "%(from_uom)s and %(to_uom)s already convert into each other; an "
                        "ingredient conversion is only needed between kinds of unit, such as "
                        "each and grams (ingredient %(ingredient)s).",
                        from_uom=conversion.from_uom_id.name,
                        to_uom=conversion.to_uom_id.name,
                        ingredient=conversion.product_tmpl_id.display_name,
                    )
                )
