"""Printable PDFs for the course: per-session handouts, guides and sign-in sheets, and the course
workbook, binder, progress checklist and certificate. Rendered with WeasyPrint from our own Jinja
print templates, in parallel, and cached by a hash of everything that goes into each PDF."""

from __future__ import annotations

import atexit
import concurrent.futures
import contextlib
import hashlib
import io
import itertools
import logging
import os
import re
import shutil
import subprocess
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from site_builder.errors import CourseError, Problem
from site_builder.pdf import books
from site_builder.pdf.books import BOOK_LINK
from site_builder.pdf.qr import session_code
from site_builder.renderer.pages import make_environment, render_template
from site_builder.renderer.paths import (
    BOOKS,
    COURSE_PDFS,
    PACKET,
    SESSION_PDFS,
    course_pdf,
    session_pdf,
)
from site_builder.utils.failures import unexpected

if TYPE_CHECKING:
    from site_builder.structure.course import Course, Session

log = logging.getLogger("mkdocs.plugins.site_builder.handouts")

_FORM_CHARS = "".join(chr(c) for c in range(0x20, 0x7F)) + "".join(
    chr(c) for c in range(0xA0, 0x180)) + "‘’“”–—…•€"


@dataclass(frozen=True)
class PrintSettings:
    """What a program can set about its printed materials."""

    paper: str = "letter"
    large_print: bool = False
    site_url: str | None = None
    """The address of this language's pages, ending in '/': handouts get a QR code of theirs."""
    directory_urls: bool = True

    @classmethod
    def of(cls, curriculum, *, folder: str = "", directory_urls: bool = True,
           site_url: str | None = None) -> PrintSettings:
        """The program's settings; `folder` is this language's place in the site ('' or 'es/'),
        `site_url` the site's address when the program has none (MkDocs' `site_url`)."""
        base = curriculum.site_url or site_url
        site_url = base + folder if base else None
        return cls(paper=curriculum.paper, large_print=curriculum.large_print,
                   site_url=site_url, directory_urls=directory_urls)


@dataclass(frozen=True)
class PrintJob:
    """One PDF to make: where it goes and the complete HTML it is made from."""

    path: str
    kind: str
    html: str


@dataclass
class PrintReport:
    """What a print run did."""

    rendered: list[str] = field(default_factory=list)
    seconds: float = 0.0  # WeasyPrint's own time, summed over the PDFs rendered
    cached: list[str] = field(default_factory=list)
    sizes: dict[str, int] = field(default_factory=dict)


def module_html(markdown_text: str, *, prefix: str = "") -> str:
    """Return the print HTML of a module part, with worksheet fields named after `prefix`."""
    from site_builder.markup.config import render  # the site's Markdown configuration (issue 14)

    return render(markdown_text, prefix=prefix)


class PrintPlan:
    """The print templates of one course: the complete HTML of each of its PDFs."""

    def __init__(self, course: Course, templates_dir: Path, settings: PrintSettings, *,
                 form_font: Path) -> None:
        self.course = course
        self.env = make_environment(templates_dir, course)
        self.env.filters["html"] = module_html
        css = render_template(self.env, "print/print.css.j2", {
            "settings": settings, "course": course, "form_font": form_font.as_uri()})
        logo = None
        if course.curriculum.logo and course.program_dir is not None:
            logo = (course.program_dir.parent / course.curriculum.logo).resolve().as_uri()
        self.base = {"course": course, "program": course.curriculum, "settings": settings,
                     "css": css, "first_sessions": _first_sessions(course), "logo": logo,
                     "multi_track": len(course.group_tracks) > 1}

    def job(self, session: Session, kind: str) -> PrintJob:
        """Return the job of one of a session's PDFs ('handout', 'guide', 'sign-in')."""
        template = SESSION_PDFS[kind][0]
        settings = self.base["settings"]
        qr = (session_code(settings.site_url, session, directory_urls=settings.directory_urls)
              if kind == "handout" else None)
        html = render_template(self.env, f"print/{template}",
                               {**self.base, "session": session, "module": session.module,
                                "qr": qr})
        return PrintJob(session_pdf(session, kind), kind, html)

    def session_jobs(self) -> list[PrintJob]:
        """Every PDF but the books, client handouts first (they are wanted first)."""
        jobs = [self.job(s, kind) for kind in SESSION_PDFS for s in self.course.sessions]
        jobs += [PrintJob(course_pdf(kind), kind, render_template(self.env, f"print/{template}",
                                                                   self.base))
                 for kind, (template, _) in COURSE_PDFS.items() if kind not in BOOKS]
        return jobs

    def every_job(self) -> list[PrintJob]:
        """Every PDF job, with the books' fronts (checks render every print template once)."""
        jobs = self.session_jobs()
        return jobs + [self.book_front(kind, [1] * len(self.book_parts(kind)), 1)
                       for kind in BOOKS]

    def book_parts(self, kind: str) -> list[tuple[str, str]]:
        """Return (session PDF path, bookmark title) for each part of a book, in order."""
        part_kind = BOOKS[kind]
        return [(session_pdf(s, part_kind), f"{s.code} · {s.module.meta.title}")
                for s in self.base["first_sessions"]]

    def packet_parts(self, session: Session) -> list[tuple[str, str]]:
        """Return (session PDF path, bookmark title) for each part of a session's packet."""
        words = self.env.globals["messages"]
        titles = {"guide": words.gettext("Facilitator guide"),
                  "sign-in": words.gettext("Sign-in sheet"),
                  "handout": words.gettext("Client handout"),
                  "note": words.gettext("Progress note")}
        return [(session_pdf(session, kind), titles[kind]) for kind in PACKET]

    def packet_title(self, session: Session) -> str:
        """Return the document title of a session's packet."""
        return self.env.globals["messages"].gettext("Session packet: %(code)s %(title)s") % {
            "code": session.code, "title": session.module.meta.title}

    def book_front(self, kind: str, first_pages: list[int], total: int) -> PrintJob:
        """The cover and contents of a book whose parts start on `first_pages` of `total`."""
        template = COURSE_PDFS[kind][0]
        book = {"first_pages": first_pages, "total": total, "link": BOOK_LINK}
        return PrintJob(course_pdf(kind), kind,
                        render_template(self.env, f"print/{template}", {**self.base, "book": book}))

    def book_numbers(self, kind: str, total: int) -> PrintJob:
        """A PDF of `total` blank pages with only the book's "page N of M" in the top margin."""
        html = render_template(self.env, "print/book-numbers.html.j2",
                               {**self.base, "kind": kind, "total": total})
        return PrintJob(course_pdf(kind), f"{kind}-numbers", html)


def plan_print_jobs(
    course: Course, templates_dir: Path, settings: PrintSettings, *, form_font: Path
) -> list[PrintJob]:
    """Return every PDF job but the books (checks use it to render every print template once)."""
    return PrintPlan(course, templates_dir, settings, form_font=form_font).every_job()


def _first_sessions(course: Course) -> list[Session]:
    """Return the first session of each module, in course order (a workbook holds each once)."""
    seen: set[str] = set()
    firsts = []
    for s in course.sessions:
        if s.module.id not in seen:
            seen.add(s.module.id)
            firsts.append(s)
    return firsts


class PdfCache:
    """Rendered PDFs kept by a hash of everything that goes into them."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)

    def key(self, job: PrintJob) -> str:
        import weasyprint

        digest = hashlib.sha256()
        digest.update(weasyprint.__version__.encode())
        digest.update(job.html.encode())
        for uri in sorted(set(re.findall(r"file://[^\"')\s]+", job.html))):
            path = Path(uri.removeprefix("file://"))
            digest.update(path.read_bytes() if path.is_file() else b"missing")
        return digest.hexdigest()[:32]

    def file(self, key: str) -> Path:
        return self.folder / f"{key}.pdf"

    def put(self, key: str, pdf: bytes) -> Path:
        partial = self.folder / f"{key}.pdf.{os.getpid()}.part"  # two builds may share a cache
        partial.write_bytes(pdf)
        partial.replace(self.file(key))
        return self.file(key)


_SHARED: dict[int, concurrent.futures.ProcessPoolExecutor] = {}
_SHARED_LOCK = threading.Lock()


@atexit.register
def shutdown_workers() -> None:
    """Stop the worker processes (at the end of `serve`; a build's end stops them anyway)."""
    with _SHARED_LOCK:
        for pool in _SHARED.values():
            pool.shutdown(wait=False, cancel_futures=True)
        _SHARED.clear()


class _Cancelled(Exception):
    """A newer build replaced the one this print run was for."""


class Renderer:
    """Renders print jobs in worker processes, each PDF once; the cache keeps them."""

    def __init__(self, cache: PdfCache, workers: int | None = None) -> None:
        self.cache = cache
        self.workers = max(1, workers or os.cpu_count() or 1)
        self._pool: concurrent.futures.ProcessPoolExecutor | None = None
        self.report = PrintReport()
        self.cancelled = False
        self.announce = False  # under serve: say which PDFs are out of date

    def __enter__(self) -> Renderer:
        return self

    def __exit__(self, *exc) -> None:
        if self._pool is not None and self._pool is not _SHARED.get(self.workers):
            self._pool.shutdown(cancel_futures=True)

    def _executor(self) -> concurrent.futures.ProcessPoolExecutor:
        """The worker processes: one shared pool per process (warm workers for every build)."""
        if self._pool is None:
            with _SHARED_LOCK:
                if self.workers not in _SHARED:
                    _SHARED[self.workers] = concurrent.futures.ProcessPoolExecutor(
                        max_workers=self.workers)
                self._pool = _SHARED[self.workers]
        return self._pool

    def render(self, jobs: list[PrintJob], *, count: bool = True,
               ready: Callable[[str, Path], None] | None = None) -> list[Path]:
        """Render the jobs not in the cache; return each job's cached PDF, in order.

        `ready(path, pdf)` is called at once for the PDFs in the cache, and for each other PDF
        as soon as it is rendered."""
        keys = [self.cache.key(job) for job in jobs]
        todo: dict[str, list[PrintJob]] = {}
        for job, key in zip(jobs, keys):
            if self.cache.file(key).exists():
                if count:
                    self.report.cached.append(job.path)
                if ready:
                    ready(job.path, self.cache.file(key))
            else:
                todo.setdefault(key, []).append(job)
        if todo:
            self._render_missing(todo, count, ready)
        return [self.cache.file(key) for key in keys]

    def _render_missing(self, todo: dict[str, list[PrintJob]], count: bool,
                        ready: Callable[[str, Path], None] | None = None) -> None:
        pool = self._executor()
        total = len(todo)
        if self.announce:
            paths = sorted(job.path for jobs in todo.values() for job in jobs)
            log.info("%d PDF%s out of date, being rendered (the old one%s served until then): "
                     "%s", len(paths), "s" * (len(paths) != 1), "s are" if len(paths) != 1
                     else " is", ", ".join(paths[:6]) + (" ..." if len(paths) > 6 else ""))
        elif total > 1:
            log.info("Rendering %d PDF%s on %d core%s.", total, "s" * (total != 1),
                     self.workers, "s" * (self.workers != 1))
        problems: list[Problem] = []
        futures = {pool.submit(_render_pdf, jobs[0].html): key for key, jobs in todo.items()}
        for done, future in enumerate(concurrent.futures.as_completed(futures), 1):
            if self.cancelled:
                for other in futures:
                    other.cancel()
                raise _Cancelled
            key = futures[future]
            pdf, error, seconds = future.result()
            self.report.seconds += seconds
            if error:
                problems.append(Problem(todo[key][0].path, error, fix=_render_fix(error)))
                continue
            self.cache.put(key, pdf)
            if count:
                self.report.rendered += [job.path for job in todo[key]]
            for job in todo[key] if ready else ():
                ready(job.path, self.cache.file(key))
            if total >= 10 and (done % 20 == 0 or done == total):
                log.info("PDFs: %d of %d rendered.", done, total)
        if problems:
            raise CourseError(problems)

    def book(self, plan: PrintPlan, kind: str, parts: dict[str, Path]) -> Path:
        """Assemble a book from its parts' PDFs (rendering only its front and page numbers)."""
        titles = plan.book_parts(kind)
        pdfs = [parts[path].read_bytes() for path, _ in titles]
        counts = [books.page_count(pdf) for pdf in pdfs]
        front_pages = 1
        for _ in range(4):  # the contents may need more pages than guessed; try again
            starts = list(itertools.accumulate([front_pages + 1] + counts[:-1]))
            total = front_pages + sum(counts)
            front_job = plan.book_front(kind, starts, total)
            numbers_job = plan.book_numbers(kind, total)
            front, numbers = self.render([front_job, numbers_job], count=False)
            actual = books.page_count(front.read_bytes())
            if actual == front_pages:
                break
            front_pages = actual
        digest = hashlib.sha256(b"book-1")
        digest.update(f"{front.name}{numbers.name}".encode())
        for path, title in titles:
            digest.update(f"{parts[path].name}{title}".encode())
        key = digest.hexdigest()[:32]
        if self.cache.file(key).exists():
            self.report.cached.append(front_job.path)
            return self.cache.file(key)
        pdf = books.assemble(front.read_bytes(),
                             [books.Part(data, title) for data, (_, title) in zip(pdfs, titles)],
                             numbers.read_bytes(), title=_pdf_title(front))
        self.report.rendered.append(front_job.path)
        return self.cache.put(key, pdf)


    def packets(self, plan: PrintPlan, files: dict[str, Path],
                ready: Callable[[str, Path], None] | None = None) -> dict[str, Path]:
        """Assemble each session's packet from its session PDFs (nothing is laid out again),
        in the worker processes; return {packet path: PDF}."""
        found: dict[str, Path] = {}
        todo: dict[concurrent.futures.Future, tuple[str, str]] = {}
        for session in plan.course.sessions:
            parts, title = plan.packet_parts(session), plan.packet_title(session)
            digest = hashlib.sha256(b"packet-1")
            digest.update(title.encode())
            for path, part_title in parts:
                digest.update(f"{files[path].name}{part_title}".encode())
            key, path = digest.hexdigest()[:32], session_pdf(session, "packet")
            if self.cache.file(key).exists():
                self.report.cached.append(path)
                found[path] = self.cache.file(key)
                if ready:
                    ready(path, found[path])
                continue
            sources = [(str(files[p]), part_title) for p, part_title in parts]
            todo[self._executor().submit(_assemble_packet, sources, title)] = (key, path)
        for future in concurrent.futures.as_completed(todo):
            if self.cancelled:
                raise _Cancelled
            key, path = todo[future]
            found[path] = self.cache.put(key, future.result())
            self.report.rendered.append(path)
            if ready:
                ready(path, found[path])
        return found


def _assemble_packet(sources: list[tuple[str, str]], title: str) -> bytes:
    """Assemble one packet in a worker process from (session PDF file, bookmark title)."""
    parts = [books.Part(Path(pdf).read_bytes(), part_title) for pdf, part_title in sources]
    return books.assemble(None, parts, None, title=title)


def _pdf_title(path: Path) -> str:
    from pypdf import PdfReader

    return str(PdfReader(path).metadata.get("/Title", "")) if path.exists() else ""


def make_print_materials(plan: PrintPlan, renderer: Renderer,
                         ready: Callable[[str, Path], None] | None = None) -> dict[str, Path]:
    """Render every PDF of the course (session PDFs first, books last); return {path: PDF}.

    `ready(path, pdf)` is called as each group is done, so a server can publish them early."""
    jobs = plan.session_jobs()
    files = dict(zip((job.path for job in jobs), renderer.render(jobs, ready=ready)))
    if renderer.cancelled:
        raise _Cancelled
    files.update(renderer.packets(plan, files, ready))
    for kind in BOOKS:
        if renderer.cancelled:
            raise _Cancelled
        files[course_pdf(kind)] = renderer.book(plan, kind, files)
        if ready:
            ready(course_pdf(kind), files[course_pdf(kind)])
    return files


class PrintRun:
    """The print materials of one build, made in a background thread while MkDocs builds the
    pages. `wait` publishes them all into the site; under `serve`, `publish_as_ready` puts the
    previous versions in place at once and each new PDF as soon as it is rendered."""

    def __init__(self, plan: PrintPlan, cache: PdfCache, workers: int | None = None, *,
                 remember: dict[str, Path] | None = None) -> None:
        self.plan = plan
        self.remember = remember if remember is not None else {}
        self.renderer = Renderer(cache, workers)
        self.files: dict[str, Path] = {}
        self.error: CourseError | None = None
        self._site_dir: Path | None = None
        self._stale: set[str] = set()
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._run, name="print-run", daemon=True)

    def start(self) -> PrintRun:
        self._thread.start()
        return self

    def cancel(self) -> None:
        self.renderer.cancelled = True

    def _run(self) -> None:
        try:
            make_print_materials(self.plan, self.renderer, ready=self._ready)
        except _Cancelled:
            pass
        except CourseError as e:
            self.error = e
        except Exception as e:  # noqa: BLE001 (a crash or a bug: where it happened, and -v)
            self.error = CourseError(unexpected(e, "(PDFs)", "the PDFs could not be made"))

    def _ready(self, path: str, pdf: Path) -> None:
        with self._lock:
            self.files[path] = pdf
            previous = self.remember.get(path)
            self.remember[path] = pdf
            if self._site_dir is not None:
                publish({path: pdf}, self._site_dir)
                if previous is not None and previous != pdf:
                    log.info("PDF updated: %s", path)

    def wait(self, site_dir: Path) -> PrintReport:
        """Wait for every PDF; copy them into `site_dir`; raise CourseError if one failed."""
        self._thread.join()
        if self.error is not None:
            raise self.error
        publish(self.files, site_dir, self.renderer.report)
        report = self.renderer.report
        log.info("PDFs: %d rendered, %d from cache (WeasyPrint time: %.1f s).",
                 len(report.rendered), len(report.cached), report.seconds)
        return report

    def publish_as_ready(self, site_dir: Path, previous: dict[str, Path]) -> None:
        """Serve: publish what is ready, the previous version of the rest, and the rest as it
        is rendered (the log says which PDFs are out of date until then)."""
        with self._lock:
            self._site_dir = site_dir
            publish({path: pdf for path, pdf in previous.items()
                     if path not in self.files and pdf.exists()}, site_dir)
            publish(self.files, site_dir)

    @property
    def done(self) -> bool:
        return not self._thread.is_alive()


_COLLECTED: list[tuple[PrintRun, Path]] | None = None


@contextlib.contextmanager
def collected_print_runs() -> Iterator[list[tuple[PrintRun, Path]]]:
    """Within this block, builds hand their print runs over instead of waiting for them, so the
    caller can build the next language while the PDFs render, and wait for all at the end."""
    global _COLLECTED
    outer, _COLLECTED = _COLLECTED, []
    try:
        yield _COLLECTED
    finally:
        _COLLECTED = outer


def hand_over(run: PrintRun, site_dir: Path) -> bool:
    """Give the run to the caller collecting print runs; return False if nobody collects."""
    if _COLLECTED is None:
        return False
    _COLLECTED.append((run, site_dir))
    return True


def _render_fix(error: str) -> str:
    """The fix for a PDF WeasyPrint could not render: a file it may not fetch, or anything else."""
    if error.startswith("a PDF refers to a file"):
        return ("use only local images and styles (no http:// or https:// addresses) in modules "
                "and print templates.")
    return ("check the print templates (templates/print/, or the program's own) and the "
            "module's HTML for this PDF; 'site-builder handout MODULE_ID' renders one alone.")


# A document that asks for at most N pages (`data-fit-pages="N"`, the client handout) and gets
# more is laid out again with `class="fit"` on <html>: print.css.j2 then sets it tighter.
_FIT_PAGES = re.compile(r'data-fit-pages="(\d+)"')


def _render_pdf(html: str) -> tuple[bytes, str | None, float]:
    """Render one PDF in a worker process; return (pdf bytes, error message, seconds taken)."""
    import time

    from weasyprint import HTML
    from weasyprint.urls import FatalURLFetchingError, URLFetcher

    start = time.perf_counter()
    fetcher = URLFetcher(allowed_protocols={"file", "data"}, fail_on_errors=True)
    try:
        document = HTML(string=html, base_url=str(Path.cwd()), url_fetcher=fetcher).render(
            pdf_forms=True)
        fit = _FIT_PAGES.search(html)
        if fit and len(document.pages) > int(fit[1]):  # a long handout: set it tighter
            document = HTML(string=html.replace("<html", '<html class="fit"', 1),
                            base_url=str(Path.cwd()), url_fetcher=fetcher).render(pdf_forms=True)
        pdf = document.write_pdf(pdf_tags=True, pdf_identifier=b"site-builder")
    except FatalURLFetchingError as e:
        return b"", f"a PDF refers to a file it may not fetch: {e}", 0.0
    except Exception as e:  # noqa: BLE001 (reported to the author with the PDF's name)
        return b"", f"the PDF could not be rendered: {type(e).__name__}: {e}", 0.0
    return pdf, None, time.perf_counter() - start


def form_font(cache_dir: Path) -> Path:
    """Return a small subset of DejaVu Sans for PDF form fields (a form embeds its font whole)."""
    target = (cache_dir / "form-font.ttf").resolve()
    if target.exists():
        return target
    from fontTools import subset

    source = _find_font("DejaVu Sans")
    cache_dir.mkdir(parents=True, exist_ok=True)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    options = subset.Options()
    options.layout_features = []
    options.hinting = False
    options.name_IDs = [1, 2, 4, 6]
    font = subset.load_font(io.BytesIO(source.read_bytes()), options)
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=_FORM_CHARS)
    subsetter.subset(font)
    partial = target.with_suffix(f".{os.getpid()}.part")  # two builds may share a cache
    subset.save_font(font, str(partial), options)
    partial.replace(target)
    return target


def _find_font(family: str) -> Path:
    try:
        found = subprocess.run(["fc-match", "-f", "%{file}", family], capture_output=True,
                               text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        found = ""
    if found and family.split()[0].lower() in Path(found).name.lower():
        return Path(found)
    raise CourseError(Problem("(system fonts)", f"the font '{family}' is not installed.",
                              fix="install it: apt-get install fonts-dejavu-core (or run "
                              "'make site', which does)."))


def build_print_materials(
    course: Course, templates_dir: Path, site_dir: Path, cache_dir: Path,
    settings: PrintSettings, *, workers: int | None = None,
) -> PrintReport:
    """Make every PDF of the course under `site_dir`; return what was rendered and cached."""
    plan = PrintPlan(course, templates_dir, settings, form_font=form_font(cache_dir))
    return PrintRun(plan, PdfCache(cache_dir), workers).start().wait(site_dir)


def publish(files: dict[str, Path], site_dir: Path, report: PrintReport | None = None) -> None:
    """Copy rendered PDFs from the cache to their place in the site."""
    for path, pdf in files.items():
        target = site_dir / path
        if report is None and _same_file(pdf, target):
            continue  # serve: already in place
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(pdf, target)
        if report is not None:
            report.sizes[path] = target.stat().st_size


def _same_file(source: Path, target: Path) -> bool:
    try:
        a, b = source.stat(), target.stat()
    except OSError:
        return False
    return a.st_size == b.st_size and a.st_mtime_ns <= b.st_mtime_ns


def render_module_handout(course: Course, module_id: str, templates_dir: Path, out: Path,
                          cache_dir: Path, site_url: str | None = None) -> Path:
    """Render the client handout of one module (at its first session, or alone) to `out`
    (`site_url`: MkDocs' own, for the QR code when the program has none)."""
    from site_builder.structure.course import Session
    from site_builder.structure.scheduling import days_in_week

    module = course.modules.get(module_id)
    if module is None:
        raise CourseError(Problem("modules/", f"no module has the id '{module_id}'.",
                                  fix="use the 'id:' from the module's front matter."))
    first_day = days_in_week(course.group_tracks[0], 1)[0] if course.group_tracks else "Monday"
    session = next((s for s in course.sessions if s.module.id == module_id),
                   Session(1, 1, 1, first_day, module))
    main = course.curriculum.language  # the site's main language is at its root
    settings = PrintSettings.of(course.curriculum,
                                folder="" if course.language == main else f"{course.language}/",
                                site_url=site_url)
    plan = PrintPlan(course, templates_dir, settings, form_font=form_font(cache_dir))
    job = plan.job(session, "handout")
    with Renderer(PdfCache(cache_dir), workers=1) as renderer:
        pdf = renderer.render([job])[0]
    out.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(pdf, out)
    return out
