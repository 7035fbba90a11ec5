"""Queries layer: check, recommend, progression, trade-off, enumerate, audit, what-if, scenarios and reports."""
