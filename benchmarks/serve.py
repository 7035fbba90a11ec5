"""The `serve` section: `pathways serve` under 1, 16 and 64 concurrent clients on 127.0.0.1, latency percentiles
(p50, p95, p99) and throughput, every answer checked against the same request answered in-process.

Two loads per concurrency: "solving", distinct recommendation requests (two alternatives each) that the
server's memory cannot answer, on a freshly started server per run; and "remembered", one identical request
repeated, which measures the HTTP path, the fair queue and the memo. The server is the real command in its own
process (`python -m solver.cli serve --port 0`); the clients share one pool of keep-alive connections, as a
provider's system would. Any 5xx, dropped connection or wrong answer fails the run.

And the floor of a request that solves nothing (`floor`): one keep-alive client asking in turn for an answer from
the memo, the qualification list (the nearest the API has to a health check), a page and a static file; p50
latency and the server's CPU per request (read from /proc, so the load other processes put on the box moves it
less than the latency). Beside it, in the same run and with the same client and uvicorn settings, the peer: a
bare ASGI app answering fixed bytes, the floor of the HTTP stack itself.
"""

from __future__ import annotations

import os
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

from benchmarks.harness import Result, ratio

CERT = "l2-cert-lts"
CONCURRENCY = (1, 16, 64)
SOLVING_REQUESTS = {1: 40, 16: 160, 64: 256}  # distinct bodies per run
REMEMBERED_REQUESTS = {1: 100, 16: 320, 64: 640}
COMPARED = ("status", "units", "credits", "glh", "new_glh", "alternatives")


# The peer of the floor: a bare ASGI app under the same uvicorn settings (solver/web/serving.py), fixed bytes.
BARE_SERVER = """
import sys
import uvicorn
from solver.web.serving import listening_socket, server_config

BODY = b'[{"id": "bare"}]'

async def app(scope, receive, send):
    if scope["type"] != "http":
        return
    while (await receive()).get("more_body"):
        pass
    await send({"type": "http.response.start", "status": 200,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(BODY)).encode())]})
    await send({"type": "http.response.body", "body": BODY})

sock = listening_socket("127.0.0.1", 0)
print(f"bare ASGI on http://127.0.0.1:{sock.getsockname()[1]}/", flush=True)
uvicorn.Server(server_config(app)).run(sockets=[sock])
"""


@contextmanager
def started(bare: bool = False) -> Iterator[tuple[str, int]]:
    """`pathways serve` on a free port in its own process, its warm-up done; yields the base URL and the process
    id. With `bare`, the peer instead: a bare ASGI app under the same uvicorn settings."""
    command = ([sys.executable, "-c", BARE_SERVER] if bare
               else [sys.executable, "-m", "solver.cli", "serve", "--port", "0"])
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        found = re.search(r"http://[\d.]+:\d+", line)
        if not found:
            said = process.stderr.read() if process.stderr else ""
            raise RuntimeError(f"the server did not start: {line!r} {said}")
        base = found.group(0)
        if not bare:
            with httpx.Client(base_url=base, timeout=300) as client:
                for q in client.get("/api/qualifications").json():  # waits for (or does) what the warm-up computes
                    client.get("/api/audit", params={"qualification": q["id"]})
        yield base, process.pid
    finally:
        process.terminate()
        process.wait(timeout=60)


@contextmanager
def server() -> Iterator[str]:
    """`pathways serve` on a free port, its warm-up done; yields the base URL."""
    with started() as (base, _):
        yield base


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


FLOOR_REQUESTS = 200  # sequential requests per route and run, after 20 unmeasured ones


def server_cpu(pid: int) -> float:
    """CPU seconds (user + system) the process has used so far, from /proc (Linux)."""
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def floor_routes(body: dict[str, Any]) -> dict[str, tuple[str, str, dict[str, Any] | None]]:
    return {"answer from the memo (POST /api/recommend, repeated)": ("POST", "/api/recommend", body),
            "GET /api/qualifications": ("GET", "/api/qualifications", None),
            "page (GET /)": ("GET", "/", None),
            "static file (GET /static/pathways.css)": ("GET", "/static/pathways.css", None)}


def sequential(base: str, pid: int, method: str, path: str, body: dict[str, Any] | None) -> tuple[float, float]:
    """One keep-alive client asking `FLOOR_REQUESTS` times in turn: p50 latency (s) and server CPU per request."""
    with httpx.Client(base_url=base, timeout=60) as client:
        def ask() -> None:
            response = client.request(method, path, json=body)
            assert response.status_code == 200, (path, response.status_code, response.text[:200])
        for _ in range(20):  # the connection opened, the memo filled, the file cached
            ask()
        latencies = []
        cpu = server_cpu(pid)
        for _ in range(FLOOR_REQUESTS):
            started_at = time.perf_counter()
            ask()
            latencies.append(time.perf_counter() - started_at)
        return percentile(latencies, 50), (server_cpu(pid) - cpu) / FLOOR_REQUESTS


def request_floor(repeats: int) -> list[Result]:
    """The non-solving floor per request, Pathways beside a bare ASGI app, interleaved run by run."""
    routes = floor_routes(bodies(1)[0])
    p50: dict[str, list[float]] = {name: [] for name in [*routes, "bare"]}
    cpu: dict[str, list[float]] = {name: [] for name in p50}
    for _ in range(repeats):
        with started(bare=True) as (base, pid):
            latency, used = sequential(base, pid, "GET", "/", None)
            p50["bare"].append(latency * 1000)
            cpu["bare"].append(used * 1000)
        with started() as (base, pid):
            for route, (method, path, body) in routes.items():
                latency, used = sequential(base, pid, method, path, body)
                p50[route].append(latency * 1000)
                cpu[route].append(used * 1000)
    name = "serve: request floor, 1 keep-alive client"
    note = f"{FLOOR_REQUESTS} sequential requests a route and run; server CPU from /proc (user + system)"
    results: list[Result] = []
    for route in routes:
        results.append(Result(name, f"{route}: p50", "ms", p50[route], ("<=", 5.0), note if not results else ""))
        results.append(Result(name, f"{route}: server CPU per request", "ms", cpu[route]))
    bare_p50 = Result(name, "peer: bare ASGI app, same uvicorn settings: p50", "ms", p50["bare"])
    bare_cpu = Result(name, "peer: bare ASGI app: server CPU per request", "ms", cpu["bare"])
    memo_p50, memo_cpu = results[0], results[1]
    return [*results, bare_p50, bare_cpu,
            ratio(name, "answer from the memo / bare ASGI (p50)", memo_p50, bare_p50, None),
            ratio(name, "answer from the memo / bare ASGI (server CPU)", memo_cpu, bare_cpu, None)]


def serve_load(repeats: int = 5) -> list[Result]:
    results = request_floor(repeats)
    distinct = bodies(max(SOLVING_REQUESTS.values()))
    distinct_answers = expected(distinct)
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

    print(table(serve_load(int(sys.argv[1]) if len(sys.argv) > 1 else 5)))
