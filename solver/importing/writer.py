"""The draft as YAML: one line per unit, group and rule, each with its source as a comment, and a
`# REVIEW:` comment above everything a person must decide."""

from __future__ import annotations

from typing import Any

import yaml

from solver.importing.review import ReviewItem
from solver.model.located_yaml import PathKey


def flow(value: Any) -> str:
    text = yaml.safe_dump(value, default_flow_style=True, width=10**9, allow_unicode=True, sort_keys=False)
    return text.removesuffix("\n").removesuffix("\n...").strip()


class _Writer:
    def __init__(self, document: dict[str, Any], review: list[ReviewItem], provenance: dict[PathKey, str],
                 sources: tuple[str, ...]):
        self.document, self.provenance, self.sources = document, provenance, sources
        self.lines: list[str] = []
        self.pending = list(review)

    def marks(self, path: PathKey, indent: str, exact: bool = False) -> None:
        """Review comments for `path` (and, unless `exact`, anything inside it), written once each."""
        for item in list(self.pending):
            if item.path == path or (not exact and item.path[:len(path)] == path):
                self.pending.remove(item)
                words = f"{item.kind}: {item.message} [{item.source}]"
                self.lines.append(f"{indent}# REVIEW: {words}")
                if item.text:
                    self.lines.append(f"{indent}#   verbatim: {flow(item.text)}")

    def entry(self, path: PathKey, indent: str, text: str, lead: str | None = None) -> None:
        self.marks(path, indent)
        where = self.provenance.get(path)
        self.lines.append(f"{lead or indent}{text}" + (f"  # {where}" if where else ""))

    def write(self) -> str:
        doc = self.document
        self.lines += ["# Draft catalogue written by `pathways import` from " + ", ".join(self.sources) + ".",
                       "# Each value's place in the specification is in the comment beside it; `# REVIEW:` marks",
                       "# what the importer could not read or found contradictory. Nothing there is guessed."]
        self.lines.append(f"source: {flow(doc['source'])}")
        self.lines.append("units:" if doc["units"] else "units: []")
        for i, unit in enumerate(doc["units"]):
            self.entry(("units", i), "  ", f"- {flow(unit)}")
        self.marks(("units",), "  ")
        self.lines.append("qualifications:" if doc["qualifications"] else "qualifications: []")
        for qi, q in enumerate(doc["qualifications"]):
            self.qualification(("qualifications", qi), q)
        self.marks(("qualifications",), "")
        self.marks((), "")
        return "\n".join(self.lines) + "\n"

    def qualification(self, at: PathKey, q: dict[str, Any]) -> None:
        self.marks(at, "  ", exact=True)
        for n, key in enumerate(("id", "accreditation", "title", "level", "awarding_body")):
            self.entry(at + (key,), "    ", f"{key}: {flow(q[key])}", lead="  - " if n == 0 else None)
        self.lines.append("    figures:" if q["figures"] else "    figures: {}")
        for key, value in q["figures"].items():
            self.entry(at + ("figures", key), "      ", f"{key}: {flow(value)}")
        self.marks(at + ("figures",), "      ")
        for part in ("groups", "rules", "pathways"):
            if part == "pathways" and not q.get(part):
                continue  # named pathways are written only where the rules name them
            self.lines.append(f"    {part}:" if q[part] else f"    {part}: []")
            for i, item in enumerate(q[part]):
                self.entry(at + (part, i), "      ", f"- {flow(item)}")
            self.marks(at + (part,), "      ")
        self.marks(at, "    ")


def draft_yaml(document: dict[str, Any], review: list[ReviewItem], provenance: dict[PathKey, str],
               sources: tuple[str, ...]) -> str:
    """A draft's document as YAML, its review items as `# REVIEW:` comments and its provenance beside each value."""
    return _Writer(document, review, provenance, sources).write()
