"""Soak and fault suite: fuzzed scenarios, cohort CSVs and HTTP bodies give a located answer, never a traceback
or a 5xx; and a real uvicorn server on 127.0.0.1 answers 1, 16 and 64 concurrent clients with no 5xx and no
dropped connection. Bounded in count (PATHWAYS_SOAK=1 runs the heavy variant: more examples, more requests)."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import threading
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

pytest.importorskip("fastapi")

import httpx  # noqa: E402
from fastapi.testclient import TestClient  # noqa: E402

from solver.errors import LookupFailure, ScenarioError  # noqa: E402
from solver.queries.scenario import load_scenario  # noqa: E402
from solver.web.app import create_app  # noqa: E402
from tests.serve_harness import TINY, running  # noqa: E402

HEAVY = os.environ.get("PATHWAYS_SOAK") == "1"
EXAMPLES = settings(max_examples=400 if HEAVY else 60, deadline=None, suppress_health_check=list(HealthCheck))
ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = {p.name: p.read_text(encoding="utf-8") for p in sorted((ROOT / "scenarios").glob("*.yaml"))}
SERVER_PATHS = (str(ROOT), str(ROOT.resolve()), "/tmp/", "site-packages")


# Values a careless user or an attacker would send: huge and negative numbers, wrong types, odd text.
ODD = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-10**3, max_value=10**3),
    st.sampled_from([2**31, 2**63, 2**64, 10**20, 5 * 10**14, -1, 0, 1e308, float("inf"), "1e400", "NaN"]),
    st.text(max_size=12), st.sampled_from(["", "T-A", "T-B", "T-Z", "tiny", "2021-02-30", "2021-01-01", "min-glh",
                                           "\u202e", "🦉", "../../etc/passwd", "<script>", "'", '"', "\n"]),
)
VALUE = st.recursive(ODD, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                   st.dictionaries(st.text(max_size=6), inner, max_size=3)),
                     max_leaves=8)
FIELDS = ["qualification", "units", "achieved", "exempt", "registered", "objective", "max_glh", "min_glh",
          "max_credits", "min_credits", "alternatives", "include", "exclude", "goals", "limit", "offset", "order",
          "minimal", "pathway", "reading", "shares", "edits", "cohort", "name"]


def _no_internals(text: str) -> None:
    assert "Traceback" not in text and 'File "' not in text, text[:500]
    for path in SERVER_PATHS:
        assert path not in text, (path, text[:500])


# --- scenario files -----------------------------------------------------------------------------------------

@st.composite
def scenario_mutations(draw: st.DrawFn) -> str:
    """A bundled scenario with one field set to an odd value, or one line replaced by odd text."""
    text = SCENARIOS[draw(st.sampled_from(sorted(SCENARIOS)))]
    if draw(st.booleans()):
        doc = yaml.safe_load(text)
        learner = doc.setdefault("learner", {}) if isinstance(doc.get("learner"), dict) else doc
        learner[draw(st.sampled_from(FIELDS))] = draw(VALUE)
        return yaml.safe_dump(doc, allow_unicode=True)
    lines = text.splitlines()
    at = draw(st.integers(min_value=0, max_value=len(lines) - 1))
    lines[at] = draw(st.sampled_from(["max_glh: 99999999999999999999", "  registered: 2021-13-01", "- [", "x: {",
                                      "  achieved: [", "objective: 7", "\t", ": :", "learner: 5"]))
    return "\n".join(lines)


@EXAMPLES
@given(scenario_mutations())
def test_a_fuzzed_scenario_loads_or_is_refused_with_located_problems(text: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "scenario.yaml"
        path.write_text(text, encoding="utf-8")
        shutil.copytree(ROOT / "scenarios" / "offers", Path(tmp) / "offers")  # the files scenarios name
        try:
            load_scenario(path)
        except LookupFailure as err:  # a file the scenario names cannot be read: said with its path
            assert str(Path(tmp)) in str(err) and "\n" not in str(err), err
        except ScenarioError as err:
            assert err.problems
            for problem in err.problems:
                assert problem.file == str(path) and problem.line >= 1 and problem.column >= 1, problem
                assert problem.message and "\n" not in problem.message, problem


# --- HTTP bodies and cohort uploads -------------------------------------------------------------------------

@pytest.fixture(scope="module")
def tiny_client():
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "tiny.yaml").write_text(TINY, encoding="utf-8")
        with TestClient(create_app(Path(tmp)), raise_server_exceptions=False) as client:
            yield client


def _answered(response: httpx.Response) -> None:
    """A 2xx answer, or a 4xx whose every problem is located (a field path, or a line and column in a file)."""
    assert response.status_code < 500, response.text[:500]
    _no_internals(response.text)
    if response.status_code >= 400:
        body = response.json()
        assert body["message"], body
        for problem in body["problems"]:
            assert problem["text"] and problem["line"] >= 1 and problem["column"] >= 1, problem


@EXAMPLES
@given(st.sampled_from(["check", "recommend", "explain", "count", "enumerate", "whatif"]),
       st.dictionaries(st.sampled_from(FIELDS), VALUE, max_size=5), st.booleans())
def test_a_fuzzed_body_gets_an_answer_or_a_located_4xx(tiny_client, route: str, fields: dict[str, Any],
                                                        named: bool) -> None:
    body = {"qualification": "tiny", **fields} if named else fields
    try:
        text = json.dumps(body, allow_nan=True)
    except (TypeError, ValueError):
        text = str(body)
    _answered(tiny_client.post(f"/api/{route}", content=text.encode("utf-8", "surrogatepass"),
                               headers={"Content-Type": "application/json"}))


@EXAMPLES
@given(st.binary(max_size=200) | st.text(max_size=200).map(lambda t: t.encode("utf-8", "surrogatepass")))
def test_fuzzed_bytes_as_a_body_get_a_located_4xx(tiny_client, data: bytes) -> None:
    _answered(tiny_client.post("/api/recommend", content=data, headers={"Content-Type": "application/json"}))


CELLS = st.one_of(st.sampled_from(["", "T-A", "T-B;T-C", "T-Z", "2021-01-01", "2021-02-30", "01/02/2021",
                                   "99999999999999999999", "-5", "\"", "a\"b", "\"x,y\"", " ", "🦉", "\u202e"]),
                  st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=8))


@st.composite
def cohort_files(draw: st.DrawFn) -> tuple[bytes, int]:
    """A cohort CSV with broken lines (extra fields, stray quotes, huge numbers, bad dates) and blank ones;
    with how many rows the answer must have (one per non-blank line after the header)."""
    header = "learner,registered,achieved,max_glh"
    rows = []
    for i in range(draw(st.integers(min_value=1, max_value=6))):
        if draw(st.integers(min_value=0, max_value=5)) == 0:
            rows.append("")
            continue
        width = 3 + draw(st.integers(min_value=0, max_value=1))  # sometimes an extra field
        cells = [f"L{i}"] + ["".join(draw(CELLS).splitlines()) for _ in range(width)]
        rows.append(",".join(cells))
    text = "\n".join([header, *rows]) + "\n"
    return text.encode("utf-8"), sum(1 for row in rows if row.strip())


@settings(max_examples=150 if HEAVY else 25, deadline=None, suppress_health_check=list(HealthCheck))
@given(cohort_files())
def test_a_fuzzed_cohort_upload_answers_every_row(tiny_client, upload: tuple[bytes, int]) -> None:
    data, rows = upload
    response = tiny_client.post("/api/cohort", data={"qualification": "tiny"},
                                files={"file": ("cohort.csv", data, "text/csv")})
    _answered(response)
    if response.status_code == 200:
        import csv
        import io

        out = list(csv.DictReader(io.StringIO(response.text)))
        if b'"' in data:  # a quoted field may hold a line break, joining two lines into one record
            assert 1 <= len(out) <= rows, (len(out), rows, data)
        else:  # one answer per non-blank line, broken or not
            assert len(out) == rows, (len(out), rows, data)
        for row in out:
            assert row["status"] in ("OPTIMAL", "FEASIBLE", "INFEASIBLE", "UNKNOWN", "ERROR"), row
            if row["status"] == "ERROR":  # said in one line: the line number, or the cell and what is wrong
                assert row["message"].strip() and "\n" not in row["message"], row


# --- load: 1, 16 and 64 concurrent clients on a real server ----------------------------------------------------

CERT = "l2-cert-lts"
LOAD_REQUESTS = [  # (method, path, body, what the answer must hold)
    ("GET", "/api/qualifications", None, lambda a: any(q["id"] == CERT for q in a)),
    ("POST", "/api/check", {"qualification": CERT, "units": ["8000-250"]}, lambda a: a["valid"] is False),
    ("POST", "/api/recommend", {"qualification": CERT, "achieved": ["8000-250"]},
     lambda a: a["status"] == "OPTIMAL" or "partial" in a),
    ("POST", "/api/count", {"qualification": CERT}, lambda a: a["count"] == 1_141_305_047_728),
    ("POST", "/api/enumerate", {"qualification": CERT, "order": "glh", "limit": 3}, lambda a: a["listed"] == 3),
]


def _any_status(answer: dict[str, Any]) -> bool:
    return answer["status"] in ("OPTIMAL", "FEASIBLE", "INFEASIBLE", "UNKNOWN")


def _client_run(client: httpx.Client, requests: int, start: int, failures: list[str], lock: threading.Lock) -> None:
    """One client: `requests` requests in turn over the shared pool's keep-alive connections, answers checked."""
    for i in range(requests):
        method, path, body, holds = LOAD_REQUESTS[(start + i) % len(LOAD_REQUESTS)]
        if HEAVY and path == "/api/recommend":  # a budget of its own: solved, not answered from memory
            body = {**body, "max_glh": 40 + (start * 31 + i) % 400}
            holds = _any_status
        try:
            response = client.request(method, path, json=body)
            ok = response.status_code == 200 and holds(response.json())
            problem = None if ok else f"{path}: {response.status_code} {response.text[:200]}"
        except httpx.HTTPError as err:  # a dropped connection, a refused one, a timeout
            problem = f"{path}: {type(err).__name__}: {err}"
        if problem:
            with lock:
                failures.append(problem)


@pytest.fixture(scope="module")
def server() -> Any:
    with running() as base:
        yield base


@pytest.mark.parametrize("clients", [1, 16, 64])
def test_concurrent_clients_get_no_5xx_and_no_dropped_connection(server: str, clients: int) -> None:
    per_client = (40 if HEAVY else 10) if clients == 1 else (8 if HEAVY else 2)
    failures: list[str] = []
    lock = threading.Lock()
    # One pool of keep-alive connections shared by the clients, as a provider's system would hold one.
    pool = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    with httpx.Client(base_url=server, timeout=300, limits=pool) as client:
        threads = [threading.Thread(target=_client_run, args=(client, per_client, i, failures, lock))
                   for i in range(clients)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert failures == []


# --- the largest values that load, under a memory cap -----------------------------------------------------------

def _largest_values_catalogue(directory: Path) -> None:
    """60 units with credits and GLH up to the declared maxima, sums open the whole way and per group."""
    import random

    from solver.limits import MAX_UNIT_CREDITS, MAX_UNIT_HOURS

    rng = random.Random(3)
    units = "\n".join(f"  - {{code: B-{i:02d}, title: Unit {i}, level: 3, credits: "
                      f"{rng.randint(1, MAX_UNIT_CREDITS)}, glh: {rng.randint(1, MAX_UNIT_HOURS)}}}" for i in range(60))
    groups = [", ".join(f"B-{i:02d}" for i in range(k, 60, 3)) for k in range(3)]
    (directory / "big.yaml").write_text(f"""\
source: The largest values that load
units:
{units}
qualifications:
  - id: big
    accreditation: BIG-1
    title: Big
    level: 3
    awarding_body: Test
    groups:
      - {{id: G1, name: Group 1, units: [{groups[0]}]}}
      - {{id: G2, name: Group 2, units: [{groups[1]}]}}
      - {{id: G3, name: Group 3, units: [{groups[2]}]}}
    rules:
      - {{id: total, kind: sum, sum: credits, min: 12000, max: 18000}}
      - {{id: hours, kind: sum, sum: glh, min: 100000, max: 200000}}
      - {{id: g1, kind: sum, sum: credits, where: {{groups: [G1]}}, min: 3000, max: 6000}}
      - {{id: g2, kind: sum, sum: glh, where: {{groups: [G2]}}, min: 30000, max: 60000}}
""", encoding="utf-8")


@pytest.mark.skipif(not hasattr(os, "fork"), reason="sets the child's address-space limit with resource")
@pytest.mark.parametrize("command", ["count", "audit"])
def test_the_largest_values_that_load_stay_under_a_memory_cap(tmp_path: Path, command: str) -> None:
    """Values of 2^31 once grew `count` and `audit` past 6-17 GB; within the declared maxima they must finish,
    exactly or with the honest fallback, inside 3 GB of address space (a MemoryError would be a traceback)."""
    import resource
    import subprocess
    import sys

    _largest_values_catalogue(tmp_path)

    def cap() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (3 * 1024**3, 3 * 1024**3))

    out = subprocess.run([sys.executable, "-m", "solver.cli", command, "big", "--catalogue", str(tmp_path)],
                         capture_output=True, text=True, preexec_fn=cap, timeout=600)
    assert out.returncode == 0, out.stderr[-2000:]
    assert "Traceback" not in out.stderr and "MemoryError" not in out.stderr
    if command == "count":
        assert "valid pathways" in out.stdout
