"""The largest numbers Pathways accepts, declared once and enforced wherever a number comes in.

Catalogue files, scenario and what-if files, cohort rows, CLI options and HTTP bodies all validate through
models typed with these bounds, so no value that loads can overflow the solver or make the counter's
arrays astronomically wide. They are far above any published qualification (the largest RQF units carry
tens of credits and hundreds of GLH), so a value beyond them is a typing error, not a specification.
"""

from __future__ import annotations

MAX_UNIT_CREDITS = 999  # credits of one unit
MAX_UNIT_HOURS = 9_999  # GLH (or TQT) of one unit
MAX_TOTAL = 1_000_000  # any total or bound: rule minimums and maximums, group totals, figures, budgets
MAX_WEIGHT = 1_000  # a goal's weight, or how many units or credits cover it
