"""Server-rendered pages: the catalogue, a qualification, the builder, learner, plan, explore and what-if views, and
the import review."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader

from solver.errors import LookupFailure
from solver.web.service import Explorer

router = APIRouter(include_in_schema=False)
# Autoescape on for every template: catalogue text and anything a user typed is HTML-escaped.
templates = Jinja2Templates(env=Environment(loader=FileSystemLoader(__file__.rsplit("/", 1)[0] + "/templates"),
                                            autoescape=True))


def uk_date(value: str | None) -> str:
    """An ISO date as the pages write dates (en-GB): dd/mm/yyyy."""
    if not value:
        return ""
    year, month, day = str(value).split("-")
    return f"{day}/{month}/{year}"


def unit_figures(unit: dict[str, Any]) -> str:
    """A unit's credits and GLH, each said unpublished where the specification does not give it; its modes."""
    credits = f"{unit['credits']} cr" if unit.get("credits") is not None else "credits unpublished"
    glh = f"{unit['glh']} GLH" if unit.get("glh") is not None else "GLH unpublished"
    modes = f" · {' or '.join(unit['modes'])}" if unit.get("modes") else ""
    return f"{credits} · {glh}{modes}"


templates.env.filters["ukdate"] = uk_date
templates.env.filters["unit_figures"] = unit_figures
VIEWS = {"builder": "Pathway builder", "learner": "Learner", "plan": "Plan", "explore": "Explore", "whatif": "What if"}


def _explorer(request: Request) -> Explorer:
    return request.app.state.explorer


@router.get("/", response_class=HTMLResponse)
async def catalogue_page(request: Request, q: str = "") -> HTMLResponse:
    words = q.lower().split()
    rows = [row for row in _explorer(request).qualifications()
            if all(w in f"{row['id']} {row['accreditation']} {row['title']} {row['awarding_body']}".lower()
                   for w in words)]
    return templates.TemplateResponse(request, "catalogue.html", {"rows": rows, "search": q[:100]})


@router.get("/import", response_class=HTMLResponse)
async def import_page(request: Request) -> HTMLResponse:
    """Upload a specification, review its draft item by item, audit, download or save it."""
    context = {"writable": request.app.state.catalogue_directory is not None,
               "max_bytes": _explorer(request).limits.max_document_bytes}
    return templates.TemplateResponse(request, "import.html", context)


@router.get("/q/{ref}", response_class=HTMLResponse)
async def qualification_page(request: Request, ref: str) -> HTMLResponse:
    return _view(request, ref, "qualification")


@router.get("/q/{ref}/{view}", response_class=HTMLResponse)
async def view_page(request: Request, ref: str, view: str) -> HTMLResponse:
    if view not in VIEWS:
        return templates.TemplateResponse(request, "missing.html", {"what": f"no view {view!r}"}, status_code=404)
    return _view(request, ref, view)


def _view(request: Request, ref: str, view: str) -> HTMLResponse:
    ex = _explorer(request)
    try:
        summary = ex.summary(ref)
    except LookupFailure as err:
        return templates.TemplateResponse(request, "missing.html", {"what": str(err)}, status_code=404)
    context = {"q": summary, "view": view, "views": VIEWS, "limits": ex.limits}
    return templates.TemplateResponse(request, f"{view}.html", context)
