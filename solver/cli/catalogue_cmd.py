"""`pathways catalogue` (list, show) and `pathways schema`."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Annotated, Any

import typer

from solver.cli.app import app
from solver.cli.common import CatalogueOption, JsonOption, console, load, plain, print_json

if TYPE_CHECKING:
    from rich.console import Console

JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"


def _number(value: object) -> str:
    """Hours are floats in the model; print 2.0 as the specification does, 2."""
    return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)


def _range(low: int, high: int | None) -> str:
    if high is None:
        return f"{low} or more"
    return str(low) if low == high else f"{low}-{high}"


def _published(value: int | None) -> str:
    return "unpublished" if value is None else str(value)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


catalogue_app = typer.Typer(help="List qualifications, or show one with its units and rules.",
                            invoke_without_command=True, no_args_is_help=False)
app.add_typer(catalogue_app, name="catalogue")


@catalogue_app.callback()
def list_qualifications(ctx: typer.Context, catalogue: CatalogueOption = None, as_json: JsonOption = False) -> None:
    """List the qualifications: id, accreditation number, title, level, credit range, units."""
    # Options given before `show` (`pathways catalogue --json show X`) still apply to it.
    ctx.obj = {"catalogue": catalogue, "json": as_json}
    if ctx.invoked_subcommand is not None:
        return
    cat = load(catalogue)
    rows = [{"id": q.id, "accreditation": q.number, "title": q.title, "level": q.level,
             "credits": [q.figures.credits.min, q.figures.credits.max] if q.figures.credits else None,
             "units": len(q.unit_codes())} for q in cat.qualifications]
    if as_json:
        print_json(rows)
        return
    from rich.table import Table

    # The bundled catalogue's place on disk depends on the install; name it, as the user asked for it.
    where = "the bundled catalogue" if catalogue is None else plain(catalogue)
    table = Table(title=f"Qualifications in {where}")
    for col in ("id", "accreditation", "title", "level", "credits", "units"):
        table.add_column(col, justify="right" if col in ("level", "units") else "left")
    for q, r in zip(cat.qualifications, rows):
        span = q.figures.credits
        credits = "-" if span is None else _range(span.min, span.max)
        level = "-" if r["level"] is None else str(r["level"])  # none published, or another framework's as printed
        table.add_row(plain(r["id"]), plain(r["accreditation"] or "-"), plain(r["title"]), plain(level), credits,
                      str(r["units"]))
    console().print(table)


@catalogue_app.command("show")
def show(ctx: typer.Context, qualification: Annotated[str, typer.Argument(help="Accreditation number or id.")],
         catalogue: CatalogueOption = None, as_json: JsonOption = False) -> None:
    """Show a qualification: published figures, units by group, and every rule in plain English."""
    from solver.queries.reports import qualification_summary

    given = ctx.obj or {}
    cat = load(catalogue or given.get("catalogue"))
    q = cat.qualification(qualification)
    summary = qualification_summary(cat, q)
    if as_json or given.get("json"):
        print_json(summary)
        return
    from rich.table import Table

    out = console()
    out.print(f"[bold]{plain(q.title)}[/bold]  {plain(q.number or 'accreditation number not published')}  "
              f"({plain(q.id)}), level {'not published' if q.level is None else q.level}, "
              f"{plain(q.awarding_body or 'awarding body not published')}",
              soft_wrap=True)
    if q.offered_as:
        others = ", ".join(f"{o.accreditation}" + (f" ({o.awarding_body})" if o.awarding_body else "")
                           for o in q.offered_as)
        out.print(f"Also offered as: {plain(others)}", soft_wrap=True)
    shown = {k: (_range(v["min"], v.get("max")) if isinstance(v, dict) else _number(v))
             for k, v in summary["figures"].items()}
    figures = ", ".join(f"{k.replace('_', ' ')}: {plain(v)}" for k, v in shown.items())
    out.print(f"Published figures: {figures}", soft_wrap=True)
    for g in summary["groups"]:
        listed = _plural(len(g["units"]), "unit") + ("" if g["complete"] else " listed (only some of its units)")
        listed += f", {g['credits']} credits as published" if "credits" in g else ""
        listed += f", {g['unit_count']} units as published" if "unit_count" in g else ""
        table = Table(title=f"{plain(g['name'])} ({plain(g['id'])}): {listed}")
        values = ["level", "credits", "glh"] + (["tqt"] if any("tqt" in u for u in g["units"]) else [])
        for col in ("code", "title", *values, "tags"):
            table.add_column(col, justify="right" if col in values else "left")
        for u in g["units"]:
            modes = [" or ".join(u["modes"])] if u.get("modes") else []
            # A generated label, a cut title and a derived value are each shown as such.
            code = u["code"] + (" (label)" if u.get("labelled") else "")
            title = u["title"] + ("\u2026" if u.get("title_cut") else "")
            cells = [_published(u.get(k)) + (" (derived)" if u.get("provenance", {}).get(k) == "derived" else "")
                     for k in values]
            table.add_row(plain(code), plain(title), *cells, plain(", ".join([*u.get("tags", []), *modes])))
        out.print(table)
        for u in g["units"]:  # delivery planning: what comes before it, with it, and when it runs
            needs = [r if isinstance(r, str) else f"at least {r['credits']} credits of group {r['group']} first"
                     for r in u.get("requires", ())]
            timing = [f"requires {', '.join(needs)}" if needs else "",
                      f"with {', '.join(u['with'])}" if u.get("with") else "",
                      f"offered {', '.join(u['offered'])}" if u.get("offered") else ""]
            if any(timing):
                out.print(plain(f"  {u['code']}: {'; '.join(t for t in timing if t)}"), highlight=False)
    units = _plural(sum(len(g["units"]) for g in summary["groups"]), "unit")
    out.print(f"{units} in {_plural(len(summary['groups']), 'group')}")
    out.print("[bold]Rules of combination[/bold]")
    _print_rules(out, summary["rules"])
    for slot in summary.get("imports", []):
        out.print(f"  {plain(slot['rule'])} may take, from other qualifications of the catalogue: "
                  f"{plain(', '.join(slot['candidates']))}", soft_wrap=True)
    if summary["pathways"]:
        out.print("[bold]Pathways[/bold] (a learner follows exactly one; each adds its own rules)")
        for p in summary["pathways"]:
            out.print(f"  {plain(p['id'])}: {plain(p['title'])}", soft_wrap=True)
            _print_rules(out, p["rules"], indent="    ")


def _print_rules(out: Console, rules: list[dict[str, Any]], indent: str = "  ") -> None:
    # One rule per line, never wrapped, so the sentences can be read, grepped and compared as they are.
    for r in rules:
        out.print(f"{indent}{plain(r['id'])}: {plain(r['description'])}.", soft_wrap=True)
        if r["note"]:
            out.print(f"{indent}    [italic]as published:[/italic] \"{plain(' '.join(r['note'].split()))}\"",
                      soft_wrap=True)


@app.command("schema")
def schema(output: Annotated[str | None, typer.Option("-o", "--output", help="Write to this file.")] = None,
           as_json: JsonOption = False) -> None:
    """Print the JSON Schema of catalogue files, for editors to validate and complete them (with -o and --json,
    what was written, as JSON)."""
    from solver.model.documents import CatalogueFile

    schema = {"$schema": JSON_SCHEMA_DIALECT, **CatalogueFile.model_json_schema(by_alias=True)}
    text = json.dumps(schema, indent=2)
    if output is None:
        typer.echo(text)
        return
    from solver.files import write_atomically

    write_atomically(output, text + "\n")
    if as_json:
        print_json({"output": output, "bytes": len(text) + 1})
