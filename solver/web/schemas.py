"""Request bodies of the HTTP API, read with the same located messages as the YAML files the CLI takes."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from typing import Annotated, Any, Literal, TypeVar

from pydantic import AfterValidator, BaseModel, ConfigDict, Field
from pydantic_core import PydanticCustomError
from starlette.requests import Request

from solver.errors import InputError, Problem
from solver.limits import MAX_TOTAL
from solver.model.learner import Learner
from solver.model.located_yaml import parse_yaml, render_path
from solver.model.timing import NamedPeriod, PeriodKind, Timing, period_list_problems, within
from solver.model.validation import validate
from solver.queries.whatif import AnyEdit
from solver.request.objectives import Objective
from solver.rules import Code, Count, Date
from solver.rules.base import Claim
from solver.web.limits import LimitExceeded, Limits

M = TypeVar("M", bound=BaseModel)
BODY = "<request>"  # the "file" a problem in a request body is located in
Codes = tuple[Code, ...]
Claims = tuple[Claim, ...]  # units, or units in one of their modes (CODE@graded)


class RequestError(InputError):
    """A request body that cannot be used; every problem located by line, column and path in the body."""

    kind = "request"


class JsonSyntaxError(RequestError):
    """A body sent as JSON that is not JSON: said as such, with the line and column where reading stopped."""

    kind = "JSON"


class Body(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Shaped(Body):
    """A question about one qualification, read one way (`reading`: a reading name for every rule that has it,
    or rule id -> reading name, as `--reading`) and, for a learner on a named pathway, `pathway` (as `--pathway`)."""

    qualification: Code
    reading: str | dict[str, str] | None = None
    pathway: str | None = None


class CheckRequest(Shaped):
    units: Claims = ()
    registered: Date | None = None
    achieved: Claims = ()
    exempt: Codes = ()  # recognition of prior learning: meets a mandatory rule, gives no credit
    # Whether the nearest valid pathway may add units of other qualifications to import slots: as `pathways check`
    # by default; false keeps the slots to the units ticked or achieved (as `recommend` without --fill-imports).
    fill_imports: bool = True


class RecommendRequest(Shaped):
    name: str = "learner"
    objective: Objective = Objective.MIN_GLH
    registered: Date | None = None
    achieved: Claims = ()
    exempt: Codes = ()
    include: Claims = ()
    exclude: Claims = ()
    max_glh: Count | None = None
    goals: dict[str, Annotated[int, Field(strict=True, ge=1)]] = Field(default_factory=dict)
    alternatives: Count = 0
    fill_imports: bool = False  # as --fill-imports: the solver may choose units of other qualifications for slots

    def learner(self) -> Learner:
        return Learner(name=self.name, registered=self.registered, achieved=self.achieved, include=self.include,
                       exclude=self.exclude, max_glh=self.max_glh, goals=self.goals, exempt=self.exempt,
                       fill_imports=self.fill_imports)


class CountRequest(Shaped):
    registered: Date | None = None
    achieved: Claims = ()
    include: Claims = ()
    exclude: Claims = ()
    min_glh: Count | None = None
    max_glh: Count | None = None
    min_credits: Count | None = None
    max_credits: Count | None = None
    shares: bool = False

    def learner(self) -> Learner:
        return Learner(registered=self.registered, achieved=self.achieved, include=self.include,
                       exclude=self.exclude)


class EnumerateRequest(CountRequest):
    minimal: bool = False
    order: Literal["glh", "credits", "units"] | None = None
    offset: Count = 0
    limit: Annotated[int, Field(strict=True, ge=1)] = 20


class WhatIfRequest(Shaped):
    """Rule edits judged on the qualification read as `reading`, for a learner on the named `pathway` (as a what-if
    file's `pathway:`); an edit may name a named pathway's rule."""

    name: str = "what-if"
    registered: Date | None = None
    edits: Annotated[tuple[AnyEdit, ...], Field(min_length=1)]
    cohort: tuple[Learner, ...] = ()


def _month(text: str) -> str:
    """A start or finish as the plan takes it: YYYY-MM or YYYY-MM-DD, a real date (said "expected: a month ...")."""
    try:
        if not re.fullmatch(r"\d{4}-\d{2}(-\d{2})?", text):
            raise ValueError
        dt.date.fromisoformat(text if len(text) == 10 else f"{text}-01")
    except ValueError:
        raise PydanticCustomError("month", "a month as YYYY-MM (or a day as YYYY-MM-DD), got {text}",
                                  {"text": repr(text)}) from None
    return text


Month = Annotated[str, Field(strict=True), AfterValidator(_month)]
PerPeriod = Annotated[int, Field(strict=True, ge=1, le=MAX_TOTAL)]


class PlanRequest(Shaped):
    """A learner's plan (as `pathways plan`): which units, in which period, from `start`, at a pace per period."""

    registered: Date | None = None
    achieved: Claims = ()
    exempt: Codes = ()
    objective: Objective = Objective.MIN_GLH
    start: Month
    periods: PeriodKind = "month"  # calendar months, terms or weeks
    # Or named periods ([{name, start, end}, ...], in order, not overlapping), as `pathways plan --periods FILE`
    named_periods: Annotated[tuple[NamedPeriod, ...], Field(min_length=1, max_length=520)] | None = None
    glh_per_period: PerPeriod | None = None  # the pace: GLH a period at most (--per-month-glh, --per-term-glh, ...)
    min_glh_per_period: Count | None = None  # at least this many GLH in each period up to the finish
    units_per_period: PerPeriod | None = None
    credits_per_period: PerPeriod | None = None
    finish_by: Month | None = None  # the latest period the plan may use

    def learner(self) -> Learner:
        return Learner(registered=self.registered, achieved=self.achieved, exempt=self.exempt)

    def timing(self) -> Timing:
        limits = {"glh": {"min": self.min_glh_per_period, "max": self.glh_per_period},
                  "units": {"max": self.units_per_period}, "credits": {"max": self.credits_per_period}}
        listed = self.named_periods if self.named_periods is not None else self.periods
        return Timing.model_validate({"periods": listed, "start": self.start, "finish_by": self.finish_by,
                                      "limits": {m: {k: v for k, v in lim.items() if v is not None}
                                                 for m, lim in limits.items() if any(v is not None
                                                                                     for v in lim.values())}})


def check_sizes(body: BaseModel, limits: Limits) -> None:
    """Refuse lists longer than the limits allow (413), naming the field."""
    for name in ("units", "achieved", "exempt", "include", "exclude"):
        value = getattr(body, name, ())
        if len(value) > limits.max_units:
            raise LimitExceeded(name, f"at most {limits.max_units} unit codes per request, got {len(value)}")
    if len(getattr(body, "goals", {})) > limits.max_goals:
        raise LimitExceeded("goals", f"at most {limits.max_goals} goals per request")
    if getattr(body, "alternatives", 0) > limits.max_alternatives:
        raise LimitExceeded("alternatives", f"at most {limits.max_alternatives} alternatives per request")
    if isinstance(body, EnumerateRequest):
        if body.limit > limits.max_page:
            raise LimitExceeded("limit", f"at most {limits.max_page} pathways per page, got {body.limit}")
        if body.offset > limits.max_offset:
            raise LimitExceeded("offset", f"at most {limits.max_offset}, got {body.offset}")
    if isinstance(body, PlanRequest) and body.named_periods is not None:
        found = period_list_problems(body.named_periods)
        if "periods" in body.model_fields_set:
            found.append(((), "expected periods (month, term or week) or named_periods, not both"))
        if found:
            raise RequestError([Problem(BODY, 1, 1, render_path(("named_periods", *key)), message)
                                for key, message in found])
    if isinstance(body, PlanRequest) and body.named_periods is None and body.finish_by is not None:
        start, finish = (dt.date.fromisoformat(d if len(d) == 10 else f"{d}-01") for d in (body.start, body.finish_by))
        if finish < start:
            raise RequestError([Problem(BODY, 1, 1, "finish_by", f"expected a finish on or after the start "
                                                                  f"({body.start}), got {body.finish_by}")])
        if within(body.periods, start, finish) > limits.max_periods:
            raise LimitExceeded("finish_by", f"at most {limits.max_periods} periods from the start to the finish")
    if isinstance(body, WhatIfRequest):
        if len(body.edits) > limits.max_edits:
            raise LimitExceeded("edits", f"at most {limits.max_edits} edits per request")
        if len(body.cohort) > limits.max_cohort_rows:
            raise LimitExceeded("cohort", f"at most {limits.max_cohort_rows} learners per request")


async def read_body(request: Request, model: type[M], limits: Limits) -> M:
    """The body as `model`: read up to the size limit, parsed (JSON, or YAML) with every position kept."""
    data = bytearray()
    async for chunk in request.stream():
        data += chunk
        if len(data) > limits.max_body_bytes:
            raise LimitExceeded("body", f"at most {limits.max_body_bytes:,} bytes per request")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        raise RequestError([Problem(BODY, 1, 1, "", f"expected UTF-8 text: {err.reason}")]) from None
    if _looks_like_json(request, text):
        try:
            json.loads(text)
        except json.JSONDecodeError as err:
            raise JsonSyntaxError([Problem(BODY, err.lineno, err.colno, "",
                                           f"invalid JSON: {err.msg.lower()} (line {err.lineno}, column "
                                           f"{err.colno})")]) from None
    if "\t" in text and _is_json(text):
        text = text.replace("\t", " ")  # JSON allows tabs between tokens (never raw in strings); YAML does not
    doc, problems = parse_yaml(text, BODY)
    if doc is not None and not problems:
        if doc.data is not None and not isinstance(doc.data, dict):
            problems = [doc.problem((), "expected a JSON object (a mapping of fields)")]
        else:
            body, problems = validate(model, doc)
            if body is not None:
                problems = [doc.problem(path, f"expected a number <= {MAX_TOTAL:,}, got {value}")
                            for path, value in _huge_numbers(body.model_dump())]
            if body is not None and not problems:
                check_sizes(body, limits)
                return body
    raise RequestError(problems)


def _looks_like_json(request: Request, text: str) -> bool:
    """A body sent as JSON (its content type, or an object or list as its first character); YAML otherwise."""
    return "json" in request.headers.get("content-type", "") or text.lstrip()[:1] in ("{", "[")


def _is_json(text: str) -> bool:
    try:
        json.loads(text)
    except ValueError:
        return False
    return True


def _huge_numbers(data: Any, path: tuple[str | int, ...] = ()) -> Iterator[tuple[tuple[str | int, ...], int]]:
    """Whole numbers too large for the solver (CP-SAT takes 64-bit coefficients), with their paths."""
    if isinstance(data, dict):
        for key, value in data.items():
            yield from _huge_numbers(value, (*path, key))
    elif isinstance(data, (list, tuple)):
        for i, value in enumerate(data):
            yield from _huge_numbers(value, (*path, i))
    elif isinstance(data, int) and not isinstance(data, bool) and abs(data) > MAX_TOTAL:
        yield path, data


def json_schema(model: type[BaseModel]) -> dict[str, Any]:
    """The model's JSON Schema with its definitions inlined, for the OpenAPI page of a hand-read body."""
    schema = model.model_json_schema()
    defs = schema.pop("$defs", {})

    def inline(node: Any) -> Any:
        if isinstance(node, dict):
            ref = node.get("$ref", "")
            if ref.startswith("#/$defs/"):
                return inline(defs[ref.removeprefix("#/$defs/")])
            return {k: inline(v) for k, v in node.items()}
        if isinstance(node, list):
            return [inline(v) for v in node]
        return node

    return inline(schema)


def openapi_body(model: type[BaseModel]) -> dict[str, Any]:
    return {"requestBody": {"required": True, "content": {"application/json": {"schema": json_schema(model)}}}}
