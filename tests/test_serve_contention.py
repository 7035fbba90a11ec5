"""The web server under contention: fair solver slots, the wall-clock ceiling's partial answer, the body read
timeout and keep-alive, each against the app or a real uvicorn server on 127.0.0.1."""

from __future__ import annotations

import asyncio
import socket
import sys
import threading
import time
from pathlib import Path

import pytest

pytest.importorskip("fastapi")

from fastapi.testclient import TestClient  # noqa: E402

from solver.web.app import create_app  # noqa: E402
from solver.web.limits import Limits  # noqa: E402
from solver.web.serving import KEEP_ALIVE_SECONDS, listening_socket, server_config  # noqa: E402
from solver.web.slots import FairSlots  # noqa: E402
from tests.serve_harness import TINY, running  # noqa: E402

CERT = "l2-cert-lts"


@pytest.fixture
def tiny_dir(tmp_path: Path) -> Path:
    (tmp_path / "tiny.yaml").write_text(TINY, encoding="utf-8")
    return tmp_path


# --- fair slots ---------------------------------------------------------------------------------------------

def test_a_freed_slot_goes_to_the_client_holding_fewest_not_the_first_in_line():
    async def scenario() -> list[str]:
        slots = FairSlots(total=4, per_client=3)
        for _ in range(3):
            await slots.enter("a")
        a_fourth = asyncio.ensure_future(slots.enter("a"))  # over a's cap: waits
        await asyncio.sleep(0)
        await slots.enter("b")  # a holds 3 of 4: b finds the fourth at once
        b_second = asyncio.ensure_future(slots.enter("b"))  # every slot busy: waits, behind a's fourth
        await asyncio.sleep(0)
        order: list[str] = []
        a_fourth.add_done_callback(lambda _: order.append("a"))
        b_second.add_done_callback(lambda _: order.append("b"))
        slots.leave("a")  # a holds 2, b holds 1: b is served first although a asked first
        await asyncio.sleep(0.01)
        slots.leave("a")
        await asyncio.sleep(0.01)
        assert slots.held() == {"a": 2, "b": 2} and slots.waiting() == 0
        return order

    assert asyncio.run(scenario()) == ["b", "a"]


def test_a_cancelled_waiter_holds_no_slot():
    async def scenario() -> dict[str, int]:
        slots = FairSlots(total=1, per_client=1)
        await slots.enter("a")
        waiting = asyncio.ensure_future(slots.enter("b"))
        await asyncio.sleep(0)
        waiting.cancel()
        await asyncio.sleep(0)
        slots.leave("a")
        await slots.enter("c")  # the cancelled waiter took nothing: c gets the slot
        return slots.held()

    assert asyncio.run(scenario()) == {"c": 1}


def test_a_waiter_whose_event_loop_has_closed_is_passed_over():
    slots = FairSlots(total=1, per_client=1)
    asyncio.run(slots.enter("a"))
    abandoned = asyncio.new_event_loop()
    abandoned.create_task(slots.enter("b"))
    abandoned.run_until_complete(asyncio.sleep(0))  # b is waiting on this loop, which then closes under it
    abandoned.close()
    slots.leave("a")  # must not raise, nor count b as holding the slot
    assert slots.held() == {} and slots.waiting() == 0
    asyncio.run(slots.enter("c"))
    assert slots.held() == {"c": 1}


def test_one_clients_heavy_requests_leave_a_slot_for_another_client(tiny_dir):
    """Six slow requests from one address hold at most max_per_client slots; another address is answered
    while they are all still running (with one shared semaphore it would wait for them)."""
    app = create_app(tiny_dir, Limits(max_concurrent=2, max_per_client=1))
    explorer, release, entered = app.state.explorer, threading.Event(), threading.Semaphore(0)
    original = explorer.check

    def slow_check(body):
        if list(body.units) == ["T-A", "T-B"]:  # the heavy client's requests wait until released
            entered.release()
            release.wait(60)
        return original(body)

    explorer.check = slow_check
    heavy = TestClient(app, client=("10.0.0.1", 1000))
    light = TestClient(app, client=("10.0.0.2", 1000))
    codes: list[int] = []
    threads = [threading.Thread(target=lambda: codes.append(heavy.post(
        "/api/check", json={"qualification": "tiny", "units": ["T-A", "T-B"]}).status_code)) for _ in range(6)]
    for t in threads:
        t.start()
    assert entered.acquire(timeout=60)  # one heavy request is solving
    answered = light.post("/api/check", json={"qualification": "tiny", "units": ["T-B", "T-C"]})
    held_while_answered = app.state.solver_slots.held()
    release.set()
    for t in threads:
        t.join(60)
    assert answered.status_code == 200 and answered.json()["valid"] is True
    assert held_while_answered == {"10.0.0.1": 1}
    assert codes == [200] * 6


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="needs 127.0.0.2 and 127.0.0.3, which only Linux "
                    "answers on loopback without configuration")
def test_on_a_real_server_clients_are_told_apart_by_address(tiny_dir):
    """Over real loopback connections from two source addresses (127.0.0.2 and 127.0.0.3), one address's six
    held requests take its one slot and the other address is answered meanwhile."""
    import httpx

    app = create_app(tiny_dir, Limits(max_concurrent=2, max_per_client=1))
    explorer, release, entered = app.state.explorer, threading.Event(), threading.Semaphore(0)
    original = explorer.check

    def slow_check(body):
        if list(body.units) == ["T-A", "T-B"]:
            entered.release()
            release.wait(60)
        return original(body)

    explorer.check = slow_check

    def client(address: str, base: str) -> httpx.Client:
        return httpx.Client(base_url=base, timeout=120, transport=httpx.HTTPTransport(local_address=address))

    with running(app=app) as base, client("127.0.0.2", base) as heavy, client("127.0.0.3", base) as light:
        codes: list[int] = []
        threads = [threading.Thread(target=lambda: codes.append(heavy.post(
            "/api/check", json={"qualification": "tiny", "units": ["T-A", "T-B"]}).status_code)) for _ in range(6)]
        for t in threads:
            t.start()
        assert entered.acquire(timeout=60)
        answered = light.post("/api/check", json={"qualification": "tiny", "units": ["T-B", "T-C"]})
        held = app.state.solver_slots.held()
        release.set()
        for t in threads:
            t.join(60)
    assert answered.status_code == 200 and answered.json()["valid"] is True
    assert held == {"127.0.0.2": 1} and codes == [200] * 6


# --- the wall-clock ceiling ---------------------------------------------------------------------------------

def test_a_request_past_the_wall_clock_ceiling_gets_the_honest_partial_answer_not_an_error():
    app = create_app(limits=Limits(wall_seconds=0.0))  # every solve starts past its ceiling
    with TestClient(app) as c:
        r = c.post("/api/recommend", json={"qualification": CERT, "achieved": ["8000-250"]})
        assert r.status_code == 200
        answer = r.json()
        assert answer["status"] in ("FEASIBLE", "UNKNOWN")  # stopped: never called OPTIMAL
        assert "wall-clock ceiling of 0 s" in answer["partial"]
        assert len(app.state.explorer.memo) == 0  # a load-dependent answer is not remembered
        explained = c.post("/api/explain", json={"qualification": CERT, "achieved": ["8000-250"]}).json()
        assert "partial" in explained


def test_within_the_ceiling_an_answer_is_whole_and_remembered():
    app = create_app(limits=Limits(wall_seconds=600.0))
    with TestClient(app) as c:
        answer = c.post("/api/recommend", json={"qualification": CERT, "achieved": ["8000-250"]}).json()
    assert answer["status"] == "OPTIMAL" and "partial" not in answer and len(app.state.explorer.memo) == 1


# --- body read timeout and keep-alive, on a real server -----------------------------------------------------

def _slow_post(base: str, path: str, head: str, body: bytes, pause: float) -> bytes:
    """POST `body` two bytes at a time, `pause` seconds apart, and read what the server answers."""
    host, port = base.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=30) as s:
        s.sendall(f"POST {path} HTTP/1.1\r\nHost: {host}\r\n{head}Content-Length: {len(body)}\r\n\r\n".encode())
        answer = b""
        try:
            for i in range(0, len(body), 2):
                s.sendall(body[i:i + 2])
                time.sleep(pause)
        except OSError:  # the server answered and closed while we were still sending
            pass
        s.settimeout(30)
        while chunk := s.recv(65536):
            answer += chunk
            head_end = answer.find(b"\r\n\r\n")
            if head_end >= 0:
                length = next(int(line.split(b":")[1]) for line in answer[:head_end].lower().split(b"\r\n")
                              if line.startswith(b"content-length:"))
                if len(answer) >= head_end + 4 + length:
                    break
        return answer


@pytest.mark.parametrize("path, head, body", [
    ("/api/check", "Content-Type: application/json\r\n",
     b'{"qualification": "tiny", "units": ["T-A", "T-B", "T-C", "T-A", "T-B", "T-C", "T-A", "T-B"]}'),
    ("/api/cohort", "Content-Type: multipart/form-data; boundary=XX\r\n",
     b'--XX\r\nContent-Disposition: form-data; name="qualification"\r\n\r\ntiny\r\n--XX\r\nContent-Disposition: '
     b'form-data; name="file"; filename="c.csv"\r\n\r\nlearner,achieved\r\nL1,T-A\r\n--XX--\r\n')])
def test_a_body_sent_at_two_bytes_a_second_is_cut_off_with_408(tiny_dir, path, head, body):
    with running(tiny_dir, Limits(body_seconds=0.5)) as base:
        answer = _slow_post(base, path, head, body, pause=0.05)
    status_line = answer.split(b"\r\n", 1)[0]
    assert status_line == b"HTTP/1.1 408 Request Timeout", answer[:300]
    assert b"the body did not arrive within 0.5 s" in answer


def test_a_body_sent_in_time_is_answered(tiny_dir):
    with running(tiny_dir, Limits(body_seconds=30.0)) as base:
        answer = _slow_post(base, "/api/check", "Content-Type: application/json\r\n",
                            b'{"qualification": "tiny", "units": ["T-B", "T-C"]}', pause=0.0)
    assert answer.startswith(b"HTTP/1.1 200"), answer[:300]


def test_the_server_keeps_pooled_connections_longer_than_clients_do():
    # httpx keeps an idle pooled connection 5 s, proxies about 60 s: the server must not close it first.
    assert KEEP_ALIVE_SECONDS > 60
    assert server_config(object()).timeout_keep_alive == KEEP_ALIVE_SECONDS


def test_connections_are_accepted_with_nagle_off():
    """Each small answer on a reused keep-alive connection waited ~40 ms for a delayed ACK while the listening
    socket said protocol 0 (asyncio then leaves TCP_NODELAY off)."""
    sock = listening_socket("127.0.0.1", 0)
    with sock, socket.create_connection(sock.getsockname()[:2]):
        accepted, _ = sock.accept()
        with accepted:
            assert sock.proto == socket.IPPROTO_TCP
            assert accepted.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) != 0
