from . import boh_labour_attendance_report, boh_labour_kpi_report
