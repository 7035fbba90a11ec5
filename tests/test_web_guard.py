"""The request guard (solver/web/app.py, RequestGuard): a body over its cap refused before it is read, nosniff on
every answer, the page policy on pages only (not the API, not /docs)."""

from __future__ import annotations

import pytest

pytest.importorskip("fastapi", reason="the web extra is not installed (pip install '.[web]')")

from fastapi.testclient import TestClient  # noqa: E402

from solver.web.app import create_app  # noqa: E402
from solver.web.limits import Limits  # noqa: E402
from tests.serve_harness import TINY  # noqa: E402


@pytest.fixture
def client(tmp_path):
    (tmp_path / "tiny.yaml").write_text(TINY, encoding="utf-8")
    with TestClient(create_app(tmp_path, Limits(max_body_bytes=2_000))) as c:
        yield c


def test_every_answer_says_nosniff_and_only_pages_carry_the_page_policy(client) -> None:
    api = client.get("/api/qualifications")
    page = client.get("/")
    docs = client.get("/docs")
    assert api.status_code == page.status_code == docs.status_code == 200
    assert {r.headers["x-content-type-options"] for r in (api, page, docs)} == {"nosniff"}
    assert "script-src 'self'" in page.headers["content-security-policy"]
    assert "content-security-policy" not in api.headers
    assert "content-security-policy" not in docs.headers  # Swagger UI runs inline script


def test_a_body_over_the_cap_is_refused_located_and_says_nosniff(client) -> None:
    response = client.post("/api/check", content=b"{" + b" " * 3_000 + b"}",
                           headers={"content-type": "application/json"})
    assert response.status_code == 413
    assert response.headers["x-content-type-options"] == "nosniff"
    body = response.json()
    assert body["error"] == "too large" and body["problems"][0]["path"] == "body"
    assert "2,000 bytes" in body["message"]

