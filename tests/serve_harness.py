"""A real uvicorn server with `pathways serve`'s settings (solver/web/serving.py) on a free 127.0.0.1 port."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

# Three units, 4 to 5 credits: the smallest catalogue a server test can solve on.
TINY = """\
source: Tiny test specification
units:
  - {code: T-A, title: Unit A, level: 1, credits: 2, glh: 10}
  - {code: T-B, title: Unit B, level: 1, credits: 2, glh: 20}
  - {code: T-C, title: Unit C, level: 1, credits: 3, glh: 5}
qualifications:
  - id: tiny
    accreditation: TINY-1
    title: Tiny
    level: 1
    awarding_body: Test
    groups:
      - {id: G1, name: Group 1, units: [T-A, T-B, T-C]}
    rules:
      - {id: total, kind: sum, sum: credits, min: 4, max: 5}
"""


@contextmanager
def running(directory: Path | None = None, limits: Any = None, warm: bool = False, app: Any = None) -> Iterator[str]:
    """The explorer on `directory` (None: the bundled catalogue), or `app`, served in a thread; yields its base
    URL."""
    import uvicorn

    from solver.web.app import create_app
    from solver.web.serving import listening_socket, server_config

    sock = listening_socket("127.0.0.1", 0)
    server = uvicorn.Server(server_config(app or create_app(directory, limits, warm=warm)))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)
        sock.close()
