"""Deterministic synthetic large qualifications, written as catalogue YAML through the project's own models."""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path

import yaml

from solver.model.documents import CatalogueFile, Group, Qualification, Unit
from solver.rules import BarredRule, Selector, SumRule


@dataclass(frozen=True)
class Shape:
    """How big a synthetic qualification is and how tight its rules are."""

    units: int = 2_000
    groups: int = 20
    barred_pairs: int = 100
    total_min: int = 240
    total_max: int = 400
    group_min: int = 6  # every group gives at least this many credits ...
    group_max: int = 30  # ... and at most this many
    high_level: int = 4  # "at least N credits at level 4 or above"
    high_min: int = 120
    seed: int = 42


def synthetic_file(shape: Shape = Shape()) -> CatalogueFile:
    """Units with levels 2-6 and credits 1-8 (GLH loosely tied to credits), groups of equal size, a total
    credit window, a credit window per group, a minimum at level 4 or above, and barred pairs across groups."""
    rng = random.Random(shape.seed)
    units = []
    for i in range(shape.units):
        credits = rng.randint(1, 8)
        level = rng.randint(2, 6)
        glh = max(1, credits * rng.randint(3, 9) + rng.randint(-2, 2))
        units.append(Unit(code=f"S{i + 1:05d}", title=f"Synthetic unit {i + 1}", level=level, credits=credits,
                          glh=glh, tags=(f"topic-{rng.randint(1, 25)}",)))
    size = shape.units // shape.groups
    groups = tuple(Group(id=f"G{g + 1}", name=f"Group {g + 1}",
                         units=tuple(u.code for u in units[g * size:(g + 1) * size])) for g in range(shape.groups))
    rules = [SumRule(id="total-credits", kind="sum", min=shape.total_min, max=shape.total_max),
             SumRule(id=f"level-{shape.high_level}-plus", kind="sum", where=Selector(min_level=shape.high_level),
                     min=shape.high_min)]
    rules += [SumRule(id=f"window-{g.id}", kind="sum", where=Selector(groups=(g.id,)), min=shape.group_min,
                      max=shape.group_max) for g in groups]
    pairs: set[tuple[str, str]] = set()
    while len(pairs) < shape.barred_pairs:
        a, b = sorted(rng.sample(range(shape.units), 2))
        pairs.add((units[a].code, units[b].code))
    rules += [BarredRule(id=f"barred-{i + 1}", kind="barred", units=pair) for i, pair in enumerate(sorted(pairs))]
    q = Qualification(id="synthetic", accreditation=f"SYN/{shape.units}/{shape.groups}",
                      title=f"Synthetic qualification of {shape.units} units in {shape.groups} groups", level=4,
                      awarding_body="Benchmark", groups=groups, rules=tuple(rules))
    return CatalogueFile(source="benchmarks/synthetic.py", units=tuple(units), qualifications=(q,))


def write_catalogue_file(path: Path, catalogue: CatalogueFile) -> Path:
    """Write a generated catalogue file as YAML through the project's models (the real loader reads it back)."""
    data = catalogue.model_dump(mode="json", by_alias=True, exclude_defaults=True)
    path.write_text(yaml.safe_dump(data, sort_keys=False, width=120), encoding="utf-8")
    return path


def write_synthetic(folder: str | Path, shape: Shape = Shape()) -> Path:
    """Write the synthetic catalogue file into `folder` (load it with `load_catalogue(folder)`)."""
    return write_catalogue_file(Path(folder) / f"synthetic-{shape.units}.yaml", synthetic_file(shape))
