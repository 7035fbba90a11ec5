"""What a pathway listing gives back: each pathway, the filters asked, how the listing ended, and a frame."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from solver.budget import Limit
from solver.engine.counting import CountProblem, problem_of
from solver.request.formulation import Formulation
from solver.rules.linear import Linear

if TYPE_CHECKING:
    import pandas as pd


class Order(StrEnum):
    """A listing order (`enumerate --order`), and the measure it sorts by; a str, so JSON shows it as written."""

    GLH = "glh"  # new GLH
    CREDITS = "credits"
    UNITS = "units"  # the number of units


ORDERS: tuple[str, ...] = tuple(o.value for o in Order)
# Each order's measures, most important first: ties go to the other two, then to earlier catalogue units.
TIE_BREAKS = {Order.GLH: (Order.GLH, Order.CREDITS, Order.UNITS),
              Order.CREDITS: (Order.CREDITS, Order.GLH, Order.UNITS),
              Order.UNITS: (Order.UNITS, Order.GLH, Order.CREDITS)}


def order_named(name: str) -> Order:
    """The order called `name` (as `--order` or the web form writes it), or a ValueError naming the known ones."""
    try:
        return Order(name)
    except ValueError:
        raise ValueError(f"unknown order '{name}'; expected one of {', '.join(ORDERS)}") from None


class OrderMethod(StrEnum):
    """How an ordered listing was had; a str, so JSON shows it as written."""

    SLICES = "slices"  # exact counts split the pathways into slices: exact order, ties in catalogue order
    OPTIMISATION = "optimisation"  # one proven-optimal solve per pathway, each excluding those before it


@dataclass
class ListingEnd:
    """How a listing ended, filled in as it runs (read it once the pathways have been iterated)."""

    stopped: Limit | None = None  # the budget's limit that ended it early (None: it ran to its end or its --limit)
    method: OrderMethod | None = None  # how an ordered listing was had
    proven: int = 0  # leading pathways proven to be the lowest in the order (an ordered listing)
    bound: int | None = None  # a proven lower bound on the order's measure of every pathway not among the proven
    exhausted: bool = False  # every pathway meeting the request was listed

    def to_dict(self) -> dict[str, Any]:
        return {"stopped": self.stopped, "order_method": self.method, "proven_in_order": self.proven,
                "bound_of_the_rest": self.bound}


@dataclass(frozen=True, kw_only=True)
class ListedPathway:
    """One valid pathway: its units (catalogue order), credits, new GLH and credits per group."""

    units: tuple[str, ...]
    credits: int  # unpublished credits counted as 0 unless a group's published total settles them
    glh: int  # unpublished GLH counted as 0: then a lower bound
    group_credits: tuple[tuple[str, int], ...]
    credits_exact: bool = True  # False: `credits` is a lower bound resting on `unpublished_credits`
    unpublished_credits: tuple[str, ...] = ()
    unpublished_glh: tuple[str, ...] = ()  # claimed units (not achieved) whose GLH is unpublished
    groups_at_least: tuple[str, ...] = ()  # groups whose credits here are a lower bound (unpublished values)

    def measure(self, order: Order) -> int:
        return {Order.GLH: self.glh, Order.CREDITS: self.credits, Order.UNITS: len(self.units)}[order]

    def group_text(self, group: str) -> str:
        value = dict(self.group_credits).get(group, 0)
        return f"at least {value}" if group in self.groups_at_least else str(value)

    def credits_text(self) -> str:
        return str(self.credits) if self.credits_exact else f"at least {self.credits}"

    def glh_text(self) -> str:
        return f"at least {self.glh}" if self.unpublished_glh else str(self.glh)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"units": list(self.units), "credits": self.credits if self.credits_exact else None,
                     "glh": None if self.unpublished_glh else self.glh, "group_credits": dict(self.group_credits)}
        if self.groups_at_least:
            out["group_credits_at_least"] = list(self.groups_at_least)
        if not self.credits_exact:
            out.update(credits_at_least=self.credits, credits_rest_on_unpublished=list(self.unpublished_credits))
        if self.unpublished_glh:
            out.update(glh_at_least=self.glh, glh_rests_on_unpublished=list(self.unpublished_glh))
        return out


@dataclass(frozen=True)
class Filters:
    """What to keep beyond the rules: GLH and credit bounds, and only minimal pathways if asked."""

    min_glh: int | None = None
    max_glh: int | None = None
    min_credits: int | None = None
    max_credits: int | None = None
    minimal: bool = False

    def for_formulation(self, f: Formulation) -> list[Linear]:
        """The filters as linear constraints over the formulation's units (GLH: new GLH)."""
        return self.linears(problem_of(f))

    def linears(self, problem: CountProblem) -> list[Linear]:
        out = []
        glh = tuple(problem.glh.items())
        credits = tuple(problem.credits.items())
        if self.min_glh is not None or self.max_glh is not None:
            out.append(Linear(glh, self.min_glh, self.max_glh))
        if self.min_credits is not None or self.max_credits is not None:
            out.append(Linear(credits, self.min_credits, self.max_credits))
        return out


def pathways_frame(pathways: Iterable[ListedPathway], groups: Iterable[str] | None = None) -> pd.DataFrame:
    """One row per pathway: units (space-separated), number of units, credits, credits per group, GLH."""
    import pandas as pd

    rows = []
    group_ids = list(groups) if groups is not None else None
    for p in pathways:
        if group_ids is None:
            group_ids = [g for g, _ in p.group_credits]
        per_group = dict(p.group_credits)
        rows.append({"units": " ".join(p.units), "n_units": len(p.units), "credits": p.credits,
                     **{f"credits_{g}": per_group.get(g, 0) for g in group_ids}, "glh": p.glh,
                     "credits_at_least": not p.credits_exact, "glh_at_least": bool(p.unpublished_glh)})
    columns = ["units", "n_units", "credits", *[f"credits_{g}" for g in group_ids or []], "glh"]
    # Where a figure rests on unpublished values it is a lower bound: a column says which rows (only then).
    columns += [c for c in ("credits_at_least", "glh_at_least") if any(r[c] for r in rows)]
    return pd.DataFrame(rows, columns=columns)
