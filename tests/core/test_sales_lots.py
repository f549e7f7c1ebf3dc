"""allocate_fefo: depletion deltas split over lots, first-expired-first-out."""

from __future__ import annotations

from boh_core.sales.lots import LotDelta, LotStock, allocate_fefo

POOL = ("store", "milk")


def pool(*lots):
    return {POOL: [LotStock(lot, "shelf", qty, rank) for lot, qty, rank in lots]}


def test_taken_from_the_earliest_expiring_lot_first_then_the_next():
    pools = pool(("late", 10.0, 3), ("early", 4.0, 1), ("middle", 5.0, 2))
    (parts,) = allocate_fefo([LotDelta(POOL, 7.0)], pools, 3, {})
    assert parts == [("early", "shelf", 4.0), ("middle", "shelf", 3.0)]
    assert [s.qty for s in pools[POOL]] == [10.0, 4.0, 5.0], "the caller's pools are not changed"


def test_lots_without_stock_are_skipped_and_a_shortage_goes_negative_on_the_first_lot():
    pools = pool(("empty", 0.0, 1), ("some", 2.0, 2))
    (parts,) = allocate_fefo([LotDelta(POOL, 5.0)], pools, 3, {})
    assert parts == [("some", "shelf", 2.0), ("empty", "shelf", 3.0)]


def test_a_store_without_lots_uses_the_fallback():
    (parts,) = allocate_fefo([LotDelta(POOL, 1.5, fallback=("new", "stock"))], {}, 3, {})
    assert parts == [("new", "stock", 1.5)]


def test_put_back_goes_into_what_the_day_took_latest_expiring_first():
    taken = {("early", "shelf"): 2.0, ("late", "shelf"): 1.0}
    ranks = {"early": (1, "early"), "late": (9, "late")}
    (parts,) = allocate_fefo([LotDelta(POOL, -2.5, taken=taken)], pool(), 3, ranks)
    assert parts == [("late", "shelf", 1.0), ("early", "shelf", 1.5)]


def test_put_backs_are_allocated_first_and_may_be_taken_again():
    pools = pool(("a", 0.0, 1), ("b", 5.0, 2))
    deltas = [
        LotDelta(POOL, 1.0),
        LotDelta(POOL, -1.0, taken={("a", "shelf"): 1.0}),
    ]
    take, put_back = allocate_fefo(deltas, pools, 3, {"a": (1, "a")})
    assert put_back == [("a", "shelf", 1.0)]
    assert take == [("a", "shelf", 1.0)], "the lot refilled by the put-back is first again"


def test_quantities_are_rounded_to_the_precision():
    pools = pool(("a", 1.0004, 1), ("b", 5.0, 2))
    (parts,) = allocate_fefo([LotDelta(POOL, 1.0006)], pools, 3, {})
    assert parts == [("a", "shelf", 1.0), ("b", "shelf", 0.001)]
