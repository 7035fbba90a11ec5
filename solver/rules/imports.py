"""Import slots: a bounded amount of credit (or units) taken from other qualifications of the catalogue."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

from pydantic import Field

from solver.rules.base import Code, Context, Reference, Scope, UnitFacts, Where, listing
from solver.rules.linear import Terms
from solver.rules.sums import SumRule, weight


class ImportRule(SumRule):
    """ "At most one unit may be imported from another qualification"; "up to 10 credits from other
    qualifications at level 3 or above". The slot's candidates are the units of the other qualifications of
    the catalogue (or of those named in `from`) that `where` selects; once claimed they count toward every
    rule that is not about this qualification's own groups, such as its credit total."""

    kind: Literal["import"]  # type: ignore[assignment]
    sum: Literal["credits", "units"] = "units"
    from_: tuple[Code, ...] = Field(default=(), alias="from")  # qualification ids; empty: any other one

    def imports(self, elsewhere: Mapping[str, Mapping[str, UnitFacts]]) -> list[str]:
        """The units the slot may take: of the named (or every other) qualification, selected by `where`.
        A unit whose level or credit value is unpublished is not a candidate where `where` needs it."""
        sources = [q for q in elsewhere if not self.from_ or q in self.from_]
        found = [code for q in sources for code, unit in elsewhere[q].items()
                 if self.where.admits(code, unit, set()) is True]
        return list(dict.fromkeys(found))

    def split(self, ctx: Context) -> tuple[Terms, Terms, list[str]]:
        terms: list[tuple[str, int]] = []
        unknown: list[str] = []
        for code in ctx.imported.get(self.id or "", ()):
            w = weight(ctx.units[code], self.sum)
            if w is None:
                unknown.append(code)
            else:
                terms.append((code, w))
        return tuple(terms), (), unknown

    def scope_words(self, ctx: Context) -> str:
        source = f"qualification {listing(list(self.from_), 'or')}" if self.from_ else "other qualifications"
        where = self.where.scope(ctx)
        return f"from {source}" + ("" if where == "in total" else f" ({where.removeprefix('from ')})")

    def describe(self, ctx: Context) -> str:
        text = f"{self.stated_bounds()} {self.scope_words(ctx)} (import slot)"
        return text[0].upper() + text[1:]

    def references(self) -> list[Reference]:
        return []  # its units are other qualifications'; `from` is checked against the catalogue

    def own_problems(self, scope: Scope) -> list[tuple[Where, str]]:
        if self.max is None:
            return [(("max",), "expected 'max': an import slot says how much may come from elsewhere")]
        if self.where.groups:
            return [(("where", "groups"), "an import slot selects units of other qualifications, not groups of "
                                          "this one; use 'from' to name qualifications")]
        if self.min is not None and self.min > self.max:
            return [(("min",), f"expected min <= max, got min {self.min} > max {self.max}")]
        known = scope.qualifications
        return [(("from", i), f"qualification {q!r} is not in the catalogue (or is this one)")
                for i, q in enumerate(self.from_) if known is not None and q not in known]

    def warnings(self, scope: Scope) -> list[tuple[Where, str]]:
        return []

    def without_unit(self, code: str) -> ImportRule:
        return self
