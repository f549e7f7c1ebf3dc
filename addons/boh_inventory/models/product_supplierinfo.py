from odoo import api, models

#: Fields of a vendor price whose changes are kept in the change history (as costs).
AUDITED = ["partner_id", "price", "min_qty", "product_uom"]


class ProductSupplierinfo(models.Model):
    _inherit = "product.supplierinfo"

    @api.model_create_multi
    def create(self, vals_list):
        """Log new vendor prices of back-of-house products."""
        prices = super().create(vals_list)
        Log = self.env["boh.change.log"]
        Log._log(prices._boh_audited(), AUDITED, {}, "create", "product_tmpl_id", True)
        return prices

    def write(self, vals):
        """Log changed vendor prices of back-of-house products (who, when, before, after)."""
        audited = [fname for fname in AUDITED if fname in vals]
        records = self._boh_audited() if audited else self.browse()
        Log = self.env["boh.change.log"]
        before = Log._snapshot(records, audited) if records else {}
        res = super().write(vals)
        if records:
            Log._log(records, audited, before, "write", "product_tmpl_id", True)
        return res

    def unlink(self):
        """Log removed vendor prices of back-of-house products."""
        records = self._boh_audited()
        Log = self.env["boh.change.log"]
        Log._log(
            records, AUDITED, Log._snapshot(records, AUDITED), "unlink", "product_tmpl_id", True
        )
        return super().unlink()

    def _boh_audited(self):
        return self.filtered(lambda price: price.product_tmpl_id.boh_kind)
