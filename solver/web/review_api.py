"""The import review API: upload a document for a draft, audit an edited draft, save it into the catalogue."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, File, Request, UploadFile
from fastapi.responses import JSONResponse

from solver.web.api import explorer, solve
from solver.web.limits import LimitExceeded
from solver.web.review import DraftBody, SaveBody, check_draft, import_upload, save_draft, saved_files
from solver.web.schemas import openapi_body, read_body
from solver.web.service import Explorer

router = APIRouter(prefix="/api/import", tags=["import"])
UPLOAD_PATH = "/api/import"


def catalogue_directory(request: Request) -> Path | None:
    """Where drafts may be saved: the catalogue directory of `pathways serve --writable`, else None."""
    return request.app.state.catalogue_directory


@router.post("", summary="Import a specification (.pdf, .docx, .txt, .md, .html): the draft's units, groups and "
             "rules, each review item with its place in the document, the draft's YAML and its audit")
async def upload(request: Request, file: Annotated[UploadFile, File(description="The specification document")]) \
        -> dict[str, Any]:
    ex = explorer(request)
    most = ex.limits.max_document_bytes
    data = await file.read(most + 1)
    if len(data) > most:
        raise LimitExceeded("file", f"at most {most:,} bytes per document")
    return await solve(request, import_upload, data, file.filename)


@router.post("/audit", summary="An edited draft as YAML, loaded as a catalogue: its audit findings, or the located "
             "problems that stop it loading", openapi_extra=openapi_body(DraftBody))
async def audit_draft(request: Request) -> dict[str, Any]:
    ex = explorer(request)
    body = await read_body(request, DraftBody, ex.limits)
    return await solve(request, check_draft, body)


@router.get("/save", summary="Whether this server saves drafts (`pathways serve --catalogue DIR --writable`), and "
            "the catalogue files already there")
async def save_status(request: Request) -> dict[str, Any]:
    return saved_files(catalogue_directory(request))


@router.post("/save", summary="Save an edited draft into the catalogue directory as NAME.yaml, if it loads on its "
             "own and with the catalogue; refused (403) unless the server was started --writable",
             status_code=201, openapi_extra=openapi_body(SaveBody))
async def save(request: Request) -> JSONResponse:
    ex = explorer(request)
    body = await read_body(request, SaveBody, ex.limits)
    answer, catalogue = await solve(request, save_draft, catalogue_directory(request), body)
    # Later requests see the saved qualification; requests already answering keep the catalogue they started on.
    request.app.state.explorer = Explorer(catalogue, ex.limits)
    return JSONResponse(answer, status_code=201)
