"""Labels of units printed without a code: valid codes, unique, and the same on every load whatever the titles."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from solver.model.catalogue import load_catalogue
from solver.model.labels import label
from solver.queries.checking import check
from solver.rules.base import CODE

TITLES = st.text(alphabet=st.sampled_from("Ab c-1é!/ "), min_size=1, max_size=60).filter(lambda t: t.strip())


@settings(max_examples=200, deadline=None)
@given(st.text(min_size=1, max_size=20), TITLES, st.sets(st.text(max_size=12), max_size=5))
def test_a_label_is_a_valid_code_not_already_taken(qualification, title, taken):
    made = label(qualification, title, taken)
    assert re.fullmatch(CODE, made) and made not in taken
    assert label(qualification, title, taken) == made  # the same every time


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(TITLES, min_size=1, max_size=6))
def test_units_without_codes_load_under_unique_labels_every_answer_accepts(titles):
    doc = {"units": [{"code": "U1", "title": "One", "level": 1, "credits": 1, "glh": 1}],
           "qualifications": [{"id": "Q 1", "accreditation": None, "title": "Q", "level": None, "awarding_body": None,
                               "groups": [{"id": "g", "name": "G", "units": ["U1"],
                                           "without_code": [{"title": t.strip(), "level": 1, "credits": 1, "glh": 1}
                                                            for t in titles]}],
                               "rules": [{"kind": "sum", "min": 1}]}]}
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "cat.yaml"
        path.write_text(yaml.safe_dump(doc), encoding="utf-8")
        first, again = load_catalogue(path), load_catalogue(path)
    codes = first.qualification("Q 1").unit_codes()
    assert len(codes) == len(set(codes)) == len(titles) + 1
    assert codes == again.qualification("Q 1").unit_codes()
    assert [first.units[c].title for c in codes[1:]] == [t.strip() for t in titles]
    assert check(first, "Q 1", codes).valid  # each label names its unit wherever a code is taken
