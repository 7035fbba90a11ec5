"""Random and mutated YAML never crashes the loader: it loads or raises CatalogueError, nothing else."""

from __future__ import annotations

import copy
import json
import os
import tempfile
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from solver.errors import CatalogueError
from solver.model.catalogue import bundled_catalogue, load_catalogue
from solver.queries.reports import qualification_summary

# PATHWAYS_FUZZ=long runs about twenty times as many examples (minutes rather than seconds).
SCALE = 20 if os.environ.get("PATHWAYS_FUZZ") == "long" else 1
FAST = settings(max_examples=500 * SCALE, deadline=None, suppress_health_check=list(HealthCheck))
SLOW = settings(max_examples=200 * SCALE, deadline=None, suppress_health_check=list(HealthCheck))

SOURCES = {p.name: p.read_text(encoding="utf-8") for p in sorted(bundled_catalogue().glob("*.yaml"))}
NAMES = sorted(SOURCES)
ODD_TEXT = ["", " ", "\t", "\u00a0", "\u200b", "\ufeff", "é", "ß", "🦉", "\u202e", "\x85", "\u2028",
            "Ω≈ç√", "'", '"', "\\", "%", "@", "`", "&a", "*a", "!!int", "!!binary", "!foo", "<<", "~",
            "? ", "- ", ": ", "---", "...", "#", "|", ">", "{", "}", "[", "]", ",", "\n"]
SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(), st.integers(min_value=10**18, max_value=10**400),
    st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=20), st.sampled_from(ODD_TEXT),
    st.dates(), st.datetimes(), st.sampled_from(["credits", "units", "glh", "sum", "mandatory", "barred",
                                                 "replacement", "equivalence", "G1", "G2", "8000-339",
                                                 "8000-359", "2020-07-01", "2012-13-01", "0x1F", "1e400"]),
)
VALUES = st.recursive(SCALARS, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8) | st.sampled_from(
        ["code", "units", "groups", "rules", "kind", "min", "max", "where", "id", "qualifications"]),
        inner, max_size=4)), max_leaves=12)
YAML_ALPHABET = st.sampled_from(list("abcxyz019-_.:,[]{}&*!|>'\"#?%@ \n\t") + ODD_TEXT)


def _outcome(files: dict[str, str]) -> None:
    """Write `files` into a fresh directory and load it: success or CatalogueError, never another error."""
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        for name, text in files.items():
            (root / name).write_text(text, encoding="utf-8", errors="surrogatepass")
        try:
            cat = load_catalogue(root)
        except CatalogueError as err:
            assert err.problems, "a CatalogueError must list at least one problem"
            for problem in err.problems:
                assert problem.line >= 1 and problem.column >= 1, problem
                assert Path(problem.file).parent == root or Path(problem.file) == root, problem
                assert "\n" not in problem.message and "\n" not in problem.path, problem
            assert err.render().count("\n") == len(err.problems)
            return
        # A catalogue that loads must also describe itself: validation let nothing half-formed through.
        for q in cat.qualifications:
            json.dumps(qualification_summary(cat, q), default=str)


def _with(name: str, text: str) -> dict[str, str]:
    """The bundled catalogue with one file replaced, so cross-file checks see realistic neighbours."""
    return {**SOURCES, name: text}


@FAST
@given(st.text(max_size=300))
def test_random_text(text: str) -> None:
    _outcome({"random.yaml": text})


@FAST
@given(st.lists(YAML_ALPHABET, max_size=120).map("".join))
def test_random_yaml_like_text(text: str) -> None:
    _outcome({"random.yaml": text})


@FAST
@given(VALUES)
def test_random_documents(value) -> None:
    _outcome({"random.yaml": yaml.safe_dump(value, allow_unicode=True)})


@st.composite
def line_mutations(draw) -> tuple[str, str]:
    """A real catalogue file with lines deleted, swapped, duplicated, re-indented or spliced with odd text."""
    name = draw(st.sampled_from(NAMES))
    lines = SOURCES[name].splitlines()
    for _ in range(draw(st.integers(1, 4))):
        i = draw(st.integers(0, len(lines) - 1))
        j = draw(st.integers(0, len(lines) - 1))
        how = draw(st.sampled_from(["delete", "swap", "duplicate", "indent", "dedent", "splice", "value"]))
        if how == "delete" and len(lines) > 1:
            del lines[i]
        elif how == "swap":
            lines[i], lines[j] = lines[j], lines[i]
        elif how == "duplicate":
            lines.insert(j, lines[i])
        elif how == "indent":
            lines[i] = " " * draw(st.integers(1, 5)) + lines[i]
        elif how == "dedent":
            lines[i] = lines[i].lstrip()
        elif how == "splice":
            at = draw(st.integers(0, len(lines[i])))
            lines[i] = lines[i][:at] + draw(st.sampled_from(ODD_TEXT) | st.text(max_size=5)) + lines[i][at:]
        elif how == "value" and ": " in lines[i]:
            # Keep the key, replace what follows it with some other YAML scalar.
            head = lines[i].split(": ", 1)[0]
            new = yaml.safe_dump(draw(SCALARS), allow_unicode=True, default_flow_style=True)
            lines[i] = f"{head}: {new.splitlines()[0] if new.strip() else '~'}"
    return name, "\n".join(lines) + "\n"


@SLOW
@given(line_mutations())
def test_mutated_catalogue_text(mutation: tuple[str, str]) -> None:
    name, text = mutation
    _outcome(_with(name, text))


def _nodes(data, path=(), seen=None):
    """Every (path, value) in a parsed document, so a mutation can pick any node; shared nodes once."""
    seen = set() if seen is None else seen
    yield path, data
    if isinstance(data, (dict, list)):
        if id(data) in seen:  # a "share" mutation may have made the document refer to itself
            return
        seen.add(id(data))
        for key, value in (data.items() if isinstance(data, dict) else enumerate(data)):
            yield from _nodes(value, path + (key,), seen)


PARSED = {name: yaml.safe_load(text) for name, text in SOURCES.items()}


@st.composite
def tree_mutations(draw) -> tuple[str, str]:
    """A real catalogue file with nodes replaced, removed, added or aliased, dumped back to YAML."""
    name = draw(st.sampled_from(NAMES))
    data = copy.deepcopy(PARSED[name])
    for _ in range(draw(st.integers(1, 3))):
        paths = [p for p, _ in _nodes(data) if p]
        path = draw(st.sampled_from(paths))
        parent = data
        for part in path[:-1]:
            parent = parent[part]
        last = path[-1]
        how = draw(st.sampled_from(["replace", "remove", "add", "share", "swap"]))
        if how == "replace":
            parent[last] = draw(VALUES)
        elif how == "remove":
            del parent[last]
        elif how == "add" and isinstance(parent, dict):
            parent[draw(st.text(max_size=8) | st.sampled_from(["tags", "where", "min", "max", "kind"]))] = draw(VALUES)
        elif how == "add":
            parent.insert(last, draw(VALUES))
        elif how == "share":
            # The same object twice makes safe_dump write an anchor and an alias (a cycle, if an ancestor).
            other = draw(st.sampled_from(paths))
            node = data
            for part in other:
                node = node[part]
            parent[last] = node
        elif how == "swap" and isinstance(parent, dict) and len(parent) > 1:
            keys = list(parent)
            a, b = draw(st.sampled_from(keys)), draw(st.sampled_from(keys))
            parent[a], parent[b] = parent[b], parent[a]
    return name, yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


@SLOW
@given(tree_mutations())
def test_mutated_catalogue_tree(mutation: tuple[str, str]) -> None:
    name, text = mutation
    _outcome(_with(name, text))


def test_alias_bomb_is_refused_quickly() -> None:
    """Aliases of aliases expand exponentially; the loader must refuse rather than hang or exhaust memory."""
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 9)]
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "bomb.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
        try:
            load_catalogue(tmp)
        except CatalogueError as err:
            assert "at most 200000 values" in err.render()
        else:
            raise AssertionError("an alias bomb loaded")


def test_self_referencing_anchor_is_refused() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "loop.yaml").write_text("units: &u [*u]\n", encoding="utf-8")
        try:
            load_catalogue(tmp)
        except CatalogueError as err:
            assert "nested at most 50 levels deep" in err.render()
        else:
            raise AssertionError("a self-referencing document loaded")
