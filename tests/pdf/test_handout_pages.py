"""Client handouts never waste a sheet (issue 17): every handout of the default course, in English
and Spanish, is at most 2 pages, and its last page holds more than the sources line.

The handouts are rendered through the PDF cache the test builds share (`pdf_cache`/pdf, where the
plugin keeps them), so a run that has built the default course pays only for the HTML here."""

from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfReader

from site_builder import pipeline
from site_builder.pdf.handouts import (
    PdfCache,
    PrintJob,
    PrintPlan,
    PrintSettings,
    Renderer,
    form_font,
)

from ..conftest import REPO

TOP_MARGIN, BOTTOM_MARGIN = 0.5 * 72, 0.75 * 72  # points: the running header and footer


def handout_jobs(cache: Path, language: str) -> list[PrintJob]:
    """The client handout of every session of the default course in `language`."""
    cache = cache / "pdf"
    options = pipeline.Options.for_project(REPO)
    course = pipeline.load(options, REPO, language)
    plan = PrintPlan(course, Path(options.templates_dir), PrintSettings.of(course.curriculum),
                     form_font=form_font(cache))
    return [plan.job(session, "handout") for session in course.sessions]


def sources_start(language: str) -> str:
    """The words the sources line starts with, in `language`."""
    from site_builder.renderer.pages import course_messages

    course = pipeline.load(pipeline.Options.for_project(REPO), REPO, language)
    return course_messages(REPO / "templates", course).gettext(
        "Written in plain language for this course. Facts from:").split(".")[0]


def text_above_sources(pdf: Path, start: str) -> list[str] | None:
    """Return the body text above the sources line on the last page (None: no sources line)."""
    page = PdfReader(pdf).pages[-1]
    height = float(page.mediabox.height)
    lines: list[tuple[float, str]] = []

    def visit(text, cm, tm, font, size) -> None:
        if text.strip():
            lines.append((tm[5] * cm[3] + cm[5], text.strip()))

    page.extract_text(visitor_text=visit)
    body = [(y, t) for y, t in lines if BOTTOM_MARGIN < y < height - TOP_MARGIN]
    top = max((y for y, t in body if t.startswith(start)), default=None)
    return None if top is None else [t for y, t in body if y > top + 1]


@pytest.mark.slow
@pytest.mark.parametrize("language", ["en", "es"])
def test_every_default_handout_fits_two_pages(pdf_cache, language):
    jobs = handout_jobs(pdf_cache, language)
    assert len(jobs) >= 48
    start = sources_start(language)
    with Renderer(PdfCache(pdf_cache / "pdf")) as renderer:
        pdfs = renderer.render(jobs, count=False)
    too_long, only_sources = [], []
    for job, pdf in zip(jobs, pdfs):
        if len(PdfReader(pdf).pages) > 2:
            too_long.append(job.path)
        above = text_above_sources(pdf, start)
        assert above is not None, f"{job.path}: no sources line found on the last page"
        if not above:
            only_sources.append(job.path)
    assert too_long == []
    assert only_sources == []


@pytest.mark.slow
def test_a_last_page_with_only_the_sources_line_is_caught(pdf_cache):
    job = handout_jobs(pdf_cache, "en")[0]
    forced = job.html.replace("</style>", ".attribution { break-before: page; }</style>", 1)
    with Renderer(PdfCache(pdf_cache / "pdf")) as renderer:
        normal, bad = renderer.render([job, PrintJob(job.path, job.kind, forced)], count=False)
    start = sources_start("en")
    assert text_above_sources(normal, start)
    assert text_above_sources(bad, start) == []


@pytest.mark.slow
def test_a_long_handout_is_laid_out_again_tighter(pdf_cache):
    """A handout over its page limit is rendered again with tighter spacing (same content)."""
    job = handout_jobs(pdf_cache, "en")[0]
    filler = "".join(f'<div class="ws-field ws-write"><label for="x{i}">Question {i}</label>'
                     f'<textarea id="x{i}" name="x{i}" rows="3"></textarea></div>'
                     for i in range(120))
    long_html = job.html.replace('<p class="attribution">', filler + '<p class="attribution">', 1)
    assert 'data-fit-pages="2"' in long_html
    with Renderer(PdfCache(pdf_cache / "pdf")) as renderer:
        tight, normal = renderer.render([
            PrintJob(job.path, job.kind, long_html.replace('data-fit-pages="2"',
                                                           'data-fit-pages="1"')),
            PrintJob(job.path, job.kind, long_html.replace(' data-fit-pages="2"', "")),
        ], count=False)
    tight_pages, normal_pages = PdfReader(tight).pages, PdfReader(normal).pages
    assert "Question 119" in tight_pages[-1].extract_text()
    assert len(tight_pages) < len(normal_pages)
