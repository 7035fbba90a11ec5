"""The `serve` section: `pathways serve` under 1, 16 and 64 concurrent clients on 127.0.0.1, latency percentiles
(p50, p95, p99) and throughput, every answer checked against the same request answered in-process.

Two loads per concurrency: "solving", distinct recommendation requests (two alternatives each) that the
server's memory cannot answer, on a freshly started server per run; and "remembered", one identical request
repeated, which measures the HTTP path, the fair queue and the memo. The server is the real command in its own
process (`python -m solver.cli serve --port 0`); the clients share one pool of keep-alive connections, as a
provider's system would. Any 5xx, dropped connection or wrong answer fails the run.
"""

from __future__ import annotations

import random
import re
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx

from benchmarks.harness import Result

CERT = "l2-cert-lts"
CONCURRENCY = (1, 16, 64)
SOLVING_REQUESTS = {1: 40, 16: 160, 64: 256}  # distinct bodies per run
REMEMBERED_REQUESTS = {1: 100, 16: 320, 64: 640}
COMPARED = ("status", "units", "credits", "glh", "new_glh", "alternatives")


@contextmanager
def server() -> Iterator[str]:
    """`pathways serve` on a free port in its own process, its warm-up done; yields the base URL."""
    process = subprocess.Popen([sys.executable, "-m", "solver.cli", "serve", "--port", "0"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        found = re.search(r"http://[\d.]+:\d+", line)
        if not found:
            said = process.stderr.read() if process.stderr else ""
            raise RuntimeError(f"pathways serve did not start: {line!r} {said}")
        base = found.group(0)
        with httpx.Client(base_url=base, timeout=300) as client:
            for q in client.get("/api/qualifications").json():  # waits for (or does) what the warm-up computes
                client.get("/api/audit", params={"qualification": q["id"]})
        yield base
    finally:
        process.terminate()
        process.wait(timeout=60)


def bodies(n: int, seed: int = 7) -> list[dict[str, Any]]:
    """`n` distinct recommendation requests on the seed Certificate: 0-3 achieved units and a GLH budget."""
    from solver.model.catalogue import load_catalogue

    codes = sorted(load_catalogue().qualification(CERT).unit_codes())
    rng, seen, out = random.Random(seed), set(), []
    while len(out) < n:
        achieved = tuple(sorted(rng.sample(codes, rng.randint(0, 3))))
        budget = rng.choice([None, 40, 60, 90, 120, 200])
        if (achieved, budget) in seen:
            continue
        seen.add((achieved, budget))
        out.append({"qualification": CERT, "achieved": list(achieved), "max_glh": budget, "alternatives": 2})
    return out


def expected(requests: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each request answered in-process by the server's own Explorer (same deterministic limits)."""
    from solver.model.catalogue import load_catalogue
    from solver.web.schemas import RecommendRequest
    from solver.web.service import Explorer

    explorer = Explorer(load_catalogue())
    return [{k: explorer.recommend(RecommendRequest(**body)).get(k) for k in COMPARED} for body in requests]


def load(base: str, clients: int, requests: list[dict[str, Any]], answers: list[dict[str, Any]]
         ) -> tuple[list[float], float]:
    """`clients` threads sharing one connection pool work through `requests`; latencies (s) and wall time (s)."""
    latencies: list[float] = []
    failures: list[str] = []
    lock, queue = threading.Lock(), iter(range(len(requests)))
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)

    def worker(client: httpx.Client) -> None:
        while True:
            with lock:
                i = next(queue, None)
            if i is None:
                return
            started = time.perf_counter()
            try:
                response = client.post("/api/recommend", json=requests[i])
                took = time.perf_counter() - started
                answer = response.json() if response.status_code == 200 else None
                wrong = (answer is None or "partial" not in answer
                         and {k: answer.get(k) for k in COMPARED} != answers[i])
                problem = f"request {i}: {response.status_code} {response.text[:200]}" if wrong else None
            except httpx.HTTPError as err:
                took, problem = time.perf_counter() - started, f"request {i}: {type(err).__name__}: {err}"
            with lock:
                latencies.append(took)
                if problem:
                    failures.append(problem)

    with httpx.Client(base_url=base, timeout=600, limits=limits) as client:
        threads = [threading.Thread(target=worker, args=(client,)) for _ in range(clients)]
        started = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        wall = time.perf_counter() - started
    if failures:
        raise AssertionError(f"{len(failures)} of {len(requests)} requests failed, e.g. {failures[:3]}")
    return latencies, wall


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))]


def serve_load(repeats: int = 3) -> list[Result]:
    distinct = bodies(max(SOLVING_REQUESTS.values()))
    distinct_answers = expected(distinct)
    results: list[Result] = []
    for clients in CONCURRENCY:
        for kind in ("solving", "remembered"):
            stats: dict[str, list[float]] = {"p50": [], "p95": [], "p99": [], "throughput": []}
            for _ in range(repeats):
                if kind == "solving":
                    n = SOLVING_REQUESTS[clients]
                    requests, answers = distinct[:n], distinct_answers[:n]
                else:
                    n = REMEMBERED_REQUESTS[clients]
                    requests, answers = [distinct[0]] * n, [distinct_answers[0]] * n
                with server() as base:
                    latencies, wall = load(base, clients, requests, answers)
                for p in (50, 95, 99):
                    stats[f"p{p}"].append(percentile(latencies, p) * 1000)
                stats["throughput"].append(len(requests) / wall)
            variant = f"{clients} client{'s' if clients > 1 else ''}, {kind}"
            note = (f"{SOLVING_REQUESTS[clients] if kind == 'solving' else REMEMBERED_REQUESTS[clients]} "
                    "requests a run, every answer checked; no 5xx, no dropped connection")
            for metric in ("p50", "p95", "p99"):
                results.append(Result("serve", f"{variant}: {metric}", "ms", stats[metric]))
            results.append(Result("serve", f"{variant}: throughput", "requests/s", stats["throughput"],
                                  note=note))
    return results


if __name__ == "__main__":
    from benchmarks.harness import table

    print(table(serve_load(int(sys.argv[1]) if len(sys.argv) > 1 else 3)))
