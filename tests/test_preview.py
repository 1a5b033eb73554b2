"""`briefs preview` as an editor uses it, in a real headless Chromium: pages that change as
files are saved, mistakes shown where they are made, the same bytes as the workflow's, a
server that answers only its own address, and nothing left running once it is stopped.

Needs Debian's chromium (/usr/bin/chromium); .ci/run installs it. Without it these tests
are skipped and say why.
"""

import http.client
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time

import psutil
import pytest

from conftest import REPO, make_project, needs_chromium

playwright = pytest.importorskip("playwright.sync_api")
pytestmark = needs_chromium
EDITIONS = [("test-column", "en"), ("test-column", "kk"), ("test-report", "en"),
            ("test-statement", "en"), ("test-statement", "ru"), ("test-update", "en")]
WAIT = 60  # seconds: a build of the whole fixture on a busy machine stays well below
expect = playwright.expect


class Preview:
    """A `briefs preview` process of a test, and what it printed."""

    def __init__(self, project, *arguments, env=None):
        self.project = project
        self.process = subprocess.Popen(
            [sys.executable, "-P", "-m", "briefs", "preview", "--port", "0", *arguments],
            cwd=project.root, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT, text=True, env=env)
        self.lines = []
        threading.Thread(target=self._read, daemon=True).start()
        entrance = self.wait_for(lambda: next(
            (found for line in self.lines if (found := re.search(
                r"(http://\S+/)\?key=(\S+)", line))), None), "the address")
        self.address, self.key = entrance.groups()
        self.port = int(self.address.rsplit(":", 1)[1].rstrip("/"))

    def _read(self):
        for line in self.process.stdout:
            self.lines.append(line)

    @property
    def output(self):
        return "".join(self.lines)

    def wait_for(self, found, what, timeout=WAIT):
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if (value := found()) is not None and value is not False:
                return value
            assert self.process.poll() is None, f"the preview ended:\n{self.output}"
            time.sleep(0.05)
        raise AssertionError(f"waited {timeout} s for {what}; the preview said:\n{self.output}")

    def get(self, path, host=None, cookie=None):
        """The answer to a request with the cookie that opening the preview left, or another."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        connection.request("GET", path, headers={
            "Host": host or f"127.0.0.1:{self.port}",
            "Cookie": f"briefs-preview-{self.port}={self.key}" if cookie is None else cookie})
        response = connection.getresponse()
        return response.status, response.read()

    def open(self, page, path=""):
        """Open a page of the preview in the browser, as an editor does the first time."""
        page.goto(f"{self.address}{path}?key={self.key}")

    def status(self, brief_id, lang):
        return json.loads(self.get(f"/status/{brief_id}/{lang}.json")[1])

    def settled(self):
        """Every edition's status once none is being built."""
        def idle():
            statuses = {key: self.status(*key) for key in EDITIONS}
            return statuses if all(s["state"] != "building" and not s["updating"]
                                   for s in statuses.values()) else None
        return self.wait_for(idle, "every edition built")

    def processes(self):
        """The preview and every process it started, still running."""
        return [self.process.pid, *(child.pid for child in
                                    psutil.Process(self.process.pid).children(recursive=True))]

    def stop(self, number):
        self.process.send_signal(number)
        try:
            return self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()  # ours, by its PID
            self.process.wait()
            raise AssertionError(f"the preview did not stop in 30 s; it said:\n"
                                 f"{self.output}") from None


def still_running(pids):
    alive = []
    for pid in pids:
        try:
            if psutil.Process(pid).status() != psutil.STATUS_ZOMBIE:
                alive.append(pid)
        except psutil.NoSuchProcess:
            pass
    return alive


def append(path, text):
    original = path.read_text(encoding="utf-8")
    path.write_text(original + text, encoding="utf-8")
    return original


@pytest.fixture(scope="module")
def preview(tmp_path_factory):
    running = Preview(make_project(tmp_path_factory.mktemp("preview")))
    yield running
    if running.process.poll() is None:
        running.stop(signal.SIGTERM)


@pytest.fixture
def page(browser, preview):
    """A browser tab whose script errors and refused loads fail the test."""
    tab = browser.new_page(viewport={"width": 1280, "height": 900})
    problems = []
    tab.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    tab.on("pageerror", lambda error: problems.append(str(error)))
    yield tab
    tab.close()
    assert problems == []


def web_page(page):
    return page.frame_locator("iframe.web-page:not(.loading)")


def open_edition(page, preview, brief_id="test-statement", lang="en"):
    preview.open(page, f"preview/{brief_id}/{lang}")
    expect(page.locator(".panes")).not_to_have_class(re.compile("stale"), timeout=WAIT * 1000)


FRAME_SCROLL = "document.querySelector('iframe.web-page:not(.loading)').contentWindow.scrollY"


def test_a_saved_sentence_appears_in_the_web_page_and_the_pdf_without_a_reload(page, preview):
    page.set_viewport_size({"width": 1280, "height": 500})  # so that the web page scrolls
    open_edition(page, preview)
    expect(web_page(page).locator("h1")).to_have_text("Free the Lighthouse Keeper")
    page.evaluate("window.notReloaded = true")
    page.evaluate(FRAME_SCROLL.replace(".scrollY", ".scrollTo(0, 120)"))
    picture = page.locator("#sheets img").first.get_attribute("src")
    body = preview.project.brief_dir("test-statement") / "body.en.md"
    original = append(body, "\nA sentence saved a moment ago.\n")
    try:
        expect(web_page(page).locator("main")).to_contain_text("A sentence saved a moment ago.",
                                                               timeout=WAIT * 1000)
        expect(page.locator("#sheets img").first).not_to_have_attribute("src", picture)
        assert page.evaluate("window.notReloaded") is True
        assert page.evaluate(FRAME_SCROLL) == 120
        version = preview.status("test-statement", "en")["version"]
        _, pdf = preview.get(f"/web/test-statement/test-statement.en.pdf?v={version}")
        assert "A sentence saved a moment ago." in pdf_text(pdf)
        assert page.locator("#summary").inner_text().startswith("1 page")
    finally:
        body.write_text(original, encoding="utf-8")
    expect(web_page(page).locator("main")).not_to_contain_text("saved a moment ago",
                                                               timeout=WAIT * 1000)


def pdf_text(data):
    import io

    from pypdf import PdfReader

    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_a_mistake_in_a_section_shows_as_briefs_check_says_it_then_goes(page, preview,
                                                                       tmp_path):
    open_edition(page, preview)
    body = preview.project.brief_dir("test-statement") / "body.en.md"
    original = append(body, "\nThe {{ prisoner }} waits.\n")
    try:
        problems = page.locator("#problems")
        expect(problems).to_be_visible(timeout=WAIT * 1000)
        expect(page.locator(".panes")).to_have_class(re.compile("stale"))
        # in a copy, as the check writes its cache into the project it checks
        shutil.copytree(preview.project.root, tmp_path / "copy",
                        ignore=shutil.ignore_patterns(".cache"))
        check = subprocess.run([sys.executable, "-m", "briefs", "check"], cwd=tmp_path / "copy",
                               capture_output=True, text=True)
        assert check.returncode == 1 and "'prisoner' is undefined" in check.stderr
        assert problems.locator("pre").inner_text() == check.stderr.strip()
        preview.wait_for(lambda: check.stderr.strip() in preview.output, "the terminal's message")
    finally:
        body.write_text(original, encoding="utf-8")
    expect(problems).to_be_hidden(timeout=WAIT * 1000)
    expect(web_page(page).locator("h1")).to_have_text("Free the Lighthouse Keeper")


def test_a_broken_template_shows_the_template_then_the_page_returns(page, preview):
    open_edition(page, preview)
    template = preview.project.templates / "statement.html"
    original = append(template, "{% if %}\n")
    try:
        problems = page.locator("#problems")
        expect(problems).to_be_visible(timeout=WAIT * 1000)
        expect(problems).to_contain_text("templates/statement.html")
        expect(problems).to_contain_text("TemplateSyntaxError")
        preview.wait_for(lambda: "templates/statement.html" in preview.output, "the terminal")
    finally:
        template.write_text(original, encoding="utf-8")
    expect(problems).to_be_hidden(timeout=WAIT * 1000)
    expect(web_page(page).locator("h1")).to_have_text("Free the Lighthouse Keeper")


def test_an_edited_case_record_rebuilds_only_the_editions_that_show_that_person(page, preview):
    preview.open(page, "preview/test-report/en")
    expect(web_page(page).locator("main")).to_contain_text("Keeper Two", timeout=WAIT * 1000)
    before = {key: status["builds"] for key, status in preview.settled().items()}
    record = preview.project.content / "cases" / "keeper-two.yaml"
    original = record.read_text(encoding="utf-8")
    record.write_text(original.replace("name: {en: Keeper Two}", "name: {en: Keeper Deux}"),
                      encoding="utf-8")
    try:
        expect(web_page(page).locator("main")).to_contain_text("Keeper Deux", timeout=WAIT * 1000)
        after = {key: status["builds"] for key, status in preview.settled().items()}
        rebuilt = {key for key in EDITIONS if after[key] != before[key]}
        assert rebuilt == {("test-report", "en"), ("test-column", "kk"), ("test-update", "en")}
    finally:
        record.write_text(original, encoding="utf-8")
    expect(web_page(page).locator("main")).not_to_contain_text("Keeper Deux", timeout=WAIT * 1000)


def test_a_replaced_picture_that_only_a_section_shows_rebuilds_its_edition(preview):
    pictures = preview.project.content / "images"
    shutil.copy(pictures / "alpha.svg", pictures / "court.svg")
    section = preview.project.brief_dir("test-statement") / "body.en.md"

    def web_page():
        return preview.get("/web/test-statement/test-statement.en.html")[1]

    before = web_page()
    original = append(section, "\n![The court](../../images/court.svg)\n")
    try:
        shown = preview.wait_for(lambda: web_page() != before and web_page(), "the picture")
        builds = preview.settled()[("test-statement", "en")]["builds"]
        svg = (pictures / "court.svg").read_text()
        (pictures / "court.svg").write_text(svg.replace("</svg>", '<rect width="3" '
                                                        'height="3"/></svg>'))
        preview.wait_for(lambda: preview.settled()[("test-statement", "en")]["builds"]
                         > builds, "the edition built again")
        assert web_page() != shown
    finally:
        section.write_text(original, encoding="utf-8")
        preview.wait_for(lambda: web_page() == before, "the page as it was")
        (pictures / "court.svg").unlink()


def test_an_edition_behind_its_source_shows_the_changed_blocks(preview):
    from briefs.cli import main

    project = preview.project
    record = project.brief_dir("test-statement") / "translations.json"
    calls = project.brief_dir("test-statement") / "calls.en.md"
    original = calls.read_text(encoding="utf-8")
    assert main(["--root", str(project.root), "translations", "confirm", "test-statement",
                 "--lang", "ru", "--date", "2023-04-20"]) == 0
    try:
        calls.write_text(original.replace("We call on", "We urgently call on"),
                         encoding="utf-8")
        summary = preview.wait_for(lambda: "urgently" in (
            text := preview.status("test-statement", "ru")["summary"]) and text,
            "the changed block beside the Russian edition")
        assert "Translation behind its source" in summary
        assert "# We {+urgently+} call on the authorities to" in summary
        assert "Translation behind" not in preview.status("test-statement", "en")["summary"]
    finally:
        calls.write_text(original, encoding="utf-8")
        record.unlink()
        # the confirming command's own scratch folder, which is not the preview's
        shutil.rmtree(project.root / ".cache" / "scratch", ignore_errors=True)
    preview.wait_for(lambda: "Translation behind" not in preview.status(
        "test-statement", "ru")["summary"], "the Russian edition as it was")


def test_the_catalogue_links_every_edition_with_its_pages(page, preview):
    preview.settled()  # so that the pages below are as the server wrote them
    preview.open(page)
    for brief_id, lang in EDITIONS:
        expect(page.locator(f"a[href='/preview/{brief_id}/{lang}']")).to_have_count(1)
    expect(page.locator("#catalogue")).to_contain_text("Free the Lighthouse Keeper")
    assert serious_violations(page) == []
    page.click("a[href='/preview/test-report/en']")
    expect(page.locator("#summary")).to_contain_text("5 pages")
    expect(page.locator("#sheets img")).to_have_count(5)
    expect(page.locator("#title")).to_have_text("Persecution of Lighthouse Keepers")
    assert serious_violations(page) == []


def test_a_link_to_another_edition_opens_its_preview(page, preview):
    open_edition(page, preview)
    web_page(page).locator("a[hreflang=ru]").click()  # the web page's own language switcher
    page.wait_for_url(f"{preview.address}preview/test-statement/ru")
    expect(web_page(page).locator("h1")).to_have_text("Освободите смотрителя маяка")


def serious_violations(page):
    from axe_playwright_python.sync_playwright import Axe

    return [(v["id"], v["impact"]) for v in Axe().run(page).response["violations"]
            if v["impact"] in ("serious", "critical")]


def test_a_statement_over_its_page_budget_is_marked(page, preview):
    open_edition(page, preview)
    body = preview.project.brief_dir("test-statement") / "body.en.md"
    original = append(body, "\n\n" + "A sentence that goes on and on. " * 400 + "\n")
    try:
        mark = page.locator("#summary .mark")
        expect(mark).to_have_text("over the budget of 1 page for a statement", timeout=WAIT * 1000)
        pages = preview.status("test-statement", "en")["sheets"]
        assert len(pages) > 1
        expect(page.locator("#sheets img")).to_have_count(len(pages))
        expect(page.locator("#summary .warnings")).to_contain_text("shorten its sections")
    finally:
        body.write_text(original, encoding="utf-8")
    expect(page.locator("#summary .mark")).to_have_count(0, timeout=WAIT * 1000)


def test_its_pages_are_byte_for_byte_what_the_workflow_builds(preview, built):
    statuses = preview.settled()
    for (brief_id, lang), status in statuses.items():
        for kind in ("html", "pdf"):
            code, data = preview.get(f"/web/{brief_id}/{brief_id}.{lang}.{kind}")
            assert code == 200
            assert data == (built.root / "build" / brief_id / f"{brief_id}.{lang}.{kind}"
                            ).read_bytes(), (brief_id, lang, kind)


def test_it_answers_only_its_own_address(preview):
    assert preview.get("/")[0] == 200
    assert preview.get("/", host=f"localhost:{preview.port}")[0] == 200
    for host in ("evil.example", f"evil.example:{preview.port}", "127.0.0.1:1"):
        code, body = preview.get("/", host=host)
        assert code == 403 and b"answers only at" in body
    with pytest.raises(ConnectionRefusedError):  # another loopback address: not listened on
        http.client.HTTPConnection("127.0.0.2", preview.port, timeout=5).request("GET", "/")


def test_it_shows_nothing_to_a_browser_without_its_key(preview):
    """Another user of the computer can reach the port, but not without the key that the
    preview printed in its terminal."""
    cookie = f"briefs-preview-{preview.port}"
    paths = ["/", "/preview/test-statement/en", "/status/test-statement/en.json", "/events",
             "/web/test-statement/test-statement.en.pdf", "/web/assets/fonts/PTSans-Regular.ttf",
             "/assets/preview.js"]
    wrong = [f"{cookie}=" + "x" * len(preview.key), f"{cookie}={preview.key[:-1]}",
             f"briefs-preview-1={preview.key}", f"{cookie}={preview.key}x", f'{cookie}="',
             f"{cookie}={preview.key.upper()}"]
    for path in paths:
        for cookie_header in ["", *wrong]:
            code, body = preview.get(path, cookie=cookie_header)
            assert code == 403 and b"carries its key" in body, (path, cookie_header)
            assert b"Test statement" not in body and b"lighthouse" not in body
        for key in ("", "x", preview.key[:-1], preview.key.lower()):
            assert preview.get(f"{path}?key={key}", cookie="")[0] == 403, (path, key)
    connection = http.client.HTTPConnection("127.0.0.1", preview.port, timeout=10)
    connection.request("GET", f"/preview/test-statement/en?key={preview.key}",
                       headers={"Host": f"127.0.0.1:{preview.port}"})
    response = connection.getresponse()
    assert response.status == 303 and response.getheader("Location") == \
        "/preview/test-statement/en"
    assert response.getheader("Set-Cookie") == (f"{cookie}={preview.key}; HttpOnly; "
                                                "SameSite=Strict; Path=/")
    assert preview.get("/preview/test-statement/en")[0] == 200


def test_it_serves_the_fonts_of_the_web_pages_and_no_other_file(preview):
    assert preview.get("/web/assets/fonts/PTSans-Regular.ttf") == (
        200, (preview.project.templates / "fonts" / "PTSans-Regular.ttf").read_bytes())
    for path in ("/web/assets/fonts/LICENSE.txt", "/web/assets/fonts/..%2F..%2FSnakefile",
                 "/web/assets/../../content/organisations.yaml", "/assets/frame.html",
                 "/web/test-statement/test-statement.en.json"):
        assert preview.get(path)[0] == 404, path


def test_stopping_it_leaves_no_process_and_nothing_in_build(preview):
    started = preview.processes()
    assert len(started) >= 2  # itself and its job server
    assert preview.stop(signal.SIGINT) == 0  # as Ctrl-C
    assert still_running(started) == []
    assert "Preview stopped." in preview.output
    root = preview.project.root  # it wrote into .cache/preview/public only
    assert sorted(path.name for path in root.iterdir()) == [
        ".cache", "Snakefile", "content", "profiles", "templates"]
    assert [path.name for path in (root / ".cache").iterdir()] == ["preview"]
    assert [path.name for path in (root / ".cache" / "preview").iterdir()] == ["public"]


def test_a_change_to_the_code_starts_it_again_with_that_code(browser, tmp_path):
    """On a copy of the package: broken code is shown as such, and fixed code is used by
    the builds and the pages alike; internal, to see its marks."""
    shutil.copytree(REPO / "briefs", tmp_path / "code" / "briefs",
                    ignore=shutil.ignore_patterns("__pycache__"))
    kinds = tmp_path / "code" / "briefs" / "kinds.py"
    (tmp_path / "project").mkdir()
    project = make_project(tmp_path / "project")
    running = Preview(project, "--audience", "internal",
                      env={**os.environ, "PYTHONPATH": str(tmp_path / "code")})
    page = browser.new_page()
    try:
        running.open(page, "preview/test-statement/en")
        expect(web_page(page).locator(".restricted-banner")).to_have_text(
            "RESTRICTED - NOT FOR DISTRIBUTION", timeout=WAIT * 1000)
        expect(page.locator(".internal")).to_be_visible()
        first = running.processes()
        original = append(kinds, "\ndef broken(:\n")
        expect(page.locator("#problems")).to_contain_text("SyntaxError", timeout=WAIT * 1000)
        shorter = original.replace('N_("Joint statement"),\n         pages=1',
                                   'N_("Joint statement"),\n         pages=0')
        assert shorter != original
        kinds.write_text(shorter)
        expect(page.locator("#summary .mark")).to_contain_text("over the budget of 0 pages",
                                                               timeout=WAIT * 1000)
        assert running.processes()[0] == first[0]  # the same process, started again
        assert still_running(first[1:]) == []  # the job server of the old code has gone
        assert "The package's code changed" in running.output
        assert not (project.root / ".cache" / "preview" / "public").exists()
        os.kill(running.processes()[1], signal.SIGKILL)  # its job server, gone on its own
        body = project.brief_dir("test-statement") / "body.en.md"
        append(body, "\nSaved after the job server had gone.\n")
        expect(web_page(page).locator("main")).to_contain_text(
            "Saved after the job server had gone.", timeout=WAIT * 1000)
        assert "stopped on its own" in running.output
    finally:
        page.close()
        everything = running.processes()
        assert running.stop(signal.SIGTERM) == 0
        assert still_running(everything) == []
