"""Printable PDFs for the course: per-session handouts, guides and sign-in sheets, and the course
workbook, binder, progress checklist and certificate. Rendered with WeasyPrint from our own Jinja
print templates, in parallel, and cached by a hash of everything that goes into each PDF."""

from __future__ import annotations

import concurrent.futures
import hashlib
import io
import logging
import os
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import markdown

from .errors import CourseError, Problem
from .paths import COURSE_PDFS, SESSION_PDFS, course_pdf, session_pdf
from .rendering import make_environment, render_template
from .worksheet import WorksheetExtension

if TYPE_CHECKING:
    from .course import Course, Session

log = logging.getLogger("mkdocs.plugins.site_builder.handouts")

_FORM_CHARS = "".join(chr(c) for c in range(0x20, 0x7F)) + "".join(
    chr(c) for c in range(0xA0, 0x180)) + "‘’“”–—…•€"


@dataclass(frozen=True)
class PrintSettings:
    """What a program can set about its printed materials."""

    paper: str = "letter"
    large_print: bool = False


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
    cached: list[str] = field(default_factory=list)
    sizes: dict[str, int] = field(default_factory=dict)


def module_html(markdown_text: str, *, prefix: str = "") -> str:
    """Return the print HTML of a module part, with worksheet fields named after `prefix`."""
    md = markdown.Markdown(extensions=["tables", "attr_list", "md_in_html", "sane_lists",
                                       WorksheetExtension(prefix=prefix)])
    return md.convert(markdown_text)


def plan_print_jobs(
    course: Course, templates_dir: Path, settings: PrintSettings, *, form_font: Path
) -> list[PrintJob]:
    """Return every PDF job of the course, each with its complete HTML."""
    env, base = _print_context(course, templates_dir, settings, form_font)
    jobs = [PrintJob(course_pdf(kind), kind, render_template(env, f"print/{template}", base))
            for kind, (template, _) in COURSE_PDFS.items()]
    for session in course.sessions:
        ctx = {**base, "session": session, "module": session.module}
        jobs += [PrintJob(session_pdf(session, kind), kind,
                          render_template(env, f"print/{template}", ctx))
                 for kind, (template, _) in SESSION_PDFS.items()]
    return jobs


def _print_context(course, templates_dir, settings, form_font):
    env = make_environment(templates_dir, course)
    env.filters["html"] = module_html
    css = render_template(env, "print/print.css.j2", {
        "settings": settings, "course": course, "form_font": form_font.as_uri()})
    logo = None
    if course.curriculum.logo and course.program_dir is not None:
        logo = (course.program_dir.parent / course.curriculum.logo).resolve().as_uri()
    return env, {"course": course, "program": course.curriculum, "settings": settings,
                 "css": css, "first_sessions": _first_sessions(course), "logo": logo,
                 "multi_track": len(course.group_tracks) > 1}


def _session_job(course, templates_dir, settings, session, kind, *, form_font) -> PrintJob:
    env, base = _print_context(course, templates_dir, settings, form_font)
    template = SESSION_PDFS[kind][0]
    html = render_template(env, f"print/{template}",
                           {**base, "session": session, "module": session.module})
    return PrintJob(session_pdf(session, kind), kind, html)


def _first_sessions(course: Course) -> list[Session]:
    """Return the first session of each module, in course order (a workbook holds each once)."""
    seen: set[str] = set()
    firsts = []
    for s in course.sessions:
        if s.module.id not in seen:
            seen.add(s.module.id)
            firsts.append(s)
    return firsts


def render_pdfs(
    jobs: list[PrintJob], site_dir: Path, cache_dir: Path, *, workers: int | None = None
) -> PrintReport:
    """Write every job's PDF under `site_dir`, rendering in parallel only those not in the cache."""
    cache_dir.mkdir(parents=True, exist_ok=True)
    report = PrintReport()
    todo: dict[str, list[PrintJob]] = {}
    for job in jobs:
        key = _cache_key(job)
        if (cache_dir / f"{key}.pdf").exists():
            report.cached.append(job.path)
        else:
            todo.setdefault(key, []).append(job)
    if todo:
        _render_missing(todo, cache_dir, workers or os.cpu_count() or 1, report)
    for job in jobs:
        target = site_dir / job.path
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(cache_dir / f"{_cache_key(job)}.pdf", target)
        report.sizes[job.path] = target.stat().st_size
    return report


def _render_missing(todo: dict[str, list[PrintJob]], cache_dir: Path, workers: int,
                    report: PrintReport) -> None:
    total = len(todo)
    log.info("Rendering %d PDF%s on %d core%s.", total, "s" * (total != 1), workers,
             "s" * (workers != 1))
    problems: list[Problem] = []
    with concurrent.futures.ProcessPoolExecutor(max_workers=workers) as pool:
        futures = {pool.submit(_render_pdf, jobs[0].html): key for key, jobs in todo.items()}
        for done, future in enumerate(concurrent.futures.as_completed(futures), 1):
            key = futures[future]
            pdf, error = future.result()
            if error:
                problems.append(Problem(todo[key][0].path, error,
                                        fix="use only local images and styles (no http:// or "
                                        "https:// addresses) in modules and print templates."))
                continue
            partial = cache_dir / f"{key}.pdf.part"
            partial.write_bytes(pdf)
            partial.replace(cache_dir / f"{key}.pdf")
            report.rendered += [job.path for job in todo[key]]
            if done % 10 == 0 or done == total:
                log.info("PDFs: %d of %d rendered.", done, total)
    if problems:
        raise CourseError(problems)


def _render_pdf(html: str) -> tuple[bytes, str | None]:
    """Render one PDF in a worker process; return (pdf bytes, error message)."""
    from weasyprint import HTML
    from weasyprint.urls import FatalURLFetchingError, URLFetcher

    fetcher = URLFetcher(allowed_protocols={"file", "data"}, fail_on_errors=True)
    try:
        document = HTML(string=html, base_url=str(Path.cwd()), url_fetcher=fetcher)
        pdf = document.write_pdf(pdf_forms=True, pdf_tags=True, pdf_identifier=b"site-builder")
    except FatalURLFetchingError as e:
        return b"", f"a PDF refers to a file it may not fetch: {e}"
    except Exception as e:  # noqa: BLE001 (reported to the author with the PDF's name)
        return b"", f"the PDF could not be rendered: {type(e).__name__}: {e}"
    return pdf, None


def _cache_key(job: PrintJob) -> str:
    import weasyprint

    digest = hashlib.sha256()
    digest.update(weasyprint.__version__.encode())
    digest.update(job.html.encode())
    for uri in _file_uris(job.html):
        path = Path(uri.removeprefix("file://"))
        digest.update(path.read_bytes() if path.is_file() else b"missing")
    return digest.hexdigest()[:32]


def _file_uris(html: str) -> list[str]:
    import re

    return sorted(set(re.findall(r"file://[^\"')\s]+", html)))


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
    partial = target.with_suffix(".part")
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
    jobs = plan_print_jobs(course, templates_dir, settings, form_font=form_font(cache_dir))
    report = render_pdfs(jobs, site_dir, cache_dir, workers=workers)
    log.info("PDFs: %d rendered, %d from cache.", len(report.rendered), len(report.cached))
    return report


def render_module_handout(course: Course, module_id: str, templates_dir: Path, out: Path,
                          cache_dir: Path) -> Path:
    """Render the client handout of one module (at its first session, or alone) to `out`."""
    from .course import Session
    from .scheduling import days_in_week

    module = course.modules.get(module_id)
    if module is None:
        raise CourseError(Problem("modules/", f"no module has the id '{module_id}'.",
                                  fix="use the 'id:' from the module's front matter."))
    first_day = days_in_week(course.group_tracks[0], 1)[0] if course.group_tracks else "Monday"
    session = next((s for s in course.sessions if s.module.id == module_id),
                   Session(1, 1, 1, first_day, module))
    settings = PrintSettings(paper=course.curriculum.paper,
                             large_print=course.curriculum.large_print)
    job = _session_job(course, templates_dir, settings, session, "handout",
                       form_font=form_font(cache_dir))
    staging = cache_dir / "preview"
    render_pdfs([job], staging, cache_dir, workers=1)
    out.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(staging / job.path, out)
    return out
