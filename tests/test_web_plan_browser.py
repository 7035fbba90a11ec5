"""The plan view in Chromium (issue 25): the seed Certificate, registered 2021, from January 2027 at 12 GLH a month,
drawn as a timeline with each unit in its period, a load bar per period and the finish (March 2027); an infeasible
pace explained with the earliest finish; a month typed wrongly said so.

Skipped without playwright or /usr/bin/chromium, except when PATHWAYS_BROWSER=1 (CI), where that is a failure.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from browser import chromium, require_browser, serving

SEED = {"qualification": "l2-cert-lts", "registered": "2021-01-01", "start": "2027-01", "glh_per_period": 12}


@pytest.fixture(scope="module")
def site() -> Iterator[str]:
    require_browser()
    with chromium() as browser, serving(None) as url:
        context = browser.new_context(viewport={"width": 1366, "height": 900}, base_url=url, locale="en-GB")
        yield context
        context.close()


@pytest.fixture
def page(site):
    page = site.new_page()
    page.set_default_timeout(30_000)
    errors: list[str] = []
    page.on("pageerror", lambda err: errors.append(str(err)))
    yield page
    page.close()
    assert errors == []  # no JavaScript error


def fill_seed(page, finish: str = "") -> None:
    page.goto("/q/l2-cert-lts/plan")
    page.get_by_label("Registration date").fill("01/01/2021")
    page.get_by_label("Start").fill("01/2027")
    page.get_by_label("Pace: GLH per period at most").fill("12")
    page.get_by_label("Finish by").fill(finish)
    page.get_by_role("button", name="Plan", exact=True).click()


def test_the_timeline_shows_each_unit_in_its_period_and_the_finish(page):
    from playwright.sync_api import expect

    with page.expect_request("**/api/plan") as sent:
        fill_seed(page)
    assert sent.value.post_data_json | SEED == sent.value.post_data_json  # what was typed, as the API takes it
    expect(page.locator("#plan-finish")).to_contain_text("Finishes March 2027 (31/03/2027): 33 new GLH, 13 credits.")
    expect(page.locator("#plan-tiers li")).to_have_text([
        "lowest new GLH: 33 (proven best)", "fewest units: 6 (proven best)",
        "earliest finish (periods used): 3 (proven best)",
        "most balanced load (largest period, GLH): 12 (proven best)"])
    # The same plan as the API gives (the plan is deterministic): each unit's bar in the column of its period.
    answer = page.request.post("/api/plan", data=SEED).json()
    bars = page.locator("#plan-timeline rect.span").evaluate_all(
        "rs => rs.map(r => [r.dataset.unit, r.dataset.period, Number(r.getAttribute('x'))])")
    assert {unit: period for unit, period, _ in bars} == answer["placed"]
    assert len(bars) == 6
    columns = {period: x for _, period, x in bars}
    assert columns["January 2027"] < columns["February 2027"] < columns["March 2027"]
    expect(page.locator("#plan-timeline text.period-label")).to_have_text(["January 2027", "February 2027",
                                                                          "March 2027"])
    expect(page.locator("#plan-timeline text.finish-label")).to_have_text("finish: March 2027")
    # A load bar per period, with its GLH, none over the pace drawn as a line.
    loads = page.locator("#plan-loads rect.load").evaluate_all("rs => rs.map(r => r.dataset.period)")
    assert loads == ["January 2027", "February 2027", "March 2027"]
    values = [int(v) for v in page.locator("#plan-loads text.value").all_text_contents()]
    assert values == [p["glh"] for p in answer["periods"]] and max(values) <= 12 and sum(values) == 33
    expect(page.locator("#plan-loads text.cap-label")).to_have_text("at most 12 GLH")
    # The table says the same in words.
    table = page.locator("table", has=page.locator("caption", has_text="Plan by period"))
    for row in answer["periods"]:
        expect(table.locator("tr", has_text=row["period"])).to_contain_text(row["units"][0])
    text = page.locator("body").inner_text()
    assert not [leak for leak in ("None", "undefined", "NaN", "null", "[object Object]") if leak in text]


def test_an_infeasible_pace_says_the_earliest_finish(page):
    from playwright.sync_api import expect

    fill_seed(page, finish="02/2027")
    expect(page.locator("#plan-body .big")).to_contain_text("INFEASIBLE")
    expect(page.locator("#plan-why")).to_have_text(
        "with 12 GLH a month you cannot finish by February 2027; the earliest is March 2027.")
    expect(page.locator("#plan-timeline")).to_have_count(0)


def test_a_month_typed_wrongly_is_said_so(page):
    from playwright.sync_api import expect

    page.goto("/q/l2-cert-lts/plan")
    page.get_by_label("Start").fill("13/2027")
    page.get_by_role("button", name="Plan", exact=True).click()
    expect(page.locator("#plan-body .error")).to_contain_text(
        'Start: expected a month as mm/yyyy (for example 01/2027) or a day as dd/mm/yyyy, got "13/2027"')
