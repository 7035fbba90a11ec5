"""A learner's goals: free text matched to unit titles and tags by stemmed word overlap, and coverage as constraints."""

from __future__ import annotations

import math
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from solver.limits import MAX_WEIGHT
from solver.rules import UnitFacts
from solver.rules.linear import Linear, Terms, total

# Function words carry no topic; everything else a learner writes is matched (after stemming).
STOP_WORDS = frozenset("""a about an and as at be by for from in into i is it learn learning me my of on or our
 the their to up we with within would want wants like get better more""".split())


class Goal(BaseModel):
    """One goal as a learner states it: free text, a weight, and how much of it counts as covered."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    text: Annotated[str, Field(min_length=1)]
    weight: Annotated[int, Field(strict=True, ge=1, le=MAX_WEIGHT)] = 1
    # covered with at least this many units or credits
    at_least: Annotated[int, Field(strict=True, ge=1, le=MAX_WEIGHT)] = 1
    measure: Literal["units", "credits"] = "units"

    def ask(self) -> str:
        """The coverage asked for, in words: '1 unit', '4 credits'."""
        noun = self.measure[:-1] if self.at_least == 1 else self.measure
        return f"{self.at_least} {noun}"


def goals_from(value: Any) -> Any:
    """The goal forms people write, as a list of Goal documents: {coaching: 3}, [coaching, {text: ...}]."""
    if isinstance(value, Mapping):
        return [{"text": k, **v} if isinstance(v, Mapping) else {"text": k, "weight": v} for k, v in value.items()]
    if isinstance(value, str):
        return [{"text": value}]
    if isinstance(value, list | tuple):
        return [{"text": v} if isinstance(v, str) else v for v in value]
    return value


GOAL_SYNTAX = re.compile(r"^(?P<text>[^=<>]+?)\s*(?:>=\s*(?P<n>\d+)\s*(?P<measure>units?|credits?)?)?"
                         r"\s*(?:=\s*(?P<weight>\d+))?\s*$")


def parse_goal(text: str) -> dict[str, Any]:
    """`coaching`, `coaching=3` (weight 3), `coaching>=2` (2 units), `coaching>=4 credits=3`, as a Goal document."""
    found = GOAL_SYNTAX.match(text)
    if found is None:
        raise ValueError(f"expected TEXT, TEXT=WEIGHT or TEXT>=N [units|credits][=WEIGHT], got {text!r}")
    doc: dict[str, Any] = {"text": found["text"]}
    if found["weight"]:
        doc["weight"] = int(found["weight"])
    if found["n"]:
        doc["at_least"] = int(found["n"])
        doc["measure"] = "credits" if (found["measure"] or "").startswith("credit") else "units"
    return doc


@cache
def _stemmer() -> Any:
    import snowballstemmer

    return snowballstemmer.stemmer("english")


@cache  # stemming is pure Python and slow; unit titles and tags repeat across every request
def words(text: str) -> tuple[tuple[str, str], ...]:
    """The content words of `text` as (stem, word as written), in order, without repeats."""
    raw = [w for w in re.findall(r"[a-z0-9]+", text.lower()) if w not in STOP_WORDS]
    seen: dict[str, str] = {}
    for word, stem in zip(raw, _stemmer().stemWords(raw)):
        seen.setdefault(stem, word)
    return tuple(seen.items())


@dataclass(frozen=True)
class Match:
    """Why one unit matches one goal: which of the goal's words it has, and where (title or which tags)."""

    code: str
    found: tuple[str, ...]  # the goal's words found, as the learner wrote them
    tags: tuple[str, ...]  # the unit's tags that hold any of them (tags act as synonyms of the title)
    in_title: bool
    of: int  # how many content words the goal has
    score: float  # the IDF-weighted share of the goal's words found: rare words count more than common ones

    def why(self) -> str:
        """'customer in tag 'customers' and title, 1 of 2 words'."""
        where = [f"tag '{t}'" for t in self.tags] + (["title"] if self.in_title else [])
        share = f", {len(self.found)} of {self.of} words" if len(self.found) < self.of else ""
        return f"{', '.join(self.found)} in {' and '.join(where)}{share}"


@dataclass(frozen=True)
class GoalMatches:
    """The units that match a goal best: those holding the most of its words (none: the goal is unmatched)."""

    goal: Goal
    words: tuple[str, ...]
    matches: tuple[Match, ...]

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(m.code for m in self.matches)

    @property
    def missing(self) -> tuple[str, ...]:
        """The goal's words that no matched unit has."""
        found = {w for m in self.matches for w in m.found}
        return tuple(w for w in self.words if w not in found)

    def to_dict(self) -> dict[str, Any]:
        return {"goal": self.goal.text, "words": list(self.words), "weight": self.goal.weight,
                "at_least": self.goal.at_least, "measure": self.goal.measure,
                "matches": [{"unit": m.code, "score": round(m.score, 3), "found": list(m.found),
                             "tags": list(m.tags), "title": m.in_title, "why": m.why()} for m in self.matches]}


def _unit_words(unit: UnitFacts) -> tuple[set[str], dict[str, set[str]]]:
    return {s for s, _ in words(unit.title)}, {t: {s for s, _ in words(t)} for t in unit.tags}


def match_goal(goal: Goal, units: Mapping[str, UnitFacts]) -> GoalMatches:
    """Score every unit by the IDF-weighted share of the goal's words in its title or tags; keep the best.

    A word found in few units weighs more than one found in many (smoothed IDF over `units`), so "mental health
    at work" matches the mental-health unit, not every unit that says "working"; keeping only the best score
    means "customer service" (no unit says "service") still matches every customer unit, and no weaker one.
    """
    wanted = words(goal.text)
    vocab = {c: _unit_words(u) for c, u in units.items()}
    has = {c: title.union(*tags.values()) for c, (title, tags) in vocab.items()}
    idf = {s: math.log((1 + len(units)) / (1 + sum(s in h for h in has.values()))) + 1 for s, _ in wanted}
    weight = sum(idf.values())
    candidates: list[Match] = []
    for code, (title, tag_stems) in vocab.items():
        stems = {s for s, _ in wanted if s in has[code]}
        if stems:
            found = tuple(w for s, w in wanted if s in stems)
            tags = tuple(t for t, ts in tag_stems.items() if ts & stems)
            score = round(sum(idf[s] for s in stems) / weight, 9)  # rounded: equal word sets tie exactly
            candidates.append(Match(code, found, tags, bool(title & stems), len(wanted), score))
    best = max((m.score for m in candidates), default=0.0)
    return GoalMatches(goal, tuple(w for _, w in wanted), tuple(m for m in candidates if m.score == best))


def match_goals(goals: Collection[Goal], units: Mapping[str, UnitFacts]) -> tuple[GoalMatches, ...]:
    return tuple(match_goal(g, units) for g in goals)


def unit_scores(matched: Collection[GoalMatches]) -> dict[str, tuple[int, list[str]]]:
    """Each matching unit's weighted goal score and, per goal it matches, why."""
    scores: dict[str, tuple[int, list[str]]] = {}
    for gm in matched:
        for m in gm.matches:
            score, why = scores.get(m.code, (0, []))
            scores[m.code] = (score + gm.goal.weight, [*why, f"'{gm.goal.text}': {m.why()}"])
    return scores


def score_terms(matched: Collection[GoalMatches], variables: Collection[str]) -> Terms:
    """The weighted goal score of a pathway as a sum over unit variables (a unit counts for each goal)."""
    scores = unit_scores(matched)
    return tuple((c, scores[c][0]) for c in variables if c in scores)


def coverage_terms(gm: GoalMatches, units: Mapping[str, UnitFacts]) -> Terms:
    """What counts toward a goal's coverage: its matching units, each 1 or its credits."""
    # A unit of unpublished credits counts 0 toward a credit goal: coverage is then never overstated.
    return tuple((c, 1 if gm.goal.measure == "units" else units[c].credits or 0) for c in gm.codes if c in units)


def covered(gm: GoalMatches, units: Mapping[str, UnitFacts], pathway: Collection[str]) -> bool:
    """The plain-Python check that a pathway covers a goal."""
    return total(coverage_terms(gm, units), pathway) >= gm.goal.at_least


def covered_variable(gm: GoalMatches) -> str:
    return f"covered[{gm.goal.text}]"


def coverage_links(gm: GoalMatches, units: Mapping[str, UnitFacts]) -> tuple[Linear, Linear]:
    """covered[goal] <=> coverage >= at_least, as two linear links (so covered is fixed by the units chosen)."""
    var, need = covered_variable(gm), gm.goal.at_least
    terms = coverage_terms(gm, units)
    most = sum(k for _, k in terms)
    return (Linear(((var, need), *((c, -k) for c, k in terms)), None, 0),  # covered -> coverage >= need
            Linear((*terms, (var, -most)), None, need - 1))  # coverage >= need -> covered
