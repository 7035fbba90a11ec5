"""A second, independently shaped generator of large qualifications, so the large benchmarks do not rest on one
structure: many small groups (about 25 units each), overlapping level rules, tag minimums, barred pairs inside
groups, a cap on the number of units, and GLH tied closely to credits (so many pathways tie on new GLH and the
second tier, fewest units, has real work to do)."""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path

from benchmarks.synthetic import write_catalogue_file
from solver.model.documents import CatalogueFile, Group, Qualification, Unit
from solver.rules import BarredRule, Selector, SumRule


@dataclass(frozen=True)
class Layout:
    """How big the qualification is; the other figures scale from the group size and the seed."""

    units: int = 2_000
    group_size: int = 25
    seed: int = 2026


def independent_file(layout: Layout = Layout()) -> CatalogueFile:
    """Units of 1-6 credits at levels 1-6, GLH = 8 x credits +- 2; groups of `group_size` units, each capped
    (8-16 credits) and one in twenty with a minimum (2-4 credits); 180-260 credits and at most 60 units in all;
    >= 60 credits at level 3 or above and >= 24 at level 5 or above, <= 40 at level 2 or below; >= 12 credits in
    each of three tags; a barred pair in every other group."""
    rng = random.Random(layout.seed)
    units = []
    for i in range(layout.units):
        credits = rng.randint(1, 6)
        units.append(Unit(code=f"I{i + 1:05d}", title=f"Independent unit {i + 1}", level=rng.randint(1, 6),
                          credits=credits, glh=credits * 8 + rng.randint(-2, 2), tags=(f"area-{rng.randint(1, 40)}",)))
    size = layout.group_size
    groups = tuple(Group(id=f"H{g + 1}", name=f"Block {g + 1}", units=tuple(u.code for u in units[k:k + size]))
                   for g, k in enumerate(range(0, layout.units, size)))
    rules: list[SumRule | BarredRule] = [
        SumRule(id="total", kind="sum", min=180, max=260),
        SumRule(id="unit-cap", kind="sum", sum="units", max=60),
        SumRule(id="level-3-plus", kind="sum", where=Selector(min_level=3), min=60),
        SumRule(id="level-5-plus", kind="sum", where=Selector(min_level=5), min=24),
        SumRule(id="level-2-or-below", kind="sum", where=Selector(max_level=2), max=40)]
    rules += [SumRule(id=f"tag-{t}", kind="sum", where=Selector(tags=(f"area-{t}",)), min=12) for t in (3, 17, 29)]
    for k, g in enumerate(groups):
        rules.append(SumRule(id=f"cap-{g.id}", kind="sum", where=Selector(groups=(g.id,)), max=rng.randint(8, 16)))
        if k % 20 == 0:
            rules.append(SumRule(id=f"floor-{g.id}", kind="sum", where=Selector(groups=(g.id,)),
                                 min=rng.randint(2, 4)))
        if k % 2 == 0 and len(g.units) >= 2:
            rules.append(BarredRule(id=f"barred-{g.id}", kind="barred", units=tuple(rng.sample(g.units, 2))))
    q = Qualification(id="independent", accreditation=f"IND/{layout.units}/{len(groups)}",
                      title=f"Independent qualification of {layout.units} units in {len(groups)} blocks", level=4,
                      awarding_body="Benchmark", groups=groups, rules=tuple(rules))
    return CatalogueFile(source="benchmarks/independent.py", units=tuple(units), qualifications=(q,))


def write_independent(folder: str | Path, layout: Layout = Layout()) -> Path:
    """Write the catalogue file into `folder` (load it with `load_catalogue(folder)`)."""
    return write_catalogue_file(Path(folder) / f"independent-{layout.units}.yaml", independent_file(layout))
