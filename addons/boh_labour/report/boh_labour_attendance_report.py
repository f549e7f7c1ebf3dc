from odoo import fields, models, tools
from odoo.tools import SQL

STORE_TZ = """
    SELECT w.id AS warehouse_id,
           COALESCE(rc.tz, crc.tz, wp.tz, cp.tz, 'UTC') AS tz
      FROM stock_warehouse w
      JOIN res_company c ON c.id = w.company_id
 LEFT JOIN resource_calendar rc ON rc.id = w.boh_calendar_id
 LEFT JOIN resource_calendar crc ON crc.id = c.boh_store_calendar_id
 LEFT JOIN res_partner wp ON wp.id = w.partner_id
 LEFT JOIN res_partner cp ON cp.id = c.partner_id
"""


class BohLabourAttendanceReport(models.Model):
    """Scheduled against actual hours per employee, store and local day, with flags."""

    _name = "boh.labour.attendance.report"
    _description = "Attendance against Schedule"
    _auto = False
    _order = "date desc, warehouse_id, employee_id"
    _depends = {
        "boh.labour.shift": ["employee_id", "warehouse_id", "company_id", "start", "state"],
        "hr.attendance": ["employee_id", "check_in", "worked_hours", "boh_warehouse_id"],
        "stock.warehouse": ["boh_calendar_id", "company_id", "partner_id"],
    }

    company_id = fields.Many2one("res.company", readonly=True)
    warehouse_id = fields.Many2one("stock.warehouse", string="Store", readonly=True)
    employee_id = fields.Many2one("hr.employee", readonly=True)
    date = fields.Date(readonly=True)
    scheduled_hours = fields.Float(readonly=True, digits=(16, 2), aggregator="sum")
    actual_hours = fields.Float(readonly=True, digits=(16, 2), aggregator="sum")
    difference_hours = fields.Float("Actual - Scheduled", readonly=True, digits=(16, 2))
    first_start = fields.Datetime("Shift Start", readonly=True)
    first_check_in = fields.Datetime("First Check-in", readonly=True)
    is_late = fields.Boolean("Late", readonly=True)
    is_absent = fields.Boolean("Absent", readonly=True)
    is_overtime = fields.Boolean("Overtime", readonly=True)
    is_unscheduled = fields.Boolean("Unscheduled", readonly=True)

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                """
CREATE OR REPLACE VIEW %s AS (
WITH zone AS (%s),
planned AS (
    SELECT s.employee_id, s.warehouse_id, s.company_id,
           (s.start AT TIME ZONE 'UTC' AT TIME ZONE z.tz)::date AS day,
           SUM(s.worked_hours) AS hours, MIN(s.start) AS first_start
      FROM boh_labour_shift s
      JOIN zone z ON z.warehouse_id = s.warehouse_id
     WHERE s.state = 'published'
  GROUP BY 1, 2, 3, 4
),
actual AS (
    SELECT a.employee_id, a.boh_warehouse_id AS warehouse_id, w.company_id,
           (a.check_in AT TIME ZONE 'UTC' AT TIME ZONE z.tz)::date AS day,
           SUM(COALESCE(a.worked_hours, 0)) AS hours, MIN(a.check_in) AS first_check_in
      FROM hr_attendance a
      JOIN stock_warehouse w ON w.id = a.boh_warehouse_id
      JOIN zone z ON z.warehouse_id = a.boh_warehouse_id
  GROUP BY 1, 2, 3, 4
)
SELECT row_number() OVER (
           ORDER BY COALESCE(p.day, a.day), COALESCE(p.employee_id, a.employee_id),
                    COALESCE(p.warehouse_id, a.warehouse_id)
       ) AS id,
       COALESCE(p.company_id, a.company_id) AS company_id,
       COALESCE(p.warehouse_id, a.warehouse_id) AS warehouse_id,
       COALESCE(p.employee_id, a.employee_id) AS employee_id,
       COALESCE(p.day, a.day) AS date,
       COALESCE(p.hours, 0) AS scheduled_hours,
       COALESCE(a.hours, 0) AS actual_hours,
       COALESCE(a.hours, 0) - COALESCE(p.hours, 0) AS difference_hours,
       p.first_start,
       a.first_check_in,
       COALESCE(a.first_check_in > p.first_start
                + make_interval(mins => COALESCE(c.boh_labour_late_minutes, 0)), FALSE) AS is_late,
       (p.employee_id IS NOT NULL AND a.employee_id IS NULL AND p.day < CURRENT_DATE) AS is_absent,
       (COALESCE(a.hours, 0) > COALESCE(p.hours, 0)
            + COALESCE(c.boh_labour_late_minutes, 0) / 60.0) AS is_overtime,
       (p.employee_id IS NULL) AS is_unscheduled
  FROM planned p
  FULL OUTER JOIN actual a
    ON a.employee_id = p.employee_id AND a.warehouse_id = p.warehouse_id AND a.day = p.day
  JOIN res_company c ON c.id = COALESCE(p.company_id, a.company_id)
)
""",
                SQL.identifier(self._table),
                SQL(STORE_TZ),
            )
        )
