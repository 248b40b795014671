"""The real server (``web.serve``, waitress) driven by a real headless Chromium.

Needs Debian's ``chromium`` (``apt-get install chromium``) and the ``playwright``
Python package (no ``playwright install``: it drives /usr/bin/chromium, or
``$CHROMIUM``). Without them these tests fail with a message; they do not skip.

The results page for ``tungsten`` is saved as a screenshot under the test's tmp
folder; with ``SEARCH_SCREENSHOTS=1`` (or when they are missing) also as
``docs/screenshot-results.png`` and ``docs/screenshot-phone.png``.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from web_app import PERSIAN_ID, ROOT

pytestmark = pytest.mark.browser

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
DOCS = ROOT / "docs"
TIMEOUT_MS = 15_000


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(index_dir):
    """``web.serve`` in its own process on a free loopback port; its base URL."""
    port = free_port()
    code = f"import web; web.serve(host='127.0.0.1', port={port}, index_dir={str(index_dir)!r})"
    env = {k: v for k, v in os.environ.items() if not k.startswith("SEARCH_")}
    log = open(index_dir.parent / f"server-{port}.log", "w+b")
    proc = subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, env=env, stdout=log, stderr=log)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            if proc.poll() is not None:
                log.seek(0)
                pytest.fail(f"the server exited with {proc.returncode}:\n{log.read().decode()}")
            try:
                with urllib.request.urlopen(base + "/", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                log.seek(0)
                pytest.fail(f"the server did not answer within 30 s:\n{log.read().decode()}")
            time.sleep(0.1)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"Chromium is not at {CHROMIUM}: install Debian's with `apt-get install -y chromium` "
            "(or point $CHROMIUM at one). The browser tests need it; they are not skipped."
        )
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail("the playwright package is missing: pip install playwright")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


class Console:
    """Console errors, uncaught exceptions, CSP violations and requests to other origins."""

    def __init__(self, page, origin: str):
        self.errors: list[str] = []
        page.on("console", self._console)
        page.on("pageerror", lambda exc: self.errors.append(f"pageerror: {exc}"))
        page.on(
            "request",
            lambda r: (
                r.url.startswith((origin + "/", "data:"))
                or self.errors.append(f"request to another origin: {r.url}")
            ),
        )

    def _console(self, message) -> None:
        if message.type in ("error", "warning") and (
            message.type == "error" or "Content Security Policy" in message.text
        ):
            self.errors.append(f"{message.type}: {message.text}")


@pytest.fixture
def page(browser, server):
    context = browser.new_context(base_url=server, viewport={"width": 1280, "height": 800})
    context.set_default_timeout(TIMEOUT_MS)
    tab = context.new_page()
    console = Console(tab, server)
    yield tab
    context.close()
    assert console.errors == [], console.errors


def computed_direction(locator) -> str:
    return locator.evaluate("el => getComputedStyle(el).direction")


def search_from_home(page, query: str) -> None:
    page.goto("/")
    box = page.get_by_role("combobox", name="Search the news")
    box.click()
    box.press_sequentially(query, delay=40)
    box.press("Enter")
    page.wait_for_url("**/search?q=*")
    page.wait_for_load_state()


def test_tungsten_finds_the_persian_article_first(page):
    search_from_home(page, "tungsten")
    assert page.locator("#q").input_value() == "tungsten"
    first = page.locator("li.result").first
    href = first.locator(".result__title a").get_attribute("href")
    assert href.startswith(f"/doc/{PERSIAN_ID[:4]}") and href == f"/doc/{PERSIAN_ID}?q=tungsten"
    mark = first.locator(".snippet mark").first
    assert mark.inner_text() == "تنگستن"
    snippet = first.locator(".snippet")
    assert computed_direction(snippet) == "rtl"
    assert computed_direction(first.locator(".result__title")) == "rtl"
    assert snippet.get_attribute("lang") == "fa"


def test_results_say_what_matched_across_scripts(page):
    page.goto("/search?q=tungsten")
    matched = page.locator("li.result").first.locator(".result__matched")
    assert "tungsten ≈ تنگستن" in matched.inner_text()
    assert computed_direction(matched) == "ltr"  # read left to right inside the Persian card
    word = matched.locator(".match__word")
    assert word.inner_text() == "تنگستن" and computed_direction(word) == "rtl"
    assert word.get_attribute("lang") == "fa"


def _arabic_letters(text: str) -> bool:
    return any("\u0600" <= ch <= "\u06ff" for ch in text)


def test_latin_letters_toggle(page, tmp_path):
    page.goto("/search?q=tungsten")
    page.get_by_role("link", name="Show in Latin letters").click()
    page.wait_for_url("**/search?q=tungsten&latin=1")
    first = page.locator("li.result").first
    snippet, title = first.locator(".snippet"), first.locator(".result__title")
    assert snippet.locator("mark").first.inner_text() == "tngstn"
    assert not _arabic_letters(snippet.inner_text() + title.inner_text())
    assert computed_direction(snippet) == "ltr" and computed_direction(title) == "ltr"
    assert snippet.get_attribute("lang") == "fa-Latn"
    assert "tungsten ≈ تنگستن" in first.locator(".result__matched").inner_text()
    shot = tmp_path / "latin.png"
    page.screenshot(path=str(shot), clip={"x": 0, "y": 0, "width": 1280, "height": 480})
    keep_screenshot(shot, "screenshot-latin.png")
    page.get_by_role("link", name="Show in their own scripts").click()
    page.wait_for_url("**/search?q=tungsten")
    assert page.locator("li.result .snippet mark").first.inner_text() == "تنگستن"


def test_hindi_reads_ltr_and_persian_rtl_in_one_list(page):
    search_from_home(page, "Kazakhstan")
    directions = {}
    snippets = page.locator("li.result .snippet")
    assert snippets.count() == 5
    for i in range(snippets.count()):
        el = snippets.nth(i)
        directions.setdefault(el.get_attribute("lang"), set()).add(computed_direction(el))
    assert directions == {"hi": {"ltr"}, "fa": {"rtl"}, "ar": {"rtl"}}
    # the page around them stays left-to-right
    assert computed_direction(page.locator("h1#results-title")) == "ltr"


def test_hindi_query(page):
    search_from_home(page, "ट्रंप")
    hindi = page.locator('li.result .snippet[lang="hi"]').first
    assert computed_direction(hindi) == "ltr"
    assert "ट्रंप" in hindi.locator("mark").all_inner_texts()


def test_language_filter_narrows(page):
    page.goto("/search?q=Kazakhstan")
    assert page.locator("li.result").count() == 5
    page.locator('a.facet[data-lang="hi"]').click()
    page.wait_for_url("**lang=hi**")
    assert page.locator("li.result").count() == 2
    assert set(page.locator("li.result .badge").all_inner_texts()) == {"Hindi"}
    assert page.locator('a.facet[data-lang="hi"]').get_attribute("aria-current") == "true"
    page.locator("a.facet").first.click()  # all languages again
    page.wait_for_function("document.querySelectorAll('li.result').length === 5")


def test_date_filter(page):
    page.goto("/search?q=Kazakhstan")
    page.locator("#date_to").fill("2025-11-06")
    page.get_by_role("button", name="Apply").click()
    page.wait_for_url("**date_to=2025-11-06**")
    assert page.locator("li.result").count() == 1


@pytest.mark.parametrize("typed, expected", [("ट्र", "ट्रंप"), ("کاز", "كازاخستان")])
def test_suggestions_while_typing(page, typed, expected):
    page.goto("/")
    box = page.locator("#q")
    box.click()
    box.press_sequentially(typed, delay=150)
    listbox = page.get_by_role("listbox", name="Suggestions")
    listbox.wait_for(state="visible")
    options = listbox.get_by_role("option")
    listbox.get_by_role("option", name=expected, exact=True).wait_for()
    assert expected in options.all_inner_texts()
    assert box.get_attribute("aria-expanded") == "true"
    assert box.get_attribute("aria-controls") == listbox.get_attribute("id")

    # keyboard: down to the first option, which fills the box; Enter searches for it
    box.press("ArrowDown")
    first = options.first
    assert first.get_attribute("aria-selected") == "true"
    assert box.get_attribute("aria-activedescendant") == first.get_attribute("id")
    chosen = first.inner_text()
    assert box.input_value() == chosen
    box.press("Enter")
    page.wait_for_url("**/search?q=*")
    assert page.locator("#q").input_value() == chosen
    assert page.locator("li.result").count() >= 1


def test_escape_closes_suggestions_and_keeps_the_text(page):
    page.goto("/")
    box = page.locator("#q")
    box.press_sequentially("ट्र", delay=150)
    listbox = page.get_by_role("listbox")
    listbox.get_by_role("option", name="ट्रंप", exact=True).wait_for()
    box.press("ArrowDown")
    assert box.input_value() != "ट्र"
    box.press("Escape")
    assert listbox.is_hidden()
    assert box.get_attribute("aria-expanded") == "false"
    assert box.input_value() == "ट्र"


def test_clicking_a_suggestion_searches(page):
    page.goto("/")
    box = page.locator("#q")
    box.press_sequentially("قزاق", delay=150)
    option = page.get_by_role("option", name="قزاقستان", exact=True)
    option.click()
    page.wait_for_url("**/search?q=*")
    assert page.locator("#q").input_value() == "قزاقستان"


def test_suggestions_across_scripts_show_what_they_match(page):
    page.goto("/")
    box = page.locator("#q")
    box.press_sequentially("tung", delay=150)
    listbox = page.get_by_role("listbox", name="Suggestions")
    option = listbox.locator("li.suggestion--across", has_text="تنگستن")
    option.wait_for()
    assert option.inner_text().split() == ["تنگستن", "≈", "tung"]
    assert option.get_attribute("data-value") == "تنگستن"
    assert option.get_attribute("aria-label") == "تنگستن, sounds like tung"
    word, matches = option.locator(".suggestion__text"), option.locator(".suggestion__matches")
    assert word.get_attribute("dir") == "auto" and word.get_attribute("lang") == "fa"
    assert matches.get_attribute("dir") == "auto"
    assert word.evaluate("e => getComputedStyle(e).direction") == "rtl"
    assert matches.evaluate("e => getComputedStyle(e).direction") == "ltr"
    # choosing it searches for the word itself, not for what it matches
    option.click()
    page.wait_for_url("**/search?q=*")
    assert page.locator("#q").input_value() == "تنگستن"
    assert page.locator("li.result").count() >= 1


def test_what_a_suggestion_matches_is_text_not_markup(page):
    page.goto("/")
    box = page.locator("#q")
    box.press_sequentially("<i>tung", delay=100)
    option = page.locator("li.suggestion--across", has_text="تنگستن")
    option.wait_for()
    assert option.locator(".suggestion__matches").inner_text() == "≈ <i>tung"
    assert page.locator("#q-suggestions i").count() == 0


def test_slash_focuses_the_search_box(page):
    page.goto("/help")
    page.locator("body").press("/")
    assert page.evaluate("document.activeElement.id") == "q"


def test_result_opens_the_article_with_marks(page):
    page.goto("/search?q=tungsten")
    page.locator("li.result .result__title a").first.click()
    page.wait_for_url(f"**/doc/{PERSIAN_ID}?q=tungsten")
    body = page.locator(".document__body")
    assert computed_direction(body) == "rtl"
    assert set(body.locator("mark").all_inner_texts()) == {"تنگستن"}
    page.get_by_role("link", name="Back to results for tungsten").click()
    page.wait_for_url("**/search?q=tungsten")


def test_works_without_javascript(browser, server):
    context = browser.new_context(base_url=server, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto("/")
        page.locator("#q").fill("tungsten")
        page.locator("button[type=submit]").click()
        page.wait_for_url("**/search?q=tungsten")
        assert page.locator("li.result .snippet mark").first.inner_text() == "تنگستن"
        assert page.locator("#q").get_attribute("role") is None  # no half-made combobox
        page.get_by_role("link", name="Show in Latin letters").click()  # a plain link
        page.wait_for_url("**/search?q=tungsten&latin=1")
        assert page.locator("li.result .snippet mark").first.inner_text() == "tngstn"
    finally:
        context.close()


def test_phone_width(browser, server, tmp_path):
    context = browser.new_context(
        base_url=server, viewport={"width": 390, "height": 844}, device_scale_factor=2
    )
    try:
        page = context.new_page()
        console = Console(page, server)
        page.goto("/search?q=Kazakhstan")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, "the page scrolls sideways at phone width"
        assert page.locator("li.result").count() == 5
        shot = tmp_path / "phone.png"
        page.screenshot(path=str(shot), full_page=False)
        keep_screenshot(shot, "screenshot-phone.png")
        assert console.errors == []
    finally:
        context.close()


def keep_screenshot(shot: Path, name: str) -> None:
    assert shot.read_bytes().startswith(b"\x89PNG"), shot
    target = DOCS / name
    if os.environ.get("SEARCH_SCREENSHOTS") or not target.exists():
        DOCS.mkdir(exist_ok=True)
        shutil.copyfile(shot, target)


def test_screenshot_of_the_results(page, tmp_path):
    page.goto("/search?q=tungsten")
    page.locator("li.result mark").first.wait_for()
    shot = tmp_path / "results.png"
    # the top of the page: the box, the filters and the result
    page.screenshot(path=str(shot), clip={"x": 0, "y": 0, "width": 1280, "height": 480})
    keep_screenshot(shot, "screenshot-results.png")


def test_choosing_a_suggestion_is_not_undone_by_a_fetch_still_due(page):
    # a key pressed just before the arrow leaves a fetch due after the pause;
    # it once rebuilt the list under the reader's selection
    page.goto("/")
    box = page.locator("#q")
    box.click()
    box.press_sequentially("کا", delay=150)
    listbox = page.get_by_role("listbox", name="Suggestions")
    listbox.get_by_role("option", name="كازاخستان", exact=True).wait_for()
    box.press_sequentially("ز")
    box.press("ArrowDown")
    first = listbox.get_by_role("option").first
    chosen = box.input_value()
    page.wait_for_timeout(1000)  # well past the pause and the fetch it would start
    assert box.get_attribute("aria-activedescendant") == first.get_attribute("id")
    assert first.get_attribute("aria-selected") == "true"
    assert box.input_value() == chosen
