"""The upgrade step of the test command: what it compares, and what it upgrades or installs."""

import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))

from run_tests import (  # noqa: E402
    RELEASE_COMMIT,
    RELEASE_VERSION,
    SNAPSHOT_SQL,
    compare_snapshots,
    dropped_fields,
    upgrade_plan,
    upgrade_problems,
)

RULE = {
    "model": "boh.pos.order",
    "domain_force": "[('warehouse_id', 'in', user.boh_warehouse_ids.ids)]",
    "groups": ["boh_inventory.group_boh_user"],
    "perm_read": True,
    "perm_write": True,
}


def snapshot(**categories):
    return {"ir.rule": {}, "ir.model.access": {}, **categories}


def test_equal_snapshots_have_no_difference():
    both = snapshot(**{"ir.rule": {"boh_pos_bridge.rule_store": dict(RULE)}})
    assert compare_snapshots(both, dict(both)) == []


def test_a_rule_kept_by_noupdate_names_the_rule_and_both_values():
    fresh = snapshot(**{"ir.rule": {"boh_pos_bridge.rule_store": dict(RULE)}})
    stale = dict(RULE, domain_force="user.boh_warehouse_ids and [] or []")
    upgraded = snapshot(**{"ir.rule": {"boh_pos_bridge.rule_store": stale}})
    assert compare_snapshots(fresh, upgraded) == [
        "ir.rule boh_pos_bridge.rule_store: domain_force: "
        "fresh \"[('warehouse_id', 'in', user.boh_warehouse_ids.ids)]\", "
        "upgraded 'user.boh_warehouse_ids and [] or []'"
    ]


def test_every_attribute_that_differs_is_one_line():
    fresh = snapshot(**{"ir.rule": {"r": dict(RULE)}})
    changed = dict(RULE, groups=["boh_inventory.group_boh_manager"], perm_write=False)
    lines = compare_snapshots(fresh, snapshot(**{"ir.rule": {"r": changed}}))
    assert [line.split(":")[1].strip() for line in lines] == ["groups", "perm_write"]


def test_records_on_one_side_only_are_reported_with_their_side():
    fresh = snapshot(**{"ir.model.access": {"boh_x.access_new": {"perm_read": True}}})
    upgraded = snapshot(**{"ir.model.access": {"boh_x.access_gone": {"perm_read": True}}})
    lines = compare_snapshots(fresh, upgraded)
    assert lines == [
        'ir.model.access boh_x.access_gone: in the upgraded database only: {"perm_read": true}',
        'ir.model.access boh_x.access_new: in the fresh install only: {"perm_read": true}',
    ]


def test_a_category_missing_on_one_side_counts_all_its_records():
    fresh = snapshot(**{"res.groups": {"boh_inventory.group_boh_user": {"implied": []}}})
    lines = compare_snapshots(fresh, snapshot())
    assert lines == [
        'res.groups boh_inventory.group_boh_user: in the fresh install only: {"implied": []}'
    ]


def test_long_values_are_shortened_only_in_one_sided_lines():
    big = {"domain_force": "x" * 1000}
    (line,) = compare_snapshots(snapshot(**{"ir.rule": {"r": big}}), snapshot())
    assert line.endswith("...") and len(line) < 400


def test_upgrade_plan_updates_the_released_modules_and_installs_new_ones():
    released = ["boh_forecast", "boh_inventory"]
    working = ["boh_inventory", "boh_labour", "boh_forecast"]
    assert upgrade_plan(released, working) == (
        ["boh_forecast", "boh_inventory"],
        ["boh_labour"],
        [],
    )
    assert upgrade_plan(["boh_gone", "boh_inventory"], ["boh_inventory"])[2] == ["boh_gone"]


def test_upgrade_log_problems_are_errors_and_our_warnings():
    log = "\n".join(
        [
            "2026-12-07 01:00:00,000 1 INFO db odoo.modules.loading: loading 90 modules",
            "2026-12-07 01:00:01,000 1 WARNING db odoo.addons.stock.models.x: not ours",
            "2026-12-07 01:00:02,000 1 WARNING db odoo.addons.boh_inventory.models.y: ours",
            "2026-12-07 01:00:03,000 1 ERROR db odoo.modules.migration: migration failed",
        ]
    )
    assert [line.split()[3] for line in upgrade_problems(log)] == ["WARNING", "ERROR"]


def test_the_snapshot_covers_what_the_upgrade_must_carry():
    for category in ("ir.rule", "ir.model.access", "res.groups", "ir.model.fields", "columns"):
        assert f"'{category}'" in SNAPSHOT_SQL
    for attribute in ("domain_force", "perm_unlink", "implied", "groups", "selection"):
        assert f"'{attribute}'" in SNAPSHOT_SQL


def test_the_release_is_one_full_commit_hash():
    assert re.fullmatch(r"[0-9a-f]{40}", RELEASE_COMMIT)
    assert re.fullmatch(r"18\.0\.\d+\.\d+\.\d+", RELEASE_VERSION)


def test_dropped_fields_are_the_stored_ones_the_upgrade_removed():
    released = {
        "ir.model.fields": {
            "res.company.boh_fc_horizon": {"store": True},
            "res.config.settings.boh_fc_horizon": {"store": False},
            "res.company.boh_cost_basis": {"store": True},
        }
    }
    upgraded = {"ir.model.fields": {"res.company.boh_cost_basis": {"store": True}}}
    assert dropped_fields(released, upgraded) == ["res.company.boh_fc_horizon"]
