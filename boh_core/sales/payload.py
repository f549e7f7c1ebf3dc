"""Validation and normalization of POS sales pushes (``boh.pos.feed.push_sales``).

The server calls :func:`validate_push` once per incoming batch. It never raises on bad
input: a payload that cannot be read at all comes back as ``PushValidation.error`` (a
:class:`~boh_core.errors.BohError`), and every order comes back either as a normalized
:class:`Order` or as the full list of its problems (:class:`Issue`), so that one bad order
never sinks the good ones of the same batch.

Decisions this module makes (the contract leaves them open):

* Refs and codes (``source``, ``location``, ``order_ref``, ``line_ref``, ``item_code``,
  modifier ``code``, ``parent_line_ref``) may be strings or integers (many POS use numeric
  ids); integers become their decimal string, strings are stripped, and neither may be empty,
  longer than ``max_str_len`` or contain control characters. Codes keep their case.
* Quantities and prices may be integers, floats or decimal strings such as ``"12.50"``
  (XML-RPC has no decimal type; a string keeps the sender's exact figure). Booleans, NaN,
  infinities and exponent strings are refused. ``qty`` is rounded half-even to
  ``QTY_PLACES`` decimals and ``unit_price`` to ``PRICE_PLACES``: a per-unit price after a
  discount may be a repeating decimal (3 for 10.00), and rounding also makes ``2`` and
  ``2.0`` the same content.
* ``qty`` must not be zero (a line that was not made is sent with ``"void": true``);
  negative means refund. ``restock`` is only allowed on refund lines.
* Modifier ``qty`` is per unit of its line, positive, and defaults to 1.
* ``parent_line_ref`` must name another line of the same order, and that line must not have
  a parent itself (set meals are one level deep); a component's ``qty`` must have the sign
  of its parent's.
* ``closed_at`` is ISO 8601 with seconds optional and a mandatory offset (``Z`` or
  ``+HH:MM``). ``business_date`` is ``YYYY-MM-DD``, not before ``MIN_DATE``, not more than
  ``MAX_BUSINESS_DATE_SKEW_DAYS`` away from the local date of ``closed_at`` (a business day
  that ends after midnight closes on the next calendar day), and not more than
  ``MAX_FUTURE_DAYS`` after today. ``closed_at`` may not be later than now plus
  ``MAX_FUTURE_DAYS``.
* ``covers`` is optional (default 0); ``void`` and ``restock`` are optional booleans
  (default false); ``batch_id`` is optional (default ``""``). Unknown keys are ignored so
  that senders can add fields without breaking older servers.
* An order key (location, order_ref) that appears twice in one batch is an error for the
  second and later occurrences; the first is judged on its own.
* At most ``MAX_ISSUES_PER_ORDER`` problems are listed per order; the last one then says
  how many more were found, which keeps the answer small for a garbage order.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import math
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation
from typing import Any

from boh_core.errors import BohError, Message, msg

#: Most orders accepted in one push; the client sends batches of 500 by default.
MAX_ORDERS = 1000
#: Most lines in one order (a banquet ticket has a few hundred at worst).
MAX_LINES_PER_ORDER = 500
#: Most modifiers on one line.
MAX_MODIFIERS_PER_LINE = 50
#: Longest ref or code, in characters, after stripping.
MAX_STR_LEN = 128
#: Largest absolute line quantity.
MAX_LINE_QTY = Decimal(10_000)
#: Largest modifier quantity per unit of its line.
MAX_MODIFIER_QTY = Decimal(100)
#: Largest unit price; high enough for currencies without minor units (VND, IDR).
MAX_UNIT_PRICE = Decimal(1_000_000_000)
#: Most covers (guests) on one order.
MAX_COVERS = 10_000
#: Decimals kept on quantities (line and modifier).
QTY_PLACES = 3
#: Decimals kept on unit prices.
PRICE_PLACES = 4
#: Earliest business date or close time accepted.
MIN_DATE = date(2000, 1, 1)
#: Largest gap in days between business_date and the local date of closed_at.
MAX_BUSINESS_DATE_SKEW_DAYS = 2
#: How far in the future (days) a business date or close time may be, for clock skew.
MAX_FUTURE_DAYS = 2
#: Largest time-zone offset accepted on closed_at, in hours (real zones stop at +14).
MAX_UTC_OFFSET_HOURS = 14
#: Most problems listed for one order.
MAX_ISSUES_PER_ORDER = 100

_QTY_QUANTUM = Decimal(1).scaleb(-QTY_PLACES)
_PRICE_QUANTUM = Decimal(1).scaleb(-PRICE_PLACES)
# Integers beyond this are absurd as refs and would trip int->str conversion limits.
_MAX_INT_REF = 10**18
_DECIMAL_STR = re.compile(r"[+-]?(?:\d{1,15}(?:\.\d{0,15})?|\.\d{1,15})")
_DATE_STR = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_DATETIME_STR = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?"
    r"(Z|z|[+-]\d{2}:\d{2})"
)


@dataclass(frozen=True)
class Modifier:
    """A modifier on a line; ``qty`` is per unit of the line."""

    code: str
    qty: Decimal


@dataclass(frozen=True)
class Line:
    """A normalized order line.

    ``qty`` is negative for a refund; ``unit_price`` is paid per unit, tax included, after
    discounts; ``parent_line_ref`` names the set-meal line this one is a component of.
    """

    line_ref: str
    item_code: str
    qty: Decimal
    unit_price: Decimal
    modifiers: tuple[Modifier, ...] = ()
    void: bool = False
    restock: bool = False
    parent_line_ref: str | None = None

    @property
    def is_refund(self) -> bool:
        """True when the line gives money back (negative quantity)."""
        return self.qty < 0


@dataclass(frozen=True)
class Order:
    """A normalized order, keyed by (source, location, order_ref)."""

    source: str
    location: str
    order_ref: str
    business_date: date
    closed_at: datetime
    covers: int
    lines: tuple[Line, ...]

    @property
    def key(self) -> tuple[str, str, str]:
        """The order's identity: (source, location, order_ref)."""
        return (self.source, self.location, self.order_ref)


@dataclass(frozen=True)
class Issue:
    """One problem found in an order.

    ``line_ref`` is ``""`` for a whole-order problem (or when the line has no usable ref);
    ``field`` names the offending field, ``value`` is a short safe rendering of what was
    sent (see :func:`describe`) and ``message`` is a complete sentence that names the field
    and the value.
    """

    line_ref: str
    field: str
    value: Any
    message: str
    #: The message as a code and parameters, for rendering it in another language.
    detail: Message | None = dataclasses.field(default=None, compare=False)

    @property
    def code(self) -> str:
        """The stable code of the problem."""
        return self.detail.code if self.detail is not None else "error"

    def as_dict(self) -> dict[str, Any]:
        """The answer form of the contract, safe to marshal over XML-RPC."""
        return {
            "line_ref": self.line_ref,
            "field": self.field,
            "code": self.code,
            "message": self.message,
        }


@dataclass(frozen=True)
class OrderResult:
    """The verdict on one order of a push: an ``order`` or its ``issues``, never both.

    ``order_ref`` is the best readable form of the sender's ref (``""`` if there is none),
    so that even a broken order can be named in the answer.
    """

    index: int
    order_ref: str
    order: Order | None = None
    issues: tuple[Issue, ...] = ()

    @property
    def ok(self) -> bool:
        """True when the order is valid."""
        return self.order is not None


@dataclass(frozen=True)
class PushValidation:
    """The verdict on a whole push.

    ``error`` is set when the payload itself cannot be used (then ``results`` is empty);
    otherwise ``results`` has one entry per order, in input order.
    """

    source: str
    batch_id: str
    results: tuple[OrderResult, ...] = ()
    error: BohError | None = None

    @property
    def ok(self) -> bool:
        """True when the payload could be read (some orders may still have issues)."""
        return self.error is None

    @property
    def orders(self) -> list[Order]:
        """The valid orders, in input order."""
        return [r.order for r in self.results if r.order is not None]


# --------------------------------------------------------------------------- helpers


def describe(value: Any, limit: int = 60) -> str:
    """A short, safe rendering of any value for an error message, in English.

    Never echoes a huge string or structure back, and never fails (even on integers too
    large for ``str``).
    """
    return str(described(value, limit))


def described(value: Any, limit: int = 60) -> str | Message:
    """:func:`describe` as a message parameter: the words it puts around a value (``a list
    of 3 items``) as a :class:`Message`, so that they are rendered in the message's
    language; a value shown as it is stays text."""
    if isinstance(value, bool) or value is None:
        return repr(value)
    if isinstance(value, int):
        if abs(value) >= 10**30:
            return msg("payload.describe.large_integer")
        return str(value)
    if isinstance(value, float | Decimal):
        return repr(float(value)) if isinstance(value, float) else str(value)
    if isinstance(value, str):
        if len(value) > limit:
            return msg("payload.describe.long_text", start=repr(value[:limit]), n=len(value))
        return repr(value)
    if isinstance(value, dict):
        return msg("payload.describe.object", n=len(value))
    if isinstance(value, list | tuple):
        return msg("payload.describe.list", n=len(value))
    return msg("payload.describe.value_of_type", type=type(value).__name__)


class _Problem(Exception):
    """Internal: one field could not be read; carries the sentence to report."""

    def __init__(self, message: Message):
        super().__init__(str(message))
        self.message = message


def _read_ref(value: Any, label: str, max_len: int) -> str:
    """Read a ref or code: a non-empty string or integer, stripped, bounded."""
    if value is None:
        raise _Problem(msg("payload.field.missing", label=label))
    if isinstance(value, bool):
        raise _Problem(msg("payload.ref.invalid", label=label, value=described(value)))
    if isinstance(value, int):
        if abs(value) >= _MAX_INT_REF:
            raise _Problem(msg("payload.ref.too_large", label=label, value=described(value)))
        return str(value)
    if not isinstance(value, str):
        raise _Problem(msg("payload.ref.invalid", label=label, value=described(value)))
    if len(value) > max_len * 4:
        # Cheap refusal before stripping a huge string.
        raise _Problem(
            msg(
                "payload.ref.too_long",
                label=label,
                value=described(value),
                max_len=max_len,
            )
        )
    text = value.strip()
    if not text:
        raise _Problem(msg("payload.ref.empty", label=label, value=described(value)))
    if len(text) > max_len:
        raise _Problem(
            msg(
                "payload.ref.too_long",
                label=label,
                value=described(value),
                max_len=max_len,
            )
        )
    if any(unicodedata.category(ch) in ("Cc", "Cs") for ch in text):
        raise _Problem(msg("payload.ref.control_characters", label=label, value=described(value)))
    return text


def _read_decimal(value: Any, label: str) -> Decimal:
    """Read a number sent as int, float or decimal string; refuse booleans, NaN, inf."""
    if value is None:
        raise _Problem(msg("payload.field.missing", label=label))
    if isinstance(value, bool):
        raise _Problem(msg("payload.number.boolean", label=label, value=described(value)))
    if isinstance(value, int):
        # Compared before building a Decimal so 10**5000 costs nothing.
        if abs(value) > 10**15:
            raise _Problem(msg("payload.number.out_of_range", label=label, value=described(value)))
        return Decimal(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise _Problem(msg("payload.number.not_finite", label=label, value=described(value)))
        if abs(value) > 1e15:
            raise _Problem(msg("payload.number.out_of_range", label=label, value=described(value)))
        # repr gives the shortest text that round-trips: 12.5 -> "12.5", not its binary.
        return Decimal(repr(value))
    if isinstance(value, Decimal):
        if not value.is_finite() or abs(value) > 10**15:
            raise _Problem(
                msg("payload.number.not_finite_in_range", label=label, value=described(value))
            )
        return value
    if isinstance(value, str):
        text = value.strip()
        if len(value) <= 64 and _DECIMAL_STR.fullmatch(text):
            try:
                return Decimal(text)
            except InvalidOperation:  # pragma: no cover - the pattern rules this out
                pass
        raise _Problem(msg("payload.number.not_a_number", label=label, value=described(value)))
    raise _Problem(msg("payload.number.invalid", label=label, value=described(value)))


def _read_bool(value: Any, label: str) -> bool:
    """Read an optional flag; only real booleans are accepted."""
    if value is None:
        return False
    if isinstance(value, bool):
        return value
    raise _Problem(msg("payload.boolean.invalid", label=label, value=described(value)))


def _read_date(value: Any, label: str) -> date:
    """Read ``YYYY-MM-DD`` into a real calendar date."""
    if value is None:
        raise _Problem(msg("payload.field.missing", label=label))
    if not isinstance(value, str) or len(value) > 32:
        raise _Problem(msg("payload.date.invalid", label=label, value=described(value)))
    match = _DATE_STR.fullmatch(value.strip())
    if not match:
        raise _Problem(msg("payload.date.invalid", label=label, value=described(value)))
    try:
        return date(*(int(g) for g in match.groups()))
    except ValueError:
        raise _Problem(
            msg("payload.date.not_a_calendar_date", label=label, value=described(value))
        ) from None


def _read_datetime(value: Any, label: str) -> datetime:
    """Read an ISO 8601 timestamp that carries a time-zone offset."""
    if value is None:
        raise _Problem(msg("payload.field.missing", label=label))
    if not isinstance(value, str) or len(value) > 64:
        raise _Problem(msg("payload.datetime.invalid", label=label, value=described(value)))
    text = value.strip()
    match = _DATETIME_STR.fullmatch(text)
    if not match:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?", text):
            raise _Problem(msg("payload.datetime.no_offset", label=label, value=described(value)))
        raise _Problem(msg("payload.datetime.invalid", label=label, value=described(value)))
    year, month, day, hour, minute, second, frac, offset = match.groups()
    if offset in ("Z", "z"):
        tz = timezone.utc
    else:
        sign = -1 if offset[0] == "-" else 1
        off_h, off_m = int(offset[1:3]), int(offset[4:6])
        if off_m >= 60 or off_h * 60 + off_m > MAX_UTC_OFFSET_HOURS * 60:
            raise _Problem(
                msg("payload.datetime.impossible_offset", label=label, value=described(value))
            )
        tz = timezone(sign * timedelta(hours=off_h, minutes=off_m))
    try:
        return datetime(
            int(year),
            int(month),
            int(day),
            int(hour),
            int(minute),
            int(second or 0),
            int((frac or "0").ljust(6, "0")),
            tzinfo=tz,
        )
    except ValueError:
        raise _Problem(
            msg("payload.datetime.not_a_real_time", label=label, value=described(value))
        ) from None


def _round(value: Decimal, quantum: Decimal) -> Decimal:
    return value.quantize(quantum, rounding=ROUND_HALF_EVEN)


# --------------------------------------------------------------------------- orders


class _Collector:
    """Gathers the issues of one order, up to the limit."""

    def __init__(self) -> None:
        self.issues: list[Issue] = []
        self.dropped = 0

    def add(self, line_ref: str, field_name: str, value: Any, message: Message) -> None:
        if len(self.issues) < MAX_ISSUES_PER_ORDER - 1:
            issue = Issue(line_ref, field_name, describe(value), message.render(), message)
            self.issues.append(issue)
        else:
            self.dropped += 1

    def done(self) -> tuple[Issue, ...]:
        if self.dropped:
            detail = msg("payload.order.more_problems", dropped=self.dropped)
            more = Issue("", "order", self.dropped, detail.render(), detail)
            return (*self.issues, more)
        return tuple(self.issues)


def _line_label(line_ref: str, position: int) -> Message:
    if line_ref:
        return msg("payload.label.line", line_ref=line_ref)
    return msg("payload.label.line_at_position", position=position + 1)


def _read_modifiers(
    raw: Any, line_ref: str, label: Message, issues: _Collector, max_str_len: int
) -> tuple[Modifier, ...]:
    """Read a line's modifiers; every problem goes to ``issues``.

    Long because it reads its input field by field in the order the problems are reported, each
    check next to its own message; helpers would only move the messages away from the checks they
    explain.
    """
    if raw is None:
        return ()
    if not isinstance(raw, list | tuple):
        issues.add(
            line_ref,
            "modifiers",
            raw,
            msg("payload.modifiers.not_a_list", label=label, raw=described(raw)),
        )
        return ()
    if len(raw) > MAX_MODIFIERS_PER_LINE:
        issues.add(
            line_ref,
            "modifiers",
            raw,
            msg(
                "payload.modifiers.too_many",
                label=label,
                n_raw=len(raw),
                max_modifiers_per_line=MAX_MODIFIERS_PER_LINE,
            ),
        )
        return ()
    result = []
    for pos, mod in enumerate(raw):
        where = msg("payload.label.modifier", line=label, position=pos + 1)
        if not isinstance(mod, dict):
            issues.add(
                line_ref,
                "modifiers",
                mod,
                msg("payload.modifier.not_an_object", where=where, mod=described(mod)),
            )
            continue
        code = qty = None
        try:
            code = _read_ref(mod.get("code"), "code", max_str_len)
        except _Problem as exc:
            issues.add(
                line_ref,
                "modifiers.code",
                mod.get("code"),
                msg("payload.in_context", where=where, message=exc.message),
            )
        raw_qty = mod.get("qty", 1)
        try:
            qty = _round(_read_decimal(raw_qty, "qty"), _QTY_QUANTUM)
            if not 0 < qty <= MAX_MODIFIER_QTY:
                raise _Problem(
                    msg(
                        "payload.modifier.qty_out_of_range",
                        raw_qty=described(raw_qty),
                        max_modifier_qty=MAX_MODIFIER_QTY,
                    )
                )
        except _Problem as exc:
            qty = None
            issues.add(
                line_ref,
                "modifiers.qty",
                raw_qty,
                msg("payload.in_context", where=where, message=exc.message),
            )
        if code is not None and qty is not None:
            result.append(Modifier(code, qty))
    return tuple(result)


def _read_line(
    raw: Any, position: int, issues: _Collector, max_str_len: int
) -> tuple[str, Line | None]:
    """Read one line; returns its ref ("" if unusable) and the line (None if broken).

    Long because it reads its input field by field in the order the problems are reported, each
    check next to its own message; helpers would only move the messages away from the checks they
    explain.
    """
    if not isinstance(raw, dict):
        issues.add(
            "",
            "lines",
            raw,
            msg("payload.line.not_an_object", position=position + 1, raw=described(raw)),
        )
        return "", None
    ok = True
    line_ref = ""
    try:
        line_ref = _read_ref(raw.get("line_ref"), "line_ref", max_str_len)
    except _Problem as exc:
        ok = False
        issues.add(
            "",
            "line_ref",
            raw.get("line_ref"),
            msg("payload.line.at_position", position=position + 1, message=exc.message),
        )
    label = _line_label(line_ref, position)

    def read(name: str, reader: Any, *args: Any) -> Any:
        nonlocal ok
        try:
            return reader(raw.get(name), name, *args)
        except _Problem as exc:
            ok = False
            issues.add(
                line_ref,
                name,
                raw.get(name),
                msg("payload.in_context_line", label=label, message=exc.message),
            )
            return None

    def refuse(name: str, message: Message) -> None:
        nonlocal ok
        ok = False
        issues.add(line_ref, name, raw.get(name), message)

    item_code = read("item_code", _read_ref, max_str_len)
    qty = read("qty", _read_decimal)
    if qty is not None:
        qty = _round(qty, _QTY_QUANTUM)
        if qty == 0 or abs(qty) > MAX_LINE_QTY:
            value = described(raw.get("qty"))
            refuse(
                "qty",
                msg(
                    "payload.qty.out_of_range", label=label, value=value, max_line_qty=MAX_LINE_QTY
                ),
            )
    price = read("unit_price", _read_decimal)
    if price is not None:
        price = _round(price, _PRICE_QUANTUM)
        if not 0 <= price <= MAX_UNIT_PRICE:
            value = described(raw.get("unit_price"))
            refuse(
                "unit_price",
                msg(
                    "payload.unit_price.out_of_range",
                    label=label,
                    value=value,
                    max_unit_price=MAX_UNIT_PRICE,
                ),
            )
    void = read("void", _read_bool)
    restock = read("restock", _read_bool)
    if restock and qty is not None and qty > 0:
        ok = False
        issues.add(
            line_ref,
            "restock",
            True,
            msg(
                "payload.restock.not_a_refund",
                label=label,
                value=described(raw.get("qty")),
            ),
        )
    raw_parent = raw.get("parent_line_ref")
    parent = None
    if raw_parent is not None and raw_parent != "":
        parent = read("parent_line_ref", _read_ref, max_str_len)
    n_before = len(issues.issues) + issues.dropped
    modifiers = _read_modifiers(raw.get("modifiers"), line_ref, label, issues, max_str_len)
    if len(issues.issues) + issues.dropped != n_before:
        ok = False
    if not ok:
        return line_ref, None
    line = Line(
        line_ref=line_ref,
        item_code=item_code,
        qty=qty,
        unit_price=price,
        modifiers=modifiers,
        void=bool(void),
        restock=bool(restock),
        parent_line_ref=parent,
    )
    return line_ref, line


def _check_parents(lines: list[Line], all_refs: set[str] | None, issues: _Collector) -> None:
    """Set-meal components must point at another line of the order, one level deep.

    ``all_refs`` holds the refs of every line, valid or not, so that a component of a
    broken line is not also reported as pointing nowhere; it is None when some line had
    no readable ref, and then a parent that cannot be found is not reported either.
    """
    by_ref = {line.line_ref: line for line in lines}
    for line in lines:
        parent_ref = line.parent_line_ref
        if parent_ref is None:
            continue
        label = _line_label(line.line_ref, 0)
        parent = by_ref.get(parent_ref)
        if parent_ref == line.line_ref:
            issues.add(
                line.line_ref,
                "parent_line_ref",
                parent_ref,
                msg("payload.parent_line_ref.itself", label=label, parent_ref=parent_ref),
            )
        elif all_refs is not None and parent_ref not in all_refs:
            issues.add(
                line.line_ref,
                "parent_line_ref",
                parent_ref,
                msg("payload.parent_line_ref.unknown", label=label, parent_ref=parent_ref),
            )
        elif parent is None:
            continue  # the parent line is broken and already reported
        elif parent.parent_line_ref is not None:
            issues.add(
                line.line_ref,
                "parent_line_ref",
                parent_ref,
                msg(
                    "payload.parent_line_ref.nested",
                    label=label,
                    parent_ref=parent_ref,
                ),
            )
        elif (parent.qty < 0) != (line.qty < 0):
            issues.add(
                line.line_ref,
                "qty",
                str(line.qty),
                msg(
                    "payload.qty.sign_differs_from_parent",
                    label=label,
                    qty=line.qty,
                    parent_ref=parent_ref,
                    qty_2=parent.qty,
                ),
            )


def _check_dates(
    business_date: date, closed_at: datetime, raw: dict, now: datetime, issues: _Collector
) -> None:
    """business_date and closed_at must be plausible on their own and together."""
    latest = now + timedelta(days=MAX_FUTURE_DAYS)
    if business_date < MIN_DATE or business_date > latest.date():
        issues.add(
            "",
            "business_date",
            raw.get("business_date"),
            msg(
                "payload.business_date.out_of_range",
                value=described(raw.get("business_date")),
                min_date=MIN_DATE.isoformat(),
                date=latest.date().isoformat(),
            ),
        )
    if closed_at.date() < MIN_DATE or closed_at > latest:
        issues.add(
            "",
            "closed_at",
            raw.get("closed_at"),
            msg(
                "payload.closed_at.out_of_range",
                value=described(raw.get("closed_at")),
                min_date=MIN_DATE.isoformat(),
                latest=latest.isoformat(timespec="seconds"),
            ),
        )
    gap = (business_date - closed_at.date()).days
    if abs(gap) > MAX_BUSINESS_DATE_SKEW_DAYS:
        issues.add(
            "",
            "business_date",
            raw.get("business_date"),
            msg(
                "payload.business_date.far_from_closed_at",
                value=described(raw.get("business_date")),
                gap=abs(gap),
                value_2=described(raw.get("closed_at")),
                max_business_date_skew_days=MAX_BUSINESS_DATE_SKEW_DAYS,
            ),
        )


def _order_ref_for_answer(raw: Any, max_str_len: int) -> str:
    """The order's ref as well as it can be read, for naming a broken order."""
    if not isinstance(raw, dict):
        return ""
    value = raw.get("order_ref")
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) < _MAX_INT_REF:
        return str(value)
    if isinstance(value, str):
        return value[: max_str_len * 4].strip()[:max_str_len]
    return ""


def _read_covers(raw_covers: Any, issues: _Collector) -> int:
    """Read the optional guest count (default 0)."""
    if raw_covers is None:
        return 0
    # Checked per type: math.isfinite overflows on huge integers.
    if isinstance(raw_covers, int) and not isinstance(raw_covers, bool):
        good = 0 <= raw_covers <= MAX_COVERS
    elif isinstance(raw_covers, float):
        good = 0 <= raw_covers <= MAX_COVERS and raw_covers == int(raw_covers)
    else:
        good = False
    if good:
        return int(raw_covers)
    issues.add(
        "",
        "covers",
        raw_covers,
        msg(
            "payload.covers.invalid",
            raw_covers=described(raw_covers),
            max_covers=MAX_COVERS,
        ),
    )
    return 0


def _read_lines(raw_lines: Any, issues: _Collector, max_lines: int, max_str_len: int) -> list[Line]:
    """Read every line of an order; only the valid ones are returned."""
    lines: list[Line] = []
    if not isinstance(raw_lines, list | tuple) or not raw_lines:
        issues.add(
            "",
            "lines",
            raw_lines,
            msg("payload.lines.invalid", raw_lines=described(raw_lines)),
        )
        return lines
    if len(raw_lines) > max_lines:
        issues.add(
            "",
            "lines",
            raw_lines,
            msg(
                "payload.lines.too_many",
                n_raw_lines=len(raw_lines),
                max_lines=max_lines,
            ),
        )
        return lines
    refs: set[str] = set()
    refs_complete = True
    for pos, raw_line in enumerate(raw_lines):
        line_ref, line = _read_line(raw_line, pos, issues, max_str_len)
        if not line_ref:
            refs_complete = False
        else:
            if line_ref in refs:
                issues.add(
                    line_ref,
                    "line_ref",
                    line_ref,
                    msg("payload.line_ref.duplicate", line_ref=line_ref),
                )
                line = None
            refs.add(line_ref)
        if line is not None:
            lines.append(line)
    _check_parents(lines, refs if refs_complete else None, issues)
    return lines


def _validate_order(
    raw: Any,
    index: int,
    source: str,
    seen: set[tuple[str, str]],
    now: datetime,
    max_lines: int,
    max_str_len: int,
) -> OrderResult:
    """Read and check one order of a push; every problem is reported, not only the first.

    Long because it reads its input field by field in the order the problems are reported, each
    check next to its own message; helpers would only move the messages away from the checks they
    explain.
    """
    issues = _Collector()
    ref_for_answer = _order_ref_for_answer(raw, max_str_len)
    if not isinstance(raw, dict):
        issues.add(
            "",
            "order",
            raw,
            msg("payload.order.not_an_object", index=index + 1, raw=described(raw)),
        )
        return OrderResult(index, ref_for_answer, None, issues.done())

    def read(name: str, reader: Any, *args: Any) -> Any:
        try:
            return reader(raw.get(name), name, *args)
        except _Problem as exc:
            issues.add("", name, raw.get(name), exc.message)
            return None

    order_ref = read("order_ref", _read_ref, max_str_len)
    location = read("location", _read_ref, max_str_len)
    business_date = read("business_date", _read_date)
    closed_at = read("closed_at", _read_datetime)
    covers = _read_covers(raw.get("covers"), issues)

    if order_ref is not None and location is not None:
        if (location, order_ref) in seen:
            issues.add(
                "",
                "order_ref",
                order_ref,
                msg(
                    "payload.order_ref.duplicate",
                    order_ref=order_ref,
                    location=location,
                ),
            )
        seen.add((location, order_ref))

    if business_date is not None and closed_at is not None:
        _check_dates(business_date, closed_at, raw, now, issues)

    lines = _read_lines(raw.get("lines"), issues, max_lines, max_str_len)

    found = issues.done()
    if found:
        return OrderResult(index, ref_for_answer, None, found)
    order = Order(
        source=source,
        location=location,
        order_ref=order_ref,
        business_date=business_date,
        closed_at=closed_at,
        covers=covers,
        lines=tuple(lines),
    )
    return OrderResult(index, order_ref, order, ())


# --------------------------------------------------------------------------- push


def validate_push(
    payload: Any,
    *,
    max_orders: int = MAX_ORDERS,
    max_lines_per_order: int = MAX_LINES_PER_ORDER,
    max_str_len: int = MAX_STR_LEN,
    now: datetime | None = None,
) -> PushValidation:
    """Validate and normalize one ``push_sales`` payload; never raises on bad input.

    ``now`` (an aware datetime, default the current time) bounds future dates; pass it
    for reproducible results. See the module docstring for every rule.
    """
    if now is None:
        now = datetime.now(timezone.utc)
    elif now.tzinfo is None:
        raise TypeError("now must be an aware datetime")

    def fail(field_name: str, value: Any, message: Message) -> PushValidation:
        return PushValidation("", "", (), BohError(field_name, describe(value), message))

    if not isinstance(payload, dict):
        return fail(
            "payload",
            payload,
            msg("payload.not_an_object", payload=described(payload)),
        )
    try:
        source = _read_ref(payload.get("source"), "source", max_str_len)
    except _Problem as exc:
        return fail("source", payload.get("source"), exc.message)
    batch_id = ""
    if payload.get("batch_id") not in (None, ""):
        try:
            batch_id = _read_ref(payload.get("batch_id"), "batch_id", max_str_len)
        except _Problem as exc:
            return fail("batch_id", payload.get("batch_id"), exc.message)
    orders = payload.get("orders")
    if not isinstance(orders, list | tuple):
        return fail(
            "orders",
            orders,
            msg("payload.orders.invalid", orders=described(orders)),
        )
    if len(orders) > max_orders:
        return fail(
            "orders",
            orders,
            msg("payload.orders.too_many", n_orders=len(orders), max_orders=max_orders),
        )
    seen: set[tuple[str, str]] = set()
    results = tuple(
        _validate_order(raw, i, source, seen, now, max_lines_per_order, max_str_len)
        for i, raw in enumerate(orders)
    )
    return PushValidation(source, batch_id, results, None)


# --------------------------------------------------------------------------- fingerprint


def order_content(order: Order) -> dict[str, Any]:
    """The canonical plain-data content of an order, as hashed by :func:`order_fingerprint`.

    Numbers are fixed-scale strings (so 2 and 2.0 agree), the close time is in UTC (the
    same instant sent with another offset is the same content), lines are sorted by
    ``line_ref`` and modifiers by code (their order on the ticket carries no meaning).
    """
    lines = []
    for line in sorted(order.lines, key=lambda ln: ln.line_ref):
        mods = sorted((m.code, str(_round(m.qty, _QTY_QUANTUM))) for m in line.modifiers)
        lines.append(
            {
                "line_ref": line.line_ref,
                "item_code": line.item_code,
                "qty": str(_round(line.qty, _QTY_QUANTUM)),
                "unit_price": str(_round(line.unit_price, _PRICE_QUANTUM)),
                "modifiers": [list(m) for m in mods],
                "void": line.void,
                "restock": line.restock,
                "parent_line_ref": line.parent_line_ref,
            }
        )
    return {
        "v": 1,
        "source": order.source,
        "location": order.location,
        "order_ref": order.order_ref,
        "business_date": order.business_date.isoformat(),
        "closed_at": order.closed_at.astimezone(timezone.utc).isoformat(),
        "covers": order.covers,
        "lines": lines,
    }


def order_fingerprint(order: Order) -> str:
    """A stable sha256 (hex) of the order's normalized content, for duplicate/amend checks.

    Equal for two sends of the same order whatever the key order of their objects, the
    order of their lines or the formatting of their numbers; different when anything that
    matters changed.
    """
    text = json.dumps(
        order_content(order), sort_keys=True, separators=(",", ":"), ensure_ascii=False
    )
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


__all__ = [
    "Issue",
    "Line",
    "Modifier",
    "Order",
    "OrderResult",
    "PushValidation",
    "describe",
    "order_content",
    "order_fingerprint",
    "validate_push",
]
