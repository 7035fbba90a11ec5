"""Load a catalogue directory: parse, validate, cross-check references and bounds, and look things up."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import NoReturn, TypeVar

from pydantic import BaseModel, ValidationError

from solver.errors import CatalogueError, LookupFailure, Problem
from solver.model.claimable import claimable, imported
from solver.model.documents import CatalogueFile, Qualification, Unit
from solver.model.labels import labelled
from solver.model.located_yaml import LocatedDocument, PathKey, read_yaml
from solver.model.timing import group_credit_problems, requires_cycle, timing_problems
from solver.model.validation import validate
from solver.rules import Context, RuleBase, Scope
from solver.rules.base import unit_of

M = TypeVar("M", bound=BaseModel)
K = TypeVar("K")
V = TypeVar("V")


class FrozenDict(dict[K, V]):
    """A dict that refuses changes after loading, so a shared catalogue cannot be altered by accident."""

    def _refuse(self, *args: object, **kwargs: object) -> NoReturn:
        raise TypeError("the catalogue is immutable; build a new one instead")

    __setitem__ = __delitem__ = clear = pop = popitem = setdefault = update = _refuse
    __ior__ = _refuse

    def __reduce__(self) -> tuple[type[FrozenDict[K, V]], tuple[dict[K, V]]]:
        # Pickling (for worker processes) would otherwise call the refused __setitem__ when loading.
        return (FrozenDict, (dict(self),))

    def __hash__(self) -> int:  # type: ignore[override]
        return hash(frozenset(self.items()))


def bundled_catalogue() -> Path:
    """The catalogue shipped with Pathways: installed beside the package, else the source tree's.

    `solver.bundled_catalogue` is a data directory without `__init__.py`, so importlib.resources would
    hand back a namespace MultiplexedPath; its location on disk is known, so it is looked up directly.
    """
    package = Path(__file__).resolve().parents[1]  # solver/, this module being solver/model/catalogue.py
    installed = package / "bundled_catalogue"
    if installed.is_dir() and any(installed.glob("*.yaml")):
        return installed
    return package.parent / "catalogue"


@dataclass(frozen=True)
class Catalogue:
    """Every unit (by code) and qualification of a catalogue, validated and cross-checked."""

    units: FrozenDict[str, Unit]  # code -> Unit, in catalogue order
    qualifications: tuple[Qualification, ...]
    root: str
    # Where each unit ("unit", code) and rule ("rule", qualification id, rule id) is written: file:line:column.
    sources: FrozenDict[tuple[str, ...], str] = field(default_factory=FrozenDict)
    # Located but not wrong: what a designer should look at (a rule an open group's listed units cannot meet).
    warnings: tuple[Problem, ...] = ()

    def source(self, *key: str) -> str | None:
        return self.sources.get(tuple(key))

    def qualification(self, ref: str | Qualification) -> Qualification:
        """Find a qualification by short id or accreditation number (case-insensitive); a model is itself."""
        if isinstance(ref, Qualification):
            return ref
        wanted = ref.strip().lower()
        for q in self.qualifications:
            if wanted == q.id.lower() or wanted in (n.lower() for n in q.numbers()):
                return q
        known = ", ".join(f"{q.id} ({q.number or 'no number'})" for q in self.qualifications)
        raise LookupFailure(f"no qualification {ref!r} in {self.root}; known: {known}")

    def units_of(self, q: Qualification) -> dict[str, Unit]:
        return {code: self.units[code] for code in q.unit_codes()}

    def credited(self, q: Qualification, achieved: frozenset[str]) -> frozenset[str]:
        """Achieved units plus the units of `q` that declared equivalences credit from them."""
        return frozenset(achieved | set(credited_from(q, achieved)))

    def imports(self, q: Qualification) -> dict[str, tuple[str, ...]]:
        """Each import slot of `q` (rule id) and the units of other qualifications it may take."""
        return imported(q, self.qualifications, self.units)

    def context(self, q: Qualification, registered: dt.date | None = None,
                achieved: frozenset[str] = frozenset(), exempt: frozenset[str] = frozenset()) -> Context:
        found = claimable(q, self.qualifications, self.units)
        claims = found.claims
        credited = self.credited(q, frozenset(achieved))
        return Context(
            units=found.variables,
            groups={g.id: g.units for g in q.groups},
            group_names={g.id: g.name for g in q.groups},
            registered=registered,
            # A unit achieved in any mode counts for each of its claims; a claim achieved, for itself.
            achieved=credited | {c for code in credited for c in claims.get(code, ())},
            exempt=frozenset(exempt),
            imported=found.slots,
            claims=claims,
        )


def provenance_problems(unit: Unit) -> list[tuple[PathKey, str]]:
    """Provenance that contradicts the value: a null value said to be published or derived, or a value said to
    be unknown."""
    out: list[tuple[PathKey, str]] = []
    for name, kind in unit.provenance.items():
        value = getattr(unit, name)
        if value is None and kind != "unknown":
            out.append((("provenance", name), f"{name} is {kind} but its value is null; expected 'unknown' or "
                                               f"a value"))
        elif value is not None and kind == "unknown":
            out.append((("provenance", name), f"{name} is {value}, not unknown; expected 'published' or "
                                               f"'derived'"))
    return out


def credited_from(q: Qualification, achieved: frozenset[str]) -> dict[str, str]:
    """Units of `q` that its rules credit from achieved units: credited unit -> the achieved unit."""
    out: dict[str, str] = {}
    achieved = achieved | {unit_of(c) for c in achieved}  # a unit achieved in one of its modes is achieved
    for rule in q.rules:
        for unit, source in rule.credits(achieved).items():
            out.setdefault(unit, source)
    return out


def _with_rule_ids(q: Qualification) -> Qualification:
    rules = tuple(r.with_id(f"{r.kind}-{i + 1}") for i, r in enumerate(q.rules))
    pathways = tuple(p.model_copy(update={"rules": tuple(r.with_id(f"{p.id}-{r.kind}-{i + 1}")
                                                         for i, r in enumerate(p.rules))}) for p in q.pathways)
    return q.model_copy(update={"rules": rules, "pathways": pathways})


def _check_qualification(q: Qualification, qi: int, doc: LocatedDocument, units: dict[str, Unit],
                         all_units: bool = True, others: tuple[Qualification, ...] = ()
                         ) -> tuple[list[Problem], list[Problem]]:
    """References, bounds and rules that can never hold, within one qualification; and its warnings.

    `all_units` is False when another file failed to load: its units are unknown, so "not defined"
    would be said of units that are merely in the broken file.
    """
    at = ("qualifications", qi)
    problems: list[Problem] = []
    warnings: list[Problem] = []
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
        mismatch = group.total_mismatch(units)
        if mismatch:
            warnings.append(doc.problem(at + ("groups", gi, "credits"), mismatch))
        miscount = group.count_mismatch()
        if miscount:
            warnings.append(doc.problem(at + ("groups", gi, "unit_count"), miscount))
    figures = q.figures.credits
    if figures and figures.max is not None and figures.min > figures.max:
        problems.append(doc.problem(at + ("figures", "credits"),
                                    f"expected min <= max, got min {figures.min} > max {figures.max}"))
    rule_ids: set[str] = set()
    scope = _scope(q, units, group_ids, all_units, others)
    placed: list[tuple[PathKey, RuleBase]] = [(at + ("rules", ri), rule) for ri, rule in enumerate(q.rules)]
    pathway_ids: set[str] = set()
    for pi, pathway in enumerate(q.pathways):
        if pathway.id in pathway_ids:
            problems.append(doc.problem(at + ("pathways", pi, "id"), f"duplicate pathway id {pathway.id!r}"))
        pathway_ids.add(pathway.id)
        placed += [(at + ("pathways", pi, "rules", ri), rule) for ri, rule in enumerate(pathway.rules)]
    for path, rule in placed:
        if rule.id in rule_ids:
            problems.append(doc.problem(path + ("id",), f"duplicate rule id {rule.id!r}"))
        rule_ids.add(rule.id or "")
        problems += [doc.problem(path + where, message.replace("the qualification", f"qualification {q.id!r}"))
                     for where, message in rule.problems(scope)]
    warnings += [doc.problem(at + ("rules", ri) + where, message)
                 for ri, rule in enumerate(q.rules) for where, message in rule.warnings(scope)]
    return problems, warnings


def _scope(q: Qualification, units: dict[str, Unit], group_ids: set[str], all_units: bool,
           others: tuple[Qualification, ...] = ()) -> Scope:
    """What the rules of `q` are validated against; bounds are judged only when every unit of `q` is known."""
    own = q.unit_codes()
    known = all_units and all(c in units for c in own)
    found = claimable(q, others, units)
    ctx = Context(units=found.variables, groups={g.id: g.units for g in q.groups},
                  group_names={g.id: g.name for g in q.groups}, imported=found.slots, claims=found.claims)
    forced = frozenset(c for r in q.rules for c in r.forced(ctx))
    return Scope(frozenset(own), frozenset(group_ids), frozenset(units) if all_units else None,
                 ctx if known else None, forced, frozenset(g.id for g in q.open_groups()),
                 frozenset(o.id for o in others if o.id != q.id))


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
    parsed: list[_Parsed] = []
    for file in files:
        doc, found = read_yaml(file)
        problems += found
        if doc is not None and not found:
            part, found = _validated(doc)
            parsed.append(part)
            problems += found
    complete = len(parsed) == len(files) and all(p.complete for p in parsed)
    units: dict[str, Unit] = {}
    sources: dict[tuple[str, ...], str] = {}
    for part in parsed:
        doc = part.doc
        for i, unit in part.units:
            where = ("unit", unit.code)
            if where in sources:
                problems.append(doc.problem(("units", i, "code"),
                                            f"duplicate unit code {unit.code!r} (first defined at {sources[where]})"))
                continue
            if unit.available_from and unit.available_until and unit.available_from > unit.available_until:
                problems.append(doc.problem(("units", i, "available_until"),
                                            f"expected available_until on or after available_from "
                                            f"({unit.available_from.isoformat()}), got "
                                            f"{unit.available_until.isoformat()}"))
            if len(set(unit.modes)) != len(unit.modes):
                problems.append(doc.problem(("units", i, "modes"), f"expected each mode once, got "
                                                                    f"{', '.join(unit.modes)}"))
            problems += [doc.problem(("units", i, *key), message) for key, message in provenance_problems(unit)]
            if unit.labelled:  # set by the loader for a unit printed without a code, never written
                problems.append(doc.problem(("units", i, "labelled"), "unknown key 'labelled'; a unit without a "
                                            "code is written under its group's 'without_code'", at_key=True))
            units[unit.code], sources[where] = unit, _at(doc, ("units", i, "code"))
    for part in parsed:  # delivery planning: prerequisites, co-requisites and periods offered
        problems += [part.doc.problem(("units", i, *key), message) for i, unit in part.units
                     for key, message in timing_problems(unit, units if complete else None)]
    circle = requires_cycle(units)
    if circle:
        problems += [part.doc.problem(("units", i, "requires"), f"prerequisites go round in a circle: "
                                      f"{' -> '.join(circle)}") for part in parsed for i, unit in part.units
                     if unit.code == circle[0]]
    placed: list[tuple[LocatedDocument, int, Qualification]] = []
    warnings: list[Problem] = []
    names: dict[str, str] = {}
    for part in parsed:
        doc = part.doc
        for qi, q in part.qualifications:
            # Every name of a qualification finds it alone; an id equal to its own number names it once.
            keys: list[tuple[PathKey, str, str]] = [(("id",), "id", q.id)]
            keys += [(("accreditation",), "accreditation", q.number)] if q.number else []
            keys += [(("offered_as", i, "accreditation"), "accreditation", o.accreditation)
                     for i, o in enumerate(q.offered_as)]
            own: set[str] = set()
            for key, what, name in keys:
                value = name.lower()
                if value in own:  # the qualification naming itself twice is one name, not a duplicate
                    continue
                if value in names:
                    problems.append(doc.problem(("qualifications", qi, *key),
                                                f"duplicate qualification {what} {name!r} (first at {names[value]})"))
                own.add(value)
                names.setdefault(value, _at(doc, ("qualifications", qi, *key)))
            q = _with_rule_ids(q)
            q, made = labelled(q, units)
            for gi, ui, unit in made:  # units printed without a code, each under its generated label
                at = ("qualifications", qi, "groups", gi, "without_code", ui)
                problems += [doc.problem(at + key, message) for key, message in provenance_problems(unit)]
                units[unit.code], sources[("unit", unit.code)] = unit, _at(doc, at)
            for ri, rule in enumerate(q.rules):
                sources[("rule", q.id, rule.id or "")] = _at(doc, ("qualifications", qi, "rules", ri))
            for pi, pathway in enumerate(q.pathways):
                for ri, rule in enumerate(pathway.rules):
                    sources[("rule", q.id, rule.id or "")] = _at(doc, ("qualifications", qi, "pathways", pi,
                                                                       "rules", ri))
            placed.append((doc, qi, q))
    # Checked once every qualification is known: an import slot draws on the others.
    qualifications = [q for _, _, q in placed]
    for doc, qi, q in placed:
        found, noted = _check_qualification(q, qi, doc, units, complete, tuple(qualifications))
        problems += found
        warnings += noted
    for part in parsed:  # "credits of group G first": G must be a group of every qualification listing the unit
        problems += [part.doc.problem(("units", i, *key), message) for i, unit in part.units
                     for key, message in group_credit_problems(unit, qualifications, units)]
    if problems:
        raise CatalogueError(problems)
    return Catalogue(units=FrozenDict(units), qualifications=tuple(qualifications), root=str(root),
                     sources=FrozenDict(sources), warnings=tuple(sorted(warnings)))


@dataclass(frozen=True)
class _Parsed:
    """What one file contributes: its units and qualifications that validated, each with its index."""

    doc: LocatedDocument
    units: list[tuple[int, Unit]]
    qualifications: list[tuple[int, Qualification]]
    complete: bool  # every unit of the file validated (else "not defined" is not said of missing units)


def _validated(doc: LocatedDocument) -> tuple[_Parsed, list[Problem]]:
    """Validate a file; when some of it is malformed, keep the units and qualifications that validate on
    their own, so one bad value does not hide the cross-checks of everything else in one pass."""
    model, problems = validate(CatalogueFile, doc)
    if model is not None:
        return _Parsed(doc, list(enumerate(model.units)), list(enumerate(model.qualifications)), True), []
    data = doc.data if isinstance(doc.data, dict) else {}
    units = _each(Unit, data.get("units"))
    qualifications = _each(Qualification, data.get("qualifications"))
    raw_units = data.get("units")
    complete = isinstance(raw_units, list) and len(units) == len(raw_units) or raw_units is None
    return _Parsed(doc, units, qualifications, complete), problems


def _each(model: type[M], items: object) -> list[tuple[int, M]]:
    if not isinstance(items, list):
        return []
    out = []
    for i, item in enumerate(items):
        try:
            out.append((i, model.model_validate(item)))
        except ValidationError:
            pass  # already reported, located, by the whole file's validation
    return out


def _at(doc: LocatedDocument, path: PathKey) -> str:
    """Where a node stands, named by the file's name (not its full path: the same catalogue gives the same
    answers wherever it is installed)."""
    line, column = doc.locate(path)
    return f"{Path(doc.file).name}:{line}:{column}"
