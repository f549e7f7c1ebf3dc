from datetime import date, datetime

from odoo.tests import TransactionCase, tagged

from ..tools.bulk import bulk_insert, bulk_update

COLUMNS = (
    ("qty", "numeric"),
    ("ref", "int"),
    ("day", "date"),
    ("done", "bool"),
    ("label", "varchar"),
    ("at", "timestamp"),
)


@tagged("post_install", "-at_install")
class TestBulkWriter(TransactionCase):
    def _written(self, rows, **options):
        self.env.cr.execute(
            "CREATE TEMP TABLE test_boh_bulk (id serial, qty numeric, ref int, day date,"
            " done bool, label varchar, at timestamp) ON COMMIT DROP"
        )
        bulk_insert(self.env, "test_boh_bulk", COLUMNS, rows, audit=False, **options)
        self.env.cr.execute("SELECT qty, ref, day, done, label, at FROM test_boh_bulk ORDER BY id")
        return self.env.cr.fetchall()

    def test_values_come_back_as_written_whatever_their_spelling(self):
        rows = [
            (1.5, 7, date(2026, 1, 2), True, "a,b {c}", datetime(2026, 1, 2, 3, 4)),
            (1e-05, None, None, False, None, None),
            (123456789.125, 3, date(2026, 12, 31), None, "NULL", None),
            (False, False, False, False, False, False),
            (2, 0, date(2026, 2, 3), True, "'; DROP TABLE x; --", None),
        ]
        self.assertEqual(
            self._written(rows),
            [
                (1.5, 7, date(2026, 1, 2), True, "a,b {c}", datetime(2026, 1, 2, 3, 4)),
                (1e-05, None, None, False, None, None),
                (123456789.125, 3, date(2026, 12, 31), None, "NULL", None),
                # False is "not set" (NULL) but in a boolean column
                (None, None, None, False, None, None),
                (2.0, 0, date(2026, 2, 3), True, "'; DROP TABLE x; --", None),
            ],
        )

    def test_quantities_are_rounded_half_away_from_zero_by_the_database(self):
        rows = [(2.345, 1, None, None, None, None), (-2.345, 2, None, None, None, None)]
        written = self._written(rows, digits={"qty": 2})
        self.assertEqual([row[0] for row in written], [2.35, -2.35])

    def test_a_value_without_a_plain_spelling_is_still_written(self):
        # a float in an integer column, NaN: adapted by the driver as before
        rows = [(float("nan"), 3.0, None, None, None, None)]
        qty, ref = self._written(rows)[0][:2]
        self.assertNotEqual(qty, qty)
        self.assertEqual(ref, 3)

    def test_an_update_writes_each_row_over_its_id_rounded_with_its_author(self):
        self.env.cr.execute(
            "CREATE TEMP TABLE test_boh_bulk_update (id serial, qty numeric, label varchar,"
            " done bool, write_uid int, write_date timestamp) ON COMMIT DROP"
        )
        self.env.cr.execute(
            "INSERT INTO test_boh_bulk_update (qty, label, done) VALUES (1, 'a', true),"
            " (2, 'b', true), (3, 'c', true)"
        )
        columns = (("id", "int"), ("qty", "numeric"), ("label", "varchar"), ("done", "bool"))
        rows = [(3, 2.345, False, False), (1, -1.005, "z", True)]
        bulk_update(self.env, "test_boh_bulk_update", columns, rows, digits={"qty": 2})
        self.env.cr.execute(
            "SELECT id, qty, label, done, write_uid, write_date IS NOT NULL"
            " FROM test_boh_bulk_update ORDER BY id"
        )
        uid = self.env.uid
        self.assertEqual(
            self.env.cr.fetchall(),
            [
                (1, -1.01, "z", True, uid, True),
                (2, 2.0, "b", True, None, False),  # not in the rows: untouched
                (3, 2.35, None, False, uid, True),
            ],
        )
        with self.assertRaises(ValueError):
            bulk_update(self.env, "test_boh_bulk_update", columns[1:], [(1.0, "x", True)])
