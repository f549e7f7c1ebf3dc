"""Recipe book: costing by hand-computed numbers, validation, explosion, allergens, where-used."""

from __future__ import annotations

import math

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from boh_core.errors import BohError
from boh_core.recipes import Ingredient, Recipe, RecipeBook, RecipeLine
from boh_core.units import ProductConversion, Unit, UnitConverter

UNITS = [
    Unit("kg", "weight", 1.0, "kg"),
    Unit("g", "weight", 1000.0, "g"),
    Unit("case6", "weight", 1.0 / 6.0, "Case 6 kg"),
    Unit("L", "volume", 1.0, "L"),
    Unit("ml", "volume", 1000.0, "ml"),
    Unit("each", "count", 1.0, "Units"),
]
CONVERTER = UnitConverter(
    UNITS,
    [
        ProductConversion("egg", "each", 1.0, "g", 55.0),
        ProductConversion("oil", "L", 1.0, "kg", 0.92),
    ],
)

INGREDIENTS = [
    Ingredient("beef", "kg", 12.0, "Beef mince"),
    Ingredient("bun", "each", 0.5, "Bun", frozenset({"gluten", "sesame"})),
    Ingredient("flour", "case6", 9.0, "Flour", frozenset({"gluten"})),  # 1.50 per kg
    Ingredient("egg", "each", 0.3, "Egg", frozenset({"egg"})),
    Ingredient("oil", "L", 4.6, "Oil"),
    Ingredient("milk", "L", 1.2, "Milk", frozenset({"milk"})),
    Ingredient("potato", "kg", 1.0, "Potato"),
    Ingredient("rice", "kg", 2.0, "Rice"),
    Ingredient("onion", "kg", 0.8, "Onion"),
    Ingredient("salt", "kg", None, "Salt"),
    Ingredient("saffron", "g", None, "Saffron"),
]


def line(component: str, qty: float, unit: str, waste_pct: float = 0.0) -> RecipeLine:
    return RecipeLine(component=component, qty=qty, unit=unit, waste_pct=waste_pct)


MAYO = Recipe(
    "r_mayo", "mayo", 1.0, "L", 100.0, (line("egg", 2, "each"), line("oil", 0.8, "L")), "Mayo"
)
SAUCE = Recipe(
    "r_sauce",
    "sauce",
    2.0,
    "L",
    90.0,
    (line("mayo", 1500, "ml"), line("milk", 500, "ml")),
    "Burger sauce",
)
BURGER = Recipe(
    "r_burger",
    "burger",
    1.0,
    "each",
    100.0,
    (line("beef", 150, "g"), line("bun", 1, "each"), line("sauce", 30, "ml")),
    "Burger",
)
FRIES = Recipe(
    "r_fries",
    "fries",
    1.0,
    "each",
    100.0,
    (line("oil", 50, "ml"), line("potato", 200, "g", waste_pct=20)),
    "Fries",
)
MEAL = Recipe(
    "r_meal", "meal", 1.0, "each", 100.0, (line("burger", 1, "each"), line("fries", 1, "each"))
)
ROAST = Recipe("r_roast", "roast", 10.0, "kg", 85.0, (line("beef", 10, "kg"),), "Roast beef")
RICE = Recipe("r_rice", "cooked_rice", 1.0, "kg", 260.0, (line("rice", 1, "kg"),), "Rice")
BREAD = Recipe("r_bread", "bread", 1.0, "kg", 100.0, (line("flour", 500, "g"),), "Bread")
CAKE = Recipe("r_cake", "cake", 1.0, "each", 100.0, (line("egg", 110, "g"),), "Cake")
# Sold by weight: cost and explosion per kg.
BOWL = Recipe(
    "r_bowl",
    "rice_bowl",
    1.0,
    "kg",
    100.0,
    (line("cooked_rice", 800, "g"), line("onion", 250, "g", waste_pct=20)),
    "Rice bowl by weight",
)
SALTY = Recipe(
    "r_salty",
    "salty",
    1.0,
    "kg",
    100.0,
    (line("salt", 10, "g"), line("cooked_rice", 1, "kg"), line("saffron", 1, "g")),
    "Salty rice",
)
SALTY_MEAL = Recipe(
    "r_salty_meal",
    "salty_meal",
    1.0,
    "each",
    100.0,
    (line("salty", 500, "g"), line("salt", 5, "g"), line("burger", 1, "each")),
    "Salty meal",
)
ALL = [MAYO, SAUCE, BURGER, FRIES, MEAL, ROAST, RICE, BREAD, CAKE, BOWL, SALTY, SALTY_MEAL]


@pytest.fixture
def book() -> RecipeBook:
    return RecipeBook(ALL, INGREDIENTS, CONVERTER)


def make_book(*recipes: Recipe) -> RecipeBook:
    return RecipeBook(recipes, INGREDIENTS, CONVERTER)


# -- costing ----------------------------------------------------------------------------


def test_simple_costs_by_hand(book: RecipeBook) -> None:
    costs = book.cost(["r_mayo", "r_fries"])
    assert set(costs) == {"r_mayo", "r_fries"}
    # 2 eggs at 0.30 + 0.8 L of oil at 4.60.
    assert costs["r_mayo"].total == pytest.approx(4.28)
    assert costs["r_mayo"].per_unit == pytest.approx(4.28)
    assert costs["r_mayo"].complete and costs["r_mayo"].missing == ()
    # 50 ml oil = 0.23; 200 g potato net at 20% waste = 250 g gross = 0.25.
    assert costs["r_fries"].total == pytest.approx(0.48)


def test_yield_below_and_above_100(book: RecipeBook) -> None:
    roast = book.cost(["r_roast"])["r_roast"]
    assert roast.total == pytest.approx(120.0)
    assert roast.per_unit == pytest.approx(120.0 / 8.5)
    rice = book.cost(["r_rice"])["r_rice"]
    assert rice.total == pytest.approx(2.0)
    assert rice.per_unit == pytest.approx(2.0 / 2.6)


def test_three_levels_with_litres_used_in_ml(book: RecipeBook) -> None:
    costs = book.cost(["r_sauce", "r_burger"])
    # 1.5 L mayo at 4.28 + 0.5 L milk at 1.20 = 7.02 for 2 L at 90% yield.
    assert costs["r_sauce"].total == pytest.approx(7.02)
    assert costs["r_sauce"].per_unit == pytest.approx(3.9)
    # 0.15 kg beef at 12 + 1 bun + 30 ml sauce at 3.90 per L.
    assert costs["r_burger"].per_unit == pytest.approx(1.8 + 0.5 + 0.117)


def test_set_meal_is_the_sum_of_its_dishes(book: RecipeBook) -> None:
    costs = book.cost()
    assert set(costs) == {recipe.id for recipe in ALL}
    meal = costs["r_meal"]
    assert meal.per_unit == pytest.approx(costs["r_burger"].per_unit + costs["r_fries"].per_unit)
    assert meal.per_unit == pytest.approx(2.897)


def test_case_purchase_unit(book: RecipeBook) -> None:
    # 500 g of flour bought in cases of 6 kg at 9.00: 0.5 / 6 case.
    assert book.cost(["r_bread"])["r_bread"].per_unit == pytest.approx(0.75)
    assert book.explode([("bread", 2.0, "kg")]) == {"flour": pytest.approx(1.0 / 6.0)}


def test_eggs_bridge_each_to_grams(book: RecipeBook) -> None:
    assert book.cost(["r_cake"])["r_cake"].per_unit == pytest.approx(0.6)
    assert book.explode([("cake", 3, "each")]) == {"egg": pytest.approx(6.0)}


def test_sold_by_weight_is_costed_per_kg(book: RecipeBook) -> None:
    bowl = book.cost(["r_bowl"])["r_bowl"]
    # 0.8 kg cooked rice at 2/2.6 + 0.25 kg onion net at 20% waste = 0.3125 kg at 0.80.
    assert bowl.per_unit == pytest.approx(0.8 * 2.0 / 2.6 + 0.3125 * 0.8)
    # A 300 g portion sold by weight.
    used = book.explode([("rice_bowl", 300, "g")])
    assert used["rice"] == pytest.approx(0.3 * 0.8 / 2.6)
    assert used["onion"] == pytest.approx(0.3 * 0.3125)


def test_incomplete_cost_lists_missing_products_at_any_depth(book: RecipeBook) -> None:
    costs = book.cost(["r_salty", "r_salty_meal", "r_burger"])
    salty = costs["r_salty"]
    assert not salty.complete
    assert salty.missing == ("saffron", "salt")
    # Known costs still add up: 1 kg cooked rice.
    assert salty.total == pytest.approx(2.0 / 2.6)
    meal = costs["r_salty_meal"]
    assert not meal.complete
    assert meal.missing == ("saffron", "salt")  # salt used twice, listed once
    assert costs["r_burger"].complete


def test_cost_memoises_shared_sub_recipes() -> None:
    calls = []

    class CountingConverter(UnitConverter):
        def factor(self, *args, **kwargs):  # type: ignore[no-untyped-def]
            calls.append(args)
            return super().factor(*args, **kwargs)

    converter = CountingConverter(UNITS)
    sauce = Recipe("sauce", "sauce", 1.0, "L", 100.0, (line("milk", 1, "L"),))
    dishes = [
        Recipe(f"d{i}", f"dish{i}", 1.0, "each", 100.0, (line("sauce", 10, "ml"),))
        for i in range(1000)
    ]
    book = RecipeBook([sauce, *dishes], INGREDIENTS, converter)
    costs = book.cost()
    assert costs["d999"].per_unit == pytest.approx(0.012)
    # One conversion per recipe line: the sauce is costed once, not 1,000 times.
    assert len(calls) == 1001
    book.cost()
    assert len(calls) == 1001


def test_deep_chain_does_not_hit_the_recursion_limit() -> None:
    depth = 3000
    recipes = [Recipe("p0", "p0", 1.0, "kg", 100.0, (line("rice", 1, "kg"),))]
    recipes += [
        Recipe(f"p{i}", f"p{i}", 1.0, "kg", 100.0, (line(f"p{i - 1}", 1, "kg"),))
        for i in range(1, depth)
    ]
    book = make_book(*recipes)
    assert book.cost([f"p{depth - 1}"])[f"p{depth - 1}"].per_unit == pytest.approx(2.0)
    assert book.explode([(f"p{depth - 1}", 2, "kg")]) == {"rice": pytest.approx(2.0)}
    assert book.find_cycle() is None


# -- construction and validation ----------------------------------------------------------


def test_two_recipes_for_one_product_are_refused() -> None:
    other = Recipe("r_mayo2", "mayo", 1.0, "L", 100.0, (), "Mayo light")
    with pytest.raises(BohError) as info:
        make_book(MAYO, other)
    assert info.value.field == "product"
    assert "Mayo light" in str(info.value)


def test_unknown_component_is_refused() -> None:
    recipe = Recipe("r_x", "x", 1.0, "each", 100.0, (line("truffle", 1, "g"),), "Pasta")
    with pytest.raises(BohError) as info:
        make_book(recipe)
    assert info.value.field == "component"
    assert info.value.value == "truffle"
    assert "Pasta" in str(info.value) and "truffle" in str(info.value)


def test_bad_ingredient_cost_is_refused() -> None:
    with pytest.raises(BohError) as info:
        RecipeBook([], [Ingredient("x", "kg", math.nan, "Ghost")], CONVERTER)
    assert info.value.field == "unit_cost"


def cyclic_book() -> RecipeBook:
    burger = Recipe("b", "burger", 1, "each", 100, (line("sauce", 10, "ml"),), "Burger")
    sauce = Recipe("s", "sauce", 1, "L", 100, (line("burger", 1, "each"),), "Sauce")
    # A 3-recipe loop: Dough -> Filling -> Glaze -> Dough.
    dough = Recipe("d", "dough", 1, "kg", 100, (line("filling", 1, "kg"),), "Dough")
    filling = Recipe("f", "filling", 1, "kg", 100, (line("glaze", 1, "kg"),), "Filling")
    glaze = Recipe("g", "glaze", 1, "kg", 100, (line("dough", 1, "kg"),), "Glaze")
    stock = Recipe("st", "stock", 1, "L", 100, (line("stock", 100, "ml"),), "Stock")
    fine = Recipe("ok", "fine", 1, "each", 100, (line("beef", 1, "kg"),), "Fine")
    return make_book(burger, sauce, dough, filling, glaze, stock, fine)


def test_two_recipe_cycle_names_the_chain() -> None:
    book = cyclic_book()
    assert book.find_cycle(["b"]) == ("b", "s", "b")
    with pytest.raises(BohError) as info:
        book.validate(["b"])
    assert info.value.field == "lines"
    assert info.value.value == ("b", "s", "b")
    assert "Burger -> Sauce -> Burger" in str(info.value)
    with pytest.raises(BohError):
        book.cost(["s"])


def test_three_recipe_cycle_and_self_use() -> None:
    book = cyclic_book()
    assert book.find_cycle(["f"]) == ("f", "g", "d", "f")
    with pytest.raises(BohError) as info:
        book.validate(["d"])
    assert "Dough -> Filling -> Glaze -> Dough" in str(info.value)
    assert book.find_cycle(["st"]) == ("st", "st")
    with pytest.raises(BohError) as info:
        book.cost(["st"])
    assert info.value.value == ("st", "st")
    assert "Stock -> Stock" in str(info.value)
    # Recipes outside the loops are still usable.
    assert book.find_cycle(["ok"]) is None
    assert book.cost(["ok"])["ok"].per_unit == pytest.approx(12.0)
    assert book.find_cycle() is not None
    with pytest.raises(BohError):
        book.explode([("dough", 1, "kg")])
    with pytest.raises(BohError):
        book.allergens(["st"])


@pytest.mark.parametrize("yield_pct", [0.0, -10.0, math.nan, math.inf])
def test_invalid_yield(yield_pct: float) -> None:
    book = make_book(Recipe("r", "x", 1, "kg", yield_pct, (line("rice", 1, "kg"),), "Pilaf"))
    with pytest.raises(BohError) as info:
        book.validate()
    assert info.value.field == "yield_pct"
    assert "Pilaf" in str(info.value)


@pytest.mark.parametrize("output_qty", [0.0, -1.0, math.nan])
def test_invalid_output_qty(output_qty: float) -> None:
    book = make_book(Recipe("r", "x", output_qty, "kg", 100, (line("rice", 1, "kg"),), "Pilaf"))
    with pytest.raises(BohError) as info:
        book.cost()
    assert info.value.field == "output_qty"


@pytest.mark.parametrize("qty", [-1.0, math.nan, math.inf])
def test_invalid_line_qty_names_the_component(qty: float) -> None:
    book = make_book(Recipe("r", "x", 1, "kg", 100, (line("rice", qty, "kg"),), "Pilaf"))
    with pytest.raises(BohError) as info:
        book.validate()
    assert info.value.field == "qty"
    assert "Rice" in str(info.value) and "Pilaf" in str(info.value)


@pytest.mark.parametrize("waste_pct", [100.0, 120.0, -1.0, math.nan])
def test_invalid_waste(waste_pct: float) -> None:
    book = make_book(Recipe("r", "x", 1, "kg", 100, (line("onion", 1, "kg", waste_pct),), "Soup"))
    with pytest.raises(BohError) as info:
        book.validate()
    assert info.value.field == "waste_pct"
    assert "Onion" in str(info.value)


def test_inconvertible_line_unit_names_component_units_and_value() -> None:
    book = make_book(Recipe("r", "x", 1, "kg", 100, (line("flour", 3, "each"),), "Bread"))
    with pytest.raises(BohError) as info:
        book.validate()
    error = info.value
    assert error.field == "uom"
    assert error.value == 3
    message = str(error)
    for part in ("Bread", "Flour", "Units", "Case 6 kg", "3"):
        assert part in message


def test_unknown_output_unit() -> None:
    book = make_book(Recipe("r", "x", 1, "bowl", 100, (line("rice", 1, "kg"),), "Bowl"))
    with pytest.raises(BohError) as info:
        book.validate()
    assert info.value.field == "uom"


def test_validation_reaches_sub_recipes_and_unknown_ids() -> None:
    bad = Recipe("bad", "bad_sauce", 1, "L", 0.0, (line("milk", 1, "L"),), "Bad sauce")
    dish = Recipe("dish", "dish", 1, "each", 100, (line("bad_sauce", 10, "ml"),), "Dish")
    book = make_book(bad, dish)
    with pytest.raises(BohError) as info:
        book.cost(["dish"])
    assert info.value.field == "yield_pct" and "Bad sauce" in str(info.value)
    with pytest.raises(BohError) as info:
        book.cost(["nope"])
    assert info.value.field == "recipe"


# -- explosion ----------------------------------------------------------------------------


def test_explode_applies_yield_and_waste_at_every_level(book: RecipeBook) -> None:
    used = book.explode([("meal", 2, "each")])
    # Burger sauce: 30 ml per burger of a 2 L batch at 90% (1.8 L usable).
    sauce_l = 2 * 0.030
    mayo_l = sauce_l * 1.5 / 1.8
    assert used["beef"] == pytest.approx(0.3)
    assert used["bun"] == pytest.approx(2.0)
    assert used["milk"] == pytest.approx(sauce_l * 0.5 / 1.8)
    assert used["egg"] == pytest.approx(mayo_l * 2)
    assert used["oil"] == pytest.approx(mayo_l * 0.8 + 2 * 0.05)
    assert used["potato"] == pytest.approx(2 * 0.25)
    assert set(used) == {"beef", "bun", "milk", "egg", "oil", "potato"}


def test_explode_passes_ingredients_through_in_their_unit(book: RecipeBook) -> None:
    used = book.explode([("flour", 3, "kg"), ("egg", 110, "g"), ("flour", 1, "case6")])
    assert used == {"flour": pytest.approx(1.5), "egg": pytest.approx(2.0)}


def test_explode_totals_equal_sum_of_explode_each(book: RecipeBook) -> None:
    demand = [
        ("meal", 2, "each"),
        ("burger", 1, "each"),
        ("rice_bowl", 450, "g"),
        ("sauce", 0.5, "L"),
        ("onion", 2, "kg"),
        ("burger", -1, "each"),  # a refund
        ("roast", 3, "kg"),
    ]
    each = book.explode_each(demand)
    assert len(each) == len(demand)
    assert each[1]["bun"] == pytest.approx(1.0)
    assert each[5]["bun"] == pytest.approx(-1.0)
    totals = book.explode(demand)
    summed: dict[str, float] = {}
    for row in each:
        for product, qty in row.items():
            summed[product] = summed.get(product, 0.0) + qty
    assert set(totals) == set(summed)
    for product, qty in summed.items():
        assert totals[product] == pytest.approx(qty, abs=1e-12)


def test_explode_in_another_unit_than_the_output(book: RecipeBook) -> None:
    assert book.explode([("roast", 850, "g")]) == {"beef": pytest.approx(1.0)}
    assert book.explode([("cooked_rice", 2.6, "kg")]) == {"rice": pytest.approx(1.0)}


def test_explode_bad_demand(book: RecipeBook) -> None:
    with pytest.raises(BohError) as info:
        book.explode([("burger", 1, "each"), ("pizza", 1, "each")])
    assert info.value.field == "product" and "row 2" in str(info.value)
    with pytest.raises(BohError) as info:
        book.explode_each([("burger", math.nan, "each")])
    assert info.value.field == "qty"
    with pytest.raises(BohError) as info:
        book.explode([("burger", 1, "kg")])
    assert info.value.field == "uom" and "Burger" in str(info.value)
    with pytest.raises(BohError) as info:
        book.explode([("burger", 1)])  # type: ignore[list-item]
    assert info.value.field == "demand"


def test_explode_100k_rows_totals(book: RecipeBook) -> None:
    products = ["meal", "burger", "fries", "rice_bowl", "cake", "bread"]
    units = {"rice_bowl": "g", "bread": "kg"}
    demand = [
        (products[i % 6], 1.0 + i % 3, units.get(products[i % 6], "each")) for i in range(100_000)
    ]
    totals = book.explode(demand)
    assert totals["bun"] == pytest.approx(sum(q for p, q, _u in demand if p in ("meal", "burger")))


def test_ingredients_per_unit(book: RecipeBook) -> None:
    assert book.ingredients_per_unit("r_roast") == {"beef": pytest.approx(1 / 0.85)}


# -- allergens and where-used ---------------------------------------------------------------


def test_allergens_roll_up(book: RecipeBook) -> None:
    allergens = book.allergens(["r_meal", "r_sauce", "r_rice"])
    assert allergens["r_meal"] == {"gluten", "sesame", "egg", "milk"}
    assert allergens["r_sauce"] == {"egg", "milk"}
    assert allergens["r_rice"] == frozenset()
    assert set(book.allergens()) == {recipe.id for recipe in ALL}


def test_where_used_is_transitive(book: RecipeBook) -> None:
    assert book.where_used(["egg"]) == {
        "r_mayo",
        "r_sauce",
        "r_burger",
        "r_meal",
        "r_cake",
        "r_salty_meal",
    }
    assert book.where_used(["oil"]) == {
        "r_mayo",
        "r_sauce",
        "r_burger",
        "r_fries",
        "r_meal",
        "r_salty_meal",
    }
    assert book.where_used(["cooked_rice", "flour"]) == {
        "r_bowl",
        "r_salty",
        "r_salty_meal",
        "r_bread",
    }
    assert book.where_used(["meal"]) == set()
    assert book.where_used(["unknown"]) == set()


def test_recipe_for_product(book: RecipeBook) -> None:
    assert book.recipe_for_product("sauce") is SAUCE
    assert book.recipe_for_product("beef") is None
    assert book.recipe_for_product("nothing") is None


def test_recipe_wins_over_an_ingredient_entry() -> None:
    stocked_mayo = Ingredient("mayo", "L", 99.0, "Bought mayo")
    book = RecipeBook([MAYO], [*INGREDIENTS, stocked_mayo], CONVERTER)
    assert book.cost()["r_mayo"].per_unit == pytest.approx(4.28)
    assert set(book.explode([("mayo", 1, "L")])) == {"egg", "oil"}


# -- property: the explosion costs what the recipe costs --------------------------------------

WEIGHT_VOLUME_COUNT = ["kg", "g", "case6", "L", "ml", "each"]


@st.composite
def random_books(draw: st.DrawFn) -> tuple[RecipeBook, list[Recipe], dict[str, float]]:
    """A random DAG of recipes over random ingredients, with units of every category."""
    unit = st.sampled_from(WEIGHT_VOLUME_COUNT)
    n_ingredients = draw(st.integers(1, 5))
    costs = {}
    ingredients = []
    for i in range(n_ingredients):
        costs[f"i{i}"] = draw(st.floats(0.01, 100))
        ingredients.append(Ingredient(f"i{i}", draw(unit), costs[f"i{i}"]))
    products = list(costs)
    recipes = []
    for r in range(draw(st.integers(1, 6))):
        lines = tuple(
            RecipeLine(
                component=draw(st.sampled_from(products)),
                qty=draw(st.floats(0, 100)),
                unit=draw(unit),
                waste_pct=draw(st.sampled_from([0.0, 10.0, 50.0, 99.0])),
            )
            for _ in range(draw(st.integers(0, 4)))
        )
        recipes.append(
            Recipe(
                f"R{r}",
                f"p{r}",
                draw(st.floats(0.1, 50)),
                draw(unit),
                draw(st.floats(10, 300)),
                lines,
            )
        )
        products.append(f"p{r}")
    # Bridge every product across all three categories so any line unit converts.
    bridges = []
    for product in products:
        bridges.append(ProductConversion(product, "each", 1, "g", draw(st.floats(1, 500))))
        bridges.append(ProductConversion(product, "L", 1, "kg", draw(st.floats(0.5, 2))))
    book = RecipeBook(recipes, ingredients, UnitConverter(UNITS, bridges))
    return book, recipes, costs


@settings(max_examples=75, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=random_books(), qty=st.floats(0.001, 1000), demand_unit=st.sampled_from(["g", "ml"]))
def test_explosion_costs_what_the_recipe_costs(
    data: tuple[RecipeBook, list[Recipe], dict[str, float]], qty: float, demand_unit: str
) -> None:
    book, recipes, ingredient_costs = data
    costs = book.cost()
    for recipe in recipes:
        result = costs[recipe.id]
        assert result.complete
        usable = recipe.output_qty * recipe.yield_pct / 100
        assert result.total == pytest.approx(result.per_unit * usable, rel=1e-9, abs=1e-9)
        used = book.explode([(recipe.product, qty, recipe.output_unit)])
        value = sum(amount * ingredient_costs[product] for product, amount in used.items())
        assert value == pytest.approx(result.per_unit * qty, rel=1e-9, abs=1e-9)
        # The same demand in another unit explodes to the same ingredients.
        converted = book.converter.convert(qty, recipe.output_unit, demand_unit, recipe.product)
        again = book.explode([(recipe.product, converted, demand_unit)])
        assert set(again) == set(used)
        for product, amount in used.items():
            assert again[product] == pytest.approx(amount, rel=1e-9, abs=1e-9)


def test_line_costs_include_waste_and_sub_recipes() -> None:
    units = [Unit("kg", "w", 1.0), Unit("g", "w", 1000.0), Unit("each", "u", 1.0)]
    book = RecipeBook(
        [
            Recipe("sauce", "p_sauce", 2.0, "kg", 100.0, (RecipeLine("tomato", 2.0, "kg", 0, 1),)),
            Recipe(
                "dish",
                "p_dish",
                1.0,
                "each",
                100.0,
                (
                    RecipeLine("onion", 90.0, "g", 10.0, 2),
                    RecipeLine("p_sauce", 500.0, "g", 0.0, 3),
                    RecipeLine("salt", 1.0, "g", 0.0, 4),
                ),
            ),
        ],
        [
            Ingredient("tomato", "kg", 3.0),
            Ingredient("onion", "kg", 2.0),
            Ingredient("salt", "kg", None),
        ],
        UnitConverter(units),
    )
    line_costs = book.line_costs()
    assert line_costs[1] == pytest.approx(6.0)
    assert line_costs[2] == pytest.approx(0.1 * 2.0)  # 90 g net at 10% waste = 100 g gross
    assert line_costs[3] == pytest.approx(0.5 * 3.0)  # sauce costs 3.0 per kg
    assert line_costs[4] is None
    assert book.cost(["dish"])["dish"].total == pytest.approx(0.2 + 1.5)


# -- stocked prep items end the explosion -------------------------------------------------


def test_stocked_sauce_is_depleted_not_its_ingredients() -> None:
    book = RecipeBook(ALL, INGREDIENTS, CONVERTER, stocked={"sauce": "L"})
    used = book.explode([("burger", 2, "each")])
    # 2 burgers x 30 ml of stocked sauce, in litres; beef and bun as before; no mayo or milk
    assert used == {
        "beef": pytest.approx(0.3),
        "bun": pytest.approx(2.0),
        "sauce": pytest.approx(0.06),
    }


def test_stop_at_empty_explodes_through_stocked_items() -> None:
    book = RecipeBook(ALL, INGREDIENTS, CONVERTER, stocked={"sauce": "L"})
    plain = RecipeBook(ALL, INGREDIENTS, CONVERTER)
    assert book.explode([("burger", 2, "each")], stop_at={}) == pytest.approx(
        plain.explode([("burger", 2, "each")])
    )


def test_stocked_item_demanded_itself_is_used_as_such_in_its_stock_unit() -> None:
    book = make_book(MAYO, SAUCE)
    assert book.explode([("sauce", 500, "ml")], stop_at={"sauce": "L"}) == {
        "sauce": pytest.approx(0.5)
    }
    assert book.explode_each([("sauce", 1, "L"), ("mayo", 1, "L")], stop_at={"sauce": "ml"}) == [
        {"sauce": pytest.approx(1000.0)},
        {"egg": pytest.approx(2.0), "oil": pytest.approx(0.8)},
    ]


def test_production_opens_the_stocked_recipe_but_stops_at_stocked_sub_recipes() -> None:
    book = RecipeBook([MAYO, SAUCE], INGREDIENTS, CONVERTER, stocked={"sauce": "L", "mayo": "L"})
    # 2 L batch at 90% gives 1.8 L: 1.5 L mayo and 0.5 L milk per 1.8 L
    assert book.ingredients_per_unit("r_sauce") == {
        "mayo": pytest.approx(1.5 / 1.8),
        "milk": pytest.approx(0.5 / 1.8),
    }
    # the same recipe, every level opened
    per_unit = book.ingredients_per_unit("r_sauce", stop_at={})
    assert per_unit["egg"] == pytest.approx(2 * 1.5 / 1.8)
    # the cost still rolls up through the stocked mayo
    assert book.cost(["r_sauce"])["r_sauce"].total == pytest.approx(
        make_book(MAYO, SAUCE).cost(["r_sauce"])["r_sauce"].total
    )


def test_stocked_product_without_recipe_is_refused() -> None:
    book = RecipeBook(ALL, INGREDIENTS, CONVERTER, stocked={"beef": "kg"})
    with pytest.raises(BohError) as caught:
        book.explode([("burger", 1, "each")])
    assert caught.value.field == "stocked"
    assert "Beef mince" in str(caught.value)
