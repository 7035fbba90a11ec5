"""Rule kinds: each states its constraints, evaluates a pathway, describes, validates and edits itself.

A new kind is one class in one module of this package plus a member of `Rule` below.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from solver.rules.base import (
                               Bound,
                               Code,
                               Context,
                               Count,
                               Date,
                               LevelNumber,
                               Metric,
                               RuleBase,
                               Scope,
                               Side,
                               Tag,
                               UnitFacts,
                               Verdict,
                               amount,
                               listing,
                               parse_date,
                               units_word,
)
from solver.rules.conditional import ConditionalSumRule
from solver.rules.dated import ReplacementRule
from solver.rules.equivalence import EquivalenceRule
from solver.rules.imports import ImportRule
from solver.rules.linear import Linear
from solver.rules.spread import GroupSpreadRule
from solver.rules.structure import BarredRule, MandatoryRule
from solver.rules.sums import Selector, SumRule, weight
from solver.rules.window import WindowRule

Rule = Annotated[
    SumRule | MandatoryRule | BarredRule | ReplacementRule | EquivalenceRule | GroupSpreadRule | ImportRule
    | ConditionalSumRule | WindowRule,
    Field(discriminator="kind"),
]
RULE_KINDS = ("sum", "mandatory", "barred", "replacement", "equivalence", "groups", "import", "when-used", "window")

__all__ = ["RULE_KINDS", "BarredRule", "Bound", "Code", "ConditionalSumRule", "Context", "Count", "Date",
           "EquivalenceRule",
           "GroupSpreadRule", "ImportRule", "LevelNumber", "Linear", "MandatoryRule", "Metric", "ReplacementRule",
           "Rule", "RuleBase", "Scope", "Selector", "Side", "SumRule", "Tag", "UnitFacts", "Verdict", "WindowRule",
           "amount", "listing", "parse_date", "units_word", "weight"]
