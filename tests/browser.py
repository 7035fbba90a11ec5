"""The browser tests' shared harness: Debian's Chromium driven by Playwright against a real uvicorn server.

The tests skip (saying why) without playwright or Chromium, except when PATHWAYS_BROWSER=1 (CI), where that
is a failure.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = os.environ.get("PATHWAYS_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def missing(*modules: str) -> str | None:
    """Why the browser tests cannot run here (a module or Chromium missing), or None."""
    import importlib

    for name in ("playwright.sync_api", "uvicorn", "solver.web.app", *modules):
        try:
            importlib.import_module(name)
        except ImportError as err:
            return f"{err.name} is not installed (pip install '.[test]')"
    if not Path(CHROMIUM).exists():
        return f"no Chromium at {CHROMIUM} (apt-get install chromium)"
    return None


def require_browser(*modules: str) -> None:
    """Skip the test (fail it under PATHWAYS_BROWSER=1) when the browser tests cannot run."""
    reason = missing(*modules)
    if reason:
        if os.environ.get("PATHWAYS_BROWSER") == "1":
            pytest.fail(f"PATHWAYS_BROWSER=1 but the browser tests cannot run: {reason}")
        pytest.skip(reason)


@contextmanager
def serving(directory: Path | None = None, **options: Any) -> Iterator[str]:
    """A real server (with `pathways serve`'s settings) for a catalogue (None: the bundled one) on a free localhost
    port, in a thread; yields its base URL."""
    from serve_harness import running

    from solver.web.app import create_app

    with running(app=create_app(directory, **options)) as url:
        yield url


@contextmanager
def chromium() -> Iterator[Any]:
    """A headless Chromium, closed afterwards."""
    from playwright.sync_api import expect, sync_playwright

    # Assertions wait up to 15 s (Playwright's default is 5): CI shares 2 cores with the server under test.
    expect.set_options(timeout=15_000)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()
