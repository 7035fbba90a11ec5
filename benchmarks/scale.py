"""Deterministic synthetic qualifications for counting at scale: many overlapping rules, wide GLH."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

CUTOFF = dt.date(2020, 7, 1)


@dataclass(frozen=True)
class ScaleShape:
    """Units in groups; `rules` overlapping sum rules (group windows, unions of groups, level rules, unit
    counts) on top of a total credit window; barred pairs, replacements and a mandatory unit."""

    units: int = 60
    groups: int = 6
    rules: int = 10
    glh: tuple[int, int] = (20, 300)
    credits: tuple[int, int] = (1, 6)
    barred: int = 2
    replacements: int = 1
    seed: int = 1


def scale_spec(shape: ScaleShape) -> dict:
    """The catalogue file (as a dict) of one synthetic qualification `q`: see ScaleShape."""
    rng = random.Random(shape.seed)
    units: list[dict[str, Any]] = [{"code": f"X{i:03d}", "title": f"Scale unit {i}", "level": rng.randint(2, 4),
              "credits": rng.randint(*shape.credits), "glh": rng.randint(*shape.glh)} for i in range(shape.units)]
    size = -(-shape.units // shape.groups)
    groups: list[dict[str, Any]] = [{"id": f"G{g + 1}", "name": f"Group {g + 1}",
               "units": [u["code"] for u in units[g * size:(g + 1) * size]]} for g in range(shape.groups)]
    groups = [g for g in groups if g["units"]]
    credit_of = {u["code"]: u["credits"] for u in units}
    total = sum(credit_of.values())
    rules: list[dict] = [{"id": "total", "kind": "sum", "sum": "credits", "min": total // 4, "max": total // 3}]
    for r in range(shape.rules):
        kind = r % 4
        chosen = rng.sample([g["id"] for g in groups], k=1 if kind in (0, 3) else min(2, len(groups)))
        reach = sum(credit_of[c] for g in groups if g["id"] in chosen for c in g["units"])
        where: dict = {"groups": chosen}
        if kind == 2:
            where["min_level"] = 3
            reach = sum(credit_of[c] for g in groups if g["id"] in chosen for c in g["units"]
                        if units[int(c[1:])]["level"] >= 3)
        rule: dict[str, Any] = {"id": f"r{r}", "kind": "sum", "sum": "units" if kind == 3 else "credits",
                                "where": where}
        if kind == 3:
            count = sum(len(g["units"]) for g in groups if g["id"] in chosen)
            rule["max"] = max(1, count // 2)
        else:
            rule["min"] = reach // 6
            rule["max"] = max(reach // 6, reach // 2)
        rules.append(rule)
    codes = [u["code"] for u in units]
    pairs: set[tuple[str, str]] = set()
    while len(pairs) < shape.barred:
        a, b = sorted(rng.sample(codes, 2))
        pairs.add((a, b))
    rules += [{"id": f"barred-{i}", "kind": "barred", "units": list(p)} for i, p in enumerate(sorted(pairs))]
    for i in range(shape.replacements):
        old, new = rng.sample(codes, 2)
        rules.append({"id": f"replace-{i}", "kind": "replacement", "old": old, "new": new, "from": CUTOFF})
    rules.append({"id": "core", "kind": "mandatory", "units": [codes[0]]})
    return {"units": units, "qualifications": [{
        "id": "q", "accreditation": f"SCL/{shape.units}/{shape.rules}", "title": f"Scale {shape.units}",
        "level": 3, "awarding_body": "Benchmark", "groups": groups, "rules": rules}]}


def exact_total_spec(units: int = 60, seed: int = 3) -> dict:
    """60 units in graded and ungraded partitions, an exact 60-credit total (units of 5 and 10 credits), a
    window on each partition and a unit-size rule: about 10^8 valid pathways."""
    rng = random.Random(seed)
    out = [{"code": f"E{i:03d}", "title": f"Exact unit {i}", "level": 2 + i % 2, "credits": 10 if i % 5 == 0 else 5,
            "glh": rng.randint(30, 90)} for i in range(units)]
    half = units // 2
    groups = [{"id": "graded", "name": "Graded units", "units": [u["code"] for u in out[:half]]},
              {"id": "ungraded", "name": "Ungraded units", "units": [u["code"] for u in out[half:]]}]
    rules = [{"id": "total", "kind": "sum", "sum": "credits", "min": 60, "max": 60},
             {"id": "graded-window", "kind": "sum", "sum": "credits", "where": {"groups": ["graded"]},
              "min": 20, "max": 40},
             {"id": "ungraded-window", "kind": "sum", "sum": "credits", "where": {"groups": ["ungraded"]},
              "min": 15},
             {"id": "level-3", "kind": "sum", "sum": "credits", "where": {"level": 3}, "min": 25},
             {"id": "few-units", "kind": "sum", "sum": "units", "max": 10}]
    return {"units": out, "qualifications": [{
        "id": "q", "accreditation": "EXT/60/60", "title": "Exact sixty", "level": 3, "awarding_body": "Benchmark",
        "groups": groups, "rules": rules}]}


def heavy_glh_spec(units: int = 40, seed: int = 5) -> dict:
    """40 units with GLH near 150 each, two groups with credit windows and a total window."""
    rng = random.Random(seed)
    out = [{"code": f"H{i:03d}", "title": f"Heavy unit {i}", "level": 3, "credits": rng.randint(10, 20),
            "glh": rng.randint(140, 160)} for i in range(units)]
    groups = [{"id": "A", "name": "Group A", "units": [u["code"] for u in out[:units // 2]]},
              {"id": "B", "name": "Group B", "units": [u["code"] for u in out[units // 2:]]}]
    rules = [{"id": "total", "kind": "sum", "sum": "credits", "min": 120, "max": 180},
             {"id": "a-window", "kind": "sum", "sum": "credits", "where": {"groups": ["A"]}, "min": 40, "max": 120},
             {"id": "b-min", "kind": "sum", "sum": "credits", "where": {"groups": ["B"]}, "min": 30},
             {"id": "core", "kind": "mandatory", "units": [out[0]["code"]]}]
    return {"units": out, "qualifications": [{
        "id": "q", "accreditation": "HVY/40/150", "title": "Heavy hours", "level": 3, "awarding_body": "Benchmark",
        "groups": groups, "rules": rules}]}


def write_spec(spec: dict, folder: str | Path, name: str = "scale.yaml") -> Path:
    path = Path(folder) / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(spec, sort_keys=False, width=120), encoding="utf-8")
    return path
