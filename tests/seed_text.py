"""Read unit rows (code, title, level, credits, GLH) out of the seed specification texts."""

from __future__ import annotations

import re
from pathlib import Path

# Copies of the specification texts in shared/seeds/ that the catalogue is transcribed from.
SEEDS = Path(__file__).resolve().parent / "seeds"
CODE = re.compile(r"^\s*(\d{4}-\d{3})\s*\^?\s*$")


def unit_rows(text: str) -> list[tuple[str, str, int, int, int]]:
    """Every table row: a code line followed by title, level, credit value and GLH lines."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    rows = []
    for i, line in enumerate(lines):
        match = CODE.match(line)
        if match and i + 4 < len(lines):
            title, level, credits, glh = lines[i + 1: i + 5]
            rows.append((match.group(1), title, int(level), int(credits), int(glh)))
    return rows


def seed_rows() -> dict[str, list[tuple[str, str, int, int, int]]]:
    return {p.name: unit_rows(p.read_text(encoding="utf-8")) for p in sorted(SEEDS.glob("*.txt"))}
