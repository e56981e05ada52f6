"""Benchmark the default course (run by hand: `make bench`; about 5 minutes on 2 cores).

Every number comes from this one run, on this machine, on a copy of the project in a temporary
folder; every build is a fresh `site-builder build` process, as a user runs it:

- MkDocs alone: the two-language site with `pdfs: false` (no PDFs), caches warm;
- cold build (empty cache), warm rebuild (nothing changed), rebuild after editing one module;
- WeasyPrint's own time summed over every print job of the cold build (the floor for this
  content), and that divided by the cores;
- print materials alone: every PDF of both languages from an empty cache, wall time;
- Chromium printing every client and facilitator session page of both languages, one after
  another in one tab (what a facilitator does without this tool), through Playwright;
- serve: time from saving a module to the new page being served, and to its new handout; and
  from saving its Spanish translation to the new Spanish page (serve builds every language).

Then the ratios against the targets of issue 12.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
MODULE = "modules/refusal-skills.md"
SPANISH = "modules/refusal-skills.es.md"


def copy_project(root: Path, cache: Path, *, pdfs: bool = True) -> Path:
    root.mkdir(parents=True)
    for part in ("mkdocs.yml", "mkdocs.es.yml", "languages.yml", "curriculum", "modules",
                 "templates", "docs"):
        src = REPO / part
        if src.exists():
            (shutil.copytree if src.is_dir() else shutil.copy)(src, root / part)
    config = root / "mkdocs.yml"
    text = config.read_text().replace("cache_dir: .cache", f"cache_dir: {cache}")
    if not pdfs:
        text = text.replace(f"cache_dir: {cache}", f"cache_dir: {cache}\n      pdfs: false")
    config.write_text(text)
    return config


def build(config: Path) -> tuple[float, str]:
    start = time.perf_counter()
    done = subprocess.run([BIN / "site-builder", "build", "-f", config], capture_output=True,
                          text=True, env=ENV, cwd=config.parent)
    took = time.perf_counter() - start
    if done.returncode:
        sys.exit(f"build failed:\n{done.stdout}\n{done.stderr}")
    return took, done.stderr


def weasyprint_seconds(log: str) -> float:
    return sum(float(s) for s in re.findall(r"WeasyPrint time: ([\d.]+) s", log))


def edit(config: Path, n: int) -> str:
    """Add a key point to one module's reading; return the new text to look for."""
    module = config.parent / MODULE
    text = f"An edited key point number {n} for the benchmark."
    module.write_text(module.read_text().replace("## Key points\n", f"## Key points\n\n- {text}\n",
                                                 1))
    return text


def edit_spanish(config: Path, n: int) -> str:
    """Add a key point to the module's Spanish translation; return the new text to look for."""
    module = config.parent / SPANISH
    text = f"Un punto clave editado, número {n}, para la prueba."
    module.write_text(module.read_text().replace("## Puntos clave\n",
                                                 f"## Puntos clave\n\n- {text}\n", 1))
    return text


def print_materials_alone(config: Path, cache: Path) -> float:
    code = f"""
import time
from pathlib import Path
from site_builder import pipeline
from site_builder.pdf.handouts import PdfCache, PrintPlan, PrintRun, PrintSettings, form_font
root = Path({str(config.parent)!r})
cache = Path({str(cache)!r}) / "pdf"
options = pipeline.Options.for_project(root)
start = time.perf_counter()
runs = []
for language in ("en", "es"):  # both languages at once, as a build does
    course = pipeline.load(options, root, language)
    plan = PrintPlan(course, root / "templates", PrintSettings.of(course.curriculum),
                     form_font=form_font(cache))
    runs.append((PrintRun(plan, PdfCache(cache)).start(), root / "print-alone" / language))
for run, folder in runs:
    run.wait(folder)
print(time.perf_counter() - start)
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=ENV,
                          cwd=config.parent)
    if done.returncode:
        sys.exit(f"print materials failed:\n{done.stderr}")
    return float(done.stdout.split()[-1])


def chromium_print(site: Path) -> tuple[float, int]:
    from playwright.sync_api import sync_playwright

    sys.path.insert(0, str(REPO))
    from tests.support.browser import launch_chromium, serve_site

    pages = sorted(p.relative_to(site).as_posix() for p in site.rglob("index.html")
                   if re.search(r"week-\d\d/[a-z0-9-]+-\d+/index.html$", p.as_posix()))
    with launch_chromium() as browser, serve_site(site) as base:
        tab = browser.new_page()
        start = time.perf_counter()
        for page in pages:
            tab.goto(f"{base}/{page}", wait_until="load")
            tab.pdf(format="Letter")
        took = time.perf_counter() - start
    del sync_playwright
    return took, len(pages)


def session_page(root: Path, module: str) -> str:
    """The address of the first session page of a module, from the site root."""
    sys.path.insert(0, str(REPO))
    from site_builder import pipeline

    course = pipeline.load(pipeline.Options.for_project(root), root, "en")
    module_id = Path(module).name.removesuffix(".md")
    session = next(s for s in course.sessions if s.module.id == module_id)
    return f"{session.slug}/"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url: str) -> bytes | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read()
    except OSError:
        return None


def wait_for(check, seconds: float = 300, step: float = 0.02) -> float:
    start = time.perf_counter()
    while time.perf_counter() - start < seconds:
        if check():
            return time.perf_counter() - start
        time.sleep(step)
    raise TimeoutError


def serve_latency(config: Path, edits: int = 3) -> tuple[float, float, float]:
    """Median seconds from saving a module to (the new page served, its new handout served),
    and from saving its Spanish translation to the new Spanish page served."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = open(config.parent / "serve.log", "w")  # noqa: SIM115
    server = subprocess.Popen([BIN / "site-builder", "serve", "-f", config, "-a",
                               f"127.0.0.1:{port}"], stdout=log, stderr=subprocess.STDOUT,
                              env=ENV, cwd=config.parent)
    page = f"{base}/{session_page(config.parent, MODULE)}"
    handout = None
    try:
        wait_for(lambda: fetch(page) is not None)
        html = fetch(page).decode()
        handout = base + "/" + re.search(r'href="(?:\.\./)+(print/[^"]+handout[^"]+\.pdf)"',
                                         html)[1]
        wait_for(lambda: (fetch(handout) or b"")[:4] == b"%PDF")
        page_times, pdf_times, spanish_times = [], [], []
        for n in range(edits):
            time.sleep(1.5)  # let the server settle (and its file watcher see one change)
            old_pdf = fetch(handout)
            text = edit(config, n)
            saved = time.perf_counter()
            wait_for(lambda: text in (fetch(page) or b"").decode())
            page_times.append(time.perf_counter() - saved)
            wait_for(lambda: (fetch(handout) or old_pdf) != old_pdf)
            pdf_times.append(time.perf_counter() - saved)
        spanish = f"{base}/es/{session_page(config.parent, MODULE)}"
        for n in range(edits):
            time.sleep(1.5)
            text = edit_spanish(config, n)
            saved = time.perf_counter()
            wait_for(lambda: text in (fetch(spanish) or b"").decode())
            spanish_times.append(time.perf_counter() - saved)
    finally:
        server.send_signal(signal.SIGINT)  # as Ctrl+C: MkDocs shuts down and so do the workers
        server.wait()
        log.close()
    return (statistics.median(page_times), statistics.median(pdf_times),
            statistics.median(spanish_times))


def main() -> None:
    cores = os.cpu_count() or 1
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        plain = copy_project(tmp / "plain", tmp / "cache-plain", pdfs=False)
        build(plain)  # fills the reading-level cache, like any second build
        mkdocs_alone, _ = build(plain)

        config = copy_project(tmp / "full", tmp / "cache")
        cold, cold_log = build(config)
        floor = weasyprint_seconds(cold_log)
        pdfs = list((config.parent / "site").rglob("*.pdf"))
        warm, _ = build(config)
        edit(config, 99)
        one_edit, one_log = build(config)
        rendered = re.findall(r"PDFs: (\d+) rendered", one_log)

        print_alone = print_materials_alone(copy_project(tmp / "alone", tmp / "cache-alone"),
                                            tmp / "cache-alone")
        chromium, pages = chromium_print(config.parent / "site")
        serve_page, serve_pdf, serve_spanish = serve_latency(copy_project(tmp / "serve",
                                                                          tmp / "cache"))

    budget = mkdocs_alone + floor / cores
    rows = [
        ("MkDocs alone (both languages, pdfs: false)", f"{mkdocs_alone:7.2f} s"),
        ("cold build (empty cache)", f"{cold:7.2f} s"),
        ("warm rebuild (nothing changed)", f"{warm:7.2f} s"),
        ("rebuild after editing one module", f"{one_edit:7.2f} s "
         f"(PDFs rendered per language: {', '.join(rendered)})"),
        (f"WeasyPrint time, sum over {len(pdfs)} PDFs", f"{floor:7.2f} s "
         f"({floor / cores:.2f} s on {cores} cores)"),
        ("print materials alone (empty cache)", f"{print_alone:7.2f} s"),
        (f"Chromium printing {pages} session pages", f"{chromium:7.2f} s"),
        ("serve: edit to new page (median of 3)", f"{serve_page:7.2f} s"),
        ("serve: edit to new handout (median of 3)", f"{serve_pdf:7.2f} s"),
        ("serve: edit to Spanish page (median of 3)", f"{serve_spanish:7.2f} s"),
    ]
    print(f"machine: {cores} cores; default course: {len(pdfs)} PDFs")
    for name, value in rows:
        print(f"{name:44} {value}")
    checks = [
        ("one-edit build / cold", one_edit / cold, 0.25),
        ("serve edit-to-page (s)", serve_page, 1.5),
        ("serve edit-to-handout (s)", serve_pdf, 5.0),
        ("serve Spanish edit-to-page (s)", serve_spanish, 1.5),
        ("cold / (MkDocs alone + WeasyPrint floor / cores)", cold / budget, 1.3),
        ("print materials / Chromium printing", print_alone / chromium, 1 / 3),
    ]
    for name, value, target in checks:
        verdict = "met" if value <= target else "MISSED"
        print(f"{name:50} {value:6.2f}  (target <= {target:.2f}: {verdict})")


if __name__ == "__main__":
    main()
