"""The explorer's answers as JSON-ready dicts: the Python API under the server's limits, on one immutable catalogue."""

from __future__ import annotations

import datetime as dt
import json
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel

from solver.budget import Budget, Limit
from solver.cohort.recommend import recommend_cohort
from solver.cohort.rows import learners_from_bytes
from solver.engine.counting import Stopped, count_formulation, unit_shares
from solver.engine.status import Status
from solver.errors import LookupFailure, Problem
from solver.model.catalogue import Catalogue
from solver.model.documents import Qualification
from solver.model.learner import Learner
from solver.model.read_everywhere import ambiguous_everywhere, read_everywhere
from solver.model.specialisations import following, pathway_of
from solver.queries.auditing import Regime, audit, audit_regime
from solver.queries.by_pathway import recommend_pathway
from solver.queries.checking import check
from solver.queries.enumeration import Filters, enumerate_pathways
from solver.queries.planning import plan_study
from solver.queries.reports import qualification_summary
from solver.queries.whatif import WhatIf, WhatIfResult, apply_edits, compare
from solver.request.formulation import formulate
from solver.request.objectives import Objective
from solver.rules import SumRule
from solver.rules.base import unit_of
from solver.web.cache import Memo
from solver.web.ceiling import current
from solver.web.limits import DeterministicPlanner, LimitExceeded, Limits, cohort_file_limit
from solver.web.schemas import (
    BODY,
    CheckRequest,
    CountRequest,
    EnumerateRequest,
    PlanRequest,
    RecommendRequest,
    RequestError,
    Shaped,
    WhatIfRequest,
)
from solver.web.versions import rule_versions, version_at


def _figure(exact: int | None, at_least: int | None, at_most: int | None) -> str:
    """A count in words: exact, an interval, a floor, or not computed (the counter's notes say why)."""
    if exact is not None:
        return f"{exact:,}"
    if at_least is not None and at_most is not None:
        return f"between {at_least:,} and {at_most:,}"
    if at_least is not None:
        return f"at least {at_least:,}"
    return "not computed"


def _figures(q: Qualification) -> dict[str, Any]:
    return q.figures.model_dump(mode="json", exclude_none=True)


@dataclass
class Explorer:
    """Answers for one catalogue. The catalogue is never changed (what-if edits make new ones), so requests
    on many threads share it safely; each request builds its own planner and models."""

    catalogue: Catalogue
    limits: Limits = field(default_factory=Limits)
    memo: Memo = field(init=False)

    def __post_init__(self) -> None:
        self.memo = Memo(self.limits.remembered)

    def _remember(self, kind: str, body: BaseModel, compute: Callable[[], dict[str, Any]]) -> dict[str, Any]:
        return self.memo.get((kind, body.model_dump_json()), compute)

    def qualification(self, ref: str) -> Qualification:
        return self.catalogue.qualification(ref)

    def shaped(self, body: Shaped) -> Qualification:
        """The qualification as the request reads it: its readings, and the named pathway it follows."""
        q = self.qualification(body.qualification)
        try:
            if body.reading:  # in the qualification's rules and its named pathways', as `--reading`
                q = read_everywhere(q, body.reading)
        except LookupFailure as err:  # said at the field that named it
            raise RequestError([Problem(BODY, 1, 1, "reading", str(err))]) from None
        try:
            return following(q, body.pathway) if body.pathway else q
        except LookupFailure as err:
            raise RequestError([Problem(BODY, 1, 1, "pathway", str(err))]) from None

    def _pathway(self, body: Shaped) -> dict[str, Any]:
        """The named pathway a request follows, as its answer names it (nothing for a qualification without)."""
        q = self.qualification(body.qualification)
        if not body.pathway:
            return {}
        chosen = pathway_of(q, body.pathway)
        return {"pathway": chosen.id, "pathway_title": chosen.title}

    def _needs_pathway(self, body: Shaped) -> None:
        """Counting and listing are per named pathway: a request on a qualification with pathways names one."""
        q = self.qualification(body.qualification)
        if q.pathways and not body.pathway:
            known = ", ".join(f"{p.id} ({p.title})" for p in q.pathways)
            raise RequestError([Problem(BODY, 1, 1, "pathway", f"expected one of the named pathways of "
                                        f"{q.accreditation}: {known}")])

    def qualifications(self) -> list[dict[str, Any]]:
        return [{"id": q.id, "accreditation": q.accreditation, "title": q.title, "level": q.level,
                 "awarding_body": q.awarding_body, "units": len(q.unit_codes()), "groups": len(q.groups),
                 "rules": len(q.rules), "figures": _figures(q)} for q in self.catalogue.qualifications]

    def summary(self, ref: str) -> dict[str, Any]:
        q = self.qualification(ref)
        out = qualification_summary(self.catalogue, q)
        rules = {r.id: r for r in (*q.rules, *(r for p in q.pathways for r in p.rules))}
        for rule in [*out["rules"], *(r for p in out["pathways"] for r in p["rules"])]:
            own = rules[rule["id"]]
            rule["note"] = own.note
            if isinstance(own, SumRule):  # the bounds a what-if starts from
                rule["min"], rule["max"] = own.min, own.max
            # A version's dates (the what-if view may move a version's start, as a replacement's cut-off)
            for key in ("registered_from", "registered_until"):
                if getattr(own, key) is not None:
                    rule[key] = getattr(own, key).isoformat()
        for group in out["groups"]:
            if "credits" in group:  # the group's total as the specification publishes it
                group["published_credits"] = group["credits"]
            group["credits"] = sum(u["credits"] or 0 for u in group["units"])  # published credits only
            group["unpublished_credits"] = sum(u["credits"] is None for u in group["units"])
        # Rule id -> its readings (the stated one first), and every reading name: what `reading` may say.
        out["readings"] = ambiguous_everywhere(q)
        out["reading_names"] = list(dict.fromkeys(n for names in out["readings"].values() for n in names))
        described = {r["id"]: r["description"]
                     for r in [*out["rules"], *(r for p in out["pathways"] for r in p["rules"])]}
        out["versions"] = [v | {"descriptions": [described[r] for r in v["rules"]]} for v in rule_versions(q)]
        out["import_slots"] = self._import_slots(q, out)
        # Every unit a page may name: the groups' and the import slots' candidates (a code may hold a space).
        out["claimable_codes"] = list(dict.fromkeys(
            [u["code"] for g in out["groups"] for u in g["units"]]
            + [u["code"] for slot in out["import_slots"] for u in slot["candidates"]]))
        return out

    def _import_slots(self, q: Qualification, out: dict[str, Any]) -> list[dict[str, Any]]:
        """Each import slot: its rule in words and the candidate units of other qualifications, with where each
        comes from (as `catalogue show` lists them)."""
        described = {r["id"]: r for r in [*out["rules"], *(r for p in out["pathways"] for r in p["rules"])]}
        holders = {c: [o.id for o in self.catalogue.qualifications if o.id != q.id and c in o.unit_codes()]
                   for codes in self.catalogue.imports(q).values() for c in codes}
        slots = []
        for rule_id, codes in self.catalogue.imports(q).items():
            units = [{**self._unit(c), "from": holders[c]} for c in codes]
            slots.append({"rule": rule_id, "description": described[rule_id]["description"],
                          "note": described[rule_id].get("note"), "candidates": units})
        return slots

    def _unit(self, code: str) -> dict[str, Any]:
        unit = self.catalogue.units[code]
        return {"code": code, "title": unit.title, "level": unit.level, "credits": unit.credits, "glh": unit.glh,
                "modes": list(unit.modes)}

    def _version(self, q: Qualification, registered: dt.date | None) -> dict[str, Any]:
        """The rule version a registration date selects, as the answer names it (nothing without dated rules)."""
        found = version_at(rule_versions(q), registered)
        return {"rule_version": found} if found else {}

    def unclaimable(self, q: Qualification, learner: Learner) -> dict[str, str]:
        """Unit code -> why it cannot be claimed by this learner (withdrawn or not yet available on the registration
        date, replaced from a cut-off): every requirement that holds one unit at 0, as the solver is given it."""
        out: dict[str, str] = {}
        for req in formulate(self.catalogue, q, learner).requirements:
            if req.origin != "rule" and req.id != "availability":
                continue
            for linear in req.linears:
                if len(linear.terms) == 1 and linear.terms[0][1] > 0 and linear.hi == 0:
                    out.setdefault(unit_of(linear.terms[0][0]), req.description)
        return out

    def check(self, body: CheckRequest) -> dict[str, Any]:
        q = self.qualification(body.qualification)
        learner = Learner(registered=body.registered, achieved=body.achieved, exempt=body.exempt,
                          exclude=() if body.fill_imports else self._closed_imports(q, body))
        barred = {"unclaimable": self.unclaimable(self.shaped(body), learner)} | self._version(q, body.registered)
        if not q.pathways or body.pathway:
            return (check(self.catalogue, self.shaped(body), body.units, learner).to_dict() | self._pathway(body)
                    | barred)
        # No pathway named: the set against each (as `pathways check`), the answer on the first it satisfies.
        on = {p.id: check(self.catalogue, self.shaped(body.model_copy(update={"pathway": p.id})), body.units,
                          learner) for p in q.pathways}
        chosen = next((p for p, result in on.items() if result.valid), q.pathways[0].id)
        return on[chosen].to_dict() | self._pathway(body.model_copy(update={"pathway": chosen})) | {
            "pathway_chosen": "the first pathway the units satisfy" if on[chosen].valid
            else "none is satisfied: the first pathway shown",
            "pathways": {p: {"title": pathway_of(q, p).title, "valid": r.valid} for p, r in on.items()}} | barred

    def _closed_imports(self, q: Qualification, body: CheckRequest) -> tuple[str, ...]:
        """Import candidates the nearest valid pathway may not add: those neither ticked nor achieved (as a
        recommendation leaves slots open unless asked to fill them)."""
        mine = {unit_of(c) for c in (*body.units, *body.achieved)}
        return tuple(dict.fromkeys(c for codes in self.catalogue.imports(q).values() for c in codes if c not in mine))

    def recommend(self, body: RecommendRequest) -> dict[str, Any]:
        return self._remember("recommend", body, lambda: self._recommend(body))

    def _recommend(self, body: RecommendRequest) -> dict[str, Any]:
        base = self.qualification(body.qualification)
        if base.pathways and not body.pathway:
            # As `pathways recommend`: the best unit set on each named pathway, and the pathway whose best is best.
            reading = self.shaped(body.model_copy(update={"pathway": None}))
            choice = recommend_pathway(self.catalogue, reading, body.learner(), body.objective)
            chosen = choice.chosen or base.pathways[0].id
            out = self._recommend(body.model_copy(update={"pathway": chosen}))
            out["pathway_chosen"] = ("the best of the named pathways" if choice.chosen
                                     else "no pathway has a valid unit set: the first pathway explained")
            out["pathways"] = {p: {"title": pathway_of(base, p).title, **summary}
                               for p, summary in choice.to_dict()["pathways"].items()}
            return out
        q = self.shaped(body)
        planner = DeterministicPlanner(self.catalogue, q, deterministic_time=self.limits.solve_time)
        # The schema has read the objective's name: the planner takes the Objective as it is.
        result = planner.recommend_formulation(formulate(self.catalogue, q, body.learner()), body.objective,
                                               body.alternatives)
        out = result.to_dict()
        out["explanation"] = result.explanation.sentences() if result.explanation else []
        out["registered"] = body.registered.isoformat() if body.registered else None
        return out | self._pathway(body) | self._version(q, body.registered)

    def explain(self, body: RecommendRequest) -> dict[str, Any]:
        answer = self.recommend(body.model_copy(update={"alternatives": 0}))
        keys = ("qualification", "learner", "status", "explanation", "conflict", "relaxations", "pathway",
                "pathway_title")
        return {k: answer.get(k, []) for k in keys} | {"possible": Status(answer["status"]).found}

    def count(self, body: CountRequest) -> dict[str, Any]:
        return self._remember("count", body, lambda: self._count(body))

    def _count(self, body: CountRequest) -> dict[str, Any]:
        self._needs_pathway(body)
        f = formulate(self.catalogue, self.shaped(body), body.learner())
        extra = Filters(body.min_glh, body.max_glh, body.min_credits, body.max_credits).for_formulation(f)
        # The count's stages stop at the server's deterministic limit, and at the request's wall-clock ceiling.
        bound = current()
        budget = Budget(work=self.limits.solve_time, time=bound.left() if bound is not None else None)
        result = count_formulation(f, extra, time_limit=self.limits.enumerate_seconds, budget=budget)
        out = result.to_dict()
        out["count_text"] = _figure(result.count, result.count_at_least, result.count_at_most)
        out["minimal_text"] = _figure(result.minimal, result.minimal_at_least, None)
        if body.shares:
            try:
                shares = unit_shares(f, extra, budget=budget) if budget.stopped() is None else {}
            except Stopped:
                shares = {}
            if not shares and result.count:
                out["notes"].append(f"unit shares not computed within the {budget.stopped() or Limit.WORK}")
            # A unit offered in several modes is shared per claim ("CODE@graded"): its title says which mode.
            out["shares"] = [{"code": c, "title": self._claim_title(c), "pathways": n,
                              "share": n / result.count if result.count else 0.0} for c, n in shares.items()]
        if bound is not None and budget.stopped() is Limit.TIME:
            bound.reached = True  # a partial answer, not remembered
        return out | self._pathway(body) | self._version(self.qualification(body.qualification), body.registered)

    def _claim_title(self, claim: str) -> str:
        code = unit_of(claim)
        title = self.catalogue.units[code].title
        return title if claim == code else f"{title} ({claim[len(code) + 1:]})"

    def enumerate(self, body: EnumerateRequest) -> dict[str, Any]:
        return self._remember("enumerate", body, lambda: self._enumerate(body))

    def _enumerate(self, body: EnumerateRequest) -> dict[str, Any]:
        self._needs_pathway(body)
        q = self.shaped(body)
        # Each CP-SAT search stops at a deterministic limit, so a page stopped short is the same page every time
        # (a wall-clock deadline here would make the answer depend on the machine's load).
        listing = enumerate_pathways(self.catalogue, q, body.learner(), min_glh=body.min_glh, max_glh=body.max_glh,
                                     min_credits=body.min_credits, max_credits=body.max_credits,
                                     minimal=body.minimal, order=body.order, offset=body.offset, limit=body.limit,
                                     time_limit=self.limits.enumerate_seconds)
        try:
            page = [pathway.to_dict() for pathway in listing]
        finally:
            listing.close()  # stops the listing thread
        total = listing.total
        wanted = body.limit if total is None else max(0, min(body.limit, total - body.offset))
        stopped = len(page) < wanted and total is not None  # the listing stopped at its limit before the total
        return {"qualification": q.accreditation, "registered": body.registered.isoformat() if body.registered
                else None, "order": body.order, "offset": body.offset, "limit": body.limit, "total": total,
                "listed": len(page), "complete": len(page) == wanted,
                "stopped": "time limit" if stopped else None, "pathways": page} | self._pathway(body) \
            | self._version(q, body.registered)

    def audit(self, ref: str | None, pathway: str | None = None) -> dict[str, Any]:
        """The audit (of each named pathway, or of `pathway` alone, as `pathways audit --pathway`)."""
        key = self.qualification(ref).id if ref else None
        chosen = pathway_of(self.qualification(ref), pathway).id if ref and pathway else pathway
        memo_key = ("audit", key) if chosen is None else ("audit", key, chosen)  # the warmed key: every pathway
        return self.memo.get(memo_key, lambda: audit(self.catalogue, key, pathway=chosen).to_dict())

    def whatif(self, body: WhatIfRequest) -> dict[str, Any]:
        return self._remember("whatif", body, lambda: self._whatif(body))

    def _whatif(self, body: WhatIfRequest) -> dict[str, Any]:
        self._needs_pathway(body)
        self.shaped(body)  # an unknown reading or pathway is said at its field
        base = self.qualification(body.qualification)
        # The edits apply to the qualification as read; the named pathway is followed after them (as `compare`).
        q = self.shaped(body.model_copy(update={"pathway": None}))
        for i, learner in enumerate(body.cohort):
            for code in learner.achieved:
                if code not in self.catalogue.units:
                    raise LookupFailure(f"cohort[{i}].achieved: unit '{code}' is not in the catalogue")
        scenario = WhatIf(name=body.name, qualification=body.qualification, registered=body.registered,
                          pathway=pathway_of(q, body.pathway).id if body.pathway else None, edits=body.edits,
                          cohort=body.cohort)
        if scenario.cohort:
            return compare(scenario, self.catalogue, q).to_dict() | self._pathway(body)
        # As `compare`, with the unedited side audited once per qualification, reading, pathway and date.
        edited, q_after = apply_edits(self.catalogue, q, scenario.edits)
        if scenario.pathway is not None:
            q, q_after = following(q, scenario.pathway), following(q_after, scenario.pathway)
        label = (f"registered from {scenario.registered.isoformat()}" if scenario.registered
                 else "a new learner registering now")
        regime = Regime(label, scenario.registered)
        key = ("regime", base.id, json.dumps(body.reading, sort_keys=True), scenario.pathway, scenario.registered)
        before = self.memo.get(key, lambda: audit_regime(self.catalogue, q, regime))
        after = audit_regime(edited, q_after, regime)
        return (WhatIfResult(scenario=scenario, before=before, after=after, cohort=()).to_dict() | self._pathway(body)
                | self._version(base, body.registered))

    def warm(self, stop: threading.Event | None = None) -> None:
        """Answer what the explore view asks first, for every qualification, ahead of the first request
        (the server starts this on a thread, and sets `stop` to end it between two answers)."""
        # The explore view opens on a qualification's first named pathway, if it has any.
        first = {q.id: q.pathways[0].id if q.pathways else None for q in self.catalogue.qualifications}
        steps = [step for q in self.catalogue.qualifications for step in (
            lambda q=q: self.count(CountRequest(qualification=q.id, pathway=first[q.id], shares=True)),
            lambda q=q: self.enumerate(EnumerateRequest(qualification=q.id, pathway=first[q.id], order="glh",
                                                        limit=5)),
            lambda q=q: self.audit(q.id))]
        for step in steps:
            if stop is not None and stop.is_set():
                return
            step()

    def cohort(self, data: bytes, shape: Shaped, objective: Objective) -> str:
        """One recommendation per row on the qualification as read, for learners on the named pathway (a
        qualification with named pathways needs one: every row is answered on it)."""
        self._needs_pathway(shape)
        q = self.shaped(shape)
        if len(data) > self.limits.max_cohort_bytes:
            raise LimitExceeded("file", cohort_file_limit(self.limits))
        # In memory (the upload is never written anywhere) and line by line, as the CLI reads a cohort file: a
        # broken line is its own row's error.
        learners = learners_from_bytes(data, "the uploaded file")
        if len(learners) > self.limits.max_cohort_rows:
            raise LimitExceeded("file", f"at most {self.limits.max_cohort_rows:,} learners per cohort file, "
                                f"got {len(learners):,}")
        frame = recommend_cohort(self.catalogue, q, learners, objective, workers=1,
                                 time_limit=self.limits.solve_time)
        return frame.to_csv(index=False, lineterminator="\n")

    def plan(self, body: PlanRequest) -> dict[str, Any]:
        return self._remember("plan", body, lambda: self._plan(body))

    def _plan(self, body: PlanRequest) -> dict[str, Any]:
        """A learner's plan as `pathways plan` gives it, each solve stopped at the deterministic limit."""
        self._needs_pathway(body)
        q = self.shaped(body)
        bound = current()  # the request's wall-clock ceiling reaches the plan's solves too
        plan = plan_study(self.catalogue, q, body.learner(), body.timing(), body.objective,
                          work_limit=self.limits.solve_time,
                          budget=Budget(time=bound.left()) if bound is not None else None)
        out = plan.to_dict()
        out["registered"] = body.registered.isoformat() if body.registered else None
        out["finish_date"] = plan.finish.last.isoformat() if plan.finish else None
        # The tiers as the CLI states them: proven best, not proven, or the proven bound.
        for tier in out.get("tiers", []):
            value, bound = tier["value"], tier["bound"]
            tier["proven"] = bound is not None and value == bound
            tier["words"] = ("proven best" if tier["proven"] else "not proven" if bound is None
                             else f"proven bound {bound:g}")
        out["achieved_claimed"] = [u for u in out.get("units", []) if u not in (out.get("placed") or {})]
        cap = body.timing().limits.get("glh")
        out["glh_per_period"] = cap.max if cap else None
        return out | self._pathway(body) | self._version(self.qualification(body.qualification), body.registered)
