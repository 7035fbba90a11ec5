"""`pathways import`: specifications (.txt/.md, .docx, .pdf, .html) or regulator unit-data CSVs to a draft catalogue."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from solver.cli.app import app
from solver.cli.common import JsonOption, console, plain, print_json


@app.command("import")
def import_command(files: Annotated[list[Path], typer.Argument(help="Specification files (.txt, .md, .docx, .pdf, "
                                                               ".html/.htm), "
                                                               "each read on its own, into one draft; or regulator "
                                                               "CSVs (unit data and mapping).")],
                   output: Annotated[Path, typer.Option("-o", "--output", help="Draft catalogue file to write.")],
                   check: Annotated[bool, typer.Option("--check", help="Load the draft and audit it at once.")]
                   = False,
                   as_json: JsonOption = False) -> None:
    """Import specifications into a draft catalogue YAML with each value's source, and list what to review."""
    from solver.files import write_atomically
    from solver.importing.specification import import_specification

    if not output.parent.is_dir():
        raise typer.BadParameter(f"no directory {str(output.parent)!r} to write into", param_hint="--output")
    draft = import_specification(list(files))
    write_atomically(output, draft.to_yaml())
    audit = _check(output) if check else None
    doc = draft.document
    summary = {"output": str(output), "units": len(doc["units"]), "qualifications": len(doc["qualifications"]),
               "rules": sum(len(q["rules"]) for q in doc["qualifications"])}
    if as_json:
        print_json(summary | draft.to_dict() | ({"check": audit} if check else {}))
        return
    out = console()
    out.print(f"Draft written to {plain(output)}: {summary['units']} units, {summary['qualifications']} "
              f"qualifications, {summary['rules']} rules; {len(draft.review)} to review.", soft_wrap=True)
    for item in draft.review:
        out.print(f"  REVIEW {plain(item)}", soft_wrap=True)
    if audit is not None:
        out.print("[bold]Check[/bold]")
        for line in audit["lines"]:
            out.print(f"  {plain(line)}", soft_wrap=True)


def _check(output: Path) -> dict[str, Any]:
    """The draft loaded as a catalogue and audited: the findings, or the located load problems."""
    from solver.errors import CatalogueError
    from solver.model.catalogue import load_catalogue
    from solver.queries.auditing import audit

    try:
        catalogue = load_catalogue(output)
    except CatalogueError as err:
        problems = [str(p) for p in err.problems]
        return {"loads": False, "problems": problems, "lines": ["the draft does not load yet:"] + problems}
    if not catalogue.qualifications:
        return {"loads": True, "findings": [], "lines": ["the draft loads (units only; nothing to audit)"]}
    report = audit(catalogue).to_dict()
    sentences = [f"{f['qualification']}: {f['sentence']}" for f in report["findings"]]
    return {"loads": True, "findings": report["findings"], "lines": ["the draft loads"] + sentences}
