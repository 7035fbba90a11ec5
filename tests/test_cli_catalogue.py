"""`pathways catalogue`, `pathways catalogue show` and `pathways schema`: tables, JSON, other catalogues."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from solver.cli.entry import app
from solver.errors import LookupFailure

REPO = Path(__file__).resolve().parents[1]
runner = CliRunner()

OTHER = """\
units:
  - {code: U1, title: "Coaching [advanced]", level: 4, credits: 2, glh: 6, tags: [coaching]}
  - {code: U2, title: Two, level: 4, credits: 3, glh: 7, tags: [b]}
qualifications:
  - id: q1
    accreditation: 100/0000/1
    title: Q one
    level: 4
    awarding_body: X
    figures: {credits: {min: 3, max: 5}, induction_hours: 1.5}
    groups:
      - {id: G1, name: Group 1, units: [U1, U2]}
    rules:
      - {id: total, kind: sum, min: 3, max: 5}
      - {id: level-4, kind: sum, where: {min_level: 4}, min: 2}
"""


def run(*args: str) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, (result.output, result.exception)
    return result.stdout


def test_list_table() -> None:
    out = run("catalogue")
    rows = {line.split("│")[1].strip(): [c.strip() for c in line.split("│")[2:-1]]
            for line in out.splitlines() if re.match(r"│ l\d", line)}
    assert {k: (v[0], v[2], v[3], v[4]) for k, v in rows.items()} == {
        "l2-award-lts": ("600/5928/X", "2", "3-12", "30"),
        "l2-cert-lts": ("600/5962/X", "2", "13-36", "48"),
        "l3-cert-leadership": ("600/5788/9", "3", "14", "3"),
    }
    for column in ("id", "accreditation", "title", "level", "credits", "units"):
        assert f" {column} " in out


def test_list_json() -> None:
    assert json.loads(run("catalogue", "--json")) == [
        {"id": "l2-award-lts", "accreditation": "600/5928/X", "title": "Level 2 Award in Leadership and Team Skills",
         "level": 2, "credits": [3, 12], "units": 30},
        {"id": "l2-cert-lts", "accreditation": "600/5962/X",
         "title": "Level 2 Certificate in Leadership and Team Skills", "level": 2, "credits": [13, 36], "units": 48},
        {"id": "l3-cert-leadership", "accreditation": "600/5788/9", "title": "Level 3 Certificate in Leadership",
         "level": 3, "credits": [14, 14], "units": 3},
    ]


def test_show_certificate_units_by_group_and_rules_in_english(catalogue) -> None:
    out = run("catalogue", "show", "600/5962/X")
    lines = out.splitlines()
    assert lines[0] == "Level 2 Certificate in Leadership and Team Skills  600/5962/X  (l2-cert-lts), level 2, ILM"
    assert lines[1] == ("Published figures: credits: 13-36, glh: 28, average glh: 42.5, tqt: 130, induction hours: 1, "
                        "tutorial hours: 2, operational start: 2012-09-01")
    assert "Group 1 (G1): 30 units" in out and "Group 2 (G2): 18 units" in out
    assert "48 units in 2 groups" in lines
    # Each of the 48 codes in one table row, in the group whose table it sits under.
    group_2_at = out.index("Group 2 (G2)")
    q = catalogue.qualification("600/5962/X")
    for group in q.groups:
        for code in group.units:
            assert len(re.findall(rf"│ {code} ", out)) == 1, code
            assert (out.index(f"│ {code} ") > group_2_at) == (group.id == "G2"), code
    rules = lines[lines.index("Rules of combination") + 1:]
    # Each rule's sentence, then the awarding body's own wording of it.
    assert rules == [
        "  total-credits: At least 13 and at most 36 credits in total.",
        '      as published: "A minimum of 13 credits from a choice of units from Groups 1 and 2 (maximum 36)."',
        "  group-2-cap: At most 6 credits from Group 2.",
        '      as published: "A maximum of 6 credits is allowed from Group 2."',
        "  coaching-359-not-339: 8000-359 replaces 8000-339 for learners registered from 2020-07-01 (unless "
        "8000-339 is already achieved); the two are never both claimed.",
        '      as published: "Any new learners registered from 1 July 2020 must complete and claim 359 not 339."',
        "  coaching-360-not-340: 8000-360 replaces 8000-340 for learners registered from 2020-07-01 (unless "
        "8000-340 is already achieved); the two are never both claimed.",
        '      as published: "Any new learners registered from 1 July 2020 must complete and claim 360 not 340."',
    ]


@pytest.mark.parametrize("ref", ["l3-cert-leadership", "600/5788/9", "L3-CERT-LEADERSHIP"])
def test_show_by_id_or_accreditation(ref: str) -> None:
    out = run("catalogue", "show", ref)
    assert "3 units in 1 group" in out.splitlines()
    lines = out.splitlines()
    assert [lines[-4], lines[-2]] == ["  total-credits: At least 14 credits in total.",
                                      "  group-1-mandatory: Mandatory: all units of Group 1 (3 units)."]


def test_show_json_structure(catalogue) -> None:
    data = json.loads(run("catalogue", "show", "600/5962/X", "--json"))
    assert list(data) == ["id", "accreditation", "title", "level", "awarding_body", "offered_as", "figures", "groups",
                          "rules", "pathways"]
    assert data["figures"] == {"credits": {"min": 13, "max": 36}, "glh": 28, "average_glh": 42.5, "tqt": 130,
                               "induction_hours": 1.0, "tutorial_hours": 2.0, "operational_start": "2012-09-01"}
    assert [(g["id"], g["name"], len(g["units"])) for g in data["groups"]] == [("G1", "Group 1", 30),
                                                                               ("G2", "Group 2", 18)]
    unit = data["groups"][1]["units"][-1]
    assert unit == {"code": "8000-360", "title": "Undertaking Coaching within an Organisational Context",
                    "level": 3, "credits": 4, "glh": 12, "tags": ["coaching"]}
    assert [(r["id"], r["kind"]) for r in data["rules"]] == [
        ("total-credits", "sum"), ("group-2-cap", "sum"), ("coaching-359-not-339", "replacement"),
        ("coaching-360-not-340", "replacement")]
    assert all(r["description"] for r in data["rules"])
    # `--json` given to the group applies to `show` as well.
    assert json.loads(run("catalogue", "--json", "show", "600/5962/X")) == data


def test_unknown_qualification_exits_2_with_the_known_ones() -> None:
    code = "import sys; from solver.cli.entry import main; sys.argv[0] = 'pathways'; main()"
    result = subprocess.run([sys.executable, "-c", code, "catalogue", "show", "600/0000/0"], capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.startswith("error: no qualification '600/0000/0' in ")
    assert result.stderr.rstrip().endswith("known: l2-award-lts (600/5928/X), l2-cert-lts (600/5962/X), "
                                           "l3-cert-leadership (600/5788/9)")


def test_schema_is_json_schema_that_validates_the_bundled_catalogue(tmp_path: Path) -> None:
    schema = json.loads(run("schema"))
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["type"] == "object" and schema["additionalProperties"] is False
    assert set(schema["properties"]) == {"source", "units", "qualifications"}
    assert {"Unit", "Qualification", "SumRule", "MandatoryRule", "BarredRule", "ReplacementRule",
            "EquivalenceRule"} <= set(schema["$defs"])
    assert "from" in schema["$defs"]["ReplacementRule"]["properties"]  # the YAML key, not the Python name
    run("schema", "-o", str(tmp_path / "schema.json"))
    assert json.loads((tmp_path / "schema.json").read_text(encoding="utf-8")) == schema

    jsonschema = pytest.importorskip("jsonschema")
    validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())
    for path in sorted((REPO / "catalogue").glob("*.yaml")):
        # YAML dates are date objects; in JSON (what editors check) they are ISO strings.
        document = json.loads(json.dumps(yaml.safe_load(path.read_text(encoding="utf-8")), default=str))
        assert list(validator.iter_errors(document)) == [], path.name
        broken = json.loads(json.dumps(document))
        broken["units"][0]["credits"] = 1.5
        broken["units"][1]["colour"] = "red"
        assert len(list(validator.iter_errors(broken))) == 2


@pytest.fixture
def other(tmp_path: Path) -> Path:
    (tmp_path / "other.yaml").write_text(OTHER, encoding="utf-8")
    return tmp_path


def test_catalogue_option_lists_another_catalogue(other: Path) -> None:
    assert json.loads(run("catalogue", "--catalogue", str(other), "--json")) == [
        {"id": "q1", "accreditation": "100/0000/1", "title": "Q one", "level": 4, "credits": [3, 5], "units": 2}]


@pytest.mark.parametrize("order", ["after", "before"])
def test_catalogue_option_shows_from_another_catalogue(other: Path, order: str) -> None:
    args = (["catalogue", "show", "q1", "--catalogue", str(other)] if order == "after"
            else ["catalogue", "--catalogue", str(other), "show", "100/0000/1"])
    lines = run(*args).splitlines()
    assert lines[:2] == ["Q one  100/0000/1  (q1), level 4, X",
                         "Published figures: credits: 3-5, induction hours: 1.5"]
    # Catalogue text is printed as written, not read as rich markup.
    assert any(line.startswith("│ U1   │ Coaching [advanced] │") for line in lines)
    assert lines[-3:] == ["Rules of combination", "  total: At least 3 and at most 5 credits in total.",
                          "  level-4: At least 2 credits at level 4 or above."]
    missing = runner.invoke(app, ["catalogue", "show", "600/5962/X", "--catalogue", str(other)])
    assert isinstance(missing.exception, LookupFailure) and "known: q1 (100/0000/1)" in str(missing.exception)
