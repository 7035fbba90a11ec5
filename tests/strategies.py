"""Hypothesis strategies: small random catalogues (every rule kind) and learners, loaded through YAML."""

from __future__ import annotations

import datetime as dt
from itertools import combinations

import yaml
from hypothesis import strategies as st

from solver.errors import CatalogueError
from solver.model.catalogue import Catalogue, load_catalogue
from solver.model.learner import Learner
from solver.request.formulation import Formulation

CUTOFF = dt.date(2020, 7, 1)


@st.composite
def catalogue_documents(draw, max_units: int = 10) -> dict:
    n = draw(st.integers(1, max_units))
    codes = [f"U{i:02d}" for i in range(n)]
    units = [{"code": c, "title": f"Unit {c}", "level": draw(st.integers(1, 4)), "credits": draw(st.integers(0, 4)),
              "glh": draw(st.integers(0, 9)), "tags": draw(st.lists(st.sampled_from(["a", "b"]), unique=True))}
             for c in codes]
    n_groups = draw(st.integers(1, min(3, n)))
    group_of = [i % n_groups if i < n_groups else draw(st.integers(0, n_groups - 1)) for i in range(n)]
    groups = [{"id": f"G{g}", "name": f"Group {g}", "units": [c for c, k in zip(codes, group_of) if k == g]}
              for g in range(n_groups)]
    rules = []
    for i in range(draw(st.integers(0, 4))):
        metric = draw(st.sampled_from(["credits", "units", "glh"]))
        where = draw(st.sampled_from([{}, {"groups": [f"G{draw(st.integers(0, n_groups - 1))}"]},
                                      {"min_level": draw(st.integers(1, 4))}, {"level": draw(st.integers(1, 4))},
                                      {"tags": ["a"]}, {"max_level": 2}]))
        cap = sum(1 if metric == "units" else u[metric] for u in units)
        low = draw(st.none() | st.integers(0, max(0, cap // 2)))
        high = draw(st.none() | st.integers(low or 0, cap + 1))
        if low is None and high is None:
            high = cap
        rule = {"id": f"sum{i}", "kind": "sum", "sum": metric, "where": where}
        rule.update({k: v for k, v in (("min", low), ("max", high)) if v is not None})
        rules.append(rule)
    pairs = list(combinations(codes, 2))
    if pairs and draw(st.booleans()):
        rules.append({"id": "barred", "kind": "barred", "units": list(draw(st.sampled_from(pairs)))})
    if pairs and draw(st.booleans()):
        old, new = draw(st.sampled_from(pairs))
        rules.append({"id": "replace", "kind": "replacement", "old": old, "new": new, "from": CUTOFF})
    if draw(st.booleans()):
        rules.append({"id": "must", "kind": "mandatory", "units": [draw(st.sampled_from(codes))]})
    qualification = {"id": "q", "accreditation": "Q/1", "title": "Random", "level": 2, "awarding_body": "Test",
                     "groups": groups, "rules": rules}
    return {"units": units, "qualifications": [qualification]}


@st.composite
def construct_documents(draw, max_units: int = 7) -> dict:
    """A random catalogue with the constructs of real specifications on top: unit TQT and a sum over it, group
    minimums that apply only to the groups used (`when-used`), and a registration window."""
    doc = draw(catalogue_documents(max_units=max_units))
    q = doc["qualifications"][0]
    for unit in doc["units"]:
        unit["tqt"] = draw(st.integers(0, 6)) * 10
    if draw(st.booleans()):
        cap = sum(u["tqt"] for u in doc["units"])
        q["rules"].append({"id": "tqt", "kind": "sum", "sum": "tqt", "min": draw(st.integers(0, max(0, cap // 2)))})
    for i in range(draw(st.integers(1, 2))):
        group = q["groups"][draw(st.integers(0, len(q["groups"]) - 1))]
        metric = draw(st.sampled_from(["credits", "units", "tqt"]))
        cap = sum(1 if metric == "units" else u[metric] for u in doc["units"] if u["code"] in group["units"])
        rule = {"id": f"used{i}", "kind": "when-used", "sum": metric, "where": {"groups": [group["id"]]},
                "min": draw(st.integers(1, max(1, cap)))}
        if draw(st.booleans()):
            rule["max"] = rule["min"] + draw(st.integers(0, 4))
        q["rules"].append(rule)
    if draw(st.booleans()):
        q["rules"].append({"id": "window", "kind": "window", "registrations_close": CUTOFF,
                           "certification_end": CUTOFF + dt.timedelta(days=365)})
    return doc


def load(document: dict, tmp_dir) -> Catalogue | None:
    """Load a generated document through the real YAML path; None if it is (rightly) rejected."""
    path = tmp_dir / "catalogue.yaml"
    path.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    try:
        return load_catalogue(path)
    except CatalogueError:
        return None


@st.composite
def learners(draw, codes: list[str]) -> Learner:
    pick = st.lists(st.sampled_from(codes), unique=True, max_size=3) if codes else st.just([])
    return Learner(
        registered=draw(st.sampled_from([None, dt.date(2019, 1, 1), CUTOFF, dt.date(2022, 1, 1)])),
        achieved=tuple(draw(pick)), include=tuple(draw(st.lists(st.sampled_from(codes), max_size=1, unique=True))),
        exclude=tuple(draw(st.lists(st.sampled_from(codes), max_size=1, unique=True))),
        max_glh=draw(st.none() | st.integers(0, 30)),
        goals=draw(st.sampled_from([{}, {"a": 2}, {"b": 1, "a": 1}])))


def subsets(codes: list[str]):
    for mask in range(1 << len(codes)):
        yield frozenset(c for i, c in enumerate(codes) if mask >> i & 1)


def holds(f: Formulation, pathway: frozenset[str], ids: set[str] | None = None) -> bool:
    """Brute-force evaluation straight from the linear forms (independent of the rule classes)."""
    for req in f.requirements:
        if ids is not None and req.id not in ids:
            continue
        for lin in req.linears:
            total = sum(c for v, c in lin.terms if v in pathway)
            if (lin.lo is not None and total < lin.lo) or (lin.hi is not None and total > lin.hi):
                return False
    return True


@st.composite
def unknown_value_documents(draw, max_units: int = 6) -> dict:
    """A qualification whose unpublished credits (null) all sit in groups publishing a total, some groups open:
    every completion of the unknowns is then finite (each value from 0 to its group's remainder), so answers can
    be held against brute force over the listed units and every completion."""
    n = draw(st.integers(1, max_units))
    codes = [f"U{i:02d}" for i in range(n)]
    n_groups = draw(st.integers(1, min(2, n)))
    group_of = [i % n_groups if i < n_groups else draw(st.integers(0, n_groups - 1)) for i in range(n)]
    groups = []
    credits: dict[str, int | None] = {}
    for g in range(n_groups):
        members = [c for c, k in zip(codes, group_of) if k == g]
        with_total = draw(st.booleans())
        for c in members:
            credits[c] = None if with_total and draw(st.integers(0, 2)) == 0 else draw(st.integers(0, 3))
        group: dict = {"id": f"G{g}", "name": f"Group {g}", "units": members}
        if with_total:
            known = sum(v for v in (credits[c] for c in members) if v is not None)
            group["credits"] = known + draw(st.integers(0, 4))
            if draw(st.booleans()):
                group["complete"] = False
        groups.append(group)
    units = [{"code": c, "title": f"Unit {c}", "level": 3, "credits": credits[c], "glh": draw(st.integers(0, 9))}
             for c in codes]
    rules: list[dict] = []
    if draw(st.booleans()):
        rules.append({"id": "mandatory", "kind": "mandatory", "groups": [f"G{draw(st.integers(0, n_groups - 1))}"]})
    for i in range(draw(st.integers(1, 3))):
        where = draw(st.sampled_from([None, *({"groups": [f"G{g}"]} for g in range(n_groups))]))
        low = draw(st.none() | st.integers(0, 8))
        high = draw(st.none() | st.integers(0, 10))
        if low is None and high is None:
            low = 1
        if low is not None and high is not None and high < low:
            low, high = high, low
        rule: dict = {"id": f"s{i}", "kind": "sum", **({"where": where} if where else {})}
        rule.update({k: v for k, v in (("min", low), ("max", high)) if v is not None})
        rules.append(rule)
    qualification = {"id": "q", "accreditation": "600/0000/0", "title": "Random", "level": 3,
                     "awarding_body": "Test", "groups": groups, "rules": rules}
    return {"units": units, "qualifications": [qualification]}


def completions(document: dict):
    """Every assignment of the unpublished credits within their groups' published totals (exactly the remainder
    for a group listing all its units, at most it for an open one)."""
    from itertools import product

    credits = {u["code"]: u["credits"] for u in document["units"]}
    choices = []
    for g in document["qualifications"][0]["groups"]:
        unknown = [c for c in g["units"] if credits[c] is None]
        if not unknown:
            continue
        remainder = g["credits"] - sum(credits[c] or 0 for c in g["units"])
        exact = g.get("complete", True)
        options = [dict(zip(unknown, values)) for values in product(range(remainder + 1), repeat=len(unknown))
                   if (sum(values) == remainder if exact else sum(values) <= remainder)]
        choices.append(options)
    for picked in product(*choices):
        out = dict(credits)
        for part in picked:
            out.update(part)
        yield out
