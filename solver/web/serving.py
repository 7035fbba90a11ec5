"""uvicorn's settings for the explorer, in one place for `pathways serve`, the load tests and the benchmark."""

from __future__ import annotations

import socket
from typing import Any

import uvicorn

# A pooled keep-alive connection is closed by whichever side times out first; if the server does, a client
# reusing the connection at that moment sees it dropped under its request. Clients' pools keep idle connections
# for about 5 s (httpx) to 60 s (proxies), so the server keeps them longer than any of those.
KEEP_ALIVE_SECONDS = 75
BACKLOG = 2048  # connections waiting to be accepted: 64 clients arriving at once are all taken


def server_config(app: Any, **overrides: Any) -> uvicorn.Config:
    """uvicorn's Config for `app`: long keep-alive, a deep accept queue, no access log, warnings only."""
    options: dict[str, Any] = {"log_level": "warning", "access_log": False, "timeout_keep_alive": KEEP_ALIVE_SECONDS,
                               "backlog": BACKLOG}
    return uvicorn.Config(app, **(options | overrides))


def listening_socket(host: str, port: int) -> socket.socket:
    """A TCP socket bound to `host`:`port` (0: any free port) and listening; OSError if it cannot bind.

    Made with IPPROTO_TCP named: asyncio sets TCP_NODELAY on a connection only when its socket says TCP (0 does
    not), and without it every small answer on a reused keep-alive connection waited ~40 ms for the client's
    delayed ACK (measured: 48 ms a request before, 3 ms after). TCP_NODELAY is set on the listener too, which
    Linux passes on to the connections it accepts.
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.bind((host, port))
        sock.listen(BACKLOG)  # listening before the address is printed: a client may connect at once
    except OSError:
        sock.close()
        raise
    return sock
