"""Recipes: validation, cost roll-up, explosion into ingredients, allergens and where-used.

A recipe makes ``output_qty`` of ``output_unit`` of a product, of which ``yield_pct`` percent is
usable (85: 10 kg raw give 8.5 kg; 260: 1 kg of rice gives 2.6 kg cooked). Each line puts
``qty`` (net) of a component in; because of trim and waste the gross quantity consumed is
``qty / (1 - waste_pct / 100)``. A component is an ingredient (a product with no recipe, bought
and stocked in its own unit) or the product of another recipe (a sub-recipe, to any depth, used
in the sub-recipe's output unit). A set meal is a recipe whose lines are menu items.

A *stocked* prep item (a sauce made ahead at the central kitchen or in a store, with stock of
its own) ends the explosion: sales, waste and demand use the item itself, and only its
production uses its ingredients. The book takes the stocked products and the unit each is
stocked in (``stocked``); ``explode`` and ``explode_each`` stop there unless told otherwise
(``stop_at``), while costing still rolls up through them.

Recipes form a directed acyclic graph. ``RecipeBook`` walks it once in post-order and memoises
per-recipe results (cost, "ingredients per output unit" vectors, allergens), so a sauce used by
a thousand dishes is costed once and a hundred thousand sold items explode in well under a
second. The book is immutable once built: its caches never go stale.
"""

from __future__ import annotations

import math
from collections import defaultdict, deque
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from boh_core.errors import BohError, msg
from boh_core.units import Key, UnitConverter, _fmt, _is_number


@dataclass(frozen=True)
class RecipeLine:
    """``qty`` (net, after waste) of ``component`` in ``unit``, with ``waste_pct`` trimmed off."""

    component: Key
    qty: float
    unit: Key
    waste_pct: float = 0.0
    line_id: Key | None = None


@dataclass(frozen=True)
class Recipe:
    """How to make ``output_qty`` of ``output_unit`` of ``product``; ``yield_pct`` is usable."""

    id: Key
    product: Key
    output_qty: float
    output_unit: Key
    yield_pct: float = 100.0
    lines: tuple[RecipeLine, ...] = ()
    name: str = ""


@dataclass(frozen=True)
class Ingredient:
    """A bought product, stocked and costed in ``unit``; ``unit_cost`` None means unknown."""

    product: Key
    unit: Key
    unit_cost: float | None
    name: str = ""
    allergens: frozenset = frozenset()


@dataclass(frozen=True)
class RecipeCost:
    """Cost of a recipe: ``total`` per batch, ``per_unit`` per usable unit of output."""

    recipe: Key
    total: float
    per_unit: float
    complete: bool
    missing: tuple


def _fmt_id(value: Key) -> str:
    return value if isinstance(value, str) else repr(value)


class RecipeBook:
    """An immutable, indexed set of recipes and ingredients with memoised roll-ups.

    When a product has both a recipe and an ``Ingredient`` entry, the recipe wins: the product
    is costed and exploded through its recipe (as Odoo's mrp does for a product with a BoM).
    """

    def __init__(
        self,
        recipes: Iterable[Recipe],
        ingredients: Iterable[Ingredient],
        converter: UnitConverter,
        stocked: Mapping[Key, Key] | None = None,
    ) -> None:
        """Index recipes by id and product, and ingredients by product.

        ``stocked`` maps the products of stocked prep recipes to the unit they are stocked
        in: the default place where ``explode`` stops (costing is not affected).

        Raises ``BohError`` when a product has two recipes (field ``product``), a recipe id is
        repeated (field ``id``), an ingredient cost is not a finite number (field
        ``unit_cost``) or a line uses a product that is neither an ingredient nor made by a
        recipe (field ``component``).
        """
        self._converter = converter
        self._recipes: dict[Key, Recipe] = {}
        self._by_product: dict[Key, Recipe] = {}
        self._index_recipes(recipes)
        self._ingredients: dict[Key, Ingredient] = {}
        for ingredient in ingredients:
            self._check_ingredient(ingredient)
            self._ingredients[ingredient.product] = ingredient
        # product -> ids of the recipes using it directly, for where_used.
        self._users: dict[Key, set[Key]] = defaultdict(set)
        # recipe id -> ids of its direct sub-recipes, in line order, for the DAG walks.
        self._children: dict[Key, tuple[Key, ...]] = {}
        self._index_lines()

        self._valid: set[Key] = set()
        # recipe id -> ((component, gross qty in the component's unit per batch), ...).
        self._gross: dict[Key, tuple[tuple[Key, float], ...]] = {}
        self._costs: dict[Key, RecipeCost] = {}
        # stop set -> recipe id -> ingredients (or stocked items) per usable output unit
        self._vectors_by_stop: dict[frozenset, dict[Key, dict[Key, float]]] = {}
        self._stocked: dict[Key, Key] = dict(stocked or {})
        self._allergens: dict[Key, frozenset] = {}

    def _index_recipes(self, recipes: Iterable[Recipe]) -> None:
        """Index recipes by id and by product; one recipe per id and per product."""
        for recipe in recipes:
            if recipe.id in self._recipes:
                raise BohError(
                    "id",
                    recipe.id,
                    msg(
                        "recipes.id.recipe_used_two",
                        id=_fmt_id(recipe.id),
                        recipes=self._label(self._recipes[recipe.id]),
                        recipe=self._label(recipe),
                    ),
                )
            other = self._by_product.get(recipe.product)
            if other is not None:
                raise BohError(
                    "product",
                    recipe.product,
                    msg(
                        "recipes.product.has_two_recipes",
                        product=_fmt_id(recipe.product),
                        other=self._label(other),
                        recipe=self._label(recipe),
                    ),
                )
            self._recipes[recipe.id] = recipe
            self._by_product[recipe.product] = recipe

    def _index_lines(self) -> None:
        """Who uses each product, and each recipe's sub-recipes; every component known."""
        for recipe in self._recipes.values():
            children: dict[Key, None] = {}
            for line in recipe.lines:
                sub = self._by_product.get(line.component)
                if sub is not None:
                    children[sub.id] = None
                elif line.component not in self._ingredients:
                    raise BohError(
                        "component",
                        line.component,
                        msg(
                            "recipes.component.recipe_uses_product",
                            recipe=self._label(recipe),
                            component=_fmt_id(line.component),
                        ),
                    )
                self._users[line.component].add(recipe.id)
            self._children[recipe.id] = tuple(children)

    # -- lookups --------------------------------------------------------------------------

    @property
    def converter(self) -> UnitConverter:
        """The unit converter the book costs and explodes with."""
        return self._converter

    @property
    def recipes(self) -> tuple[Recipe, ...]:
        """Every recipe of the book, in the order given."""
        return tuple(self._recipes.values())

    def line_costs(self, recipe_ids: Iterable[Key] | None = None) -> dict[Key, float | None]:
        """Cost of each line (keyed by ``line_id``) for one batch of its recipe, waste included.

        ``None`` for a line whose component has no cost at any depth.
        """
        costs = self.cost(recipe_ids)
        result: dict[Key, float | None] = {}
        for rid in costs:
            recipe = self._recipes[rid]
            for line, (component, gross) in zip(recipe.lines, self._gross[rid], strict=True):
                sub = self._by_product.get(component)
                if sub is not None:
                    sub_cost = self._costs[sub.id]  # costed (memoised) with its user above
                    unit_cost = sub_cost.per_unit if sub_cost.complete else None
                else:
                    unit_cost = self._ingredients[component].unit_cost
                result[line.line_id] = None if unit_cost is None else gross * unit_cost
        return result

    def recipe_for_product(self, product: Key) -> Recipe | None:
        """The recipe that makes ``product``, or None for an ingredient or unknown product."""
        return self._by_product.get(product)

    def recipe(self, recipe_id: Key) -> Recipe:
        """The recipe with this id; an unknown id raises ``BohError(field="recipe")``."""
        try:
            return self._recipes[recipe_id]
        except (KeyError, TypeError):
            raise BohError(
                "recipe",
                recipe_id,
                msg("recipes.recipe.unknown_pass_id", recipe_id=_fmt_id(recipe_id)),
            ) from None

    # -- validation -----------------------------------------------------------------------

    def find_cycle(self, recipe_ids: Iterable[Key] | None = None) -> tuple | None:
        """A chain of recipe ids that uses itself (first == last), or None when acyclic."""
        _order, cycle = self._walk(self._roots(recipe_ids))
        return cycle

    def validate(self, recipe_ids: Iterable[Key] | None = None) -> None:
        """Check the given recipes (all when None) and every sub-recipe they reach.

        Raises the first problem found as ``BohError``: a cycle (field ``lines``), a yield
        that is not a number above 0 (``yield_pct``), an output quantity not above 0
        (``output_qty``), a negative or non-finite line quantity (``qty``), a waste outside
        [0, 100) (``waste_pct``) or a line unit that does not convert to the component's unit
        (``uom``).
        """
        self._validated_order(self._roots(recipe_ids))

    # -- roll-ups -------------------------------------------------------------------------

    def cost(self, recipe_ids: Iterable[Key] | None = None) -> dict[Key, RecipeCost]:
        """Cost of each given recipe (all when None), validated and memoised over the DAG.

        An ingredient without a cost counts as 0 and makes the result incomplete, listing the
        product in ``missing``. Nothing is rounded.
        """
        roots = self._roots(recipe_ids)
        for rid in self._validated_order(roots):
            if rid not in self._costs:
                self._costs[rid] = self._cost_one(rid)
        return {rid: self._costs[rid] for rid in roots}

    def explode(
        self,
        demand: Iterable[tuple[Key, float, Key]],
        stop_at: Mapping[Key, Key] | None = None,
    ) -> dict[Key, float]:
        """Total quantity of each ingredient, in its own unit, needed by ``demand``.

        ``demand`` rows are ``(product, qty, unit)``: a recipe product exploded through every
        level with yield and waste applied, or an ingredient passed through (converted to its
        unit). Negative quantities (refunds) subtract. The explosion stops at the products of
        ``stop_at`` (product -> the unit it is stocked in; the book's ``stocked`` when None,
        ``{}`` to explode everything): they are used as such, in that unit.
        """
        stops = self._stops(stop_at)
        # Sum the demand per (product, unit) first so each distinct item is exploded once,
        # whatever the number of rows.
        summed: dict[tuple[Key, Key], float] = defaultdict(float)
        for index, row in enumerate(demand):
            product, qty, unit = self._check_row(index, row)
            summed[(product, unit)] += qty
        vectors = self._prepare_vectors((product for product, _unit in summed), stops)
        stop_units = dict(stops)
        totals: dict[Key, float] = defaultdict(float)
        for (product, unit), qty in summed.items():
            used = self._explode_one(product, qty, unit, vectors, stop_units)
            for ingredient, amount in used.items():
                totals[ingredient] += amount
        return dict(totals)

    def explode_each(
        self,
        demand: Sequence[tuple[Key, float, Key]],
        stop_at: Mapping[Key, Key] | None = None,
    ) -> list[dict[Key, float]]:
        """Like ``explode``, one dict per demand row, in order (for per-order depletion)."""
        stops = self._stops(stop_at)
        rows = [self._check_row(index, row) for index, row in enumerate(demand)]
        vectors = self._prepare_vectors((product for product, _qty, _unit in rows), stops)
        stop_units = dict(stops)
        return [
            self._explode_one(product, qty, unit, vectors, stop_units)
            for product, qty, unit in rows
        ]

    def ingredients_per_unit(
        self, recipe_id: Key, stop_at: Mapping[Key, Key] | None = None
    ) -> dict[Key, float]:
        """Ingredient quantities (own units) per one usable ``output_unit`` of the recipe.

        Stocked sub-recipes (``stop_at``, as for ``explode``) are used as such, in their
        stock unit; the recipe itself is always opened: this is what producing it uses.
        """
        recipe = self.recipe(recipe_id)
        stops = self._stops(stop_at)
        vectors = self._prepare_vectors([recipe.product], stops, open_roots=True)
        return dict(vectors[recipe_id])

    @property
    def stocked(self) -> dict[Key, Key]:
        """The stocked products the explosion stops at by default, with their stock unit."""
        return dict(self._stocked)

    def allergens(self, recipe_ids: Iterable[Key] | None = None) -> dict[Key, frozenset]:
        """Union of the allergens of every ingredient each recipe uses, at any depth."""
        roots = self._roots(recipe_ids)
        order, cycle = self._walk(roots)
        if cycle is not None:
            raise self._cycle_error(cycle)
        for rid in order:
            if rid in self._allergens:
                continue
            found: set = set()
            for line in self._recipes[rid].lines:
                sub = self._by_product.get(line.component)
                if sub is not None:
                    found |= self._allergens[sub.id]
                else:
                    found |= self._ingredients[line.component].allergens
            self._allergens[rid] = frozenset(found)
        return {rid: self._allergens[rid] for rid in roots}

    def where_used(self, products: Iterable[Key]) -> set[Key]:
        """Ids of the recipes that use any of ``products``, directly or through sub-recipes."""
        if isinstance(products, str | bytes):
            # A lone string key would otherwise be iterated character by character.
            products = [products]
        used: set[Key] = set()
        queue = deque(products)
        seen = set(queue)
        while queue:
            product = queue.popleft()
            for rid in self._users.get(product, ()):
                if rid in used:
                    continue
                used.add(rid)
                made = self._recipes[rid].product
                if made not in seen:
                    seen.add(made)
                    queue.append(made)
        return used

    # -- internals: graph -----------------------------------------------------------------

    @staticmethod
    def _label(recipe: Recipe) -> str:
        return f"'{recipe.name}'" if recipe.name else _fmt_id(recipe.id)

    def _component_name(self, product: Key) -> str:
        """The name a person knows a component by: its recipe's, its ingredient's, or ""."""
        sub = self._by_product.get(product)
        if sub is not None and sub.name:
            return sub.name
        ingredient = self._ingredients.get(product)
        return ingredient.name if ingredient is not None else ""

    def _component_label(self, product: Key) -> str:
        name = self._component_name(product)
        return f"'{name}'" if name else _fmt_id(product)

    def _component_unit(self, product: Key) -> Key:
        sub = self._by_product.get(product)
        return sub.output_unit if sub is not None else self._ingredients[product].unit

    def _roots(self, recipe_ids: Iterable[Key] | None) -> list[Key]:
        if recipe_ids is None:
            return list(self._recipes)
        if isinstance(recipe_ids, str | bytes):
            # A lone string id would otherwise be iterated character by character.
            recipe_ids = [recipe_ids]
        roots = list(dict.fromkeys(recipe_ids))
        for rid in roots:
            self.recipe(rid)
        return roots

    def _walk(self, roots: Iterable[Key]) -> tuple[list[Key], tuple | None]:
        """Post-order (sub-recipes first) of everything reachable, or the first cycle met.

        Iterative, so a deep chain of sub-recipes cannot hit Python's recursion limit.
        """
        done: set[Key] = set()
        order: list[Key] = []
        for root in roots:
            if root in done:
                continue
            path = [root]
            on_path = {root: 0}
            stack = [iter(self._children[root])]
            while stack:
                for child in stack[-1]:
                    if child in on_path:
                        return order, tuple(path[on_path[child] :]) + (child,)
                    if child not in done:
                        on_path[child] = len(path)
                        path.append(child)
                        stack.append(iter(self._children[child]))
                        break
                else:
                    stack.pop()
                    node = path.pop()
                    del on_path[node]
                    done.add(node)
                    order.append(node)
        return order, None

    def _cycle_error(self, cycle: tuple) -> BohError:
        chain = " -> ".join(self._recipes[rid].name or str(rid) for rid in cycle)
        first = self._recipes[cycle[0]]
        if len(cycle) == 2:
            detail = f"recipe {self._label(first)} uses its own product"
        else:
            detail = "these recipes use each other's products in a loop"
        return BohError(
            "lines",
            cycle,
            msg("recipes.lines.recipes_form_cycle", chain=chain, detail=detail),
        )

    def _validated_order(self, roots: list[Key]) -> list[Key]:
        order, cycle = self._walk(roots)
        if cycle is not None:
            raise self._cycle_error(cycle)
        for rid in order:
            if rid not in self._valid:
                self._validate_one(self._recipes[rid])
                self._valid.add(rid)
        return order

    # -- internals: per recipe ------------------------------------------------------------

    def _check_ingredient(self, ingredient: Ingredient) -> None:
        cost = ingredient.unit_cost
        name = f"'{ingredient.name}'" if ingredient.name else _fmt_id(ingredient.product)
        if cost is not None and (not _is_number(cost) or not math.isfinite(cost)):
            raise BohError(
                "unit_cost",
                cost,
                msg("recipes.unit_cost.ingredient_has_which", name=name, cost=cost),
            )
        known = self._ingredients.get(ingredient.product)
        if known is not None and known != ingredient:
            raise BohError(
                "product",
                ingredient.product,
                msg("recipes.product.ingredient_listed_twice", name=name),
            )

    def _validate_one(self, recipe: Recipe) -> None:
        label = self._label(recipe)
        yield_pct = recipe.yield_pct
        if not _is_number(yield_pct) or not math.isfinite(yield_pct) or yield_pct <= 0:
            raise BohError(
                "yield_pct",
                yield_pct,
                msg("recipes.yield_pct.recipe_has_number", label=label, yield_pct=yield_pct),
            )
        output_qty = recipe.output_qty
        if not _is_number(output_qty) or not math.isfinite(output_qty) or output_qty <= 0:
            raise BohError(
                "output_qty",
                output_qty,
                msg(
                    "recipes.output_qty.recipe_makes_quantity",
                    label=label,
                    output_qty=output_qty,
                    output_unit=self._converter.unit_name(recipe.output_unit),
                ),
            )
        try:
            self._converter.unit(recipe.output_unit)
        except BohError as error:
            raise BohError(
                "uom",
                recipe.output_unit,
                msg(
                    "recipes.uom.recipe_has_output",
                    label=label,
                    output_unit=_fmt_id(recipe.output_unit),
                ),
            ) from error
        gross: list[tuple[Key, float]] = []
        for line in recipe.lines:
            gross.append((line.component, self._validate_line(recipe, line)))
        self._gross[recipe.id] = tuple(gross)

    def _validate_line(self, recipe: Recipe, line: RecipeLine) -> float:
        """Check one line and return its gross quantity in the component's own unit.

        Long because it reads the line field by field, each refusal (a message code with its
        parameters) next to its own check; helpers would move the messages away from them.
        """
        label = self._label(recipe)
        component = self._component_label(line.component)
        qty = line.qty
        if not _is_number(qty) or not math.isfinite(qty) or qty < 0:
            raise BohError(
                "qty",
                qty,
                msg(
                    "recipes.qty.recipe_uses_quantity",
                    label=label,
                    qty=qty,
                    unit=self._converter.unit_name(line.unit),
                    component=component,
                ),
            )
        waste = line.waste_pct
        if not _is_number(waste) or not math.isfinite(waste) or not 0 <= waste < 100:
            raise BohError(
                "waste_pct",
                waste,
                msg(
                    "recipes.waste_pct.recipe_has_least",
                    label=label,
                    waste=waste,
                    component=component,
                ),
            )
        target = self._component_unit(line.component)
        for unit_id in (line.unit, target):
            try:
                self._converter.unit(unit_id)
            except BohError as error:
                raise BohError(
                    "uom",
                    unit_id,
                    msg(
                        "recipes.uom.recipe_uses_unit",
                        label=label,
                        component=component,
                        unit_id=_fmt_id(unit_id),
                    ),
                ) from error
        try:
            factor = self._converter.factor(
                line.unit, target, line.component, self._component_name(line.component)
            )
        except BohError as error:
            source = self._converter.unit(line.unit)
            goal = self._converter.unit(target)
            how = "made" if line.component in self._by_product else "stocked"
            raise BohError(
                "uom",
                qty,
                msg(
                    "recipes.uom.recipe_uses_but",
                    label=label,
                    qty=_fmt(qty),
                    unit=self._converter.unit_name(line.unit),
                    component=component,
                    how=how,
                    target=self._converter.unit_name(target),
                    category=source.category,
                    category_2=goal.category,
                ),
            ) from error
        return qty / (1.0 - waste / 100.0) * factor

    def _usable(self, recipe: Recipe) -> float:
        return recipe.output_qty * recipe.yield_pct / 100.0

    def _cost_one(self, rid: Key) -> RecipeCost:
        recipe = self._recipes[rid]
        total = 0.0
        missing: set = set()
        for component, gross in self._gross[rid]:
            sub = self._by_product.get(component)
            if sub is not None:
                sub_cost = self._costs[sub.id]
                total += gross * sub_cost.per_unit
                missing.update(sub_cost.missing)
            else:
                unit_cost = self._ingredients[component].unit_cost
                if unit_cost is None:
                    missing.add(component)
                else:
                    total += gross * unit_cost
        return RecipeCost(
            recipe=rid,
            total=total,
            per_unit=total / self._usable(recipe),
            complete=not missing,
            missing=tuple(sorted(missing, key=repr)),
        )

    def _stops(self, stop_at: Mapping[Key, Key] | None) -> frozenset:
        """The stop set as a hashable key; every stopped product must have a recipe."""
        stops = self._stocked if stop_at is None else stop_at
        for product, unit in stops.items():
            if product not in self._by_product:
                raise BohError(
                    "stocked",
                    product,
                    msg("recipes.stocked.no_recipe", product=self._component_label(product)),
                )
            self._converter.unit(unit)
        return frozenset(stops.items())

    def _prepare_vectors(
        self, products: Iterable[Key], stops: frozenset, open_roots: bool = False
    ) -> dict[Key, dict[Key, float]]:
        """Per-unit vectors of the recipes making ``products`` under ``stops`` (memoised).

        A stocked product demanded itself needs no vector (it is used as such) unless
        ``open_roots`` asks for what producing it takes.
        """
        vectors = self._vectors_by_stop.setdefault(stops, {})
        stop_units = dict(stops)
        roots = []
        for product in dict.fromkeys(products):
            recipe = self._by_product.get(product)
            if recipe is None or recipe.id in vectors:
                continue
            if product in stop_units and not open_roots:
                continue
            roots.append(recipe.id)
        if not roots:
            return vectors
        for rid in self._validated_order(roots):
            if rid not in vectors:
                vectors[rid] = self._vector_of(rid, vectors, stop_units)
        return vectors

    def _vector_of(
        self, rid: Key, vectors: dict[Key, dict[Key, float]], stop_units: dict[Key, Key]
    ) -> dict[Key, float]:
        """One recipe's vector; its sub-recipes' vectors are already in ``vectors``."""
        usable = self._usable(self._recipes[rid])
        vector: dict[Key, float] = defaultdict(float)
        for component, gross in self._gross[rid]:
            per_output = gross / usable
            sub = self._by_product.get(component)
            if sub is None:
                vector[component] += per_output
            elif component in stop_units:
                factor = self._converter.factor(
                    sub.output_unit,
                    stop_units[component],
                    component,
                    self._component_name(component),
                )
                vector[component] += per_output * factor
            else:
                for ingredient, amount in vectors[sub.id].items():
                    vector[ingredient] += per_output * amount
        return dict(vector)

    def _check_row(self, index: int, row: tuple[Key, float, Key]) -> tuple[Key, float, Key]:
        try:
            product, qty, unit = row
        except (TypeError, ValueError):
            raise BohError(
                "demand",
                row,
                msg("recipes.demand.row_each_row", index=index + 1, row=row),
            ) from None
        if not _is_number(qty) or not math.isfinite(qty):
            raise BohError(
                "qty",
                qty,
                msg(
                    "recipes.qty.demand_row_asks",
                    index=index + 1,
                    qty=qty,
                    product=self._component_label(product),
                ),
            )
        try:
            known = product in self._by_product or product in self._ingredients
        except TypeError:
            known = False
        if not known:
            raise BohError(
                "product",
                product,
                msg("recipes.product.demand_row_names", index=index + 1, product=_fmt_id(product)),
            )
        return product, qty, unit

    def _explode_one(
        self,
        product: Key,
        qty: float,
        unit: Key,
        vectors: dict[Key, dict[Key, float]],
        stop_units: Mapping[Key, Key],
    ) -> dict[Key, float]:
        recipe = self._by_product.get(product)
        name = self._component_name(product)
        if product in stop_units:
            target = stop_units[product]
            return {product: self._converter.convert(qty, unit, target, product, name)}
        if recipe is None:
            target = self._ingredients[product].unit
            return {product: self._converter.convert(qty, unit, target, product, name)}
        scale = self._converter.convert(qty, unit, recipe.output_unit, product, name)
        return {ingredient: scale * amount for ingredient, amount in vectors[recipe.id].items()}
