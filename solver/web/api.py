"""The JSON API: one route per question of the Python API, each answered on a worker thread."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, TypeVar, cast

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from solver.request.objectives import Objective
from solver.web.ceiling import ceiling
from solver.web.limits import LimitExceeded, cohort_file_limit
from solver.web.schemas import (
    CheckRequest,
    CountRequest,
    EnumerateRequest,
    PlanRequest,
    RecommendRequest,
    Shaped,
    WhatIfRequest,
    openapi_body,
    read_body,
)
from solver.web.service import Explorer
from solver.web.slots import FairSlots

router = APIRouter(prefix="/api")
T = TypeVar("T")


def explorer(request: Request) -> Explorer:
    return request.app.state.explorer


async def solve(request: Request, work: Callable[..., T], *args: Any) -> T:
    """Run solver work on a worker thread once the client's turn comes (`FairSlots`: at most
    `Limits.max_concurrent` at once, `Limits.max_per_client` for one address), under the wall-clock ceiling; an
    answer the ceiling cut short says so in `partial`."""
    slots: FairSlots = request.app.state.solver_slots
    seconds = explorer(request).limits.wall_seconds
    client = request.client.host if request.client else "unknown"

    def bounded() -> T:
        with ceiling(seconds) as bound:
            answer = work(*args)
        if bound.reached and isinstance(answer, dict):
            return cast(T, {**answer, "partial": bound.note()})
        return answer
    await slots.enter(client)
    try:
        # A worker thread, once started, is waited for even if the request is cancelled: the slot is given back
        # only when the solving has ended.
        return await run_in_threadpool(bounded)
    finally:
        slots.leave(client)


@router.get("/qualifications", summary="The qualifications of the catalogue, with their published figures")
async def qualifications(request: Request) -> list[dict[str, Any]]:
    return explorer(request).qualifications()


@router.get("/qualifications/{ref:path}", summary="One qualification: units by group, every rule in English "
            "with the awarding body's wording (`note`)")
async def qualification(request: Request, ref: str) -> dict[str, Any]:
    return explorer(request).summary(ref)


@router.post("/check", summary="Check a unit set rule by rule: what each rule needs, what the units have, the fix",
             openapi_extra=openapi_body(CheckRequest))
async def check(request: Request) -> dict[str, Any]:
    ex = explorer(request)
    body = await read_body(request, CheckRequest, ex.limits)
    return await solve(request, ex.check, body)


@router.post("/recommend", summary="The best pathway for a learner, with alternatives; when impossible, "
             "status INFEASIBLE with the explanation", openapi_extra=openapi_body(RecommendRequest))
async def recommend(request: Request) -> dict[str, Any]:
    ex = explorer(request)
    body = await read_body(request, RecommendRequest, ex.limits)
    return await solve(request, ex.recommend, body)


@router.post("/explain", summary="Why a learner's request is impossible: a minimal conflict and the relaxations",
             openapi_extra=openapi_body(RecommendRequest))
async def explain(request: Request) -> dict[str, Any]:
    ex = explorer(request)
    body = await read_body(request, RecommendRequest, ex.limits)
    return await solve(request, ex.explain, body)


@router.post("/count", summary="The exact number of valid pathways, by credits and by new GLH, and unit shares",
             openapi_extra=openapi_body(CountRequest))
async def count(request: Request) -> dict[str, Any]:
    ex = explorer(request)
    body = await read_body(request, CountRequest, ex.limits)
    return await solve(request, ex.count, body)


@router.post("/enumerate", summary="One page of valid pathways, in order (glh, credits or units) if asked",
             openapi_extra=openapi_body(EnumerateRequest))
async def enumerate_pathways(request: Request) -> dict[str, Any]:
    ex = explorer(request)
    body = await read_body(request, EnumerateRequest, ex.limits)
    return await solve(request, ex.enumerate, body)


@router.get("/audit", summary="Audit findings: published figures against the rules, dead and forced units")
async def audit(request: Request, qualification: Annotated[str | None, Query(max_length=100)] = None,
                pathway: Annotated[str | None, Query(max_length=100)] = None) -> dict[str, Any]:
    # A qualification with named pathways is audited on each, or on the `pathway` named (as the CLI).
    return await solve(request, explorer(request).audit, qualification, pathway)


@router.post("/whatif", summary="Apply rule edits to a copy of a qualification and compare before with after",
             openapi_extra=openapi_body(WhatIfRequest))
async def whatif(request: Request) -> dict[str, Any]:
    ex = explorer(request)
    body = await read_body(request, WhatIfRequest, ex.limits)
    return await solve(request, ex.whatif, body)


@router.post("/plan", summary="A learner's plan: which units and in which period (month, term or week) at a pace, "
             "the finish, and each tier (objective, earliest finish, balance) proven or not; when no plan fits, "
             "status INFEASIBLE with why (the earliest finish the pace allows)",
             openapi_extra=openapi_body(PlanRequest))
async def plan(request: Request) -> dict[str, Any]:
    ex = explorer(request)
    body = await read_body(request, PlanRequest, ex.limits)
    return await solve(request, ex.plan, body)


def _reading(text: str | None) -> str | dict[str, str] | None:
    """A form's reading as `--reading` takes it: a reading NAME, or RULE=NAME pairs separated by commas."""
    if not text or not text.strip():
        return None
    if "=" not in text:
        return text.strip()
    pairs = [part.split("=", 1) for part in text.split(",") if part.strip()]
    return {rule.strip(): name.strip() for rule, name in pairs}


@router.post("/cohort", summary="A learner CSV in (learner, registered, achieved, ...), one recommendation per row "
             "out as CSV; on a named pathway (needed when the qualification has them) and a reading, as chosen",
             response_class=Response, responses={200: {"content": {"text/csv": {}}}})
async def cohort(request: Request, file: Annotated[UploadFile, File(description="CSV: learner,registered,achieved")],
                 qualification: Annotated[str, Form(max_length=100)],
                 objective: Annotated[Objective, Form()] = Objective.MIN_GLH,
                 pathway: Annotated[str | None, Form(max_length=100, description="The named pathway every row "
                                                     "follows (as --pathway)")] = None,
                 reading: Annotated[str | None, Form(max_length=1000, description="A reading name, or "
                                                     "RULE=NAME pairs separated by commas (as --reading)")] = None,
                 ) -> Response:
    ex = explorer(request)
    shape = Shaped(qualification=qualification, pathway=pathway or None, reading=_reading(reading))
    data = await file.read(ex.limits.max_cohort_bytes + 1)
    if len(data) > ex.limits.max_cohort_bytes:
        raise LimitExceeded("file", cohort_file_limit(ex.limits))
    text = await solve(request, ex.cohort, data, shape, objective)
    return Response(text, media_type="text/csv",
                    headers={"Content-Disposition": 'attachment; filename="recommendations.csv"'})
