from datetime import date, timedelta

from odoo import Command
from odoo.tests import TransactionCase, new_test_user


class BohLabourCase(TransactionCase):
    """A store open 10:00-22:00 (Shanghai), two jobs with standards, four employees, a
    forecast for the week two weeks back (so that attendance flags can be judged)."""

    @classmethod
    def setUpClass(cls):
        """Long because the labour tests share one store: jobs, employees, contracts,
        availability, time off and the forecast's labour plan."""
        super().setUpClass()
        cls.company = cls.env.company
        cls.company.write({"boh_labour_solve_seconds": 3, "boh_labour_budget_pct": 30.0})
        cls.calendar = cls.env["resource.calendar"].create(
            {
                "name": "Store 10-22",
                "tz": "Asia/Shanghai",
                "attendance_ids": [
                    Command.create(
                        {"name": f"d{d}", "dayofweek": str(d), "hour_from": 10, "hour_to": 22}
                    )
                    for d in range(7)
                ],
            }
        )
        Warehouse = cls.env["stock.warehouse"]
        cls.store = Warehouse.create(
            {"name": "Labour Store", "code": "LAB", "boh_calendar_id": cls.calendar.id}
        )
        cls.other_store = Warehouse.create(
            {"name": "Other Store", "code": "OTH", "boh_calendar_id": cls.calendar.id}
        )
        Job = cls.env["hr.job"]
        cls.cook = Job.create({"name": "Labour Cook"})
        cls.server = Job.create({"name": "Labour Server"})
        Standard = cls.env["boh.labour.standard"]
        Standard.search([]).active = False  # demo standards would add jobs nobody holds here
        Standard.create(
            [
                {
                    "warehouse_id": cls.store.id,
                    "role": "Labour Cook",
                    "job_id": cls.cook.id,
                    "driver": "covers",
                    "per_hour": 20.0,
                    "min_staff": 1,
                },
                {
                    "warehouse_id": cls.store.id,
                    "role": "Labour Server",
                    "job_id": cls.server.id,
                    "driver": "sales",
                    "per_hour": 400.0,
                    "min_staff": 1,
                },
            ]
        )
        today = date.today()
        cls.monday = today - timedelta(days=today.weekday() + 14)
        Forecast = cls.env["boh.forecast"]
        Forecast.create(
            [
                {
                    "warehouse_id": cls.store.id,
                    "kind": "covers",
                    "date": cls.monday + timedelta(days=d),
                    "qty": 300.0,
                }
                for d in range(7)
            ]
        )
        Employee = cls.env["hr.employee"]

        def employee(name, job, cost, **vals):
            return Employee.create(
                {
                    "name": name,
                    "job_id": job.id,
                    "hourly_cost": cost,
                    "boh_warehouse_ids": [Command.set([cls.store.id])],
                    **vals,
                }
            )

        cls.ann = employee("Ann Cook", cls.cook, 30.0)
        cls.bob = employee("Bob Cook", cls.cook, 25.0, boh_job_ids=[Command.set([cls.server.id])])
        cls.cat = employee("Cat Server", cls.server, 20.0)
        cls.dan = employee(
            "Dan Server",
            cls.server,
            22.0,
            boh_warehouse_ids=[Command.set([cls.store.id, cls.other_store.id])],
        )
        cls.manager = new_test_user(
            cls.env,
            login="labour_manager",
            groups="base.group_user,boh_inventory.group_boh_manager",
            boh_warehouse_ids=[Command.set([cls.store.id])],
        )
        cls.other_manager = new_test_user(
            cls.env,
            login="labour_other_manager",
            groups="base.group_user,boh_inventory.group_boh_manager",
            boh_warehouse_ids=[Command.set([cls.other_store.id])],
        )
        cls.kitchen = new_test_user(
            cls.env,
            login="labour_kitchen",
            groups="base.group_user,boh_inventory.group_boh_user",
            boh_warehouse_ids=[Command.set([cls.store.id])],
        )

    @classmethod
    def _published_shift(cls, start, hours=5):
        """A published shift of Cat as a server at the store, from ``start`` for ``hours``."""
        return cls.env["boh.labour.shift"].create(
            {
                "warehouse_id": cls.store.id,
                "employee_id": cls.cat.id,
                "job_id": cls.server.id,
                "start": start,
                "stop": start + timedelta(hours=hours),
                "state": "published",
            }
        )

    @classmethod
    def _week(cls, monday=None):
        return cls.env["boh.labour.week"].create(
            {"warehouse_id": cls.store.id, "week_start": monday or cls.monday}
        )
