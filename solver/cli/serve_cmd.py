"""`pathways serve`: the web explorer and HTTP API under uvicorn, on 127.0.0.1 unless told otherwise."""

from __future__ import annotations

import os
import socket
from typing import Annotated

import typer

from solver.cli.app import app
from solver.cli.common import CatalogueOption


@app.command("serve")
def serve_command(catalogue: CatalogueOption = None,
                  host: Annotated[str, typer.Option("--host", help="Address to listen on; 0.0.0.0 exposes the "
                                                    "server to the network.")] = "127.0.0.1",
                  port: Annotated[int, typer.Option("--port", min=0, max=65535, help="Port (0: any free one).")] = 8000,
                  writable: Annotated[bool, typer.Option("--writable", help="Let the Import page save reviewed "
                                                         "drafts into the --catalogue directory (off: download "
                                                         "only).")] = False,
                  ) -> None:
    """Start the web explorer (pages and JSON API, OpenAPI docs at /docs; the Import page reviews a specification's
    draft); Ctrl-C stops it."""
    try:
        import uvicorn

        from solver.web.app import create_app
        from solver.web.serving import listening_socket, server_config
    except ImportError as err:
        typer.echo(f"error: the web explorer needs its extra: pip install \"pathways[web]\" ({err.name} is missing)",
                   err=True)
        raise typer.Exit(2) from None
    if writable and (catalogue is None or not catalogue.is_dir()):
        typer.echo("error: --writable saves drafts into the catalogue directory: give it as --catalogue DIR",
                   err=True)
        raise typer.Exit(2)
    if writable and catalogue is not None and not os.access(catalogue, os.W_OK):
        typer.echo(f"error: --writable: the catalogue directory {str(catalogue)!r} cannot be written", err=True)
        raise typer.Exit(2)
    # A bad catalogue stops here, located, before anything listens.
    application = create_app(catalogue, warm=True, writable=writable)
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    try:
        sock = listening_socket(host, port)
    except OSError as err:
        typer.echo(f"error: cannot listen on {host}:{port}: {err.strerror}", err=True)
        raise typer.Exit(2) from None
    bound_host, bound_port = sock.getsockname()[:2]
    shown = f"[{bound_host}]" if family == socket.AF_INET6 else bound_host
    typer.echo(f"Pathways web explorer on http://{shown}:{bound_port}/  (API docs at /docs; Ctrl-C to stop)")
    server = uvicorn.Server(server_config(application))
    try:
        server.run(sockets=[sock])  # uvicorn shuts down gracefully on Ctrl-C, then re-raises it: exit 130
    finally:
        sock.close()
