"""The real pages in Chromium (Playwright) against a real uvicorn server: builder, learner, explore, what-if.

Skipped without playwright or /usr/bin/chromium, except when PATHWAYS_BROWSER=1 (CI), where that is a failure.
`python tests/test_web_browser.py docs/pathway-builder.png` remakes the README's screenshot from the real page.
"""

from __future__ import annotations

import io
import re
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from browser import chromium, require_browser, serving

CERT_TITLE = "Level 2 Certificate in Leadership and Team Skills"


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    require_browser()
    with serving() as url:
        yield url


@pytest.fixture(scope="module")
def browser(server):
    with chromium() as launched:
        yield launched


@pytest.fixture
def page(browser, server):
    context = browser.new_context(viewport={"width": 1366, "height": 768}, base_url=server)
    page = context.new_page()
    page.set_default_timeout(15_000)
    errors: list[str] = []
    page.on("pageerror", lambda err: errors.append(str(err)))
    yield page
    context.close()
    assert errors == []  # no JavaScript error on any page


def rule(page, rule_id: str):
    return page.locator(f'#rules li[data-rule="{rule_id}"]')


def test_builder_ticks_units_until_the_failing_rule_holds_then_completes(page, tmp_path):
    from playwright.sync_api import expect

    page.goto("/")
    page.get_by_label("Search qualifications").fill("certificate team")
    expect(page.locator("#search-count")).to_have_text("1 qualification")
    page.get_by_role("link", name=CERT_TITLE).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(CERT_TITLE)
    page.get_by_role("link", name="Pathway builder").click()

    total = rule(page, "total-credits")
    expect(total).to_have_class("fails")
    # Group 1 units in catalogue order, ticked from the keyboard: focus, then Space.
    boxes = page.locator('fieldset.group').first.locator('input[type="checkbox"]')
    ticked = 0
    for i in range(boxes.count()):
        box = boxes.nth(i)
        box.focus()
        page.keyboard.press("Space")
        ticked += 1
        expect(box).to_be_checked()
        expect(page.locator("#total-credits")).not_to_have_text(re.compile(r"^0$"))
        page.wait_for_function("() => { const c = [...document.querySelectorAll('input[name=unit]:checked')]"
                               ".reduce((s, b) => s + Number(b.dataset.credits), 0);"
                               " return document.getElementById('total-credits').textContent === String(c); }")
        if "holds" in (total.get_attribute("class") or ""):
            break
    expect(total).to_have_class("holds")
    assert int(page.locator("#total-credits").text_content()) >= 13 and ticked > 1
    expect(page.locator("#verdict")).to_have_text("Valid pathway: every rule holds.")

    # Two units, then "complete this pathway": the lowest-new-GLH completion keeping both.
    page.get_by_role("button", name="Clear").click()
    expect(total).to_have_class("fails")
    page.get_by_label(re.compile("^8000-360 ")).check()
    page.get_by_label(re.compile("^8000-250 ")).check()
    expect(page.locator("#total-credits")).to_have_text("5")
    page.get_by_role("button", name="Complete this pathway").click()
    expect(page.locator("#complete-message")).to_contain_text("Added")
    expect(page.locator("#verdict")).to_have_text("Valid pathway: every rule holds.")
    expect(page.get_by_label(re.compile("^8000-360 "))).to_be_checked()
    expect(page.get_by_label(re.compile("^8000-250 "))).to_be_checked()
    assert int(page.locator("#total-credits").text_content()) >= 13
    page.screenshot(path=str(tmp_path / "builder.png"))


def test_builder_offers_the_nearest_valid_pathway_and_applies_it(page):
    from playwright.sync_api import expect

    page.goto("/q/l2-cert-lts/builder")
    page.get_by_label("Registration date").fill("2021-01-01")
    page.get_by_label(re.compile("^8000-250 ")).check()
    page.get_by_label(re.compile("^8000-339 ")).check()
    expect(page.locator("#repair-sentence")).to_contain_text("Nearest valid pathway: add ")
    expect(page.locator("#repair-sentence")).to_contain_text("remove 8000-339")
    page.get_by_role("button", name="Apply this change").click()
    expect(page.locator("#verdict")).to_have_text("Valid pathway: every rule holds.")
    expect(page.get_by_label(re.compile("^8000-339 "))).not_to_be_checked()
    expect(page.get_by_label(re.compile("^8000-250 "))).to_be_checked()
    expect(page.locator("#repair")).to_be_hidden()


def test_learner_registered_in_2021_with_three_units_needs_18_new_glh(page):
    from playwright.sync_api import expect

    page.goto("/q/l2-cert-lts/learner")
    page.get_by_label("Registration date").fill("2021-01-01")
    page.get_by_label("Achieved units").fill("8000-250, 8000-252, 8000-308")
    page.get_by_role("button", name="Recommend", exact=True).click()
    result = page.locator("#result-body")
    expect(result).to_contain_text("18 new GLH")
    expect(result.locator(".status")).to_have_text("OPTIMAL")
    table = result.locator("table").first
    expect(table.locator("tbody tr", has_text="8000-250")).to_contain_text("already achieved")
    expect(result.get_by_role("heading", name=re.compile("^Alternative 1"))).to_be_visible()
    expect(result.get_by_role("heading", name=re.compile("^Alternative 2"))).to_be_visible()

    # A typed script is shown as text in the error, never run or inserted as markup.
    page.get_by_label("Achieved units").fill("<script>window.hacked=1</script>")
    page.get_by_role("button", name="Recommend", exact=True).click()
    expect(result.locator(".error")).to_contain_text("<script>window.hacked=1</script>")
    assert result.locator("script").count() == 0 and page.evaluate("window.hacked") is None

    # Impossible: a budget below the lowest GLH of 33 is explained, with the number that would do.
    page.get_by_label("Achieved units").fill("")
    page.get_by_label("Registration date").fill("")
    page.get_by_label("GLH budget").fill("20")
    page.get_by_role("button", name="Recommend", exact=True).click()
    expect(result.locator(".status")).to_have_text("INFEASIBLE")
    expect(result.locator(".explanation")).to_contain_text("The lowest new GLH that meets every other "
                                                           "requirement is 33")


def test_a_cohort_file_gets_one_recommendation_per_row(page):
    from playwright.sync_api import expect

    page.goto("/q/l2-cert-lts/learner")
    csv = "learner,registered,achieved,max_glh\nBen,2021-01-01,8000-250 8000-252 8000-308,\nDev,2022-01-10,,20\n"
    page.get_by_label("Cohort CSV file").set_input_files(
        files=[{"name": "cohort.csv", "mimeType": "text/csv", "buffer": csv.encode()}])
    page.get_by_role("button", name="Recommend for the cohort").click()
    rows = page.locator("#cohort-result tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text("OPTIMAL")
    expect(rows.nth(0).locator("td").nth(5)).to_have_text("18")  # new GLH, as for one learner
    expect(rows.nth(1)).to_contain_text("INFEASIBLE")
    expect(page.get_by_role("link", name="Download recommendations.csv")).to_be_visible()


def test_every_control_has_a_name(page):
    for path in ("/", "/q/l2-cert-lts/builder", "/q/l2-cert-lts/learner", "/q/l2-cert-lts/explore",
                 "/q/l2-cert-lts/whatif"):
        page.goto(path)
        unnamed = page.evaluate("""() => [...document.querySelectorAll('input, select, button, a')]
            .filter((e) => !(e.labels && e.labels.length) && !e.getAttribute('aria-label') && !e.textContent.trim())
            .map((e) => e.outerHTML)""")
        assert unnamed == [], path


def test_explore_shows_the_count_and_its_charts(page):
    from playwright.sync_api import expect

    page.goto("/q/l2-cert-lts/explore")
    page.get_by_role("button", name="Count pathways").click()
    expect(page.locator("#count-result")).to_contain_text("1,141,305,047,728 valid pathways (exact)")
    chart = page.locator("#chart-glh svg")
    expect(chart).to_be_visible()
    assert chart.locator("rect.bar").count() > 50
    expect(page.locator("#chart-credits svg")).to_have_attribute("aria-label", re.compile("credits from 13 to 36"))
    expect(page.locator("#routes tbody tr")).to_have_count(5)
    expect(page.locator("#routes tbody tr").first).to_contain_text("33")
    expect(page.locator("#shares tbody tr")).to_have_count(48)
    page.get_by_role("button", name="Run the audit").click()
    expect(page.locator("#audit .findings li").first).to_be_visible()


def test_whatif_changes_a_bound_and_compares(page):
    from playwright.sync_api import expect

    page.goto("/q/l2-cert-lts/whatif")
    page.get_by_label("Change").select_option("set-bound")
    page.get_by_label("Rule", exact=True).select_option("total-credits")
    expect(page.get_by_label("Minimum")).to_have_value("13")  # the rule's own bounds to start from
    page.get_by_label("Rule", exact=True).select_option("group-2-cap")
    expect(page.get_by_label("Maximum")).to_have_value("6")
    page.get_by_label("Maximum").fill("8")
    page.get_by_role("button", name="Compare before and after").click()
    rows = page.locator("#whatif-result tbody tr")
    expect(rows.first).to_contain_text("1,141,305,047,728")
    expect(rows.first).to_contain_text("changed")
    before, after = (int(rows.first.locator("td").nth(i).text_content().replace(",", "")) for i in (1, 2))
    assert after > before  # a looser Group 2 cap only adds pathways

    page.get_by_label("Change").select_option("withdraw-unit")
    page.get_by_label("Unit (code)").fill("8000-999")
    page.get_by_role("button", name="Compare before and after").click()
    expect(page.locator("#whatif-result .error")).to_contain_text("edits[0]")


def test_the_api_documentation_renders_without_a_cdn(page):
    from playwright.sync_api import expect

    page.goto("/docs")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Pathways")
    expect(page.locator(".opblock-summary-path", has_text="/api/recommend")).to_be_visible()


def builder_screenshot(url: str, out: Path) -> None:
    """The pathway builder with a few units ticked, as the README shows it."""
    from playwright.sync_api import expect

    with chromium() as launched:
        page = launched.new_page(viewport={"width": 1280, "height": 720}, locale="en-GB")
        page.goto(url + "/q/l2-cert-lts/builder")
        for code in ("8000-250", "8000-252", "8000-360", "8000-300"):
            page.get_by_label(re.compile(f"^{code} ")).check()
        expect(page.locator("#total-credits")).to_have_text("9")
        page.evaluate("window.scrollTo(0, 0)")
        image = page.screenshot()
    from PIL import Image  # (pillow comes with matplotlib) 64 colours keep the PNG small and the text sharp

    Image.open(io.BytesIO(image)).quantize(64).save(out, optimize=True)


if __name__ == "__main__":
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "docs/pathway-builder.png")
    with serving() as address:
        builder_screenshot(address, target)
    print(f"wrote {target}")
