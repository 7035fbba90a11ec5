"""What-if scenarios: rule edits applied to a qualification, compared before and after (and for a cohort)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from solver.budget import Budget, Limit, ended_by, portion
from solver.engine.status import Status
from solver.errors import LookupFailure, Problem, ScenarioError
from solver.model.catalogue import Catalogue, FrozenDict, load_catalogue
from solver.model.documents import Qualification, Unit
from solver.model.learner import Learner
from solver.model.located_yaml import LocatedDocument, read_yaml
from solver.model.specialisations import following
from solver.model.validation import validate
from solver.queries.auditing import Regime, RegimeAudit, audit_regime
from solver.queries.recommendation import Recommendation, recommend
from solver.request.objectives import Objective
from solver.rules import Code, Count, Date, Rule, Scope

if TYPE_CHECKING:
    import pandas as pd


class Edit(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)


class SetBound(Edit):
    """Change a rule's bound (a sum, import slot or groups rule): `min` and/or `max` (null removes it)."""

    kind: Literal["set-bound"]
    rule: Code
    min: Count | None = None
    max: Count | None = None


class WithdrawUnit(Edit):
    """Withdraw a unit: from a date (it stays for learners registered earlier), or outright."""

    kind: Literal["withdraw-unit"]
    unit: Code
    from_date: Date | None = Field(default=None, alias="from")


class AddUnit(Edit):
    """Add a unit to a group: an existing catalogue unit by code, or a new unit in full."""

    kind: Literal["add-unit"]
    group: Code
    unit: Code | Unit


class AddRule(Edit):
    kind: Literal["add-rule"]
    rule: Rule
    pathway: Code | None = None  # a named pathway to add it to (else the qualification's own rules)


class RemoveRule(Edit):
    kind: Literal["remove-rule"]
    rule: Code


class MoveDate(Edit):
    """Move a dated rule's date: a replacement's cut-off, or the date a rule version applies from."""

    kind: Literal["move-date"]
    rule: Code
    from_date: Date = Field(alias="from")


AnyEdit = Annotated[SetBound | WithdrawUnit | AddUnit | AddRule | RemoveRule | MoveDate, Field(discriminator="kind")]


class ExpectedFigures(BaseModel):
    """Expected figures on one side of the comparison; every field given is checked."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    count: Annotated[int, Field(ge=0)] | None = None
    minimal: Annotated[int, Field(ge=0)] | None = None
    lowest_glh: int | None = None
    dead: tuple[Code, ...] | None = None
    forced: tuple[Code, ...] | None = None


class ExpectedChange(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    before: ExpectedFigures = ExpectedFigures()
    after: ExpectedFigures = ExpectedFigures()
    changed: tuple[str, ...] | None = None  # names of cohort learners whose recommendation changes


class WhatIf(BaseModel):
    """A what-if scenario file: edits to one qualification, the registration date to judge them at, a cohort."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    description: str | None = None
    catalogue: str | None = None  # relative to the scenario file; default: the bundled catalogue
    qualification: Code
    registered: Date | None = None  # default: a new learner, after every cut-off
    pathway: Code | None = None  # judge for a learner on this named pathway (its rules with the qualification's)
    edits: Annotated[tuple[AnyEdit, ...], Field(min_length=1)]
    cohort: tuple[Learner, ...] = ()
    expected: ExpectedChange | None = None


def load_whatif(path: str | Path, default: Catalogue | None = None) -> tuple[WhatIf, Catalogue, Qualification]:
    """Read, validate and apply a what-if file: the scenario, the edited catalogue and edited qualification.

    Raises ScenarioError listing every problem with file, line and column.
    """
    file = Path(path)
    doc, problems = read_yaml(file)
    scenario = None
    if doc is not None and not problems:
        scenario, problems = validate(WhatIf, doc)
    if scenario is None or doc is None:
        raise ScenarioError(problems)
    if scenario.catalogue is not None:
        base = load_catalogue(file.resolve().parent / scenario.catalogue)
    else:
        base = default or load_catalogue()
    try:
        original = base.qualification(scenario.qualification)
    except LookupFailure as err:  # reported where the file names it
        raise ScenarioError([doc.problem(("qualification",), str(err))]) from None
    catalogue, _ = apply_edits(base, original, scenario.edits, doc)
    problems = [doc.problem(("cohort", i, "achieved"), f"unit '{c}' is not in the catalogue")
                for i, learner in enumerate(scenario.cohort) for c in learner.achieved if c not in catalogue.units]
    if problems:
        raise ScenarioError(problems)
    return scenario, base, original


def apply_edits(catalogue: Catalogue, q: Qualification, edits: tuple[Any, ...], doc: LocatedDocument | None = None
                ) -> tuple[Catalogue, Qualification]:
    """The catalogue with `q` edited; raises ScenarioError (located in `doc` if given) on a bad edit."""
    units = dict(catalogue.units)
    problems: list[Problem] = []
    for i, edit in enumerate(edits):
        where = ("edits", i)
        try:
            q, units = _apply(edit, q, units)
        except _BadEdit as err:
            problems.append(doc.problem(where + (err.field,), err.message) if doc
                            else Problem("<edits>", 1, 1, f"edits[{i}].{err.field}", err.message))
    if problems:
        raise ScenarioError(problems)
    qualifications = tuple(q if old.id == q.id else old for old in catalogue.qualifications)
    return dataclasses.replace(catalogue, units=FrozenDict(units), qualifications=qualifications), q


class _BadEdit(Exception):
    def __init__(self, field: str, message: str):
        self.field, self.message = field, message


def _all_rules(q: Qualification) -> list[Any]:
    """The qualification's rules and its named pathways' (an edit may name either)."""
    return [*q.rules, *(r for p in q.pathways for r in p.rules)]


def _rule(q: Qualification, rule_id: str, kind: str | None = None) -> Any:
    rule = next((r for r in _all_rules(q) if r.id == rule_id), None)
    if rule is None:
        known = ", ".join(r.id or "" for r in _all_rules(q))
        raise _BadEdit("rule", f"no rule '{rule_id}' in {q.accreditation}; known: {known}")
    if kind is not None and rule.kind != kind:
        raise _BadEdit("rule", f"rule '{rule_id}' is a {rule.kind} rule; expected a {kind} rule")
    return rule


def _replace_rule(q: Qualification, old: Any, new: Any) -> Qualification:
    """`q` with the rule `old` (its own or a named pathway's) replaced by `new`, or dropped when None."""
    def swap(rules: tuple[Any, ...]) -> tuple[Any, ...]:
        return tuple(new if r is old else r for r in rules if not (r is old and new is None))

    pathways = tuple(p.model_copy(update={"rules": swap(p.rules)}) for p in q.pathways)
    return q.model_copy(update={"rules": swap(q.rules), "pathways": pathways})


def _apply(edit: Any, q: Qualification, units: dict[str, Unit]) -> tuple[Qualification, dict[str, Unit]]:
    if isinstance(edit, SetBound):
        rule = _rule(q, edit.rule)
        if not {"min", "max"} <= set(type(rule).model_fields):
            raise _BadEdit("rule", f"rule '{edit.rule}' is a {rule.kind} rule; expected a rule with bounds "
                                   f"(sum, import or groups)")
        update = {k: getattr(edit, k) for k in ("min", "max") if k in edit.model_fields_set}
        if not update:
            raise _BadEdit("rule", "expected 'min' or 'max' to set")
        new = rule.model_copy(update=update)
        if new.min is None and new.max is None:
            raise _BadEdit("rule", f"a {rule.kind} rule needs 'min' or 'max'; use remove-rule to drop it")
        # The rule kind's own checks of its fields (min <= max, an import slot's maximum), units aside.
        for where, message in new.own_problems(Scope(frozenset(), frozenset(), None, None, frozenset())):
            raise _BadEdit(str(where[0]) if where else "rule", message)
        return _replace_rule(q, rule, new), units
    if isinstance(edit, RemoveRule):
        return _replace_rule(q, _rule(q, edit.rule), None), units
    if isinstance(edit, MoveDate):
        rule = _rule(q, edit.rule)
        moved = rule.moved_to(edit.from_date)
        if moved is None:
            raise _BadEdit("rule", f"rule '{edit.rule}' has no date to move; expected a replacement or a rule "
                                   f"with registered_from")
        return _replace_rule(q, rule, moved), units
    if isinstance(edit, AddRule):
        rule = edit.rule.with_id(f"{edit.rule.kind}-added-{len(_all_rules(q)) + 1}")
        if any(r.id == rule.id for r in _all_rules(q)):
            raise _BadEdit("rule", f"a rule '{rule.id}' already exists in {q.accreditation}")
        known = {"unit": set(q.unit_codes()), "group": {g.id for g in q.groups}}
        missing = [ref for _, what, ref in rule.references() if ref not in known[what]]
        if missing:
            raise _BadEdit("rule", f"the rule names {', '.join(missing)}, not part of {q.accreditation}")
        if edit.pathway is None:
            return q.model_copy(update={"rules": (*q.rules, rule)}), units
        if edit.pathway not in {p.id for p in q.pathways}:
            names = ", ".join(p.id for p in q.pathways) or "none"
            raise _BadEdit("pathway", f"no pathway '{edit.pathway}' in {q.accreditation}; known: {names}")
        pathways = tuple(p.model_copy(update={"rules": (*p.rules, rule)}) if p.id == edit.pathway else p
                         for p in q.pathways)
        return q.model_copy(update={"pathways": pathways}), units
    if isinstance(edit, AddUnit):
        group = next((g for g in q.groups if g.id == edit.group), None)
        if group is None:
            raise _BadEdit("group", f"no group '{edit.group}' in {q.accreditation}")
        if isinstance(edit.unit, Unit):
            if edit.unit.code in units and units[edit.unit.code] != edit.unit:
                raise _BadEdit("unit", f"unit '{edit.unit.code}' already exists with different details; "
                                       f"name it by code")
            units = {**units, edit.unit.code: edit.unit}
            code = edit.unit.code
        else:
            code = edit.unit
            if code not in units:
                raise _BadEdit("unit", f"unit '{code}' is not in the catalogue; give it in full")
        if code in q.unit_codes():
            raise _BadEdit("unit", f"unit '{code}' is already part of {q.accreditation}")
        groups = tuple(g.model_copy(update={"units": (*g.units, code)}) if g is group else g for g in q.groups)
        return q.model_copy(update={"groups": groups}), units
    if isinstance(edit, WithdrawUnit):
        if edit.unit not in q.unit_codes():
            raise _BadEdit("unit", f"unit '{edit.unit}' is not part of {q.accreditation}")
        if edit.from_date is not None:
            until = edit.from_date - dt.timedelta(days=1)
            return q, {**units, edit.unit: units[edit.unit].model_copy(update={"available_until": until})}
        return _drop_unit(q, edit.unit), units
    raise _BadEdit("kind", f"unknown edit {edit!r}")


def _drop_unit(q: Qualification, code: str) -> Qualification:
    """The qualification without `code`: out of its groups, and every rule as it reads without the unit."""
    groups = tuple(g.model_copy(update={"units": tuple(c for c in g.units if c != code)}) for g in q.groups)
    def without(rules: tuple[Any, ...]) -> tuple[Any, ...]:
        return tuple(r for r in (rule.without_unit(code) for rule in rules) if r is not None)

    pathways = tuple(p.model_copy(update={"rules": without(p.rules)}) for p in q.pathways)
    return q.model_copy(update={"groups": groups, "rules": without(q.rules), "pathways": pathways})


# --- comparison ---------------------------------------------------------------------------------------

@dataclasses.dataclass(frozen=True, kw_only=True)
class CohortChange:
    learner: str
    before_status: Status
    before_units: tuple[str, ...] | None
    before_new_glh: int | None
    after_status: Status
    after_units: tuple[str, ...] | None
    after_new_glh: int | None

    @property
    def changed(self) -> bool:
        """The answer changed: its status or its new GLH. Another pathway of equal new GLH is a tie the
        solver may break either way, not a change (see `units_differ`)."""
        return (self.before_status, self.before_new_glh) != (self.after_status, self.after_new_glh)

    @property
    def units_differ(self) -> bool:
        return self.before_units != self.after_units

    def to_dict(self) -> dict[str, Any]:
        return {**dataclasses.asdict(self), "changed": self.changed, "units_differ": self.units_differ}


def _side(a: RegimeAudit) -> dict[str, Any]:
    # Dead and forced units a limit left undecided are not known: None, never an empty (and wrong) list.
    known = not any(u.startswith("dead and forced") for u in a.unfinished)
    out = {"count": a.counts.count, "minimal": a.counts.minimal, "lowest_glh": a.min_glh,
           "dead": a.dead if known else None, "forced": a.forced if known else None,
           "credits": [a.min_credits, a.max_credits],
           "glh": [a.min_glh, a.max_glh], "method": a.counts.method}
    if a.unpublished_route:  # the lowest route claims units of unpublished GLH, counted as 0: a lower bound
        out["lowest_glh_at_least"] = True
        out["lowest_glh_rests_on_unpublished"] = list(a.unpublished_route)
    return out


@dataclasses.dataclass(frozen=True, kw_only=True)
class WhatIfResult:
    """Before and after the edits: counts, lowest GLH, dead and forced units, and the cohort's changes."""

    scenario: WhatIf
    before: RegimeAudit
    after: RegimeAudit
    cohort: tuple[CohortChange, ...]
    stopped: Limit | None = None  # the budget's limit that ended it early: figures not computed are None

    @property
    def changed(self) -> list[str]:
        return [c.learner for c in self.cohort if c.changed]

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.scenario.name, "qualification": self.scenario.qualification,
                "registered": self.scenario.registered.isoformat() if self.scenario.registered else None,
                "pathway": self.scenario.pathway, "before": _side(self.before), "after": _side(self.after),
                "cohort": [c.to_dict() for c in self.cohort], "changed": self.changed, "stopped": self.stopped}

    def to_frame(self) -> pd.DataFrame:
        """The side-by-side table: one row per measure, columns before and after."""
        import pandas as pd

        before, after = _side(self.before), _side(self.after)
        rows = []
        for key in ("count", "minimal", "lowest_glh", "credits", "glh", "dead", "forced"):
            def show(v: Any, side: dict[str, Any], key: str = key) -> Any:
                if isinstance(v, list):
                    return " ".join(v) if key in ("dead", "forced") else "-".join(map(str, v))
                if key in ("lowest_glh", "glh") and side.get("lowest_glh_at_least") and v is not None:
                    return f"at least {v}" if key == "lowest_glh" else v
                return v
            rows.append({"measure": key, "before": show(before[key], before), "after": show(after[key], after)})
        return pd.DataFrame(rows, columns=["measure", "before", "after"])

    def mismatches(self) -> list[str]:
        """Every way the result differs from the scenario's `expected` block (empty when it matches)."""
        expected = self.scenario.expected
        if expected is None:
            return []
        out = []
        for name, want, got in (("before", expected.before, _side(self.before)),
                                ("after", expected.after, _side(self.after))):
            for key, value in want.model_dump(exclude_none=True).items():
                have = got[key]
                if have is None and self.stopped is not None:
                    out.append(f"{name}.{key}: expected {value}, not computed within the {self.stopped}")
                    continue
                if isinstance(value, (list, tuple)):
                    value, have = sorted(value), sorted(have)
                if value != have:
                    out.append(f"{name}.{key}: expected {value}, got {have}")
        if expected.changed is not None and sorted(expected.changed) != sorted(self.changed):
            out.append(f"changed: expected {sorted(expected.changed)}, got {sorted(self.changed)}")
        return out


def compare(scenario: WhatIf, catalogue: Catalogue, q: Qualification, budget: Budget | None = None) -> WhatIfResult:
    """Apply the scenario's edits to `q` in `catalogue` and compare before with after; under `budget`, before and
    after get an even share of its work and the cohort's recommendations what is left."""
    edited, q_after = apply_edits(catalogue, q, scenario.edits)
    if scenario.pathway is not None:  # a named pathway's rules (edited or not) judged with the qualification's
        q, q_after = following(q, scenario.pathway), following(q_after, scenario.pathway)
    label = (f"registered from {scenario.registered.isoformat()}" if scenario.registered
             else "a new learner registering now")
    regime = Regime(label, scenario.registered)
    share = 0.45 if scenario.cohort else 0.5  # of the work: before, then as much again for after
    with portion(budget, share) as part:
        before = audit_regime(catalogue, q, regime, part)
    with portion(budget, share / (1 - share)) as part:
        after = audit_regime(edited, q_after, regime, part)
    cohort = tuple(_cohort_change(catalogue, q, edited, q_after, learner, budget) for learner in scenario.cohort)
    return WhatIfResult(scenario=scenario, before=before, after=after, cohort=cohort, stopped=ended_by(budget))


def _cohort_change(catalogue: Catalogue, q: Qualification, edited: Catalogue, q_after: Qualification,
                   learner: Learner, budget: Budget | None = None) -> CohortChange:
    if budget is not None:
        budget.tell("what-if cohort", note=learner.name or "")
    old = recommend(catalogue, q, learner, Objective.MIN_GLH, budget=budget)
    new = recommend(edited, q_after, learner, Objective.MIN_GLH, budget=budget)

    def units(rec: Recommendation) -> tuple[str, ...] | None:
        return tuple(sorted(rec.codes)) if rec.codes is not None else None
    return CohortChange(learner=learner.name, before_status=old.status, before_units=units(old),
                        before_new_glh=old.new_glh, after_status=new.status, after_units=units(new),
                        after_new_glh=new.new_glh)


def run_whatif(path: str | Path, default: Catalogue | None = None, budget: Budget | None = None) -> WhatIfResult:
    scenario, catalogue, q = load_whatif(path, default)
    return compare(scenario, catalogue, q, budget)
