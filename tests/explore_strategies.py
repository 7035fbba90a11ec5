"""Hypothesis strategies for small random catalogues, and brute-force answers to hold the explorer against."""

from __future__ import annotations

import datetime as dt
import itertools
from pathlib import Path

import yaml
from hypothesis import reject
from hypothesis import strategies as st

from solver.errors import CatalogueError
from solver.model.catalogue import Catalogue, load_catalogue
from solver.request.formulation import Formulation

CUTOFF = dt.date(2020, 7, 1)


@st.composite
def catalogue_specs(draw, max_units: int = 12) -> dict:
    """A catalogue file (as a dict) with one qualification: random groups, sum rules with group and level
    selectors, mandatory units, barred pairs and a replacement; every bound within what is reachable."""
    n = draw(st.integers(3, max_units))
    units = [{"code": f"U{i:02d}", "title": f"Unit {i}", "level": draw(st.integers(2, 3)),
              "credits": draw(st.integers(1, 4)), "glh": draw(st.integers(1, 12))} for i in range(n)]
    codes = [u["code"] for u in units]
    n_groups = draw(st.integers(1, 3))
    cuts = sorted(draw(st.lists(st.integers(1, n - 1), min_size=n_groups - 1, max_size=n_groups - 1, unique=True)))
    bounds = [0, *cuts, n]
    groups = [{"id": f"G{g + 1}", "name": f"Group {g + 1}", "units": codes[bounds[g]:bounds[g + 1]]}
              for g in range(n_groups)]
    rules: list[dict] = []
    for r in range(draw(st.integers(1, 4))):
        metric = draw(st.sampled_from(["credits", "units", "glh"]))
        where: dict = {}
        if draw(st.booleans()):
            where["groups"] = draw(st.lists(st.sampled_from([g["id"] for g in groups]), min_size=1,
                                            max_size=2, unique=True))
        if draw(st.booleans()):
            where[draw(st.sampled_from(["level", "min_level", "max_level"]))] = draw(st.integers(2, 3))
        in_groups = {c for g in groups if g["id"] in where.get("groups", []) for c in g["units"]}
        chosen = [u for u in units
                  if (not where.get("groups") or u["code"] in in_groups)
                  and u["level"] == where.get("level", u["level"])
                  and u["level"] >= where.get("min_level", 0) and u["level"] <= where.get("max_level", 9)]
        reach = sum(1 if metric == "units" else u[metric] for u in chosen)
        lo = draw(st.one_of(st.none(), st.integers(0, max(reach // 2, 0))))
        hi = draw(st.one_of(st.none(), st.integers(lo or 0, reach))) if lo is not None else draw(st.integers(0, reach))
        rule = {"id": f"sum-{r}", "kind": "sum", "sum": metric, "where": where}
        if lo is not None:
            rule["min"] = lo
        if hi is not None:
            rule["max"] = hi
        rules.append(rule)
    if draw(st.booleans()):
        rules.append({"id": "must", "kind": "mandatory", "units": [draw(st.sampled_from(codes))]})
    if draw(st.booleans()):
        pair = draw(st.lists(st.sampled_from(codes), min_size=2, max_size=3, unique=True))
        rules.append({"id": "barred", "kind": "barred", "units": pair})
    if draw(st.booleans()):
        old, new = draw(st.lists(st.sampled_from(codes), min_size=2, max_size=2, unique=True))
        rules.append({"id": "replace", "kind": "replacement", "old": old, "new": new, "from": CUTOFF})
    return {"units": units, "qualifications": [{
        "id": "q", "accreditation": "000/0000/0", "title": "Random", "level": 2, "awarding_body": "Test",
        "groups": groups, "rules": rules}]}


def write_catalogue(spec: dict, root: Path) -> Catalogue:
    root.mkdir(parents=True, exist_ok=True)
    for old in root.glob("*.yaml"):
        old.unlink()
    (root / "random.yaml").write_text(yaml.safe_dump(spec, sort_keys=False), encoding="utf-8")
    try:
        return load_catalogue(root)
    except CatalogueError:  # a maximum below the mandatory units: the catalogue check rightly refuses it
        reject()


def valid_subsets(f: Formulation) -> list[frozenset[str]]:
    """Every valid pathway, by checking all subsets with the plain-Python evaluator."""
    units = f.variables
    out = []
    for r in range(len(units) + 1):
        for combo in itertools.combinations(units, r):
            chosen = frozenset(combo)
            if f.valid(chosen):
                out.append(chosen)
    return out


def minimal_subsets(f: Formulation, valid: list[frozenset[str]]) -> list[frozenset[str]]:
    ok = set(valid)
    return [p for p in valid if not any(p - {u} in ok for u in p)]
