"""A learner's plan as CSV (one row per unit) and as iCalendar (one all-day event per unit, over its period)."""

from __future__ import annotations

import csv
import datetime as dt
import io

from solver.queries.planning import StudyPlan


def plan_csv(plan: StudyPlan) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["period", "first_day", "last_day", "unit", "title", "group", "credits", "glh"])
    if plan.pathway is not None:
        for unit in sorted(plan.pathway.units, key=lambda u: (plan.period_of[u.code].index if u.code in plan.period_of
                                                              else -1, u.code)):
            period = plan.period_of.get(unit.code)
            writer.writerow([period.label if period else "achieved", period.first if period else "",
                             period.last if period else "", unit.code, unit.title, unit.group,
                             "" if unit.credits is None else unit.credits, "" if unit.glh is None else unit.glh])
    return out.getvalue()


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def plan_ics(plan: StudyPlan, stamp: dt.datetime | None = None) -> str:
    """RFC 5545 text; `stamp` (DTSTAMP) fixed by the caller so the file is reproducible (default: the start)."""
    when = (stamp or dt.datetime.combine(plan.periods[0].first if plan.periods else dt.date(2000, 1, 1),
                                         dt.time())).strftime("%Y%m%dT%H%M%SZ")
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Pathways//study plan//EN", "CALSCALE:GREGORIAN"]
    if plan.pathway is not None:
        for unit in plan.pathway.units:
            period = plan.period_of.get(unit.code)
            if period is None:
                continue
            lines += ["BEGIN:VEVENT", f"UID:{_escape(plan.qualification)}-{_escape(unit.code)}@pathways",
                      f"DTSTAMP:{when}", f"DTSTART;VALUE=DATE:{period.first:%Y%m%d}",
                      f"DTEND;VALUE=DATE:{period.last + dt.timedelta(days=1):%Y%m%d}",
                      f"SUMMARY:{_escape(f'{unit.code} {unit.title}')}",
                      f"DESCRIPTION:{_escape(f'{unit.glh} GLH; {unit.group}; ' + '; '.join(unit.reasons))}",
                      "END:VEVENT"]
    lines.append("END:VCALENDAR")
    return "\r\n".join(lines) + "\r\n"
