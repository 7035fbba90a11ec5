"""The libyaml fast path reads a document exactly as PyYAML's pure parser does: the same values, the same
positions of every value and key, and the same problems (documents libyaml declines go the pure way)."""

from __future__ import annotations

import pytest

from solver.model import located_yaml
from solver.model.located_yaml import parse_yaml

DOCUMENTS = {
    "plain": "units:\n  - code: A1\n    title: Café and naïve résumé\n    credits: 3\n    glh: 0x1A\n"
             "  - {code: A2, title: 'on', level: 1_0, date: 2024-01-31}\n",
    "anchors": "base: &b {credits: 3, glh: 6}\nunits:\n  - <<: *b\n    code: X\n"
               "  - <<: [*b]\n    code: Y\n    glh: 9\n",
    "block": "note: |\n  two lines\n  of text\nfolded: >\n  one\n  line\nempty:\nlist: []\n",
    "duplicate": "units:\n  - code: A\n    code: B\n",
    "bad syntax": "units: [a, b\nnext: 1\n",
    "bad value": "when: !!timestamp nonsense\n",
    "control character": "title: a\x07b\n",
}


def pure(text: str, monkeypatch: pytest.MonkeyPatch) -> tuple[object, list[object]]:
    with monkeypatch.context() as m:
        m.setattr(located_yaml, "_CLoader", None)
        doc, problems = parse_yaml(text, "doc.yaml")
    return (None if doc is None else (doc.data, doc.marks, doc.key_marks)), problems


@pytest.mark.parametrize("name", sorted(DOCUMENTS))
def test_fast_and_pure_parsers_agree(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    if located_yaml._CLoader is None:
        pytest.skip("PyYAML built without libyaml here: only the pure parser runs")
    text = DOCUMENTS[name]
    doc, problems = parse_yaml(text, "doc.yaml")
    fast = None if doc is None else (doc.data, doc.marks, doc.key_marks)
    assert (fast, problems) == pure(text, monkeypatch)


def test_positions_count_characters_not_bytes() -> None:
    doc, problems = parse_yaml("a: é\nb: [x, ñ, z]\n", "doc.yaml")
    assert not problems and doc is not None
    assert doc.marks[("b", 2)] == (2, 11)  # z is the 11th character of its line (ñ is two bytes)
