"""Micro-benchmark of the pure recipe core: build a RecipeBook, cost everything, explode sales.

Run ``python bench/bench_recipe_core.py --size small`` (a tenth of the catalogue, for CI) or
``--size full`` (300 ingredients, 200 prep recipes in 3 levels, 2,000 menu items of ~10 lines,
100,000 demand rows). The catalogue is deterministic for a given seed; ``make_catalogue`` is
importable so the Odoo-side benchmark can load the very same data into mrp.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

# Allow running the script from a checkout without installing boh_core.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from boh_core.recipes import Ingredient, Recipe, RecipeBook, RecipeLine  # noqa: E402
from boh_core.units import Unit, UnitConverter  # noqa: E402

# Unit ids match the names of Odoo's default units so an adapter can map them by name.
UNITS = (
    Unit("kg", "Weight", 1.0, "kg"),
    Unit("g", "Weight", 1000.0, "g"),
    Unit("case_6kg", "Weight", 1.0 / 6.0, "Case 6 kg"),
    Unit("L", "Volume", 1.0, "L"),
    Unit("ml", "Volume", 1000.0, "ml"),
    Unit("Units", "Unit", 1.0, "Units"),
)
# The units a recipe line may use for a component stocked or made in a given category.
_LINE_UNITS = {"Weight": ("kg", "g", "g"), "Volume": ("L", "ml", "ml"), "Unit": ("Units",)}
_CATEGORY = {unit.id: unit.category for unit in UNITS}
_ALLERGENS = ("gluten", "milk", "egg", "nuts", "soy", "fish", "shellfish", "sesame")

SIZES = {
    "small": {"n_ingredients": 30, "n_preps": 20, "n_menu": 200, "n_demand": 10_000},
    "full": {"n_ingredients": 300, "n_preps": 200, "n_menu": 2_000, "n_demand": 100_000},
}


def _line(rng: random.Random, component: str, unit: str) -> RecipeLine:
    """A line using ``component`` in a unit of the same category as ``unit``."""
    line_unit = rng.choice(_LINE_UNITS[_CATEGORY[unit]])
    # Quantities sized for the unit so costs stay plausible: grams and ml in the tens.
    big = line_unit in ("g", "ml")
    qty = round(rng.uniform(5, 250) if big else rng.uniform(0.01, 2.0), 3)
    waste = rng.choice((0.0, 0.0, 0.0, 5.0, 10.0, 25.0))
    return RecipeLine(component=component, qty=qty, unit=line_unit, waste_pct=waste)


def make_catalogue(
    n_ingredients: int,
    n_preps: int,
    n_menu: int,
    lines_per_recipe: int,
    seed: int = 0,
) -> tuple[list[Unit], list[Ingredient], list[Recipe]]:
    """A deterministic synthetic catalogue: units, ingredients and recipes.

    Ingredients are stocked in kg, g, L, ml, Units or a "Case 6 kg" unit. Prep recipes come
    in 3 levels (level 1 uses ingredients only; levels 2 and 3 also use lower-level preps)
    and are made in kg or L with yields between 70% and 260%. Menu items are made per
    portion ("Units") from ingredients and preps, about ``lines_per_recipe`` lines each
    (preps use about half as many). Products are strings: ``ING0001``, ``PREP001``,
    ``MENU0001``; recipe ids are ``R-`` plus the product.
    """
    rng = random.Random(seed)
    ingredients = []
    stock_units = ("kg", "kg", "g", "L", "ml", "Units", "case_6kg")
    for index in range(n_ingredients):
        unit = rng.choice(stock_units)
        per_kg = rng.uniform(0.5, 40.0)
        # Cost per stock unit from a cost per kg/L/each, so g and cases are priced sensibly.
        cost = {"g": per_kg / 1000, "ml": per_kg / 1000, "case_6kg": per_kg * 6}.get(unit, per_kg)
        allergens = frozenset(rng.sample(_ALLERGENS, rng.choice((0, 0, 0, 1, 2))))
        ingredients.append(
            Ingredient(
                product=f"ING{index:04d}",
                unit=unit,
                unit_cost=round(cost, 4),
                name=f"Ingredient {index}",
                allergens=allergens,
            )
        )

    recipes: list[Recipe] = []
    # (product, unit) of everything a later recipe may use.
    available = [(ing.product, ing.unit) for ing in ingredients]
    levels = 3
    per_level = [n_preps // levels + (1 if i < n_preps % levels else 0) for i in range(levels)]
    number = 0
    for level_size in per_level:
        made = []
        for _ in range(level_size):
            product = f"PREP{number:03d}"
            number += 1
            unit = rng.choice(("kg", "L"))
            n_lines = max(1, lines_per_recipe // 2 + rng.randint(-1, 1))
            components = rng.sample(available, min(n_lines, len(available)))
            recipes.append(
                Recipe(
                    id=f"R-{product}",
                    product=product,
                    output_qty=rng.choice((1.0, 2.0, 5.0, 10.0)),
                    output_unit=unit,
                    yield_pct=rng.choice((70.0, 85.0, 90.0, 100.0, 100.0, 260.0)),
                    lines=tuple(_line(rng, comp, comp_unit) for comp, comp_unit in components),
                    name=f"Prep {product}",
                )
            )
            made.append((product, unit))
        # Later levels may use these preps; the level order keeps the graph acyclic.
        available.extend(made)

    for index in range(n_menu):
        product = f"MENU{index:04d}"
        n_lines = max(1, lines_per_recipe + rng.randint(-2, 2))
        components = rng.sample(available, min(n_lines, len(available)))
        recipes.append(
            Recipe(
                id=f"R-{product}",
                product=product,
                output_qty=1.0,
                output_unit="Units",
                yield_pct=100.0,
                lines=tuple(_line(rng, comp, comp_unit) for comp, comp_unit in components),
                name=f"Menu item {index}",
            )
        )
    return list(UNITS), ingredients, recipes


def make_demand(recipes: list[Recipe], n_rows: int, seed: int = 0) -> list[tuple[str, float, str]]:
    """``n_rows`` deterministic sales rows (menu product, portions, "Units")."""
    rng = random.Random(seed)
    menu = [recipe.product for recipe in recipes if recipe.product.startswith("MENU")]
    return [(rng.choice(menu), float(rng.randint(1, 4)), "Units") for _ in range(n_rows)]


def run(size: str, seed: int = 0) -> dict[str, float]:
    """Build, cost all and explode for ``size``; return the timings in seconds."""
    params = SIZES[size]
    units, ingredients, recipes = make_catalogue(
        params["n_ingredients"], params["n_preps"], params["n_menu"], 10, seed
    )
    demand = make_demand(recipes, params["n_demand"], seed)

    start = time.perf_counter()
    book = RecipeBook(recipes, ingredients, UnitConverter(units))
    built = time.perf_counter()
    costs = book.cost()
    costed = time.perf_counter()
    totals = book.explode(demand)
    exploded = time.perf_counter()

    # Guard against timing a no-op: every recipe costed, some ingredients consumed.
    assert len(costs) == len(recipes) and all(c.complete for c in costs.values())
    assert totals and all(qty >= 0 for qty in totals.values())
    return {"build": built - start, "cost_all": costed - built, "explode": exploded - costed}


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point: print one line of timings."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", choices=sorted(SIZES), default="small")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    timings = run(args.size, args.seed)
    print(
        f"recipe_core: build {timings['build']:.4f} s, cost-all {timings['cost_all']:.4f} s, "
        f"explode {timings['explode']:.4f} s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
