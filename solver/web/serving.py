"""uvicorn's settings for the explorer, in one place for `pathways serve`, the load tests and the benchmark."""

from __future__ import annotations

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
