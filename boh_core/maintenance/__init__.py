"""Maintenance algorithms behind ``boh_maintenance``: labels, photos, dispatch, SLA, reliability.

Submodules are imported on demand (``from boh_core.maintenance.sla import sla_status``) so that
optional dependencies (pyzbar, reportlab) are only needed by the code that uses them.
"""
