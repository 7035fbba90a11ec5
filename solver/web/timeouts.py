"""A body read timeout: a request's body must arrive whole within `Limits.body_seconds`, or the request is
answered 408, so a client sending its body at 2 bytes/s cannot hold a connection and a request forever."""

from __future__ import annotations

import asyncio
import time
from typing import Any

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send


class BodyTooSlow(HTTPException):
    """An HTTPException, so FastAPI's body parsing (a form upload) passes it through as it is: a 408."""

    def __init__(self, seconds: float):
        super().__init__(408, f"request timeout: the body did not arrive within {seconds:g} s")


class BodyDeadline:
    """ASGI middleware: reading the request body stops at a deadline counted from the request's start."""

    def __init__(self, app: ASGIApp, seconds: float):
        self.app, self.seconds = app, seconds

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        deadline = time.monotonic() + self.seconds
        state: dict[str, Any] = {"whole": False}

        async def timed_receive() -> Message:
            if state["whole"]:  # after the body, a receive waits for the client's disconnect: no deadline
                return await receive()
            try:
                message = await asyncio.wait_for(receive(), max(0.0, deadline - time.monotonic()))
            except TimeoutError:
                raise BodyTooSlow(self.seconds) from None
            if message["type"] != "http.request" or not message.get("more_body", False):
                state["whole"] = True
            return message

        await self.app(scope, timed_receive, send)
