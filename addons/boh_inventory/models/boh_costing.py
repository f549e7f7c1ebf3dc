"""Odoo adapter over ``boh_core`` costing: read the recipe graph in batches, cost it in one
pass, write the results back in one statement per table."""

import logging

from markupsafe import escape

from odoo import Command, api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL

from boh_core.errors import BohError
from boh_core.food_cost import FoodCost, Tax, cost_impact, food_cost
from boh_core.recipes import Ingredient, Recipe, RecipeBook, RecipeLine
from boh_core.units import ProductConversion, Unit, UnitConverter

from ..tools.core_messages import translate_core_error
from ..tools.orm_reader import field_sql

_logger = logging.getLogger(__name__)

RECOST_KEY = "boh_inventory.pending_recost"
TRACKING_KEY = "boh_inventory.portion_cost_tracking"


class BohCosting(models.AbstractModel):
    _name = "boh.costing"
    _description = "BOH Costing Engine"

    # ------------------------------------------------------------------ loading
    def _load_converter(self, company):
        """All units of the database plus the company's ingredient conversions."""
        # unit names appear in errors of boh_core: in English, as its other words
        name = field_sql(self.env["uom.uom"].with_context(lang="en_US"), "uom_uom", "name")
        units = [
            Unit(row[0], row[1], row[2], row[3] or "")
            for row in self.env.execute_query(
                SQL("SELECT id, category_id, factor, %s FROM uom_uom", name)
            )
        ]
        self.env["boh.uom.conversion"].flush_model()
        conversions = [
            ProductConversion(product_id, from_uom, from_qty, to_uom, to_qty)
            for product_id, from_uom, from_qty, to_uom, to_qty in self.env.execute_query(
                SQL(
                    """
                    SELECT pp.id, c.from_uom_id, c.from_qty, c.to_uom_id, c.to_qty
                      FROM boh_uom_conversion c
                      JOIN product_product pp ON pp.product_tmpl_id = c.product_tmpl_id
                     WHERE c.company_id IS NULL OR c.company_id = %s
                    """,
                    company.id,
                )
            )
        ]
        return UnitConverter(units, conversions)

    def _load_graph(self, company):
        """Recipes and lines of a company as plain rows (two queries)."""
        self.env["boh.recipe"].flush_model()
        self.env["boh.recipe.line"].flush_model()
        recipes = self.env.execute_query_dict(
            SQL(
                """
                SELECT id, product_id, name, output_qty, output_uom_id, yield_pct
                  FROM boh_recipe
                 WHERE company_id = %s AND active
                """,
                company.id,
            )
        )
        lines = self.env.execute_query_dict(
            SQL(
                """
                SELECT l.id, l.recipe_id, l.product_id, l.qty, l.uom_id, l.waste_pct
                  FROM boh_recipe_line l
                  JOIN boh_recipe r ON r.id = l.recipe_id
                 WHERE r.company_id = %s AND r.active
                 ORDER BY l.recipe_id, l.sequence, l.id
                """,
                company.id,
            )
        )
        return recipes, lines

    def _load_book(self, company):
        """Build the company's :class:`RecipeBook` with ingredient costs and allergens."""
        # costing reads across records the user may not see (taxes, vendors' prices): it is a
        # system computation whose results the views then filter by the user's rights
        self = self.sudo()
        recipe_rows, line_rows = self._load_graph(company)
        converter = self._load_converter(company)
        lines_by_recipe = {}
        for row in line_rows:
            lines_by_recipe.setdefault(row["recipe_id"], []).append(
                RecipeLine(
                    component=row["product_id"],
                    qty=row["qty"],
                    unit=row["uom_id"],
                    waste_pct=row["waste_pct"] or 0.0,
                    line_id=row["id"],
                )
            )
        recipes = [
            Recipe(
                id=row["id"],
                product=row["product_id"],
                output_qty=row["output_qty"],
                output_unit=row["output_uom_id"],
                yield_pct=row["yield_pct"],
                lines=tuple(lines_by_recipe.get(row["id"], ())),
                name=row["name"],
            )
            for row in recipe_rows
        ]
        made = {row["product_id"] for row in recipe_rows}
        ingredient_ids = {row["product_id"] for row in line_rows} - made
        products = self._read_products(company, ingredient_ids | made)
        costs = self._ingredient_unit_costs(company, ingredient_ids, products)
        ingredients = [
            Ingredient(
                product=pid,
                unit=products[pid]["uom_id"],
                unit_cost=costs.get(pid),
                name=products[pid]["name"],
                allergens=products[pid]["allergens"],
            )
            for pid in ingredient_ids
            if pid in products
        ]
        stocked = {
            pid: products[pid]["uom_id"] for pid in made if products.get(pid, {}).get("stocked")
        }
        book = RecipeBook(recipes, ingredients, converter, stocked=stocked)
        return book, products, converter

    def _read_product_allergens(self, ids):
        """Allergen ids of each product (through its template), in one query."""
        return {
            pid: frozenset(allergen_ids)
            for pid, allergen_ids in self.env.execute_query(
                SQL(
                    """
                    SELECT pp.id, array_agg(rel.allergen_id)
                      FROM product_product pp
                      JOIN boh_allergen_product_template_rel rel
                        ON rel.product_tmpl_id = pp.product_tmpl_id
                     WHERE pp.id = ANY(%s)
                     GROUP BY pp.id
                    """,
                    ids,
                )
            )
        }

    def _read_menu_taxes(self, company, menu_templates):
        """The company's sales taxes of each menu item template, in one query."""
        tax_rows = self.env.execute_query(
            SQL(
                "SELECT prod_id, array_agg(tax_id) FROM product_taxes_rel "
                "WHERE prod_id = ANY(%s) GROUP BY prod_id",
                menu_templates,
            )
        )
        all_taxes = self.env["account.tax"].browse({t for _p, taxes in tax_rows for t in taxes})
        company_taxes = all_taxes.filtered(lambda t: t.company_id == company)
        return {tmpl: all_taxes.browse(taxes) & company_taxes for tmpl, taxes in tax_rows}

    def _read_products(self, company, product_ids):
        """uom, name, role, cost, list price, taxes, allergens and target of products.

        Plain SQL over product_product/product_template: going through the ORM's related
        fields would cost a compute per product, and a price change re-costs thousands. The
        name (translated) and the cost (per company) are read as the ORM reads them
        (``tools.orm_reader``).
        """
        if not product_ids:
            return {}
        for model in ("product.product", "product.template"):
            self.env[model].flush_model()
        ids = list(product_ids)
        lang = self.env.lang or "en_US"
        rows = self.env.execute_query_dict(
            SQL(
                """
                SELECT pp.id, pt.id AS tmpl_id, pt.uom_id, pt.list_price, pt.boh_kind,
                       pt.boh_stocked,
                       pt.boh_target_food_cost_pct AS target,
                       %(name)s AS name, %(cost)s AS cost
                  FROM product_product pp
                  JOIN product_template pt ON pt.id = pp.product_tmpl_id
                 WHERE pp.id = ANY(%(ids)s)
                """,
                name=field_sql(self.env["product.template"].with_context(lang=lang), "pt", "name"),
                cost=field_sql(
                    self.env["product.product"].with_company(company), "pp", "standard_price"
                ),
                ids=ids,
            )
        )
        allergens = self._read_product_allergens(ids)
        taxes_by_template = self._read_menu_taxes(
            company, [row["tmpl_id"] for row in rows if row["boh_kind"] == "menu"]
        )
        no_tax = self.env["account.tax"]
        default_target = company.boh_target_food_cost_pct or None
        return {
            row["id"]: {
                "uom_id": row["uom_id"],
                "name": row["name"],
                "kind": row["boh_kind"],
                "stocked": row["boh_stocked"],
                "standard_price": row["cost"],
                "list_price": row["list_price"] or 0.0,
                "taxes": taxes_by_template.get(row["tmpl_id"], no_tax),
                "target": row["target"] or default_target,
                "allergens": allergens.get(row["id"], frozenset()),
            }
            for row in rows
        }

    def _ingredient_unit_costs(self, company, ingredient_ids, products):
        """Cost per unit of each ingredient's own unit under the company's cost basis.

        A zero cost is no cost: the recipe is then marked incomplete rather than cheap.
        """
        costs = {
            pid: products[pid]["standard_price"] or None
            for pid in ingredient_ids
            if pid in products
        }
        if company.boh_cost_basis == "last_purchase" and ingredient_ids:
            costs.update(self._last_purchase_costs(company, ingredient_ids, products))
        return costs

    def _last_purchase_costs(self, company, product_ids, products):
        """Latest price paid (confirmed purchase or posted vendor bill), per product unit."""
        self.env["purchase.order.line"].flush_model()
        self.env["account.move.line"].flush_model()
        rows = self.env.execute_query(
            SQL(
                """
                SELECT DISTINCT ON (product_id) product_id, price_unit, uom_id, currency_id, day
                  FROM (
                        SELECT pol.product_id, pol.price_unit, pol.product_uom AS uom_id,
                               po.currency_id, po.date_approve AS day, pol.id
                          FROM purchase_order_line pol
                          JOIN purchase_order po ON po.id = pol.order_id
                         WHERE po.state IN ('purchase', 'done') AND po.company_id = %(company)s
                           AND pol.product_id = ANY(%(products)s) AND pol.price_unit > 0
                        UNION ALL
                        SELECT aml.product_id, aml.price_unit, aml.product_uom_id, am.currency_id,
                               am.invoice_date::timestamp, aml.id
                          FROM account_move_line aml
                          JOIN account_move am ON am.id = aml.move_id
                         WHERE am.move_type = 'in_invoice' AND am.state = 'posted'
                           AND am.company_id = %(company)s AND aml.display_type = 'product'
                           AND aml.product_id = ANY(%(products)s) AND aml.price_unit > 0
                       ) AS purchases
                 ORDER BY product_id, day DESC NULLS LAST, id DESC
                """,
                company=company.id,
                products=list(product_ids),
            )
        )
        uoms = self.env["uom.uom"].browse({row[2] for row in rows if row[2]})
        currencies = self.env["res.currency"].browse({row[3] for row in rows if row[3]})
        uom_by_id = {u.id: u for u in uoms}
        currency_by_id = {c.id: c for c in currencies}
        today = fields.Date.context_today(self)
        costs = {}
        for product_id, price, uom_id, currency_id, day in rows:
            product_uom = self.env["uom.uom"].browse(products[product_id]["uom_id"])
            if uom_id and uom_id != product_uom.id:
                price = uom_by_id[uom_id]._compute_price(price, product_uom)
            currency = currency_by_id.get(currency_id)
            if currency and currency != company.currency_id:
                price = currency._convert(price, company.currency_id, company, day or today)
            costs[product_id] = price
        return costs

    # ------------------------------------------------------------------ validation
    def _validate_recipes(self, recipes):
        """Refuse cycles, bad yields, quantities and units, naming what is wrong."""
        for company in recipes.company_id:
            book, products, converter = self._load_book(company)
            company_recipes = recipes.filtered(lambda r, c=company: r.company_id == c)
            try:
                book.validate(company_recipes.ids)
                for recipe in company_recipes:
                    sale_uom = products.get(recipe.product_id.id, {}).get("uom_id")
                    if sale_uom:
                        converter.factor(
                            sale_uom,
                            recipe.output_uom_id.id,
                            recipe.product_id.id,
                            product_name=recipe.product_id.display_name,
                        )
            except BohError as error:
                raise ValidationError(translate_core_error(self.env, error)) from error

    # ------------------------------------------------------------------ costing
    @api.model
    def _recost_recipes(self, recipes, cause):
        """Re-cost the companies of these recipes (everything that uses them moves too)."""
        for company in recipes.sudo().company_id:
            self._recompute_company(company, cause)

    @api.model
    def _schedule_recost(self, company, product_ids, cause):
        """Re-cost once at the end of the transaction, however many prices changed in it."""
        if not product_ids:
            return
        pending = self.env.cr.precommit.data.setdefault(RECOST_KEY, {})
        if not pending:
            costing = self.sudo()
            self.env.cr.precommit.add(costing._run_scheduled_recost)
        entry = pending.setdefault(company.id, {"products": set(), "causes": []})
        entry["products"].update(product_ids)
        if cause not in entry["causes"]:
            entry["causes"].append(cause)

    def _run_scheduled_recost(self):
        pending = self.env.cr.precommit.data.pop(RECOST_KEY, {})
        for company_id, entry in pending.items():
            domain = [
                ("product_id", "in", list(entry["products"])),
                ("company_id", "=", company_id),
            ]
            # a product goes into recipes (its cost, its allergens) or is made by one
            # (its price, taxes and own target)
            used = self.env["boh.recipe.line"].sudo().search_count(domain, limit=1) or self.env[
                "boh.recipe"
            ].sudo().search_count(domain, limit=1)
            if used:
                self._recompute_company(
                    self.env["res.company"].browse(company_id), "; ".join(entry["causes"])
                )

    @api.model
    def _recompute_company(self, company, cause):
        """Cost every recipe of the company, write what changed, record the cost impact.

        Returns the number of recipes whose stored cost changed.
        """
        self = self.sudo()
        book, products, converter = self._load_book(company)
        if not book.recipes:
            return 0
        try:
            costs = book.cost()
        except BohError as error:
            raise ValidationError(translate_core_error(self.env, error)) from error
        allergens = book.allergens()
        recipes = {recipe.id: recipe for recipe in book.recipes}
        new_rows = {}
        new_food_costs = {}
        for recipe_id, cost in costs.items():
            recipe = recipes[recipe_id]
            product = products[recipe.product]
            portion_cost = cost.per_unit * converter.factor(
                product["uom_id"], recipe.output_unit, recipe.product
            )
            if product["kind"] == "menu":
                taxes = _plain_taxes(product["taxes"])
                food_costing = food_cost(
                    portion_cost, product["list_price"], taxes, product["target"]
                )
            else:  # prep items are not sold: no price, no food cost %
                food_costing = food_cost(portion_cost, 0.0)
            new_food_costs[recipe_id] = food_costing
            new_rows[recipe_id] = (
                cost.total,
                cost.per_unit,
                portion_cost,
                cost.complete,
                ", ".join(str(products.get(p, {}).get("name", p)) for p in cost.missing) or None,
                food_costing.net_price,
                food_costing.food_cost_pct or 0.0,
                food_costing.margin,
                food_costing.target_pct or 0.0,
                food_costing.over_target,
            )
        old_rows, old_food_costs = self._read_stored_costs(list(new_rows), products, recipes)
        changed = [rid for rid, row in new_rows.items() if not _same_row(row, old_rows.get(rid))]
        if changed:
            self._write_costs({rid: new_rows[rid] for rid in changed})
            # a line's cost moves only with its recipe's: write the lines of those recipes
            self._write_line_costs(book, changed)
            self._log_portion_costs(
                {rid: old_rows[rid][2] for rid in changed if rid in old_food_costs},
                {rid: new_rows[rid][2] for rid in changed},
                cause,
            )
        self._write_allergens(allergens)
        self._record_impacts(
            company, cause, old_food_costs, new_food_costs, changed, recipes, products
        )
        _logger.debug(
            "Re-costed %s recipes of %s (%s changed)", len(costs), company.name, len(changed)
        )
        return len(changed)

    def _read_stored_costs(self, recipe_ids, products, recipes):
        rows = self.env.execute_query(
            SQL(
                """
                SELECT id, cost_total, cost_per_unit, portion_cost, cost_complete, cost_missing,
                       net_price, food_cost_pct, margin, target_food_cost_pct, over_target,
                       cost_date
                  FROM boh_recipe WHERE id = ANY(%s)
                """,
                recipe_ids,
            )
        )
        old_rows, old_food_costs = {}, {}
        for row in rows:
            rid = row[0]
            old_rows[rid] = tuple(row[1:11])
            if row[11] is None:  # never costed: nothing to compare with
                continue
            product = products[recipes[rid].product]
            old_food_costs[rid] = FoodCost(
                cost=row[3] or 0.0,
                price=product["list_price"],
                net_price=row[6] or 0.0,
                food_cost_pct=row[7] if row[6] else None,
                margin=row[8] or 0.0,
                target_pct=row[9] or None,
                over_target=bool(row[10]),
            )
        return old_rows, old_food_costs

    def _write_costs(self, rows):
        """One UPDATE for all changed recipes."""
        ids = list(rows)
        columns = list(zip(*(rows[rid] for rid in ids), strict=True))
        self.env.cr.execute(
            SQL(
                """
                UPDATE boh_recipe r
                   SET cost_total = v.cost_total, cost_per_unit = v.cost_per_unit,
                       portion_cost = v.portion_cost, cost_complete = v.cost_complete,
                       cost_missing = v.cost_missing, net_price = v.net_price,
                       food_cost_pct = v.food_cost_pct, margin = v.margin,
                       target_food_cost_pct = v.target, over_target = v.over_target,
                       cost_date = now() AT TIME ZONE 'UTC',
                       write_date = now() AT TIME ZONE 'UTC', write_uid = %s
                  FROM unnest(%s::int[], %s::numeric[], %s::float8[], %s::numeric[], %s::bool[],
                              %s::varchar[], %s::numeric[], %s::float8[], %s::numeric[],
                              %s::float8[], %s::bool[])
                       AS v(id, cost_total, cost_per_unit, portion_cost, cost_complete,
                            cost_missing, net_price, food_cost_pct, margin, target, over_target)
                 WHERE r.id = v.id
                """,
                self.env.uid,
                ids,
                *[list(column) for column in columns],
            )
        )
        self.env["boh.recipe"].browse(ids).invalidate_recordset()

    def _write_line_costs(self, book, recipe_ids):
        """Cost of each line for one batch, written in one UPDATE (only the changed ones)."""
        line_costs = book.line_costs(recipe_ids)
        if not line_costs:
            return
        ids = list(line_costs)
        self.env.cr.execute(
            SQL(
                """
                UPDATE boh_recipe_line l
                   SET cost = v.cost, write_date = now() AT TIME ZONE 'UTC', write_uid = %s
                  FROM unnest(%s::int[], %s::numeric[]) AS v(id, cost)
                 WHERE l.id = v.id AND l.cost IS DISTINCT FROM round(v.cost, 2)
                """,
                self.env.uid,
                ids,
                [line_costs[i] for i in ids],
            )
        )
        self.env["boh.recipe.line"].browse(ids).invalidate_recordset(
            ["cost", "write_date", "write_uid"]
        )

    def _log_portion_costs(self, old_costs, new_costs, cause):
        """Note the cost per portion of re-costed recipes for the chatter, posted once at the
        end of the transaction (:meth:`_post_portion_costs`), as Odoo posts its tracking.

        ``old_costs`` holds the recipes costed before: a first costing is no change.
        """
        pending = self.env.cr.precommit.data.setdefault(TRACKING_KEY, {})
        if not pending:
            self.env.cr.precommit.add(self.sudo()._post_portion_costs)
        for rid, old in old_costs.items():
            # several re-costs in one transaction: from the first cost to the last
            entry = pending.setdefault(rid, {"old": old or 0.0, "causes": []})
            entry["new"] = new_costs[rid]
            if cause and cause not in entry["causes"]:
                entry["causes"].append(cause)

    def _post_portion_costs(self):
        """A tracking message on each recipe whose cost per portion moved (by its currency's
        rounding), all created in one batch; none for the others."""
        pending = self.env.cr.precommit.data.pop(TRACKING_KEY, {})
        recipes = self.env["boh.recipe"].browse(list(pending)).exists()
        moved = recipes.filtered(
            lambda r: r.currency_id.compare_amounts(pending[r.id]["old"], pending[r.id]["new"])
        )
        if not moved:
            return
        column = moved.fields_get(["portion_cost"], attributes=("string", "type", "currency_field"))
        Tracking = self.env["mail.tracking.value"]
        author_id, email_from = moved._message_compute_author(raise_on_email=False)
        note = self.env["ir.model.data"]._xmlid_to_res_id("mail.mt_note")
        values = []
        for recipe in moved:
            entry = pending[recipe.id]
            tracking = Tracking._create_tracking_values(
                entry["old"], entry["new"], "portion_cost", column["portion_cost"], recipe
            )
            values.append(
                {
                    "author_id": author_id,
                    "email_from": email_from,
                    "model": moved._name,
                    "res_id": recipe.id,
                    "message_type": "notification",
                    "subtype_id": note,
                    "is_internal": True,
                    "body": escape("; ".join(entry["causes"])[:250]),
                    "tracking_value_ids": [Command.create(tracking)],
                }
            )
        moved._message_create(values)

    def _write_allergens(self, allergens):
        """Replace the rolled-up allergens of recipes whose set changed."""
        rows = self.env.execute_query(
            SQL(
                "SELECT recipe_id, array_agg(allergen_id) FROM boh_allergen_recipe_rel "
                "WHERE recipe_id = ANY(%s) GROUP BY recipe_id",
                list(allergens),
            )
        )
        current = {rid: frozenset(ids) for rid, ids in rows}
        changed = [rid for rid, ids in allergens.items() if current.get(rid, frozenset()) != ids]
        if not changed:
            return
        self.env.cr.execute(
            SQL("DELETE FROM boh_allergen_recipe_rel WHERE recipe_id = ANY(%s)", changed)
        )
        pairs = [(rid, aid) for rid in changed for aid in allergens[rid]]
        if pairs:
            self.env.cr.execute(
                SQL(
                    "INSERT INTO boh_allergen_recipe_rel (recipe_id, allergen_id) "
                    "SELECT * FROM unnest(%s::int[], %s::int[])",
                    [p[0] for p in pairs],
                    [p[1] for p in pairs],
                )
            )
        self.env["boh.recipe"].browse(changed).invalidate_recordset(["allergen_ids"])

    def _record_impacts(
        self, company, cause, old_food_costs, new_food_costs, changed, recipes, products
    ):
        """A cost impact line per menu item whose food cost % moved."""
        menu_ids = {rid for rid in changed if products[recipes[rid].product]["kind"] == "menu"}
        old = {rid: food_costing for rid, food_costing in old_food_costs.items() if rid in menu_ids}
        new = {rid: new_food_costs[rid] for rid in old}
        impacts = cost_impact(old, new, min_change_pct=0.005)
        if not impacts:
            return
        now = fields.Datetime.now()
        records = self.env["boh.cost.impact"].create(
            [
                {
                    "date": now,
                    "company_id": company.id,
                    "recipe_id": impact.key,
                    "product_id": recipes[impact.key].product,
                    "cause": cause[:250],
                    "old_cost": impact.old.cost,
                    "new_cost": impact.new.cost,
                    "old_food_cost_pct": impact.old.food_cost_pct or 0.0,
                    "new_food_cost_pct": impact.new.food_cost_pct or 0.0,
                    "change_pct": (impact.new.food_cost_pct or 0.0)
                    - (impact.old.food_cost_pct or 0.0),
                    "abs_change": abs(
                        (impact.new.food_cost_pct or 0.0) - (impact.old.food_cost_pct or 0.0)
                    ),
                    "target_food_cost_pct": impact.new.target_pct or 0.0,
                    "crossed_target": impact.crossed_target or False,
                }
                for impact in impacts
            ]
        )
        records._notify_above_threshold()

    # ------------------------------------------------------------------ explosion
    @api.model
    def _explode(self, company, demand, each=False):
        """Ingredients for ``demand`` = [(product_id, qty, uom_id)], in one pass."""
        book, _products, _converter = self.sudo()._load_book(company)
        try:
            if each:
                return book.explode_each(list(demand))
            return book.explode(demand)
        except BohError as error:
            raise ValidationError(translate_core_error(self.env, error)) from error


def _plain_taxes(taxes):
    """The taxes included in a menu price, as plain ``boh_core.food_cost`` taxes.

    Restaurants usually show prices with tax included and configure their taxes so; a tax
    that Odoo adds on top of the price does not reduce the net price.
    """
    plain = []
    for tax in taxes.flatten_taxes_hierarchy() if taxes else taxes:
        if not tax.price_include:
            continue
        if tax.amount_type in ("percent", "division"):
            plain.append(Tax("percent", tax.amount))
        elif tax.amount_type == "fixed":
            plain.append(Tax("fixed", tax.amount))
    return plain


def _same_row(new, old):
    if old is None:
        return False
    for a, b in zip(new, old, strict=True):
        if isinstance(a, float) or isinstance(b, float):
            if round(float(a or 0.0), 6) != round(float(b or 0.0), 6):
                return False
        elif (a or None) != (b or None):
            return False
    return True
