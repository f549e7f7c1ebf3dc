"""The test command reads an Odoo run truthfully: a crash is never a pass."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))

from run_tests import odoo_run_outcome  # noqa: E402

RESULT = (
    "2026-12-07 00:10:00,000 1 INFO db odoo.tests.result: "
    "{failed} failed, {errors} error(s) of {ran} tests when loading database 'db'\n"
)
TEST_PASSED = "2026-12-07 00:09:00,000 1 INFO db odoo.addons.boh_inventory.tests: ok\n"


def test_a_green_run_is_green():
    outcome = odoo_run_outcome(0, TEST_PASSED + RESULT.format(failed=0, errors=0, ran=12))
    assert (outcome.passed, outcome.failed, outcome.crash) == (12, 0, "")


def test_failed_tests_are_failures_not_a_crash():
    outcome = odoo_run_outcome(1, RESULT.format(failed=2, errors=1, ran=12))
    assert (outcome.passed, outcome.failed, outcome.crash) == (9, 3, "")


def test_a_run_killed_after_its_result_line_is_a_crash():
    # The result line was printed, then the process died: once read as green.
    outcome = odoo_run_outcome(-9, RESULT.format(failed=0, errors=0, ran=12))
    assert "killed by signal 9" in outcome.crash


def test_an_install_that_dies_after_some_tests_is_a_crash():
    log = (
        TEST_PASSED + "2026-12-07 00:09:30,000 1 CRITICAL db odoo.service.server: "
        "Failed to initialize database `db`.\n"
    )
    outcome = odoo_run_outcome(255, log)
    assert "Failed to initialize database" in outcome.crash


def test_an_exit_code_the_result_does_not_explain_is_a_crash():
    outcome = odoo_run_outcome(1, RESULT.format(failed=0, errors=0, ran=12))
    assert "does not explain" in outcome.crash


def test_a_module_left_uninstalled_is_a_crash():
    outcome = odoo_run_outcome(
        0, RESULT.format(failed=0, errors=0, ran=12), modules_not_installed=["boh_forecast"]
    )
    assert "boh_forecast" in outcome.crash


def test_no_result_line_is_a_crash():
    assert odoo_run_outcome(0, TEST_PASSED).crash


def test_skips_of_our_tests_are_counted():
    log = (
        "2026-12-07 00:09:00,000 1 INFO db odoo.addons.boh_inventory.tests.test_x: "
        "skipped no chromium\n" + RESULT.format(failed=0, errors=0, ran=3)
    )
    outcome = odoo_run_outcome(0, log)
    assert outcome.skips == ["no chromium"] and outcome.passed == 2
