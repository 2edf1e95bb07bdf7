"""The Excel ribbon add-in: its reproducible build from the xlwings template, and its per-user install."""
