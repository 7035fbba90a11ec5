"""Each kind of broken catalogue gives one CatalogueError with exact, located messages (and exit 2 in the CLI)."""

from __future__ import annotations

import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from solver.errors import CatalogueError
from solver.model.catalogue import load_catalogue

# A small valid catalogue: every case below is this document with one thing broken.
VALID = """\
units:
  - {code: U1, title: One, level: 2, credits: 2, glh: 6, tags: [a]}
  - {code: U2, title: Two, level: 2, credits: 3, glh: 7, tags: [b]}
qualifications:
  - id: q1
    accreditation: 100/0000/1
    title: Q one
    level: 2
    awarding_body: X
    figures: {credits: {min: 3, max: 5}, operational_start: 2012-09-01}
    groups:
      - {id: G1, name: Group 1, units: [U1, U2]}
    rules:
      - {id: total, kind: sum, min: 3, max: 5}
"""


def write(directory: Path, text: str, name: str = "cat.yaml") -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def error_of(directory: Path) -> str:
    """The rendered CatalogueError for a directory, with the directory left out of file names."""
    with pytest.raises(CatalogueError) as caught:
        load_catalogue(directory)
    return caught.value.render().replace(f"{directory}/", "")


def test_the_valid_document_loads(tmp_path: Path) -> None:
    write(tmp_path, VALID)
    cat = load_catalogue(tmp_path)
    assert [q.id for q in cat.qualifications] == ["q1"] and list(cat.units) == ["U1", "U2"]


CASES = {
    "unknown key, at the key itself, with the keys allowed there": ("""\
        units:
          - code: U1
            title: One
            level: 2
            credits: 2
            glh: 6
            colour: red
        """, """\
        cat.yaml:7:5: units[0].colour: unknown key 'colour'; expected one of: code, title, title_cut, level, \
credits, glh, tqt, provenance, tags, modes, available_from, available_until, requires, with, \
offered"""),
    "unknown key that is a near miss": ("""\
        units:
          - {code: U1, title: One, level: 2, credits: 2, glh: 6, tagz: [a]}
        """, """\
        cat.yaml:2:58: units[0].tagz: unknown key 'tagz' (did you mean 'tags'?); expected one of: code, title, \
title_cut, level, credits, glh, tqt, provenance, tags, modes, available_from, available_until, requires, \
with, offered"""),
    "missing field, at the mapping that lacks it": ("""\
        units:
          - {code: U1, title: One, level: 2, credits: 2, glh: 6}
          - code: U2
            level: 2
            credits: 3
            glh: 7
        """, """\
        cat.yaml:3:5: units[1]: missing required field 'title'"""),
    "missing field of a rule": ("""\
        units:
          - {code: U1, title: One, level: 2, credits: 2, glh: 6}
          - {code: U2, title: Two, level: 2, credits: 3, glh: 7}
        qualifications:
          - id: q1
            accreditation: 100/0000/1
            title: Q one
            level: 2
            awarding_body: X
            groups:
              - {id: G1, name: Group 1, units: [U1, U2]}
            rules:
              - kind: replacement
                old: U1
                new: U2
        """, """\
        cat.yaml:13:9: qualifications[0].rules[0]: missing required field 'from'"""),
    "wrong type": ("""\
        units:
          - {code: U1, title: One, level: two, credits: 2, glh: 6}
        """, """\
        cat.yaml:2:35: units[0].level: expected a whole number, got text 'two'"""),
    "a list where a mapping belongs": ("""\
        units:
          - {code: U1, title: One, level: 2, credits: 2, glh: 6}
        qualifications:
          - id: q1
            accreditation: 100/0000/1
            title: Q one
            level: 2
            awarding_body: X
            figures: [3, 5]
            groups: []
        """, """\
        cat.yaml:9:14: qualifications[0].figures: expected a mapping, got a list"""),
    "fractional credits": ("""\
        units:
          - {code: U1, title: One, level: 2, credits: 1.5, glh: 6}
        """, """\
        cat.yaml:2:47: units[0].credits: expected a whole number, got a number 1.5"""),
    "negative GLH": ("""\
        units:
          - {code: U1, title: One, level: 2, credits: 2, glh: -6}
        """, """\
        cat.yaml:2:55: units[0].glh: expected a number >= 0, got -6"""),
    "a bad date that looks like a date": ("""\
        units:
          - {code: U1, title: One, level: 2, credits: 2, glh: 6, available_from: 2012-13-01}
        """, """\
        cat.yaml:2:74: units[0].available_from: expected a date (YYYY-MM-DD), got '2012-13-01' (month must be \
in 1..12)"""),
    "a date written the British way": ("""\
        units:
          - {code: U1, title: One, level: 2, credits: 2, glh: 6, available_from: 01/09/2012}
        """, """\
        cat.yaml:2:74: units[0].available_from: expected a date (YYYY-MM-DD), got text '01/09/2012'"""),
    "a number where a date belongs is not seconds since 1970": ("""\
        units:
          - {code: U1, title: One, level: 2, credits: 2, glh: 6, available_from: 0}
        """, """\
        cat.yaml:2:74: units[0].available_from: expected a date (YYYY-MM-DD), got a whole number 0"""),
    "an unknown rule kind": ("""\
        qualifications:
          - id: q1
            accreditation: 100/0000/1
            title: Q one
            level: 2
            awarding_body: X
            groups: []
            rules:
              - {kind: total, min: 3}
        """, """\
        cat.yaml:9:9: qualifications[0].rules[0]: expected 'kind' to be one of 'sum', 'mandatory', 'barred', \
'replacement', 'equivalence', 'groups', 'import', 'when-used', 'window', got text 'total'"""),
    "a sum rule's own 'sum' key does not hide the field in error": ("""\
        qualifications:
          - id: q1
            accreditation: 100/0000/1
            title: Q one
            level: 2
            awarding_body: X
            groups: []
            rules:
              - {kind: sum, sum: credits, min: -1}
        """, """\
        cat.yaml:9:40: qualifications[0].rules[0].min: expected a number >= 0, got -1"""),
    "YAML syntax error": ("""\
        units:
          - {code: U1, title: One, level: 2, credits: 2, glh: [6}
        """, """\
        cat.yaml:2:57: invalid YAML: expected ',' or ']', but got '}' (while parsing a flow sequence that \
starts at line 2, column 55)"""),
    "a tab for indentation": ("""\
        units:
        \t- {code: U1, title: One, level: 2, credits: 2, glh: 6}
        """, """\
        cat.yaml:2:1: invalid YAML: found character '\\t' that cannot start any token (while scanning for the \
next token)"""),
    "a key YAML would read as a boolean is named as written": ("""\
        units: []
        on: true
        """, """\
        cat.yaml:2:1: on: unknown key 'on'; expected one of: source, units, qualifications"""),
    "duplicate key": ("""\
        units:
          - code: U1
            title: One
            level: 2
            title: Uno
        """, """\
        cat.yaml:5:5: units[0].title: duplicate key 'title'"""),
}


@pytest.mark.parametrize("document, expected", CASES.values(), ids=list(CASES))
def test_document_errors(tmp_path: Path, document: str, expected: str) -> None:
    write(tmp_path, document)
    assert error_of(tmp_path) == "invalid catalogue (1 problem):\n  " + textwrap.dedent(expected).strip()


# Cross-checks that need a whole valid document: (old text, new text) edits of VALID, and the message.
EDITS = {
    "duplicate unit code": (
        "{code: U2,", "{code: U1,",
        ["cat.yaml:3:12: units[1].code: duplicate unit code 'U1' (first defined at cat.yaml:2:12)",
         "cat.yaml:12:45: qualifications[0].groups[0].units[1]: unit 'U2' is not defined in the catalogue"]),
    "reference to an undefined unit": (
        "units: [U1, U2]", "units: [U1, U9]",
        ["cat.yaml:12:45: qualifications[0].groups[0].units[1]: unit 'U9' is not defined in the catalogue"]),
    "a rule naming a unit outside the qualification": (
        "{id: total, kind: sum, min: 3, max: 5}", "{id: core, kind: mandatory, units: [U3]}",
        ["cat.yaml:14:45: qualifications[0].rules[0].units[0]: unit 'U3' is not part of qualification 'q1'"]),
    "reference to an undefined group": (
        "{id: total, kind: sum, min: 3, max: 5}", "{id: cap, kind: sum, where: {groups: [G2]}, max: 5}",
        ["cat.yaml:14:47: qualifications[0].rules[0].where.groups[0]: group 'G2' is not part of "
         "qualification 'q1'"]),
    "min above max in a rule": (
        "{id: total, kind: sum, min: 3, max: 5}", "{id: total, kind: sum, min: 6, max: 5}",
        ["cat.yaml:14:37: qualifications[0].rules[0].min: expected min <= max, got min 6 > max 5"]),
    "min above max in the published figures": (
        "{credits: {min: 3, max: 5}", "{credits: {min: 6, max: 5}",
        ["cat.yaml:10:24: qualifications[0].figures.credits: expected min <= max, got min 6 > max 5"]),
    "a rule that can never hold: more credits than all units give": (
        "{id: total, kind: sum, min: 3, max: 5}", "{id: total, kind: sum, min: 6}",
        ["cat.yaml:14:37: qualifications[0].rules[0].min: rule can never hold: min 6 credits but all 2 "
         "selected units give only 5"]),
    "a rule that can never hold: a cap below the mandatory units": (
        "      - {id: total, kind: sum, min: 3, max: 5}",
        "      - {id: core, kind: mandatory, groups: [G1]}\n      - {id: total, kind: sum, min: 3, max: 4}",
        ["cat.yaml:15:45: qualifications[0].rules[1].max: rule can never hold: max 4 credits but the "
         "mandatory units alone give 5"]),
    "a sum rule with neither bound": (
        "{id: total, kind: sum, min: 3, max: 5}", "{id: total, kind: sum, where: {level: 2}}",
        ["cat.yaml:14:9: qualifications[0].rules[0]: expected 'min' or 'max' (or both)"]),
    "a unit listed twice in a group": (
        "units: [U1, U2]", "units: [U1, U2, U1]",
        ["cat.yaml:12:49: qualifications[0].groups[0].units[2]: unit 'U1' is listed twice"]),
    "a replacement of a unit by itself": (
        "{id: total, kind: sum, min: 3, max: 5}", "{kind: replacement, old: U1, new: U1, from: 2020-07-01}",
        ["cat.yaml:14:43: qualifications[0].rules[0].new: expected a different unit from 'old'"]),
    "availability that ends before it starts": (
        "tags: [a]}", "tags: [a], available_from: 2020-01-01, available_until: 2019-12-31}",
        ["cat.yaml:2:114: units[0].available_until: expected available_until on or after available_from "
         "(2020-01-01), got 2019-12-31"]),
}


@pytest.mark.parametrize("old, new, expected", EDITS.values(), ids=list(EDITS))
def test_cross_check_errors(tmp_path: Path, old: str, new: str, expected: list[str]) -> None:
    assert old in VALID
    write(tmp_path, VALID.replace(old, new, 1))
    count = f"{len(expected)} problem{'s' if len(expected) != 1 else ''}"
    assert error_of(tmp_path) == "\n  ".join([f"invalid catalogue ({count}):", *expected])


def test_duplicate_qualification_across_files(tmp_path: Path) -> None:
    write(tmp_path, VALID, "a.yaml")
    write(tmp_path, VALID.replace("U1", "V1").replace("U2", "V2").replace("id: q1", "id: q2"), "b.yaml")
    assert error_of(tmp_path) == (
        "invalid catalogue (1 problem):\n"
        "  b.yaml:6:20: qualifications[0].accreditation: duplicate qualification accreditation '100/0000/1' "
        "(first at a.yaml:6:20)")


SEVERAL = {
    "a.yaml": """\
        units:
          - {code: U1, title: One, level: 2, credits: 2.5, glh: 6}
          - {code: U2, title: Two, level: 9, credits: 3, glh: 7, colour: red}
          - code: U3
            level: 2
            credits: 1
            glh: 1
        """,
    "b.yaml": """\
        units: [
        """,
    "c.yaml": """\
        qualifications:
          - id: q1
            accreditation: 100/0000/1
            title: Q one
            level: 2
            awarding_body: X
            groups:
              - {id: G1, name: Group 1, units: [U1, U2]}
            rules:
              - {kind: sum, where: {groups: [G9]}, min: 4, max: 2}
              - {kind: sum, min: 4, max: 2}
        """,
}
SEVERAL_EXPECTED = """\
invalid catalogue (8 problems):
  a.yaml:2:47: units[0].credits: expected a whole number, got a number 2.5
  a.yaml:3:35: units[1].level: expected a number <= 8, got 9
  a.yaml:3:58: units[1].colour: unknown key 'colour'; expected one of: code, title, title_cut, level, credits, \
glh, tqt, provenance, tags, modes, available_from, available_until, requires, with, offered
  a.yaml:4:5: units[2]: missing required field 'title'
  b.yaml:2:1: invalid YAML: expected the node content, but found '<stream end>' (while parsing a flow node)
  c.yaml:10:38: qualifications[0].rules[0].where.groups[0]: group 'G9' is not part of qualification 'q1'
  c.yaml:10:49: qualifications[0].rules[0].min: expected min <= max, got min 4 > max 2
  c.yaml:11:26: qualifications[0].rules[1].min: expected min <= max, got min 4 > max 2"""


def test_one_error_lists_every_problem_of_every_file(tmp_path: Path) -> None:
    """Every problem in one error, sorted by file and position; the units of the broken a.yaml are not
    reported as undefined in c.yaml, since they may well be defined there once a.yaml is fixed."""
    for name, text in SEVERAL.items():
        write(tmp_path, text, name)
    assert error_of(tmp_path) == SEVERAL_EXPECTED


def pathways(*args: str) -> subprocess.CompletedProcess:
    """Run the CLI entry point in a fresh interpreter, exactly as the `pathways` script does."""
    code = "import sys; from solver.cli.entry import main; sys.argv[0] = 'pathways'; main()"
    return subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("args", [["catalogue"], ["catalogue", "show", "600/5962/X"]])
def test_cli_prints_every_problem_and_exits_2(tmp_path: Path, args: list[str]) -> None:
    for name, text in SEVERAL.items():
        write(tmp_path, text, name)
    result = pathways(*args, "--catalogue", str(tmp_path))
    assert result.returncode == 2
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    expected = SEVERAL_EXPECTED.replace("\\\n", "").splitlines()
    assert result.stderr.replace(f"{tmp_path}/", "").splitlines() == expected


def test_cli_reports_a_missing_catalogue_directory(tmp_path: Path) -> None:
    result = pathways("catalogue", "--catalogue", str(tmp_path / "nowhere"))
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.splitlines() == [
        "invalid catalogue (1 problem):",
        f"  {tmp_path / 'nowhere'}:1:1: expected a catalogue file or directory; not found"]


@pytest.mark.skipif(shutil.which("pathways") is None, reason="the pathways script is not on PATH")
def test_installed_script_exits_2_on_a_broken_catalogue(tmp_path: Path) -> None:
    write(tmp_path, VALID.replace("level: 2, credits: 2,", "level: 2, credits: 2.5,"))
    result = subprocess.run([shutil.which("pathways"), "catalogue", "--catalogue", str(tmp_path)],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.replace(f"{tmp_path}/", "").splitlines() == [
        "invalid catalogue (1 problem):",
        "  cat.yaml:2:47: units[0].credits: expected a whole number, got a number 2.5"]
