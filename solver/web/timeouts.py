"""A body read timeout: a request's body must arrive whole within `Limits.body_seconds`, or the request is
answered 408, so a client sending its body at 2 bytes/s cannot hold a connection and a request forever."""

from __future__ import annotations

import asyncio
import time

from starlette.exceptions import HTTPException
from starlette.responses import JSONResponse
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
        whole = timed_out = started = False

        async def timed_receive() -> Message:
            nonlocal whole, timed_out
            if whole:  # after the body, a receive waits for the client's disconnect: no deadline
                return await receive()
            try:
                message = await asyncio.wait_for(receive(), max(0.0, deadline - time.monotonic()))
            except TimeoutError:
                timed_out = True
                raise BodyTooSlow(self.seconds) from None
            if message["type"] != "http.request" or not message.get("more_body", False):
                whole = True
            return message

        async def watched_send(message: Message) -> None:
            nonlocal started
            if timed_out and not started:
                return  # what the app says of a body cut short (a form parser's 400) gives way to the 408
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, timed_receive, watched_send)
        except BaseException:
            # Raised where the body is read, it may come up bare or in a task group's ExceptionGroup (the
            # body-size middleware reads on a task): either way the client is told below, unless it already was.
            if not timed_out or started:
                raise
        if timed_out and not started:
            message = f"request timeout: the body did not arrive within {self.seconds:g} s"
            await JSONResponse({"error": "request timeout", "message": message, "problems": []},
                               status_code=408, headers={"Connection": "close"})(scope, receive, send)
