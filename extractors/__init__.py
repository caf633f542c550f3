"""Extractors: turn segmented minutes into table rows (resolutions, budgets, assignments, ...)."""
