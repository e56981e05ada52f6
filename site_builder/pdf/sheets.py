"""One-off print sheets outside the course's PDFs: the clinical review sheets."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import TYPE_CHECKING

from site_builder.pdf.books import page_count
from site_builder.pdf.handouts import (
    PdfCache,
    PrintJob,
    PrintPlan,
    PrintSettings,
    Renderer,
    form_font,
)
from site_builder.renderer.pages import render_template
from site_builder.structure.reviews import ReviewStatus, _name, reviews_path

if TYPE_CHECKING:
    from site_builder.structure.course import Course


def print_review_sheets(course: Course, statuses: list[ReviewStatus], templates_dir: Path,
                        out: Path, cache_dir: Path) -> int:
    """Write one review sheet per module (`print/review.html.j2`) to `out`; return the pages."""
    plan = PrintPlan(course, templates_dir, PrintSettings.of(course.curriculum),
                     form_font=form_font(cache_dir))
    html = render_template(plan.env, "print/review.html.j2", {
        **plan.base, "statuses": statuses, "reviews_file": _name(reviews_path(course), course)})
    with Renderer(PdfCache(cache_dir), workers=1) as renderer:
        pdf = renderer.render([PrintJob(out.name, "review", html)])[0]
    out.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(pdf, out)
    return page_count(out.read_bytes())
