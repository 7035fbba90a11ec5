"""The import review workflow's work: an uploaded document to a draft, an edited draft to YAML and its audit, and
saving a draft into the server's catalogue directory; every problem located, no server path ever shown."""

from __future__ import annotations

import logging
import re
import tempfile
import threading
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from solver.errors import CatalogueError, InputError, PathwaysError, Problem
from solver.files import write_atomically
from solver.importing.draft import Draft
from solver.importing.specification import import_specification
from solver.model.catalogue import Catalogue, load_catalogue
from solver.model.located_yaml import PathKey, render_path
from solver.queries.auditing import audit

log = logging.getLogger("pathways.web")
DOCUMENT_SUFFIXES = (".pdf", ".docx", ".txt", ".md", ".html", ".htm")
UPLOAD = "<upload>"  # the "file" a problem with the upload itself is located in
DRAFT_NAME = "draft.yaml"
# A catalogue file name: one plain name, never a path (no "/", "\\", ".." or leading dot).
SAVE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*(?:\.[A-Za-z0-9_-]+)*\.ya?ml")
_saving = threading.Lock()  # one save at a time: the "exists" check and the write are one step


class ReviewError(InputError):
    """An upload or edited draft that cannot be used; every problem located."""

    kind = "import"


class SaveRefused(PathwaysError):
    """A save the server will not do (not writable, or the name is taken): answered 403 or 409."""

    def __init__(self, status: int, message: str, problems: list[Problem] | None = None):
        self.status, self.message, self.problems = status, message, problems or []
        super().__init__(message)


class _Loose(BaseModel):
    # The importer may add keys (pathways, offered_as ...): kept and written, the catalogue loader judges them.
    model_config = ConfigDict(extra="allow")


class DraftQualification(_Loose):
    id: Any
    accreditation: Any
    title: Any
    level: Any
    awarding_body: Any
    figures: dict[str, Any] = Field(default_factory=dict)
    groups: list[dict[str, Any]] = Field(default_factory=list)
    rules: list[dict[str, Any]] = Field(default_factory=list)


class DraftDocument(_Loose):
    source: str = "imported specification (review before use)"
    units: list[dict[str, Any]] = Field(default_factory=list)
    qualifications: list[DraftQualification] = Field(default_factory=list)


class Provenance(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")
    at: tuple[str | int, ...]
    source: str


class OpenItem(BaseModel):
    """A review item still open: written above the YAML as a `# REVIEW (open):` comment."""

    model_config = ConfigDict(frozen=True, extra="ignore")
    kind: str
    message: str = ""
    path: str = ""
    source: str = ""
    text: str = ""


class DraftBody(BaseModel):
    """An edited draft, as the review page (or any client) sends it back."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    file: str | None = Field(default=None, max_length=200)
    document: DraftDocument
    provenance: tuple[Provenance, ...] = ()
    review: tuple[OpenItem, ...] = ()


class SaveBody(DraftBody):
    name: str = Field(max_length=100)
    overwrite: bool = False


# --- upload -------------------------------------------------------------------------------------------

def upload_name(filename: str | None) -> str:
    """The uploaded file's own name, made safe: its last part only, plain characters, a known suffix."""
    base = re.split(r"[/\\]", filename or "")[-1]
    base = re.sub(r"[^A-Za-z0-9._ ()-]+", "_", base).strip(" .")[-120:] or "document"
    suffix = Path(base).suffix.lower()
    if suffix not in DOCUMENT_SUFFIXES:
        raise ReviewError([Problem(UPLOAD, 1, 1, "file", f"expected a {', '.join(DOCUMENT_SUFFIXES)} document, got "
                                   f"{suffix or 'a name with no suffix'!r}")])
    return base


def import_upload(data: bytes, filename: str | None) -> dict[str, Any]:
    """Import an uploaded document (kept only in a temporary directory while it is read) into draft JSON."""
    name = upload_name(filename)
    if not data:
        raise ReviewError([Problem(name, 1, 1, "", "the uploaded file is empty")])
    with tempfile.TemporaryDirectory(prefix="pathways-upload-") as folder:
        path = Path(folder) / name
        path.write_bytes(data)
        try:
            draft = import_specification(path)
        except InputError as err:
            raise ReviewError([_relocated(p, folder) for p in err.problems]) from None
        except PathwaysError as err:
            raise ReviewError([Problem(name, 1, 1, "", _scrub(str(err), folder))]) from None
        except Exception as err:  # a damaged file a parsing library chokes on is bad input, not a server fault
            log.exception("import of an uploaded %s document failed", Path(name).suffix)  # for the operator
            raise ReviewError([Problem(name, 1, 1, "", f"could not import the document ({type(err).__name__}: "
                                       f"{_scrub(str(err), folder)[:200]}): the file may be damaged, or its layout "
                                       "trips the importer")]) from None
        return _draft_json(draft, name, folder)


def _draft_json(draft: Draft, name: str, folder: str) -> dict[str, Any]:
    review = [{"id": i, "kind": r.kind, "message": _scrub(r.message, folder), "path": render_path(r.path),
               "at": list(r.path), "source": _scrub(r.source, folder), "text": _scrub(r.text, folder)}
              for i, r in enumerate(draft.review)]
    provenance = [{"at": list(at), "path": render_path(at), "source": _scrub(where, folder)}
                  for at, where in draft.provenance.items()]
    document = draft.to_dict()["document"]
    body = DraftBody(file=name, document=DraftDocument.model_validate(document),
                     provenance=tuple(Provenance.model_validate(p) for p in provenance),
                     review=tuple(OpenItem.model_validate(r) for r in review))
    return {"file": name, "document": document, "review": review, "provenance": provenance} | check_draft(body)


def _relocated(p: Problem, folder: str) -> Problem:
    return Problem(_scrub(p.file, folder), p.line, p.column, p.path, _scrub(p.message, folder))


def _scrub(text: str, folder: str) -> str:
    """Text with the temporary directory's path taken out: the client sees its own file name only."""
    return text.replace(folder + "/", "").replace(folder, "")


# --- the edited draft: YAML, load, audit --------------------------------------------------------------

def _comment(text: str) -> str:
    """One line of comment text: a line break in a client's string must not end the comment and start YAML."""
    return " ".join(re.sub(r"[\x00-\x1f\x7f\u2028\u2029\x85]", " ", text).split())


def draft_yaml(body: DraftBody) -> str:
    """The edited draft as the importer writes one (each value's source beside it), open items listed on top."""
    document = body.document.model_dump()
    provenance: dict[PathKey, str] = {tuple(p.at): _comment(p.source) for p in body.provenance}
    file = _comment(body.file or "an uploaded document")
    try:
        text = Draft(document, [], provenance, (file,)).to_yaml()
    except (KeyError, TypeError, ValueError, AttributeError) as err:
        raise ReviewError([Problem("<request>", 1, 1, "document", f"the draft cannot be written as YAML: "
                                   f"{type(err).__name__} {err}")]) from None
    head = ["# Reviewed in the Pathways web explorer."]
    if body.review:
        head.append(f"# {len(body.review)} review item{'s' if len(body.review) != 1 else ''} still open:")
        for item in body.review:
            where = f" [{_comment(item.source)}]" if item.source else ""
            head.append(f"# REVIEW (open): {_comment(item.path) or '(draft)'}: {_comment(item.kind)}: "
                        f"{_comment(item.message)}{where}")
            if item.text:
                head.append(f"#   verbatim: {_comment(item.text)}")
    else:
        head.append("# Every review item has been settled.")
    lines = text.split("\n")
    cut = next((i for i, line in enumerate(lines) if not line.startswith("#")), 0)
    return "\n".join(lines[:cut] + head + lines[cut:])


def check_draft(body: DraftBody, name: str = DRAFT_NAME) -> dict[str, Any]:
    """The draft's YAML, and whether it loads as a catalogue: its audit findings, or its located load problems."""
    text = draft_yaml(body)
    catalogue, problems = load_text(text, name)
    out: dict[str, Any] = {"yaml": text, "loads": catalogue is not None, "problems": problems}
    if catalogue is None:
        return out | {"qualifications": [], "findings": []}
    if not catalogue.qualifications:
        return out | {"qualifications": [], "findings": [], "note": "units only: nothing to audit"}
    try:
        report = audit(catalogue).to_dict()
    except PathwaysError as err:
        return out | {"qualifications": [], "findings": [], "audit_error": str(err)}
    except Exception as err:  # the draft still loads and can be kept: a failing audit must not block the review
        log.exception("the audit of an import draft failed")
        return out | {"qualifications": [], "findings": [],
                      "audit_error": f"the audit could not be completed ({type(err).__name__})"}
    return out | {"qualifications": report["qualifications"], "findings": report["findings"]}


def load_text(text: str, name: str = DRAFT_NAME, beside: Path | None = None
              ) -> tuple[Catalogue | None, list[dict[str, Any]]]:
    """`text` loaded as catalogue file `name` (with the catalogue files of `beside`, if given): the catalogue, or
    the problems, each located in the file it is in by that file's own name."""
    with tempfile.TemporaryDirectory(prefix="pathways-draft-") as folder:
        target = Path(folder) / name
        target.write_text(text, encoding="utf-8")
        if beside is not None:
            for other in _catalogue_files(beside):
                if other.name != name:
                    (Path(folder) / other.name).symlink_to(other)
        try:
            return load_catalogue(target if beside is None else folder), []
        except CatalogueError as err:
            return None, [_problem(_relocated(p, folder)) for p in err.problems]


def _problem(p: Problem) -> dict[str, Any]:
    return {"file": p.file, "line": p.line, "column": p.column, "path": p.path, "message": p.message,
            "text": str(p)}


# --- saving into the catalogue directory --------------------------------------------------------------

def _catalogue_files(directory: Path) -> list[Path]:
    return sorted(directory.glob("*.yaml")) + sorted(directory.glob("*.yml"))


def saved_files(directory: Path | None) -> dict[str, Any]:
    return {"writable": directory is not None,
            "files": [p.name for p in _catalogue_files(directory)] if directory is not None else []}


def save_target(directory: Path, name: str) -> Path:
    """The file `name` in `directory`, refused unless it is one plain .yaml name that stays inside it."""
    if not SAVE_NAME.fullmatch(name) or ".." in name:
        raise ReviewError([Problem("<request>", 1, 1, "name", "expected a plain file name ending .yaml (letters, "
                                   f"digits, '-', '_' and '.'; no folders), got {name!r}")])
    target = directory / name
    if target.is_symlink() or target.resolve().parent != directory:
        raise SaveRefused(409, f"{name!r} is not a plain file in the catalogue directory")
    return target


def save_draft(directory: Path | None, body: SaveBody) -> tuple[dict[str, Any], Catalogue]:
    """Write the draft into `directory` atomically, only if it loads on its own and with the catalogue there."""
    if directory is None:
        raise SaveRefused(403, "this server cannot save drafts: start it with `pathways serve --catalogue DIR "
                          "--writable`; download the YAML instead")
    target = save_target(directory, body.name)
    text = draft_yaml(body)
    alone, problems = load_text(text, body.name)
    if alone is None:
        raise SaveRefused(422, f"the draft does not load yet, so {body.name} was not saved", _problems(problems))
    with _saving:
        if target.exists() and not body.overwrite:
            raise SaveRefused(409, f"{body.name} is already in the catalogue directory; choose another name or "
                              "overwrite it")
        together, problems = load_text(text, body.name, beside=directory)
        if together is None:
            raise SaveRefused(409, f"the draft loads on its own but not with the catalogue's other files, so "
                              f"{body.name} was not saved", _problems(problems))
        try:
            write_atomically(target, text)
        except OSError as err:
            raise SaveRefused(409, f"cannot write {body.name} in the catalogue directory: "
                              f"{err.strerror or 'not writable'}") from None
        try:
            catalogue = load_catalogue(directory)
        except CatalogueError:  # changed on disk by someone else meanwhile: keep serving the checked one
            catalogue = together
    answer = {"saved": body.name, "qualifications": [q.id for q in alone.qualifications],
              "units": len(alone.units), "catalogue_qualifications": len(catalogue.qualifications)}
    return answer, catalogue


def _problems(found: list[dict[str, Any]]) -> list[Problem]:
    return [Problem(p["file"], p["line"], p["column"], p["path"], p["message"]) for p in found]
