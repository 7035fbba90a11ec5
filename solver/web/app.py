"""The application factory: API and pages on one catalogue, bad input as located 4xx JSON, never a traceback."""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from fastapi_offline import FastAPIOffline
from pydantic import ValidationError
from starlette.datastructures import Headers, MutableHeaders
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from solver.errors import InputError, LookupFailure, Problem
from solver.model.catalogue import Catalogue, load_catalogue
from solver.web import api, pages, review_api
from solver.web.limits import LimitExceeded, Limits, cohort_file_limit
from solver.web.review import SaveRefused
from solver.web.service import Explorer
from solver.web.slots import FairSlots
from solver.web.timeouts import BodyDeadline

HERE = Path(__file__).parent
WARM_STOP_SECONDS = 60.0  # how long shutdown waits for the answer the warming thread is computing
log = logging.getLogger("pathways.web")
PAGE_POLICY = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; "
               "base-uri 'none'; frame-ancestors 'none'")


def _text(p: Problem) -> str:
    """A problem in the request's own terms: the field path and what is wrong (a problem in a request body is
    not in a file, so no `<request>:1:146`); a file's problem (an uploaded document) keeps its place."""
    if not p.file.startswith("<"):
        return str(p)
    return f"{p.path}: {p.message}" if p.path else p.message


def _problem(p: Problem) -> dict[str, Any]:
    return {"file": p.file, "line": p.line, "column": p.column, "path": p.path, "message": p.message,
            "text": _text(p)}


def _public(text: str, hidden: Sequence[tuple[str, str]]) -> str:
    """`text` with the server's own paths (the catalogue's directory, the install) put in words."""
    for path, words in hidden:
        text = text.replace(path, words)
    return text


def error(status: int, kind: str, message: str, problems: Sequence[Problem] = (),
          hidden: Sequence[tuple[str, str]] = ()) -> JSONResponse:
    shown = [_problem(p) | {"message": _public(p.message, hidden), "text": _public(_text(p), hidden)}
             for p in problems]
    return JSONResponse({"error": kind, "message": _public(message, hidden), "problems": shown},
                        status_code=status)


def _summary(kind: str, problems: Sequence[Problem]) -> str:
    """The message of a bad request: what kind, then each problem in the request's own terms."""
    noun = "problem" if len(problems) == 1 else "problems"
    return f"{kind} ({len(problems)} {noun}): " + "; ".join(_text(p) for p in problems)


def _hidden_paths(catalogue: Catalogue) -> list[tuple[str, str]]:
    """The server's paths a message might name, longest first, each with what a client is told instead."""
    root = Path(catalogue.root)
    paths = {str(root): "the catalogue", str(root.resolve()): "the catalogue",
             str(HERE.parents[1]): "the server", str(Path.cwd()): "the server"}
    return sorted(paths.items(), key=lambda item: -len(item[0]))


def _add_error_handlers(app: FastAPI, hidden: Sequence[tuple[str, str]]) -> None:
    @app.exception_handler(InputError)
    async def input_error(_: Request, err: InputError) -> JSONResponse:
        in_request = all(p.file.startswith("<") for p in err.problems)
        message = _summary(f"invalid {err.kind}", err.problems) if in_request else err.render()
        return error(422, f"invalid {err.kind}", message, err.problems, hidden)

    @app.exception_handler(LookupFailure)
    async def lookup_failure(request: Request, err: LookupFailure) -> JSONResponse:
        # A path naming a missing qualification is "not found"; a body naming a missing unit is bad input.
        status = 404 if request.method == "GET" else 422
        return error(status, "not found" if status == 404 else "unknown reference", str(err), hidden=hidden)

    @app.exception_handler(LimitExceeded)
    async def too_large(_: Request, err: LimitExceeded) -> JSONResponse:
        return error(413, "too large", str(err), [Problem("<request>", 1, 1, err.field, err.message)], hidden)

    @app.exception_handler(SaveRefused)
    async def save_refused(_: Request, err: SaveRefused) -> JSONResponse:
        return error(err.status, "not saved", err.message, err.problems)

    @app.exception_handler(RequestValidationError)
    async def bad_parameters(_: Request, err: RequestValidationError) -> JSONResponse:
        problems = [Problem("<request>", 1, 1, ".".join(str(part) for part in e["loc"]), e["msg"])
                    for e in err.errors()]
        return error(422, "invalid request", _summary("invalid request", problems), problems)

    @app.exception_handler(ValidationError)
    async def bad_values(_: Request, err: ValidationError) -> JSONResponse:
        problems = [Problem("<request>", 1, 1, ".".join(str(part) for part in e["loc"]), e["msg"])
                    for e in err.errors(include_url=False)]
        return error(422, "invalid request", _summary("invalid request", problems), problems)

    @app.exception_handler(HTTPException)
    async def http_error(_: Request, err: HTTPException) -> JSONResponse:
        return error(err.status_code, "http", str(err.detail))

    @app.exception_handler(Exception)
    async def unexpected(request: Request, err: Exception) -> JSONResponse:
        # Logged on the server for the operator; the client gets no traceback or internals.
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        return error(500, "internal", "internal error: the request could not be answered")


class RequestGuard:
    """ASGI middleware: a body over its path's cap is refused (413, 411 for an upload without a length) before it
    is read, and every answer says nosniff, a page also its Content-Security-Policy.

    Plain ASGI rather than FastAPI's `@app.middleware("http")`: that runs each request on a task with memory
    streams, measured at half the app's own CPU time for an answer from the memo (0.7 of 1.3 ms)."""

    def __init__(self, app: ASGIApp, caps: dict[str, tuple[int, str]], default: tuple[int, str],
                 uploads: Sequence[str]):
        self.app, self.caps, self.default, self.uploads = app, caps, default, tuple(uploads)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        headers = Headers(scope=scope)
        length = headers.get("content-length")
        cap, said = self.caps.get(path, self.default)
        refusal = None
        if length is not None and (not length.isdigit() or int(length) > cap):
            field = "file" if path in self.uploads else "body"
            refusal = error(413, "too large", said, [Problem("<request>", 1, 1, field, said)])
        elif length is None and headers.get("transfer-encoding") and path in self.uploads:
            # An upload is spooled to disk before it is read: without a length it could be endless.
            refusal = error(411, "length required", "an upload needs a Content-Length")
        page_policy = path != "/docs"

        async def guarded_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                answer = MutableHeaders(scope=message)
                answer.append("X-Content-Type-Options", "nosniff")
                if page_policy and answer.get("content-type", "").startswith("text/html"):
                    # The pages run only their own script and style files: injected markup could not run.
                    answer.append("Content-Security-Policy", PAGE_POLICY)
            await send(message)

        if refusal is not None:
            await refusal(scope, receive, guarded_send)
        else:
            await self.app(scope, receive, guarded_send)


def create_app(catalogue: Catalogue | str | Path | None = None, limits: Limits | None = None,
               warm: bool = False, writable: bool = False) -> FastAPI:
    """The explorer on `catalogue` (a loaded one, a directory, or None for the bundled catalogue); with `warm`,
    the audits the explore view shows are computed on a background thread as the server starts; with `writable`
    (`catalogue` a directory), reviewed import drafts may be saved into that directory."""
    directory = None
    if writable:
        if isinstance(catalogue, Catalogue) or catalogue is None or not Path(catalogue).is_dir():
            raise ValueError("a writable explorer needs its catalogue as a directory to save drafts into")
        directory = Path(catalogue).resolve()
    if not isinstance(catalogue, Catalogue):
        catalogue = load_catalogue(catalogue)
    limits = limits or Limits()
    explorer = Explorer(catalogue, limits)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        stop = threading.Event()
        warming = threading.Thread(target=explorer.warm, args=(stop,), name="pathways-warm", daemon=True)
        if warm:
            warming.start()
        yield
        # Stopped between two answers and joined: a thread left inside the solver's native code while the
        # interpreter shuts down aborts the process ("terminate called without an active exception").
        stop.set()
        if warming.is_alive():
            await asyncio.to_thread(warming.join, WARM_STOP_SECONDS)

    # FastAPIOffline serves the /docs page's Swagger UI from the package, not from a CDN: it works offline.
    app = FastAPIOffline(title="Pathways", version="0.1.0", lifespan=lifespan, redoc_url=None,
                  description="Rules of combination: check, recommend, explain, count, enumerate, audit, what-if "
                              "and cohort recommendations over one catalogue. Bad input is a 4xx JSON body with "
                              "every problem located (line, column, path).")
    app.state.explorer = explorer
    app.state.catalogue_directory = directory
    app.state.solver_slots = FairSlots(limits.max_concurrent, limits.max_per_client)
    framing = 64 * 1024  # a multipart upload's headers and boundaries around the file
    document_cap = limits.max_document_bytes + framing
    uploads = ("/api/cohort", review_api.UPLOAD_PATH)
    # Each path's cap, and what a request over it is told: a cohort upload in the terms of its file (the one
    # constant Limits.max_cohort_bytes, as the README and the learner page state it), never framing arithmetic.
    caps = {"/api/cohort": (limits.max_cohort_bytes + framing, cohort_file_limit(limits)),
            review_api.UPLOAD_PATH: (document_cap, f"at most {document_cap:,} bytes per request")}
    default = (limits.max_body_bytes, f"at most {limits.max_body_bytes:,} bytes per request")
    app.add_middleware(RequestGuard, caps=caps, default=default, uploads=uploads)
    # Outermost but for Starlette's own error middleware: the deadline covers every read of the body.
    app.add_middleware(BodyDeadline, seconds=limits.body_seconds)
    _add_error_handlers(app, _hidden_paths(catalogue))
    app.include_router(api.router)
    app.include_router(review_api.router)
    app.include_router(pages.router)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    return app
