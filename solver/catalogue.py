"""Load a catalogue directory: parse, validate, cross-check references and bounds, and look things up."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from solver.documents import CatalogueFile, Qualification, Unit
from solver.errors import CatalogueError, LookupFailure, Problem
from solver.located_yaml import LocatedDocument, PathKey, read_yaml
from solver.rules import Context, EquivalenceRule, MandatoryRule, SumRule, weight
from solver.validation import validate


class FrozenDict(dict):
    """A dict that refuses changes after loading, so a shared catalogue cannot be altered by accident."""

    def _refuse(self, *args, **kwargs):
        raise TypeError("the catalogue is immutable; build a new one instead")

    __setitem__ = __delitem__ = clear = pop = popitem = setdefault = update = _refuse  # type: ignore[assignment]
    __ior__ = _refuse  # type: ignore[assignment]

    def __reduce__(self):
        # Pickling (for worker processes) would otherwise call the refused __setitem__ when loading.
        return (FrozenDict, (dict(self),))

    def __hash__(self) -> int:  # type: ignore[override]
        return hash(frozenset(self.items()))


def bundled_catalogue() -> Path:
    """The catalogue shipped with Pathways: installed beside the package, else the source tree's.

    `solver.bundled_catalogue` is a data directory without `__init__.py`, so importlib.resources would
    hand back a namespace MultiplexedPath; its location on disk is known, so it is looked up directly.
    """
    here = Path(__file__).resolve().parent
    installed = here / "bundled_catalogue"
    if installed.is_dir() and any(installed.glob("*.yaml")):
        return installed
    return here.parent / "catalogue"


@dataclass(frozen=True)
class Catalogue:
    """Every unit (by code) and qualification of a catalogue, validated and cross-checked."""

    units: FrozenDict  # code -> Unit, in catalogue order
    qualifications: tuple[Qualification, ...]
    root: str

    def qualification(self, ref: str) -> Qualification:
        """Find a qualification by short id or accreditation number (case-insensitive)."""
        wanted = ref.strip().lower()
        for q in self.qualifications:
            if wanted in (q.id.lower(), q.accreditation.lower()):
                return q
        known = ", ".join(f"{q.id} ({q.accreditation})" for q in self.qualifications)
        raise LookupFailure(f"no qualification {ref!r} in {self.root}; known: {known}")

    def units_of(self, q: Qualification) -> dict[str, Unit]:
        return {code: self.units[code] for code in q.unit_codes()}

    def equivalences(self, q: Qualification) -> list[EquivalenceRule]:
        return [r for r in q.rules if isinstance(r, EquivalenceRule)]

    def credited(self, q: Qualification, achieved: frozenset[str]) -> frozenset[str]:
        """Achieved units plus the units of `q` that declared equivalences credit from them."""
        extra = {r.counts_as for r in self.equivalences(q) if r.unit in achieved}
        return frozenset(achieved | extra)

    def context(self, q: Qualification, registered: dt.date | None = None,
                achieved: frozenset[str] = frozenset()) -> Context:
        return Context(
            units=self.units_of(q),
            groups={g.id: g.units for g in q.groups},
            group_names={g.id: g.name for g in q.groups},
            registered=registered,
            achieved=self.credited(q, frozenset(achieved)),
        )


def _with_rule_ids(q: Qualification) -> Qualification:
    rules = tuple(r if r.id else r.model_copy(update={"id": f"{r.kind}-{i + 1}"}) for i, r in enumerate(q.rules))
    return q.model_copy(update={"rules": rules})


def _check_qualification(q: Qualification, qi: int, doc: LocatedDocument, units: dict[str, Unit],
                         all_units: bool = True) -> list[Problem]:
    """References, bounds and rules that can never hold, within one qualification.

    `all_units` is False when another file failed to load: its units are unknown, so "not defined"
    would be said of units that are merely in the broken file.
    """
    at = ("qualifications", qi)
    problems: list[Problem] = []
    group_ids: set[str] = set()
    for gi, group in enumerate(q.groups):
        if group.id in group_ids:
            problems.append(doc.problem(at + ("groups", gi, "id"), f"duplicate group id {group.id!r}"))
        group_ids.add(group.id)
        seen: set[str] = set()
        for ui, code in enumerate(group.units):
            if code not in units and all_units:
                problems.append(doc.problem(at + ("groups", gi, "units", ui),
                                            f"unit {code!r} is not defined in the catalogue"))
            if code in seen:
                problems.append(doc.problem(at + ("groups", gi, "units", ui), f"unit {code!r} is listed twice"))
            seen.add(code)
    own = set(q.unit_codes())
    # A rule's bounds are only judged against complete groups; otherwise the real problem (an undefined
    # unit) would drag spurious "rule can never hold" problems behind it.
    complete = not problems and all_units
    figures = q.figures.credits
    if figures and figures.min > figures.max:
        problems.append(doc.problem(at + ("figures", "credits"),
                                    f"expected min <= max, got min {figures.min} > max {figures.max}"))
    rule_ids: set[str] = set()
    for ri, rule in enumerate(q.rules):
        path: PathKey = at + ("rules", ri)
        if rule.id in rule_ids:
            problems.append(doc.problem(path + ("id",), f"duplicate rule id {rule.id!r}"))
        rule_ids.add(rule.id or "")
        problems += _check_rule(rule, path, doc, q, own, group_ids, units, complete, all_units)
    return problems


def _check_rule(rule, path: PathKey, doc: LocatedDocument, q: Qualification, own: set[str],
                group_ids: set[str], units: dict[str, Unit], complete: bool, all_units: bool) -> list[Problem]:
    problems: list[Problem] = []
    refs = rule.references()
    if isinstance(rule, SumRule):
        refs = {"units": rule.where.codes, "groups": rule.where.groups}
    for key, field in (("units", "codes" if isinstance(rule, SumRule) else "units"), ("groups", "groups")):
        for i, ref in enumerate(refs[key]):
            known = own if key == "units" else group_ids
            if ref not in known:
                where = path + (("where",) if isinstance(rule, SumRule) else ()) + (field, i)
                what = "unit" if key == "units" else "group"
                problems.append(doc.problem(where, f"{what} {ref!r} is not part of qualification {q.id!r}"))
    if isinstance(rule, EquivalenceRule):
        if rule.counts_as not in own:
            problems.append(doc.problem(path + ("counts_as",), f"unit {rule.counts_as!r} is not part of {q.id!r}"))
        if rule.unit not in units and all_units:
            problems.append(doc.problem(path + ("unit",), f"unit {rule.unit!r} is not defined in the catalogue"))
    if getattr(rule, "kind", "") == "replacement" and rule.old == rule.new:
        problems.append(doc.problem(path + ("new",), "expected a different unit from 'old'"))
    if isinstance(rule, SumRule):
        bounds = _check_min_max(rule, path, doc)
        # Whether the bounds can be met is only asked of a rule whose units are all known and sane.
        if not problems and not bounds and complete:
            bounds = _check_reachable(rule, path, doc, q, units)
        problems += bounds
    return problems


def _check_min_max(rule: SumRule, path: PathKey, doc: LocatedDocument) -> list[Problem]:
    if rule.min is None and rule.max is None:
        return [doc.problem(path, "expected 'min' or 'max' (or both)")]
    if rule.min is not None and rule.max is not None and rule.min > rule.max:
        return [doc.problem(path + ("min",), f"expected min <= max, got min {rule.min} > max {rule.max}")]
    return []


def _check_reachable(rule: SumRule, path: PathKey, doc: LocatedDocument, q: Qualification,
                     units: dict[str, Unit]) -> list[Problem]:
    """A rule that can never hold: more than all its units give, or less than the mandatory ones give."""
    ctx = Context(units={c: units[c] for c in q.unit_codes() if c in units},
                  groups={g.id: g.units for g in q.groups}, group_names={g.id: g.name for g in q.groups})
    selected = rule.where.select(ctx)
    reachable = sum(weight(ctx.units[c], rule.sum) for c in selected)
    if rule.min is not None and rule.min > reachable:
        return [doc.problem(path + ("min",), f"rule can never hold: min {rule.min} {rule.sum} but all "
                                             f"{len(selected)} selected units give only {reachable}")]
    forced = {c for r in q.rules if isinstance(r, MandatoryRule) for c in r.codes(ctx)}
    floor = sum(weight(ctx.units[c], rule.sum) for c in selected if c in forced)
    if rule.max is not None and rule.max < floor:
        return [doc.problem(path + ("max",), f"rule can never hold: max {rule.max} {rule.sum} but the "
                                             f"mandatory units alone give {floor}")]
    return []


def load_catalogue(path: str | Path | None = None) -> Catalogue:
    """Load every `*.yaml` file under `path` (default: the bundled catalogue) or one file.

    Raises CatalogueError listing every problem, each with file, line, column and path.
    """
    root = Path(path) if path is not None else bundled_catalogue()
    if root.is_file():
        files = [root]
    elif root.is_dir():
        files = sorted(root.glob("*.yaml")) + sorted(root.glob("*.yml"))
    else:
        raise CatalogueError([Problem(str(root), 1, 1, "", "expected a catalogue file or directory; not found")])
    if not files:
        raise CatalogueError([Problem(str(root), 1, 1, "", "expected at least one .yaml file in the directory")])
    problems: list[Problem] = []
    parsed: list[tuple[LocatedDocument, CatalogueFile]] = []
    for file in files:
        doc, found = read_yaml(file)
        if doc is not None and not found:
            model, found = validate(CatalogueFile, doc)
            if model is not None:
                parsed.append((doc, model))
        problems += found
    units: dict[str, Unit] = {}
    where: dict[str, str] = {}
    for doc, model in parsed:
        for i, unit in enumerate(model.units):
            if unit.code in units:
                problems.append(doc.problem(("units", i, "code"),
                                            f"duplicate unit code {unit.code!r} (first defined at {where[unit.code]})"))
                continue
            if unit.available_from and unit.available_until and unit.available_from > unit.available_until:
                problems.append(doc.problem(("units", i, "available_until"),
                                            f"expected available_until on or after available_from "
                                            f"({unit.available_from.isoformat()}), got "
                                            f"{unit.available_until.isoformat()}"))
            line, column = doc.locate(("units", i, "code"))
            units[unit.code], where[unit.code] = unit, f"{doc.file}:{line}:{column}"
    qualifications: list[Qualification] = []
    names: dict[str, str] = {}
    for doc, model in parsed:
        for qi, q in enumerate(model.qualifications):
            for key in ("id", "accreditation"):
                value = getattr(q, key).lower()
                if value in names:
                    problems.append(doc.problem(("qualifications", qi, key),
                                                f"duplicate qualification {key} {getattr(q, key)!r} "
                                                f"(first at {names[value]})"))
                line, column = doc.locate(("qualifications", qi, key))
                names.setdefault(value, f"{doc.file}:{line}:{column}")
            q = _with_rule_ids(q)
            problems += _check_qualification(q, qi, doc, units, all_units=len(parsed) == len(files))
            qualifications.append(q)
    if problems:
        raise CatalogueError(problems)
    return Catalogue(units=FrozenDict(units), qualifications=tuple(qualifications), root=str(root))
