"""The steps every build and every check takes, in one place.

The MkDocs plugin (`plugin.py`) and the `site-builder` commands (`cli.py`) call these with the
course plugin's options from `mkdocs.yml` (or `Options()`, the same defaults), so a check
validates exactly what a build would build:

1. `load`: the program, its modules in the build's language, the crisis lines;
2. `prepare`: the content checks, every page (Markdown) and the nav;
3. `warnings`, `hours_shortfall`, `length_mismatch`, `branding`: what the build tells the
   author and puts on the site besides the pages.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from site_builder.checks.content import (
    Limits,
    check_content,
    load_measurements,
    reading_levels,
    save_measurements,
)
from site_builder.checks.safety import course_problems
from site_builder.config.languages import localized
from site_builder.errors import CourseError, Problem
from site_builder.i18n import extract
from site_builder.markup.escape import html_nav
from site_builder.pdf.handouts import PdfCache, PrintPlan, PrintRun, PrintSettings, form_font
from site_builder.renderer.calendars import calendar_files
from site_builder.renderer.pages import build_nav, course_messages, render_pages, template_roots
from site_builder.structure.hours import shortfall_problem
from site_builder.structure.lengths import length_mismatch as _length_mismatch
from site_builder.structure.loading import load_course, read_curriculum
from site_builder.structure.reviews import require_review
from site_builder.utils.paths import refuse_links_out

if TYPE_CHECKING:
    from site_builder.structure.course import Course


@dataclass(frozen=True)
class Options:
    """The course plugin's options (see `CoursePluginConfig`), with the same defaults."""

    curriculum: str = "curriculum/default.yml"
    modules_dir: str = "modules"
    templates_dir: str = "templates"
    crisis_lines: str = "curriculum/crisis-lines.yml"
    facilitator_pages: bool = True
    max_grade: float = Limits.max_grade  # the reading-level limits are declared in Limits
    max_smog: float = Limits.max_smog
    min_ease: float = Limits.min_ease
    pdfs: bool = True
    cache_dir: str = ".cache"

    @classmethod
    def for_project(cls, root: Path, **values: Any) -> Options:
        """The default options with their paths inside the project folder `root`."""
        base = cls()
        paths = {k: str(root / getattr(base, k)) for k in ("curriculum", "modules_dir",
                                                           "templates_dir", "crisis_lines")}
        return cls(**{**paths, **values})


def load(options, root: Path, language: str | None = None) -> Course:
    """Load the course the options describe, in `language` (modules use their
    `<id>.<language>.md` translation, crisis lines their `crisis-lines.<language>.yml`); by
    default in the program's own language (`main_language`)."""
    language = language or main_language(options, root)
    refuse_links_out(root, folders=(Path(options.modules_dir), Path(options.templates_dir),
                                    Path(options.curriculum).with_suffix("")),
                     files=(Path(options.curriculum), Path(options.crisis_lines)))
    course = load_course(Path(options.curriculum), Path(options.modules_dir),
                         localized(Path(options.crisis_lines), language), root=root,
                         language=language)
    unsafe = course_problems(course)  # the safety pass: once per module, variables filled in
    if unsafe:
        raise CourseError(unsafe)
    return course


def main_language(options, root: Path) -> str:
    """Return the program's own language (`language:` in the program file): the language of
    the site's root and of every message, whatever `theme.language` says."""
    return read_curriculum(Path(options.curriculum), root).language


def limits(options) -> Limits:
    """The reading-level limits for client text."""
    return Limits(max_grade=options.max_grade, max_smog=options.max_smog,
                  min_ease=options.min_ease)


@dataclass
class Site:
    """What a build makes from a course: its pages (Markdown by site path) and its nav."""

    course: Course
    pages: dict[str, str]
    nav: list[Any] = field(default_factory=list)
    files: dict[str, bytes] = field(default_factory=dict)
    """Other files of the site by path: the .ics calendars (calendars.py)."""


def prepare(course: Course, options, root: Path) -> Site:
    """Check the content (reading level, person-first words), render every page and the nav;
    raise CourseError with every problem found. Reading levels are kept between builds in the
    cache folder (`reading-levels.json`)."""
    templates = Path(options.templates_dir)
    measurements = root / options.cache_dir / "reading-levels.json"
    load_measurements(measurements)
    check_content(course, root=root, limits=limits(options))
    save_measurements(measurements)
    require_review(course)  # a program with 'require_review: true' (reviews.py)
    pages = render_pages(course, templates, facilitator_pages=options.facilitator_pages,
                         extra={"reading_levels": reading_levels(course), "pdfs": options.pdfs,
                                "limits": limits(options)})
    nav = html_nav(build_nav(course, templates, facilitator_pages=options.facilitator_pages))
    files = calendar_files(course, course_messages(templates, course))
    return Site(course, pages, nav, files)


def warnings(course: Course, options) -> list[str]:
    """Return what a build of this course should warn about: program texts, modules and
    interface words that this language shows in the program's main language or English."""
    found = [str(problem) for problem in course.warnings]
    language = course.language
    for module_id in course.untranslated:
        found.append(f"Module '{module_id}' has no '{language}' translation "
                     f"(modules/{module_id}.{language}.md); its pages and handouts are in "
                     "English with a notice.")
    if language != "en":
        templates = Path(options.templates_dir)
        messages = course_messages(templates, course)
        missing = messages.missing(extract(template_roots(templates, course), course.root))
        if missing:
            shown = "; ".join(f"'{m}'" for m in missing[:5]) + ("; ..." if len(missing) > 5
                                                                 else "")
            found.append(f"{len(missing)} interface string(s) have no '{language}' translation "
                         f"in templates/locales/{language}.po and are shown in English: {shown} "
                         f"Fix: run 'site-builder messages --language {language}' and translate "
                         "the new entries.")
    return found


def hours_shortfall(course: Course) -> tuple[Problem, bool] | None:
    """Return (the problem, whether it stops the build) when weeks are under the minimum
    hours (hours.py): `on_shortfall: fail` stops it, `warn` never does, strict or not."""
    problem = shortfall_problem(course)
    if problem is None:
        return None
    return problem, course.curriculum.hours.on_shortfall == "fail"


def cache_dir(options, root: Path) -> Path:
    """The one folder where rendered PDFs are kept, by content."""
    return root / options.cache_dir / "pdf"


def print_plan(course: Course, options, root: Path, *, folder: str = "",
               directory_urls: bool = True, site_url: str | None = None) -> PrintPlan:
    """The HTML of every PDF of the course: one plan for the build, check, handout and review
    (`site_url`: the site's one address, for the QR codes; the program's when not given)."""
    settings = PrintSettings.of(course.curriculum, folder=folder, directory_urls=directory_urls,
                                site_url=site_url)
    return PrintPlan(course, Path(options.templates_dir), settings,
                     form_font=form_font(cache_dir(options, root)))


def print_run(course: Course, options, root: Path, *, folder: str = "",
              directory_urls: bool = True, site_url: str | None = None,
              remember: dict | None = None) -> PrintRun:
    """The run that renders the course's PDFs in worker processes (not started)."""
    plan = print_plan(course, options, root, folder=folder, directory_urls=directory_urls,
                      site_url=site_url)
    return PrintRun(plan, PdfCache(cache_dir(options, root)), remember=remember)


def length_mismatch(course: Course) -> tuple[list[Problem], bool] | None:
    """Return (one problem per track that runs modules more than a third off their length,
    whether they stop the build): `lengths: on_mismatch: fail` stops it, `warn` never does,
    strict or not; `ignore` says nothing (lengths.py)."""
    return _length_mismatch(course)


def contact(course: Course) -> dict[str, str | None]:
    """Return how clients reach the program, for the footer of every page: its phone (and the
    digits to dial), meeting place and address."""
    import re

    found = course.curriculum.contact
    return {"phone": found.phone, "tel": re.sub(r"[^0-9+]", "", found.phone or "") or None,
            "meeting_place": found.meeting_place, "address": found.address}


@dataclass(frozen=True)
class Branding:
    """The program's logo and colours: files to add to the site, and the theme settings."""

    assets: dict[str, bytes]
    logo: str | None = None
    stylesheet: str | None = None


def branding(course: Course, options) -> Branding:
    """Return the program's logo (as a site file) and its colours (as a stylesheet)."""
    curriculum = course.curriculum
    assets: dict[str, bytes] = {}
    logo = stylesheet = None
    if curriculum.logo:
        source = Path(options.curriculum).parent / curriculum.logo
        logo = f"assets/program-logo{source.suffix.lower()}"
        assets[logo] = source.read_bytes()
    if curriculum.colors:
        color = curriculum.colors.primary
        stylesheet = "assets/stylesheets/program.css"
        assets[stylesheet] = (f":root, [data-md-color-scheme] {{ --md-primary-fg-color: {color}; "
                              f"--md-primary-fg-color--light: {color}; "
                              f"--md-primary-fg-color--dark: {color}; "
                              f"--md-accent-fg-color: {color}; }}\n").encode()
    return Branding(assets, logo, stylesheet)
