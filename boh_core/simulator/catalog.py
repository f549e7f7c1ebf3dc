"""A ready-made restaurant group: a central kitchen and stores in San Francisco.

The codes are those of the suite's demo data (``addons/boh_inventory/demo``): menu items
``MENU-...`` and ingredients ``ING-...``, stores ``ST01``, ``ST02``, ``ST03`` and the
central kitchen ``WH``, so that ``boh demo-data`` sends sales a demo server understands.
Recipes here are flattened to raw ingredients per portion (the simulator needs the use of
ingredients, not how prep items are made).
"""

from __future__ import annotations

from .model import Employee, Equipment, Group, Ingredient, MenuItem, Modifier, Site

_STORES = (
    ("ST01", "Union Square Store", "联合广场店", 1.2),
    ("ST02", "Mission District Store", "米慎区店", 1.0),
    ("ST03", "Sunset Boulevard Store", "日落大道店", 0.8),
    ("ST04", "Richmond Store", "列治文店", 0.9),
    ("ST05", "Chinatown Store", "唐人街店", 1.1),
    ("ST06", "SoMa Store", "南市场店", 0.7),
)

# code, English, Chinese, price, popularity, category, temp_effect, weekend_lift, modifiers
_ITEMS = (
    (
        "MENU-KUNG-PAO",
        "Kung Pao Chicken",
        "宫保鸡丁",
        15.80,
        9.0,
        "main",
        0.0,
        1.0,
        (("XSPICY", 0.15), ("NO-PEANUT", 0.05)),
    ),
    ("MENU-MAPO-TOFU", "Mapo Tofu", "麻婆豆腐", 14.50, 7.0, "main", -0.01, 1.0, (("XSPICY", 0.2),)),
    ("MENU-XIAOLONGBAO", "Xiaolongbao (8 pcs)", "小笼包", 11.80, 8.0, "dim_sum", 0.0, 1.4, ()),
    (
        "MENU-DUMPLINGS",
        "Pork & Cabbage Dumplings (12 pcs)",
        "猪肉白菜水饺",
        10.80,
        6.0,
        "dim_sum",
        -0.01,
        1.2,
        (),
    ),
    (
        "MENU-WONTONS-CHILI",
        "Wontons in Chili Oil",
        "红油抄手",
        11.50,
        4.0,
        "dim_sum",
        0.0,
        1.0,
        (("XSPICY", 0.25),),
    ),
    (
        "MENU-YANGZHOU-RICE",
        "Yangzhou Fried Rice",
        "扬州炒饭",
        15.80,
        6.0,
        "main",
        0.0,
        1.0,
        (("XEGG", 0.1),),
    ),
    ("MENU-BRAISED-PORK-BELLY", "Braised Pork Belly", "红烧肉", 24.80, 2.5, "main", -0.01, 1.3, ()),
    ("MENU-HAINAN-CHICKEN", "Hainan Chicken Rice", "海南鸡饭", 19.80, 4.0, "main", 0.0, 0.9, ()),
    ("MENU-SALT-PEPPER-PRAWNS", "Salt & Pepper Prawns", "椒盐虾", 25.80, 1.5, "main", 0.0, 1.5, ()),
    ("MENU-HOT-SOUR-SOUP", "Hot and Sour Soup", "酸辣汤", 6.50, 4.0, "soup", -0.04, 1.0, ()),
    ("MENU-SMASHED-CUCUMBER", "Smashed Cucumber Salad", "拍黄瓜", 7.50, 3.0, "side", 0.04, 1.0, ()),
    (
        "MENU-GARLIC-BOK-CHOY",
        "Garlic Baby Bok Choy",
        "蒜蓉小白菜",
        10.80,
        2.5,
        "side",
        0.0,
        1.0,
        (),
    ),
    ("MENU-STEAMED-RICE", "Steamed Rice (bowl)", "白饭", 2.50, 10.0, "side", 0.0, 1.0, ()),
    ("MENU-JASMINE-TEA", "Jasmine Tea (pot)", "茉莉花茶", 3.50, 5.0, "drink", -0.03, 1.0, ()),
    ("MENU-TSINGTAO", "Tsingtao Draught (500 ml)", "青岛啤酒", 9.00, 4.0, "drink", 0.05, 1.6, ()),
    ("MENU-COKE", "Coca-Cola", "可口可乐", 3.80, 5.0, "drink", 0.05, 1.0, ()),
)

# code, English, Chinese, unit, cost per unit, pack, vendor, lead days, shelf days
_INGREDIENTS = (
    (
        "ING-CHICKEN-THIGH",
        "Chicken Thigh, Boneless",
        "去骨鸡腿肉",
        "kg",
        7.2,
        10.0,
        "PACIFIC",
        1,
        4,
    ),
    ("ING-CHICKEN-WHOLE", "Chicken, Whole", "整鸡", "kg", 5.1, 10.0, "PACIFIC", 1, 4),
    ("ING-PORK-MINCE", "Pork Mince", "猪肉末", "kg", 6.5, 5.0, "PACIFIC", 1, 3),
    ("ING-PORK-BELLY", "Pork Belly", "五花肉", "kg", 9.8, 5.0, "PACIFIC", 1, 4),
    ("ING-PRAWNS", "Prawns, Frozen", "冻虾", "kg", 16.0, 5.0, "PACIFIC", 2, 90),
    ("ING-TOFU", "Tofu, Firm", "老豆腐", "kg", 2.4, 6.0, "DRAGON", 2, 5),
    ("ING-NAPA-CABBAGE", "Napa Cabbage", "大白菜", "kg", 1.6, 10.0, "GOLDEN", 1, 7),
    ("ING-BOK-CHOY", "Baby Bok Choy", "小白菜", "kg", 3.2, 5.0, "GOLDEN", 1, 4),
    ("ING-CUCUMBER", "Cucumber", "黄瓜", "kg", 2.1, 5.0, "GOLDEN", 1, 6),
    ("ING-EGGS", "Eggs", "鸡蛋", "Units", 0.3, 30.0, "GOLDEN", 1, 21),
    ("ING-RICE-JASMINE", "Jasmine Rice", "茉莉香米", "kg", 1.9, 25.0, "DRAGON", 3, 365),
    ("ING-FLOUR-AP", "All-Purpose Flour", "面粉", "kg", 0.9, 25.0, "DRAGON", 3, 180),
    ("ING-PEANUTS", "Peanuts, Raw Shelled", "花生", "kg", 4.5, 5.0, "DRAGON", 3, 120),
    ("ING-CHILI-OIL", "Chili Oil", "红油", "L", 6.0, 5.0, "DRAGON", 3, 90),
    ("ING-JASMINE-TEA", "Jasmine Tea Leaves", "茉莉花茶", "kg", 28.0, 1.0, "DRAGON", 3, 365),
    ("ING-BEER-TSINGTAO", "Tsingtao Draught Beer", "青岛啤酒", "L", 4.2, 20.0, "DRAGON", 3, 60),
    ("ING-COKE", "Coca-Cola, 330 ml can", "可口可乐", "Units", 0.6, 24.0, "GOLDEN", 2, 180),
)

_RECIPES = {
    "MENU-KUNG-PAO": {"ING-CHICKEN-THIGH": 0.18, "ING-PEANUTS": 0.03, "ING-CHILI-OIL": 0.01},
    "MENU-MAPO-TOFU": {"ING-TOFU": 0.25, "ING-PORK-MINCE": 0.05, "ING-CHILI-OIL": 0.015},
    "MENU-XIAOLONGBAO": {"ING-PORK-MINCE": 0.12, "ING-FLOUR-AP": 0.08},
    "MENU-DUMPLINGS": {"ING-PORK-MINCE": 0.14, "ING-NAPA-CABBAGE": 0.1, "ING-FLOUR-AP": 0.12},
    "MENU-WONTONS-CHILI": {"ING-PORK-MINCE": 0.1, "ING-FLOUR-AP": 0.06, "ING-CHILI-OIL": 0.02},
    "MENU-YANGZHOU-RICE": {"ING-RICE-JASMINE": 0.12, "ING-EGGS": 2.0, "ING-PRAWNS": 0.04},
    "MENU-BRAISED-PORK-BELLY": {"ING-PORK-BELLY": 0.3},
    "MENU-HAINAN-CHICKEN": {
        "ING-CHICKEN-WHOLE": 0.35,
        "ING-RICE-JASMINE": 0.1,
        "ING-CUCUMBER": 0.04,
    },
    "MENU-SALT-PEPPER-PRAWNS": {"ING-PRAWNS": 0.22},
    "MENU-HOT-SOUR-SOUP": {"ING-TOFU": 0.05, "ING-EGGS": 1.0},
    "MENU-SMASHED-CUCUMBER": {"ING-CUCUMBER": 0.25},
    "MENU-GARLIC-BOK-CHOY": {"ING-BOK-CHOY": 0.25},
    "MENU-STEAMED-RICE": {"ING-RICE-JASMINE": 0.09},
    "MENU-JASMINE-TEA": {"ING-JASMINE-TEA": 0.008},
    "MENU-TSINGTAO": {"ING-BEER-TSINGTAO": 0.5},
    "MENU-COKE": {"ING-COKE": 1.0},
}
_MODIFIER_RECIPES = {
    "XSPICY": {"ING-CHILI-OIL": 0.01},
    "NO-PEANUT": {"ING-PEANUTS": -0.03},
    "XEGG": {"ING-EGGS": 1.0},
}

# kind, English, Chinese, mtbf days, median repair hours, setpoint (None: no sensor)
_STORE_EQUIPMENT = (
    ("fridge", "Reach-in Fridge", "立式冷藏柜", 160.0, 5.0, 3.0),
    ("freezer", "Chest Freezer", "卧式冷冻柜", 200.0, 6.0, -18.0),
    ("wok", "Wok Range", "炒灶", 90.0, 4.0, None),
    ("steamer", "Dim Sum Steamer", "蒸柜", 110.0, 3.0, None),
    ("dishwasher", "Dishwasher", "洗碗机", 70.0, 5.0, None),
    ("ice", "Ice Machine", "制冰机", 120.0, 8.0, None),
)
_KITCHEN_EQUIPMENT = (
    ("coldroom", "Walk-in Cold Room", "冷库", 240.0, 10.0, 2.0),
    ("freezer", "Walk-in Freezer", "冷冻库", 300.0, 12.0, -20.0),
    ("oven", "Combi Oven", "万能蒸烤箱", 150.0, 6.0, None),
    ("mixer", "Dough Mixer", "和面机", 180.0, 4.0, None),
)
# role, hours per open day, count per store (kitchen counts on the right)
_STAFF = (
    ("manager", 9.0, 1, 1),
    ("cook", 8.0, 3, 3),
    ("prep", 7.5, 1, 2),
    ("server", 6.0, 3, 0),
    ("dishwasher", 6.0, 1, 1),
    ("driver", 6.0, 0, 1),
)
_GIVEN = (
    "Wei",
    "Mei",
    "Jun",
    "Lan",
    "Hao",
    "Ying",
    "Ana",
    "Carlos",
    "Grace",
    "Tom",
    "Priya",
    "Sam",
    "Rosa",
    "Kai",
    "Lena",
    "Omar",
)
_FAMILY = ("Chen", "Wang", "Li", "Zhang", "Lau", "Garcia", "Nguyen", "Smith", "Kim", "Patel")


def item_traits(code: str) -> dict:
    """What the demo menu knows of an item code (popularity, weather, weekend, modifiers), as
    keyword arguments of :class:`MenuItem`; empty for an unknown code."""
    for row in _ITEMS:
        if row[0] == code:
            _c, _n, _z, _p, pop, cat, temp, lift, mods = row
            return {
                "popularity": pop,
                "category": cat,
                "temp_effect": temp,
                "weekend_lift": lift,
                "modifiers": tuple(Modifier(c, s) for c, s in mods),
            }
    return {}


def site_equipment(site: Site) -> list[Equipment]:
    """The equipment of a demo site: cold units with sensors, cooking and cleaning."""
    table = _KITCHEN_EQUIPMENT if site.kind == "central_kitchen" else _STORE_EQUIPMENT
    return [
        Equipment(
            f"{site.code}-{kind.upper()}",
            site.code,
            f"{name} ({site.code})",
            kind,
            mtbf,
            repair,
            setpoint,
            f"{zh}（{site.code}）",
        )
        for kind, name, zh, mtbf, repair, setpoint in table
    ]


def site_staff(site: Site, seed: int = 0) -> list[Employee]:
    """The staff of a demo site: a manager, cooks, prep cooks, servers (stores), dishwashers
    and a driver (central kitchen); names are drawn from a fixed list by ``seed``."""
    out = []
    serial = seed * 11
    for role, hours, per_store, per_kitchen in _STAFF:
        count = per_kitchen if site.kind == "central_kitchen" else per_store
        for k in range(count):
            given = _GIVEN[serial % len(_GIVEN)]
            family = _FAMILY[(serial * 7 + seed) % len(_FAMILY)]
            serial += 1
            out.append(
                Employee(
                    f"{site.code}-{role.upper()}-{k + 1}",
                    site.code,
                    f"{given} {family}",
                    role,
                    hours,
                )
            )
    return out


def default_group(stores: int = 3, *, with_kitchen: bool = True) -> Group:
    """The demo group: ``stores`` stores (1 to 6) and, by default, the central kitchen ``WH``.

    The menu changes during a run: Salt & Pepper Prawns is launched 120 days before its end
    and the Wontons in Chili Oil are dropped 30 days before it (on a shorter run, the launch
    falls before its start: the prawns are simply on the menu throughout).

    Long because it declares the demo group's stores, menu and recipes as data.
    """
    if not 1 <= stores <= len(_STORES):
        from boh_core.errors import BohError, msg

        raise BohError(
            "stores",
            stores,
            msg("simulator.catalog.stores.from", n_stores=len(_STORES), stores=stores),
        )
    sites = [Site(code, name, zh, "store", size) for code, name, zh, size in _STORES[:stores]]
    if with_kitchen:
        sites.insert(
            0,
            Site(
                "WH",
                "Central Kitchen",
                "中央厨房",
                "central_kitchen",
                1.0,
                open_hour=6,
                close_hour=16,
            ),
        )
    changes = {"MENU-SALT-PEPPER-PRAWNS": (-120, None), "MENU-WONTONS-CHILI": (None, -30)}
    items = tuple(
        MenuItem(
            code,
            name,
            price,
            pop,
            zh,
            cat,
            temp,
            lift,
            tuple(Modifier(c, s) for c, s in mods),
            *changes.get(code, (None, None)),
        )
        for code, name, zh, price, pop, cat, temp, lift, mods in _ITEMS
    )
    ingredients = tuple(
        Ingredient(
            code,
            name,
            uom,
            cost,
            pack,
            vendor,
            lead,
            shelf,
            waste_pct=4.0 if shelf <= 7 else 1.0,
            loss_pct=2.0 if shelf <= 7 else 1.0,
            name_zh=zh,
        )
        for code, name, zh, uom, cost, pack, vendor, lead, shelf in _INGREDIENTS
    )
    equipment = [e for site in sites for e in site_equipment(site)]
    employees = [e for k, site in enumerate(sites) for e in site_staff(site, k)]
    return Group(
        sites=tuple(sites),
        items=items,
        ingredients=ingredients,
        recipes={k: dict(v) for k, v in _RECIPES.items()},
        modifier_recipes={k: dict(v) for k, v in _MODIFIER_RECIPES.items()},
        equipment=tuple(equipment),
        employees=tuple(employees),
        country="US",
    ).check()
