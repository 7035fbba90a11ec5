"""`pathways enumerate`: valid pathways as a table, JSON or CSV, under a work limit, with progress, and honest
about a listing a limit or a signal cut short (marked partial; a CSV under NAME.partial.csv; exit 130)."""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from solver.cli.app import app
from solver.cli.common import (
    CatalogueOption,
    JsonOption,
    PathwayOption,
    ReadingOption,
    RegisteredOption,
    console,
    print_json,
)
from solver.cli.designer_options import (
    ExcludeOption,
    IncludeOption,
    MaxCredits,
    MaxGlh,
    MinCredits,
    MinGlh,
    designer_request,
    escaped,
    plural,
)
from solver.cli.named_pathway import require_pathway
from solver.cli.progress import TimeLimit, WorkLimit, budgeted, exit_code, stop_sentence

if TYPE_CHECKING:
    from solver.budget import Budget, Limit
    from solver.model.documents import Qualification
    from solver.queries.enumeration import ListedPathway, Order, PathwayListing

TABLE_ROWS = 50  # a table on the terminal shows this many pathways unless --limit says otherwise
# The default deterministic work limit (about seconds of one idle core): enough for the 5 lowest-GLH pathways of
# a 5,000-unit qualification (about 0.1 a pathway) or a few million pathways of a small one to CSV.
DEFAULT_WORK = 30.0
TOLD_EVERY = 1_000  # pathways between progress reports once past the first hundred
TABLE_GROUPS = 8  # a table shows credits per group up to this many groups (the CSV and JSON always do)


@app.command("enumerate")
def enumerate_command(
        qualification: Annotated[str, typer.Argument(help="Accreditation number or id.")],
        registered: RegisteredOption = None, include: IncludeOption = None, exclude: ExcludeOption = None,
        min_glh: MinGlh = None, max_glh: MaxGlh = None, min_credits: MinCredits = None,
        max_credits: MaxCredits = None,
        minimal: Annotated[bool, typer.Option("--minimal",
                                              help="Only minimal pathways (no unit can be dropped).")] = False,
        order: Annotated[str | None, typer.Option("--order", help="glh, credits or units: really in that order "
                                                  "(ties: the other two, then catalogue order; beyond 100 units "
                                                  "without an exact count, the order found).")] = None,
        limit: Annotated[int | None, typer.Option("--limit", min=0, help="Stop after N pathways.")] = None,
        csv_file: Annotated[Path | None, typer.Option("--csv", help="Write the pathways to this CSV file "
                                                      "(complete rows only; a list cut short by a limit or a "
                                                      "signal is written as NAME.partial.csv).")] = None,
        time_limit: TimeLimit = None, work_limit: WorkLimit = None,
        reading: ReadingOption = None, pathway: PathwayOption = None,
        catalogue: CatalogueOption = None, as_json: JsonOption = False) -> None:
    """List valid pathways, streamed as found: one row per pathway (units, credits per group, GLH).

    Stops at a deterministic work limit of 30 units unless --work-limit or --time-limit says otherwise; a
    list cut short says so (and how much of its order is proven). Ctrl-C or SIGTERM keeps what was found and
    exits 130."""
    from solver.queries.enumeration import ORDERS, Order, enumerate_pathways

    if order is not None and order not in ORDERS:
        raise typer.BadParameter(f"expected one of {', '.join(ORDERS)}, got {order!r}", param_hint="--order")
    sort = Order(order) if order is not None else None
    if csv_file is not None and as_json:
        raise typer.BadParameter("choose one of --csv and --json", param_hint="--csv")
    cat, q, learner = designer_request(catalogue, qualification, registered, include, exclude, reading, pathway)
    require_pathway(q, pathway)  # listing is per named pathway (followed, `q` lists none)
    if csv_file is None and not as_json and limit is None:
        limit = TABLE_ROWS
    group_ids = [g.id for g in q.groups]
    shown_groups = group_ids if csv_file is not None or len(group_ids) <= TABLE_GROUPS else []
    with budgeted(time_limit, work_limit, default_work=DEFAULT_WORK) as budget:
        listing = enumerate_pathways(cat, q, learner, min_glh=min_glh, max_glh=max_glh, min_credits=min_credits,
                                     max_credits=max_credits, minimal=minimal, order=sort, limit=limit,
                                     budget=budget)
        if csv_file is not None:
            ended = _write_csv(listing, csv_file, group_ids, limit, budget)
        else:
            rows: list[ListedPathway] = []
            ended = _take_each(listing, rows.append, budget, limit)
    said = [s for s in (_order_sentence(listing, ended, sort), stop_sentence(ended.limit, budget)) if s]
    if csv_file is not None:
        for sentence in said:
            print(sentence, file=sys.stderr)
    elif as_json:
        end = listing.end
        print_json({"qualification": q.accreditation, "registered": str(learner.registered or "") or None,
                    "order": sort, "limit": limit, "total": listing.total, "listed": len(rows),
                    # Complete: known to be every pathway. With no total, a list that filled its --limit may
                    # have been cut by it, so only a shorter one is known whole.
                    "complete": ended.whole and (len(rows) == listing.total if listing.total is not None
                                                 else limit is None or len(rows) < limit),
                    "stopped": ended.limit, "order_method": end.method,
                    "proven_in_order": min(end.proven, len(rows)) if sort else None,
                    "bound_of_the_rest": end.bound if sort and not ended.whole else None,
                    "note": listing.note or ended.failure or None, "said": said,
                    **({"over_listed_units_only": list(listing.open_groups)} if listing.open_groups else {}),
                    "pathways": [p.to_dict() for p in rows]})
    else:
        _print_table(q, rows, listing.total, sort, shown_groups, ended)
        if shown_groups != group_ids:
            console().print(f"Credits per group not shown for {len(group_ids)} groups (--csv or --json gives them).")
        for sentence in said:
            console().print(escaped(sentence), soft_wrap=True)
        if listing.open_groups:
            one = len(listing.open_groups) == 1
            console().print(escaped(f"Over the listed units only: {', '.join(listing.open_groups)} "
                                    f"list{'s only some of its' if one else ' only some of their'} units, "
                                    f"so more pathways may exist."), soft_wrap=True)
    if ended.failure:
        raise typer.Exit(1)
    raise typer.Exit(exit_code(ended.limit))


@dataclass
class _Ended:
    """How a listing ended: every pathway taken, or a limit or a signal stopped it, or the search gave up."""

    taken: int = 0
    limit: Limit | None = None  # what stopped it before its end
    failure: str = ""  # why the search stopped short

    @property
    def whole(self) -> bool:
        return self.limit is None and not self.failure

    @property
    def interrupted(self) -> bool:
        from solver.budget import Limit

        return self.limit is Limit.INTERRUPTED


def _take_each(listing: PathwayListing, take: Callable[[ListedPathway], object], budget: Budget,
               limit: int | None) -> _Ended:
    """Hand each pathway to `take` until the listing ends, a limit or a signal stops it, or the search gives up;
    progress goes to the budget's listener."""
    from solver.budget import Limit
    from solver.engine.frontier import Unsupported

    ended = _Ended()
    total = listing.total if limit is None or listing.total is None else min(limit, listing.total)
    try:
        for p in listing:
            take(p)
            ended.taken += 1
            if ended.taken <= 100 or ended.taken % TOLD_EVERY == 0:
                budget.tell("pathways listed", ended.taken, total)
    except KeyboardInterrupt:  # a second Ctrl-C: keep what was taken so far
        ended.limit = Limit.INTERRUPTED
    except Unsupported as why:
        ended.failure = str(why)
    finally:
        listing.close()
    ended.limit = ended.limit or listing.end.stopped
    return ended


def _order_sentence(listing: PathwayListing, ended: _Ended, order: Order | None) -> str | None:
    """What the order of the pathways shown is proven to be: the k lowest, or how far a stopped listing got."""
    from solver.queries.enumeration import Order, OrderMethod

    n, end = ended.taken, listing.end
    if ended.failure:
        return None
    if order is None:
        return None if ended.whole else f"Partial: {plural(n, 'pathway')} found, not all of them."
    lowest = {Order.GLH: "lowest-GLH", Order.CREDITS: "lowest-credit", Order.UNITS: "fewest-unit"}[order]
    measure = {Order.GLH: "GLH", Order.CREDITS: "credits", Order.UNITS: "units"}[order]
    if ended.whole:
        if end.method is not OrderMethod.OPTIMISATION or n == 0:
            return None
        return (f"These are the {n:,} {lowest} pathways, each proven by an optimal solve (pathways equal in GLH, "
                f"credits and units are in the order found, not catalogue order).")
    proven = min(end.proven, n)
    rest = f"; every other pathway has at least {end.bound:,} {measure} (a proven bound)" \
        if end.bound is not None else ""
    if proven == n:
        return f"Partial: {plural(n, 'pathway')} found, proven the {n:,} {lowest} pathways{rest}."
    return (f"Partial: {plural(n, 'pathway')} found; the {lowest} order is not proven beyond pathway "
            f"{proven:,}{rest}.")


def _csv_header(group_ids: list[str]) -> list[str]:
    return ["units", "n_units", "credits", *[f"credits_{g}" for g in group_ids], "glh"]


def _row(p: ListedPathway, group_ids: list[str]) -> list[str | int]:
    return [" ".join(p.units), len(p.units), p.credits_text(), *(p.group_text(g) for g in group_ids), p.glh_text()]


def _write_csv(listing: PathwayListing, target: Path, group_ids: list[str], limit: int | None,
               budget: Budget) -> _Ended:
    """The pathways as CSV rows, written whole: a stopped run leaves its complete rows under a partial name."""
    import csv

    from solver.files import atomic_writer

    total = listing.total
    # An interrupted or stopped listing is kept under a name that says so, never mistaken for the whole list.
    partial = target.with_name(f"{target.stem}.partial{target.suffix}")
    ended = _Ended()
    with atomic_writer(target, newline="", final=lambda: partial if not ended.whole else target) as handle:
        writer = csv.writer(handle)
        writer.writerow(_csv_header(group_ids))

        def take(p: ListedPathway) -> None:
            writer.writerow(_row(p, group_ids))
        ended = _take_each(listing, take, budget, limit)
    end = "interrupted; " if ended.interrupted else f"stopped ({ended.failure}); " if ended.failure else \
        f"stopped at the {ended.limit}; " if ended.limit else ""
    where = f"{partial} ({target} not written: the list is incomplete)" if not ended.whole else str(target)
    print(f"{end}wrote {ended.taken:,} pathways to {where}" + (f" (of {total:,})" if total is not None else ""),
          file=sys.stderr)
    return ended


def _print_table(q: Qualification, rows: list[ListedPathway], total: int | None, order: Order | None,
                 group_ids: list[str], ended: _Ended) -> None:
    from rich.table import Table

    shown = f"{len(rows):,} of {plural(total, 'valid pathway')}" if total is not None else \
        plural(len(rows), "valid pathway") + " (total not counted)"
    cut = f" (partial: {ended.limit})" if ended.limit else ""
    table = Table(title=escaped(f"{q.accreditation}: {shown}" + (f", by {order}" if order else "") + cut))
    for col in ["#", *_csv_header(group_ids)]:
        table.add_column(col, justify="left" if col == "units" else "right")
    for i, p in enumerate(rows, start=1):
        table.add_row(str(i), *(escaped(str(v)) for v in _row(p, group_ids)))
    console().print(table)
    unknown = sorted({c for p in rows for c in (*(() if p.credits_exact and not p.groups_at_least
                                                  else p.unpublished_credits), *p.unpublished_glh)})
    if unknown:
        from solver.queries.enumeration import Order

        by = f"; the order by {order} is by that bound" if order in (Order.GLH, Order.CREDITS) else ""
        console().print(escaped(f"'at least': counts the unpublished values of {', '.join(unknown)} as 0{by}."),
                        soft_wrap=True)
    if ended.failure:
        console().print(f"stopped: {escaped(ended.failure)}", soft_wrap=True)
