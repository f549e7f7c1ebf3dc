"""The plain-data description of a restaurant group that the simulator brings to life.

Everything is a frozen dataclass of plain values, so a group can be built in code, read from
JSON (:func:`group_from_dict`) or from a database by the Odoo side, and checked once
(:meth:`Group.check`) with errors that name the field and the value.
"""

from __future__ import annotations

import math
from dataclasses import MISSING, dataclass, field
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from boh_core.errors import BohError, msg

SITE_KINDS = ("store", "central_kitchen")
ROLES = ("cook", "prep", "server", "dishwasher", "manager", "driver")


@dataclass(frozen=True)
class Site:
    """A store (sells) or the central kitchen (prepares, holds the cold room).

    ``size`` scales the store's sales (1.0 = the ``orders_per_day`` of the run); ``tz`` is an
    IANA time zone; ``open_hour``/``close_hour`` bound the trading hours (local time).
    """

    code: str
    name: str
    name_zh: str = ""
    kind: str = "store"
    size: float = 1.0
    tz: str = "America/Los_Angeles"
    open_hour: int = 11
    close_hour: int = 22


@dataclass(frozen=True)
class Modifier:
    """A modifier a guest can ask for on an item, and the share of lines that carry it."""

    code: str
    share: float


@dataclass(frozen=True)
class MenuItem:
    """A menu item sold by the stores.

    ``popularity`` is its weight in the orders (any positive scale); ``temp_effect`` how its
    sales move per degree Celsius above 20 (+0.02 = 2% more per degree: cold drinks; negative
    for soups); ``launch_day``/``retire_day`` are day indexes of the run, negative ones counted
    from its end (-30 = 30 days before the last day); None = on the menu from the start / to
    the end; ``weekend_lift`` multiplies its Friday-Sunday sales on top of the store's pattern.
    """

    code: str
    name: str
    price: float
    popularity: float = 1.0
    name_zh: str = ""
    category: str = "main"
    temp_effect: float = 0.0
    weekend_lift: float = 1.0
    modifiers: tuple[Modifier, ...] = ()
    launch_day: int | None = None
    retire_day: int | None = None


@dataclass(frozen=True)
class Ingredient:
    """A stocked ingredient: its unit, cost per unit, purchase pack and shelf life.

    ``waste_pct`` is the share of use thrown away (trim, spoilage) and recorded as waste;
    ``loss_pct`` the share that disappears unrecorded (over-portioning, theft), found only by
    counts. ``lead_days`` is the vendor's promised delivery time.
    """

    code: str
    name: str
    uom: str = "kg"
    cost: float = 1.0
    pack: float = 1.0
    vendor: str = "VENDOR"
    lead_days: int = 2
    shelf_days: int = 7
    waste_pct: float = 2.0
    loss_pct: float = 1.5
    name_zh: str = ""


@dataclass(frozen=True)
class Equipment:
    """A piece of equipment at a site; cold units (``setpoint`` not None) carry a sensor.

    ``mtbf_days`` is its mean time between failures; ``repair_hours`` its median repair time.
    """

    code: str
    site: str
    name: str
    kind: str
    mtbf_days: float = 120.0
    repair_hours: float = 6.0
    setpoint: float | None = None
    name_zh: str = ""


@dataclass(frozen=True)
class Employee:
    """A member of staff with a role at a site, and their usual hours per open day."""

    code: str
    site: str
    name: str
    role: str
    hours: float = 8.0


@dataclass(frozen=True)
class Group:
    """A restaurant group: sites, menu, ingredients, recipes, equipment and staff.

    ``recipes`` maps a menu item code to ``{ingredient code: quantity per portion}`` in the
    ingredient's unit; ``modifier_recipes`` maps a modifier code the same way (negative for
    "no onion"). ``country`` (ISO code, optionally ``-SUBDIV``) gives the public holidays;
    ``closed_holidays`` names the holidays the stores close on (matched as a prefix of the
    holiday name).
    """

    sites: tuple[Site, ...]
    items: tuple[MenuItem, ...]
    ingredients: tuple[Ingredient, ...] = ()
    recipes: dict[str, dict[str, float]] = field(default_factory=dict)
    modifier_recipes: dict[str, dict[str, float]] = field(default_factory=dict)
    equipment: tuple[Equipment, ...] = ()
    employees: tuple[Employee, ...] = ()
    country: str = "US"
    closed_holidays: tuple[str, ...] = ("Thanksgiving", "Christmas Day")
    source: str = "boh-sim"

    @property
    def stores(self) -> tuple[Site, ...]:
        """The sites that sell."""
        return tuple(s for s in self.sites if s.kind == "store")

    def check(self) -> Group:
        """Return the group if it is coherent, else raise :class:`BohError` naming the problem."""
        if not self.stores:
            raise BohError("sites", len(self.sites), msg("simulator.model.sites.group_needs_least"))
        if not self.items:
            raise BohError("items", 0, msg("simulator.model.items.group_needs_least"))
        _unique("sites", [s.code for s in self.sites])
        _unique("items", [i.code for i in self.items])
        _unique("ingredients", [i.code for i in self.ingredients])
        _unique("equipment", [e.code for e in self.equipment])
        self._check_sites_items()
        known = {i.code for i in self.ingredients}
        for where, table in (
            ("recipes", self.recipes),
            ("modifier_recipes", self.modifier_recipes),
        ):
            for key, lines in table.items():
                for code in lines:
                    if code not in known:
                        raise BohError(
                            where,
                            code,
                            msg(
                                "simulator.model.uses_ingredient_which",
                                where=where,
                                key=key,
                                code=code,
                            ),
                        )
        sites = {s.code for s in self.sites}
        for thing in (*self.equipment, *self.employees):
            if thing.site not in sites:
                raise BohError(
                    "site",
                    thing.site,
                    msg("simulator.model.site.which_group_s", code=thing.code, site=thing.site),
                )
        for emp in self.employees:
            if emp.role not in ROLES:
                raise BohError(
                    "role",
                    emp.role,
                    msg(
                        "simulator.model.role.employee",
                        code=emp.code,
                        role=emp.role,
                        roles=", ".join(ROLES),
                    ),
                )
        return self

    def _check_sites_items(self) -> None:
        """Check each site and menu item on its own."""
        for site in self.sites:
            if site.kind not in SITE_KINDS:
                raise BohError(
                    "kind",
                    site.kind,
                    msg(
                        "simulator.model.kind.site",
                        code=site.code,
                        kind=site.kind,
                        site_kinds=", ".join(SITE_KINDS),
                    ),
                )
            if not 0 < site.size <= 50:
                raise BohError(
                    "size", site.size, msg("simulator.model.size.site_above_most", code=site.code)
                )
            if not 0 <= site.open_hour < site.close_hour <= 24:
                raise BohError(
                    "open_hour",
                    site.open_hour,
                    msg(
                        "simulator.model.open_hour.site_opening_hours",
                        code=site.code,
                        open_hour=site.open_hour,
                        close_hour=site.close_hour,
                    ),
                )
        for item in self.items:
            if not 0 <= item.price <= 1e6 or not 0 < item.popularity <= 1e6:
                raise BohError(
                    "price",
                    item.price,
                    msg("simulator.model.price.item_from_popularity", code=item.code),
                )
            for mod in item.modifiers:
                if not 0 <= mod.share <= 1:
                    raise BohError(
                        "share",
                        mod.share,
                        msg(
                            "simulator.model.share.item_modifier_between",
                            code=item.code,
                            code_2=mod.code,
                        ),
                    )


def _unique(what: str, codes: list[str]) -> None:
    seen: set[str] = set()
    for code in codes:
        if not isinstance(code, str) or not code.strip():
            raise BohError(what, code, msg("simulator.model.every_entry_needs", what=what))
        if code in seen:
            raise BohError(
                what, code, msg("simulator.model.code_appears_twice", code=code, what=what)
            )
        seen.add(code)


def _is_number(value: Any) -> bool:
    return (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and math.isfinite(value)
        and abs(value) < 1e9
    )


#: Checks of plain values by the annotation of the dataclass field they go into.
_TYPE_CHECKS = {
    "str": (lambda v: isinstance(v, str) and 0 < len(v) <= 128, "a text of 1 to 128 characters"),
    "float": (_is_number, "a number"),
    "int": (lambda v: _is_number(v) and float(v).is_integer(), "a whole number"),
    "float | None": (lambda v: v is None or _is_number(v), "a number or null"),
    "int | None": (
        lambda v: v is None or (_is_number(v) and float(v).is_integer()),
        "a whole number or null",
    ),
}


def _build(cls: type, raw: Any, what: str) -> Any:
    if not isinstance(raw, dict):
        raise BohError(what, raw, msg("simulator.model.each_entry_object", what=what, raw=raw))
    fields = cls.__dataclass_fields__
    unknown = sorted(str(k) for k in set(raw) - set(fields))
    if unknown:
        raise BohError(
            what,
            unknown,
            msg(
                "simulator.model.entry_has_unknown",
                what=what,
                unknown=", ".join(unknown),
                fields=", ".join(sorted(fields)),
            ),
        )
    missing = sorted(
        name
        for name, f in fields.items()
        if name not in raw and f.default is MISSING and f.default_factory is MISSING
    )
    if missing:
        raise BohError(
            what, missing, msg("simulator.model.entry_lacks", what=what, missing=", ".join(missing))
        )
    for name, value in raw.items():
        check = _TYPE_CHECKS.get(str(fields[name].type))
        if check is not None and not check[0](value):
            raise BohError(
                name,
                value,
                msg("simulator.model.invalid", what=what, name=name, check=check[1], value=value),
            )
    return cls(**raw)


def _entries(raw: dict, key: str) -> list:
    value = raw.get(key)
    if value is None:
        return []
    if not isinstance(value, list | tuple):
        raise BohError(key, value, msg("simulator.model.list", key=key, value=value))
    return list(value)


def _table(raw: dict, key: str) -> dict[str, dict[str, float]]:
    value = raw.get(key)
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise BohError(key, value, msg("simulator.model.object_objects", key=key, value=value))
    out = {}
    for code, lines in value.items():
        if not isinstance(lines, dict) or not all(
            isinstance(k, str) and _is_number(v) for k, v in lines.items()
        ):
            raise BohError(
                key, code, msg("simulator.model.map_ingredient_codes", key=key, code=code)
            )
        out[str(code)] = {k: float(v) for k, v in lines.items()}
    return out


def group_from_dict(raw: Any) -> Group:
    """A :class:`Group` from plain data (as read from JSON), checked."""
    if not isinstance(raw, dict):
        raise BohError("group", raw, msg("simulator.model.group.object_sites_items"))
    items = []
    for entry in _entries(raw, "items"):
        if isinstance(entry, dict) and "modifiers" in entry:
            entry = dict(entry)
            entry["modifiers"] = tuple(
                _build(Modifier, m, "modifiers") for m in _entries(entry, "modifiers")
            )
        items.append(_build(MenuItem, entry, "items"))
    kwargs: dict[str, Any] = {
        "sites": tuple(_build(Site, s, "sites") for s in _entries(raw, "sites")),
        "items": tuple(items),
        "ingredients": tuple(
            _build(Ingredient, i, "ingredients") for i in _entries(raw, "ingredients")
        ),
        "equipment": tuple(_build(Equipment, e, "equipment") for e in _entries(raw, "equipment")),
        "employees": tuple(_build(Employee, e, "employees") for e in _entries(raw, "employees")),
        "recipes": _table(raw, "recipes"),
        "modifier_recipes": _table(raw, "modifier_recipes"),
    }
    for key in ("country", "source"):
        if key in raw:
            if not _TYPE_CHECKS["str"][0](raw[key]):
                raise BohError(key, raw[key], msg("simulator.model.text", key=key, raw=raw[key]))
            kwargs[key] = raw[key]
    if "closed_holidays" in raw:
        names = _entries(raw, "closed_holidays")
        if not all(isinstance(n, str) for n in names):
            raise BohError(
                "closed_holidays", names, msg("simulator.model.closed_holidays.list_texts")
            )
        kwargs["closed_holidays"] = tuple(names)
    group = Group(**kwargs).check()
    from boh_core.forecast.calendar import check_country

    check_country(group.country)
    for site in group.sites:
        try:
            ZoneInfo(site.tz)
        except (ValueError, ZoneInfoNotFoundError):
            raise BohError(
                "tz",
                site.tz,
                msg("simulator.model.tz.site_time_zone", code=site.code, tz=site.tz),
            ) from None
    return group
