"""`pathways catalogue` (list, show) and `pathways schema`."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from solver.cli import app
from solver.cli.common import CatalogueOption, JsonOption, console, print_json

catalogue_app = typer.Typer(help="List qualifications, or show one with its units and rules.",
                            invoke_without_command=True, no_args_is_help=False)
app.add_typer(catalogue_app, name="catalogue")


@catalogue_app.callback()
def list_qualifications(ctx: typer.Context, catalogue: CatalogueOption = None, as_json: JsonOption = False) -> None:
    """List the qualifications: id, accreditation number, title, level, credit range, units."""
    ctx.obj = {"catalogue": catalogue}
    if ctx.invoked_subcommand is not None:
        return
    from solver.catalogue import load_catalogue

    cat = load_catalogue(catalogue)
    rows = [{"id": q.id, "accreditation": q.accreditation, "title": q.title, "level": q.level,
             "credits": [q.figures.credits.min, q.figures.credits.max] if q.figures.credits else None,
             "units": len(q.unit_codes())} for q in cat.qualifications]
    if as_json:
        print_json(rows)
        return
    from rich.table import Table

    table = Table(title=f"Qualifications in {cat.root}")
    for col in ("id", "accreditation", "title", "level", "credits", "units"):
        table.add_column(col, justify="right" if col in ("level", "units") else "left")
    for r in rows:
        credits = "-" if r["credits"] is None else (
            str(r["credits"][0]) if r["credits"][0] == r["credits"][1] else f"{r['credits'][0]}-{r['credits'][1]}")
        table.add_row(r["id"], r["accreditation"], r["title"], str(r["level"]), credits, str(r["units"]))
    console().print(table)


@catalogue_app.command("show")
def show(ctx: typer.Context, qualification: Annotated[str, typer.Argument(help="Accreditation number or id.")],
         catalogue: CatalogueOption = None, as_json: JsonOption = False) -> None:
    """Show a qualification: published figures, units by group, and every rule in plain English."""
    from solver.catalogue import load_catalogue
    from solver.reports import qualification_summary

    cat = load_catalogue(catalogue or (ctx.obj or {}).get("catalogue"))
    q = cat.qualification(qualification)
    summary = qualification_summary(cat, q)
    if as_json:
        print_json(summary)
        return
    from rich.table import Table

    out = console()
    out.print(f"[bold]{q.title}[/bold]  {q.accreditation}  ({q.id}), level {q.level}, {q.awarding_body}")
    shown = {k: (f"{v['min']}-{v['max']}" if isinstance(v, dict) else v) for k, v in summary["figures"].items()}
    figures = ", ".join(f"{k.replace('_', ' ')}: {v}" for k, v in shown.items())
    out.print(f"Published figures: {figures}")
    for g in summary["groups"]:
        table = Table(title=f"{g['name']} ({g['id']}): {len(g['units'])} units")
        for col in ("code", "title", "level", "credits", "glh", "tags"):
            table.add_column(col, justify="right" if col in ("level", "credits", "glh") else "left")
        for u in g["units"]:
            table.add_row(u["code"], u["title"], str(u["level"]), str(u["credits"]), str(u["glh"]),
                          ", ".join(u.get("tags", [])))
        out.print(table)
    out.print(f"{sum(len(g['units']) for g in summary['groups'])} units in {len(summary['groups'])} groups")
    out.print("[bold]Rules of combination[/bold]")
    for r in summary["rules"]:
        out.print(f"  {r['id']}: {r['description']}.")


@app.command("schema")
def schema(output: Annotated[str | None, typer.Option("-o", "--output", help="Write to this file.")] = None) -> None:
    """Print the JSON Schema of catalogue files, for editors to validate and complete them."""
    from solver.documents import CatalogueFile

    text = json.dumps(CatalogueFile.model_json_schema(by_alias=True), indent=2)
    if output is None:
        typer.echo(text)
        return
    from solver.files import write_atomically

    write_atomically(output, text + "\n")
