"""The numbers a restaurant runs on: actual vs theoretical usage and the KPI formulas."""
