"""For the client on a phone (issue 17): Listen, offline after one visit, "this week", the
schedule grid, light pages, the web app manifest, and axe on the new parts, in Chromium.

The small projects are built once per run (`built_small` with PDFs, `built_tracks` with dates);
the tests only read them, each in its own browser context."""

from __future__ import annotations

import datetime as dt
import gzip
import json
import re
from pathlib import Path

import pytest

from site_builder.plugin.offline import precache_entries, service_worker
from tests.support.browser import launch_chromium, serve_site

from ..conftest import REPO

# A stand-in for the browser's speech synthesis: voices as listed, and every utterance recorded
# (text, language) instead of spoken. `__speech.finish()` ends the current utterance.
SPEECH_STUB = """
(() => {
  const voices = %s;
  const record = { spoken: [], calls: [], current: null };
  window.__speech = record;
  window.SpeechSynthesisUtterance = function (text) { this.text = text; this.lang = ""; };
  const synth = new EventTarget();
  synth.getVoices = () => voices;
  synth.speak = (u) => { record.spoken.push({ text: u.text, lang: u.lang,
                                              voice: u.voice ? u.voice.name : null });
                         record.current = u; };
  synth.pause = () => record.calls.push("pause");
  synth.resume = () => record.calls.push("resume");
  synth.cancel = () => record.calls.push("cancel");
  record.finish = () => { const u = record.current; record.current = null;
                          if (u && u.onend) u.onend({}); };
  Object.defineProperty(window, "speechSynthesis", { value: synth, configurable: true });
})();
"""
VOICES = [{"name": "Local English", "lang": "en-US", "localService": True, "default": True},
          {"name": "Local Spanish", "lang": "es-ES", "localService": True, "default": False}]


@pytest.fixture(scope="module")
def browser():
    with launch_chromium() as chromium:
        yield chromium


def speech_page(browser, voices=VOICES):
    context = browser.new_context(service_workers="block")
    context.add_init_script(SPEECH_STUB % json.dumps(voices))
    return context, context.new_page()


# --- Listen ------------------------------------------------------------------------------


@pytest.mark.parametrize("language, prefix", [("en", ""), ("es", "es/")])
def test_listen_reads_the_reading_in_the_page_language(browser, built_small, language, prefix):
    context, page = speech_page(browser)
    with serve_site(built_small.site) as base:
        page.goto(base + prefix + "week-01/session-3/")
        play = page.locator("[data-listen-play]")
        assert play.is_visible()
        title = page.locator("article h1").inner_text()
        play.focus()
        page.keyboard.press("Enter")  # a keyboard user starts it
        spoken = page.evaluate("__speech.spoken")
        assert spoken == [{"text": title, "lang": language,
                           "voice": "Local English" if language == "en" else "Local Spanish"}]
        for _ in range(200):  # let it read to the end, one part after another
            if page.evaluate("__speech.current") is None:
                break
            page.evaluate("__speech.finish()")
        texts = [s["text"] for s in page.evaluate("__speech.spoken")]
        reading = page.locator("[data-listen] ~ p").first.inner_text()
        assert len(texts) > 10 and reading in texts
        assert {s["lang"] for s in page.evaluate("__speech.spoken")} == {language}
        worksheet = page.locator("[data-listen-end] ~ h2").first.inner_text()
        assert all(worksheet not in t for t in texts), "the worksheet is not read aloud"
        assert page.locator(".session-meta").inner_text() not in texts
        assert play.get_attribute("aria-pressed") == "false"  # back to "Listen" at the end
    context.close()


def test_listen_pause_resume_and_stop(browser, built_small):
    context, page = speech_page(browser)
    with serve_site(built_small.site) as base:
        page.goto(base + "week-01/session-3/")
        play, stop = page.locator("[data-listen-play]"), page.locator("[data-listen-stop]")
        status = page.locator("[data-listen-status]")
        assert not stop.is_visible()
        play.click()
        assert play.inner_text().strip() == "Pause" and stop.is_visible()
        assert status.inner_text() == "Reading aloud." and status.get_attribute("role") == "status"
        play.click()
        assert play.inner_text().strip() == "Resume" and status.inner_text() == "Paused."
        play.click()
        assert play.inner_text().strip() == "Pause"
        page.evaluate("__speech.finish()")  # the next part starts
        assert len(page.evaluate("__speech.spoken")) == 2
        stop.press("Enter")
        assert play.inner_text().strip() == "Listen" and not stop.is_visible()
        assert status.inner_text() == "Stopped."
        assert page.evaluate("__speech.calls")[-3:] == ["pause", "resume", "cancel"]
        page.evaluate("__speech.finish()")  # a stopped reading does not go on
        assert len(page.evaluate("__speech.spoken")) == 2
        assert page.locator(".listen-current").count() == 0
    context.close()


def test_listen_is_hidden_without_a_local_voice_for_the_language(browser, built_small):
    english_only = VOICES[:1] + [{"name": "Online Spanish", "lang": "es-US",
                                  "localService": False, "default": False}]
    context, page = speech_page(browser, english_only)
    with serve_site(built_small.site) as base:
        page.goto(base + "es/week-01/session-1/")
        assert page.locator("[data-listen]").count() == 1
        assert not page.locator("[data-listen]").is_visible()  # an online voice sends text away
        page.goto(base + "week-01/session-1/")
        assert page.locator("[data-listen]").is_visible()
        page.goto(base)  # the home page can be read aloud too
        assert page.locator("[data-listen]").is_visible()
    context.close()


# --- This week ---------------------------------------------------------------------------


def this_week(browser, site: Path, day: dt.datetime, path: str = "") -> dict:
    context = browser.new_context(service_workers="block")
    page = context.new_page()
    page.clock.set_fixed_time(day)
    with serve_site(site) as base:
        page.goto(base + path)
        box = page.locator("[data-this-week]")
        found = {"phase": box.get_attribute("data-phase"), "visible": box.is_visible(),
                 "text": box.inner_text() if box.is_visible() else "",
                 "current": page.eval_on_selector_all(
                     "[aria-current=true][data-week-row]",
                     "rows => rows.map(r => r.dataset.weekRow)")}
    context.close()
    return found


def test_home_page_marks_the_week_before_during_and_after_the_course(browser, built_tracks):
    site = built_tracks.site  # starts Monday 2027-01-04, two weeks
    before = this_week(browser, site, dt.datetime(2026, 12, 28, 12))
    assert before["phase"] == "before" and before["visible"]
    assert "The course starts on Monday, January 4, 2027." in before["text"]
    assert "First group: Welcome to IOP: How the Program Works, Monday, January 4, 2027." \
        in before["text"]

    during = this_week(browser, site, dt.datetime(2027, 1, 12, 12))  # Tuesday of week 2
    assert during["phase"] == "during"
    assert "This week: week 2 of 2" in during["text"]
    assert "Next group: Coping with Cravings and Urges, Wednesday, January 13, 2027." \
        in during["text"]
    assert "Monday, January 11, 2027: Stages of Change" in during["text"]

    today = this_week(browser, site, dt.datetime(2027, 1, 4, 9))  # the first group's day
    assert today["phase"] == "during" and "week 1 of 2" in today["text"]
    assert "Today" in today["text"]

    after = this_week(browser, site, dt.datetime(2027, 2, 1, 12))
    assert after["phase"] == "after"
    assert "The course ended on Thursday, January 14, 2027." in after["text"]


def test_schedule_marks_the_current_week(browser, built_tracks):
    site = built_tracks.site
    during = this_week(browser, site, dt.datetime(2027, 1, 12, 12), "schedule/")
    assert during["current"] == ["2", "2"]  # week 2 of both group tracks
    assert this_week(browser, site, dt.datetime(2027, 2, 1, 12), "schedule/")["current"] == []
    spanish = this_week(browser, site, dt.datetime(2027, 1, 12, 12), "es/")
    assert "Esta semana: semana 2 de 2" in spanish["text"]


def test_a_program_without_dates_leads_with_where_to_start(built_small):
    html = built_small.html("")
    assert "data-this-week" not in html
    start, help_now = html.index('id="start-here"'), html.index('id="help-now"')
    assert start < help_now < html.index('id="how-to-use-this-site"')
    assert 'href="week-01/session-1/"' in html[start:help_now]
    assert 'href="tel:988"' in html[help_now:]


def test_schedule_is_a_week_by_day_grid(built_small):
    html = built_small.html("schedule")
    grid = html[re.search(r'<table[^>]*class="schedule-grid"', html).start():html.index("</table>")]
    assert 'aria-label="The group: sessions by week and day"' in html
    assert re.findall(r'<th [^>]*scope="col"[^>]*>([^<]+)</th>', grid) == [
        "Week", "Monday", "Wednesday", "Friday"]
    assert re.findall(r'data-week-row="(\d+)"', grid) == ["1", "2"]
    assert grid.count('role="cell"') == 6 and grid.count('href="../week-0') == 8
    assert re.search(r'data-day="Wednesday"[^>]*><a href="../week-01/session-2/">', grid)


# --- Offline -----------------------------------------------------------------------------


def test_offline_after_one_visit(browser, built_small):
    site = built_small.site
    handout = next(site.glob("print/week-01/session-1/handout-*.pdf")).relative_to(site)
    context = browser.new_context()
    page = context.new_page()
    with serve_site(site) as base:
        page.goto(base + "week-01/session-1/")
        page.wait_for_function("() => document.querySelector('[data-offline-note]')"
                               ".dataset.state === 'ready'", timeout=30_000)
        note = page.locator("[data-offline-note]").inner_text()
        assert note.startswith("Available offline")
        assert page.goto(base + handout.as_posix()).status == 200  # the client opens a handout
        page.goto(base + "week-01/")
        page.wait_for_function(f"() => caches.match({json.dumps(base + handout.as_posix())})"
                               ".then(found => Boolean(found))", timeout=10_000)
    context.set_offline(True)  # and the server is gone too
    page.goto(base + "week-02/session-2/")  # never opened before
    assert page.locator("article h1").inner_text() == "Anger Cues and the Anger Meter"
    response = page.goto(base + handout.as_posix())  # Chromium shows it in its PDF viewer
    assert response.status == 200 and response.header_value("content-type") == "application/pdf"
    page.goto(base + "week-01/")
    start = page.evaluate(f"fetch({json.dumps(base + handout.as_posix())}).then(r => r.text())"
                          ".then(text => text.slice(0, 5))")
    assert start == "%PDF-"
    assert page.locator("[data-offline-note]").inner_text().startswith("You are offline")
    page.goto(base + "facilitator/week-01/session-1/")  # not kept on a client's phone
    assert "This page is not saved on this device" in page.locator("body").inner_text()
    context.close()


def test_service_worker_list_changes_with_the_site(tmp_path):
    site = tmp_path / "site"
    for path, text in {"index.html": "home", "week-01/index.html": "week",
                       "week-01/session-1/index.html": "one", "facilitator/index.html": "f",
                       "assets/stylesheets/main.css": "css", "assets/javascripts/x.js.map": "m",
                       "search/search_index.json": "{}", "print/a.pdf": "%PDF",
                       "es/index.html": "inicio", "404.html": "nf"}.items():
        (site / path).parent.mkdir(parents=True, exist_ok=True)
        (site / path).write_text(text)
    first = precache_entries(site, skip=("es",))
    assert [e["url"] for e in first] == ["assets/stylesheets/main.css", "./", "week-01/",
                                         "week-01/session-1/"]
    assert [e["page"] for e in first] == [False, True, True, True]
    (site / "week-01/session-1/index.html").write_text("one, rebuilt")
    second = precache_entries(site, skip=("es",))
    changed = [a["url"] for a, b in zip(first, second) if a["revision"] != b["revision"]]
    assert changed == ["week-01/session-1/"]
    assert service_worker(first, "") != service_worker(second, "")  # so the browser updates
    assert service_worker(second, "") == service_worker(precache_entries(site, skip=("es",)),
                                                        "")  # the same site, the same sw.js


def test_each_language_has_its_service_worker_and_manifest(built_small):
    for prefix, language in (("", "en"), ("es/", "es")):
        site = built_small.site / prefix
        source = (site / "sw.js").read_text()
        urls = [e["url"] for e in json.loads(re.search(r"const PRECACHE = (\[.*?\]);",
                                                       source)[1])]
        assert {"./", "schedule/", "week-01/session-1/", "week-02/session-3/"} <= set(urls)
        assert not [u for u in urls if u.startswith(("es/", "facilitator/", "search/"))
                    or u.endswith((".pdf", ".map"))]
        manifest = json.loads((site / "manifest.webmanifest").read_text())
        assert manifest["name"] == "Small Test IOP" and manifest["lang"] == language
        assert manifest["theme_color"] == "#4051b5" and manifest["start_url"] == "./"
        for icon in manifest["icons"]:
            assert (site / icon["src"]).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        html = (site / "index.html").read_text()
        assert '<link rel="manifest" href="manifest.webmanifest">' in html
        assert '<meta name="theme-color" content="#4051b5">' in html


def test_manifest_has_the_programs_colour_and_logo():
    import io

    from PIL import Image

    from site_builder.plugin.offline import app_files
    from site_builder.programs import load_program

    course = load_program(REPO, "evening-iop")
    files = app_files(course, logo="assets/program-logo.svg")
    manifest = json.loads(files["manifest.webmanifest"])
    assert manifest["name"] == "Riverside Evening IOP"
    assert manifest["short_name"] == "Riverside"
    assert manifest["theme_color"] == "#1b5e20"
    assert manifest["icons"][0] == {"src": "assets/program-logo.svg", "sizes": "any",
                                    "type": "image/svg+xml", "purpose": "any"}
    icon = Image.open(io.BytesIO(files["assets/images/app-icon-512.png"]))
    assert icon.size == (512, 512) and icon.getpixel((5, 5)) == (0x1b, 0x5e, 0x20)


# --- Light pages -------------------------------------------------------------------------


def test_first_visit_to_a_session_page_is_light_and_search_loads_on_use(browser, built_small):
    context = browser.new_context(service_workers="block")  # the page itself, not the copy
    page = context.new_page()
    loaded: list[tuple[str, bytes]] = []
    page.on("requestfinished", lambda request: loaded.append(
        (request.url, request.response().body())))
    with serve_site(built_small.site) as base:
        page.goto(base + "week-01/session-1/", wait_until="networkidle")
        assert not [u for u, _ in loaded if "search" in u]
        gzipped = sum(len(gzip.compress(body)) for _, body in loaded)
        assert gzipped < 300_000, f"{gzipped} bytes gzipped"
        page.locator("[data-md-component=search-query]").click()  # the reader starts a search
        page.locator("[data-md-component=search-query]").fill("cravings")
        page.wait_for_selector(".md-search-result__item", timeout=120_000)
        assert [u for u, _ in loaded if u.endswith("search/search_index.json")]
    context.close()


# --- Accessibility of the new parts --------------------------------------------------------


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_nothing_with_every_new_part_showing(browser, built_tracks, scheme):
    """Listen (a voice is there), this week (during the course), the current week on the
    schedule and the offline note, on a phone and on a desktop."""
    from axe_playwright_python.base import AXE_SCRIPT

    from tests.site.test_gates import WCAG_TAGS

    options = json.dumps({"runOnly": {"type": "tag", "values": WCAG_TAGS},
                          "resultTypes": ["violations"]})
    found = []
    for width in (390, 1280):
        context = browser.new_context(color_scheme=scheme, viewport={"width": width,
                                                                      "height": 844})
        context.add_init_script(SPEECH_STUB % json.dumps(VOICES))
        context.add_init_script(AXE_SCRIPT)
        page = context.new_page()
        page.clock.set_fixed_time(dt.datetime(2027, 1, 12, 12))
        with serve_site(built_tracks.site) as base:
            for path in ("", "schedule/", "week-01/evening-1/", "es/"):
                page.goto(base + path)
                page.wait_for_function("() => document.querySelector('[data-offline-note]')"
                                       ".dataset.state === 'ready'", timeout=30_000)
                if path != "schedule/":
                    assert page.locator("[data-listen]").is_visible()
                if path != "week-01/evening-1/":
                    assert page.locator("[data-this-week]").is_visible()
                result = page.evaluate(f"axe.run({options})")
                found += [(width, path, v["id"], v["nodes"][0]["target"])
                          for v in result["violations"]]
        context.close()
    assert found == [], "\n".join(map(str, found))
