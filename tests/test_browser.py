"""The web pages in a real headless Chromium: no errors, no sideways scrolling, accessible.

Needs Debian's chromium (/usr/bin/chromium); .ci/run installs it. Without it these tests
are skipped and say why.
"""

import pytest

from conftest import needs_chromium

pytestmark = needs_chromium


def pages(project):
    build = project.root / "build"
    return [build / "index.html", *sorted(build.glob("*/*.html"))]


@pytest.mark.parametrize("width", [360, 1280])
def test_pages_load_cleanly_and_fit_the_screen(built, browser, width):
    page = browser.new_page(viewport={"width": width, "height": 900})
    problems = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("requestfailed", lambda request: problems.append(request.url))
    for path in pages(built):
        page.goto(path.as_uri())
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, (path.name, width, overflow)
    assert problems == []


def test_pages_have_no_serious_accessibility_violations(built, browser):
    from axe_playwright_python.sync_playwright import Axe

    page = browser.new_page()
    for path in pages(built):
        page.goto(path.as_uri())
        violations = [(v["id"], v["impact"]) for v in Axe().run(page).response["violations"]
                      if v["impact"] in ("serious", "critical")]
        assert violations == [], path.name


def test_the_catalogue_filters_by_kind_and_language_without_a_server(built, browser):
    page = browser.new_page()
    page.goto((built.root / "build" / "index.html").as_uri())
    page.select_option("select[name=kind]", "statement")
    assert page.locator(".entry:visible").count() == 1
    page.select_option("select[name=kind]", "")
    page.select_option("select[name=lang]", "kk")
    assert page.locator(".entry:visible h2").all_inner_texts() == ["Justice Delayed at the Harbour"]


def test_the_skip_link_and_language_switcher_work(built, browser):
    page = browser.new_page()
    page.goto((built.root / "build/test-statement/test-statement.en.html").as_uri())
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    page.click("a[hreflang=ru]")
    assert page.url.endswith("test-statement.ru.html")
    assert page.evaluate("document.documentElement.lang") == "ru"
