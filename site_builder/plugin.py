"""The MkDocs plugin: a thin adapter between MkDocs and the course library.

- `on_config`: load the course, set the nav from the curriculum, pass the crisis lines to the theme.
- `on_files`: add every course page as a generated file (nothing is written to `docs/`).
- `on_serve`: watch modules, curriculum and templates so an edit rebuilds the site.
- `on_post_build`: render the PDFs (handouts, guides, sign-in sheets, workbook, binder).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, get_plugin_logger
from mkdocs.structure.files import File, Files

from .checks import (Limits, check_content, load_measurements, reading_levels,
                     save_measurements)
from .errors import CourseError, Problem
from .scheduling import short_weeks
from . import live
from .handouts import PdfCache, PrintPlan, PrintRun, PrintSettings, form_font, hand_over
from .paths import all_pdf_paths
from .languages import LANGUAGES, localized
from .loading import load_course
from .i18n import install
from .rendering import build_nav, course_messages, render_pages
from .worksheet import WorksheetExtension

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.livereload import LiveReloadServer

    from .course import Course

log = get_plugin_logger(__name__)

_CURRENT_RUN: list[PrintRun] = []  # under serve, a newer edit cancels the older print run


class _PdfPlaceholder(File):
    """A PDF that the print run writes: known to MkDocs (so links to it are checked), never
    written by MkDocs itself."""

    def copy_file(self, dirty: bool = False) -> None:
        pass

    def is_modified(self) -> bool:
        return False


class CoursePluginConfig(base.Config):
    curriculum = c.File(exists=True, default="curriculum/default.yml")
    """The program file to build (`site-builder build --program NAME` sets it)."""
    modules_dir = c.Dir(exists=True, default="modules")
    """The folder of module Markdown files."""
    templates_dir = c.Dir(exists=True, default="templates")
    """The folder of Jinja page and print templates."""
    crisis_lines = c.File(exists=True, default="curriculum/crisis-lines.yml")
    """The crisis-line data file shown on every page and handout."""
    facilitator_pages = c.Type(bool, default=True)
    """Publish the facilitator guides on the site (set false for a client-only site)."""
    max_grade = c.Type((int, float), default=7)
    """Highest Flesch-Kincaid grade a client page or handout may have."""
    max_smog = c.Type((int, float), default=9)
    """Highest SMOG grade a client page or handout may have."""
    min_ease = c.Type((int, float), default=65)
    """Lowest Fernández-Huerta ease a Spanish client page or handout may have."""
    language = c.Type(str, default="en")
    """The language of this build: modules use their `<id>.<language>.md` translation."""
    pdfs = c.Type(bool, default=True)
    """Render the PDF handouts (set false for a quick preview of the pages)."""
    cache_dir = c.Type(str, default=".cache")
    """Where rendered PDFs are kept so an unchanged one is not rendered again."""


class CoursePlugin(BasePlugin[CoursePluginConfig]):
    """Generate the course pages in memory from the curriculum and modules."""

    def on_startup(self, *, command: str, dirty: bool) -> None:
        live.start(command, dirty)

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        self.course: Course | None = None
        self.error: CourseError | None = None
        root = Path(config.config_file_path).parent
        try:
            language = self.config.language
            self.course = load_course(Path(self.config.curriculum), Path(self.config.modules_dir),
                                      localized(Path(self.config.crisis_lines), language),
                                      root=root, language=language)
            measurements = root / self.config.cache_dir / "reading-levels.json"
            load_measurements(measurements)
            check_content(self.course, root=root, limits=self._limits())
            self.pages = render_pages(self.course, Path(self.config.templates_dir),
                                      facilitator_pages=self.config.facilitator_pages,
                                      extra={"reading_levels": reading_levels(self.course),
                                             "pdfs": self.config.pdfs})
            save_measurements(measurements)
            self.print_run = self._print_run(root) if self.config.pdfs else None
            if self.print_run is not None and not live.serving:
                self.print_run.start()  # the PDFs render while MkDocs builds the pages
        except CourseError as e:
            self.error = e
            raise PluginError(str(e)) from None
        self._check_hours()
        self._brand(config)
        self._languages(config)
        config.nav = build_nav(self.course, Path(self.config.templates_dir),
                               facilitator_pages=self.config.facilitator_pages)
        config.extra["crisis_lines"] = [line.model_dump() for line in self.course.crisis_lines]
        config.extra["program"] = self.course.curriculum.program
        config.site_name = self.course.curriculum.program
        config.markdown_extensions.append(WorksheetExtension())
        log.info("Course '%s': %d sessions over %d weeks.", self.course.curriculum.program,
                 len(self.course.sessions), self.course.curriculum.weeks)
        return config

    def _print_run(self, root: Path) -> PrintRun:
        """The run that renders the PDFs in worker processes."""
        curriculum = self.course.curriculum
        settings = PrintSettings(paper=curriculum.paper, large_print=curriculum.large_print)
        cache = root / self.config.cache_dir / "pdf"
        plan = PrintPlan(self.course, Path(self.config.templates_dir), settings,
                         form_font=form_font(cache))
        for older in _CURRENT_RUN if live.serving else ():
            older.cancel()
        _CURRENT_RUN[:] = [PrintRun(plan, PdfCache(cache), remember=live.newest_pdfs)]
        _CURRENT_RUN[0].renderer.announce = live.serving
        return _CURRENT_RUN[0]

    def _limits(self) -> Limits:
        return Limits(max_grade=self.config.max_grade, max_smog=self.config.max_smog,
                      min_ease=self.config.min_ease)

    def _check_hours(self) -> None:
        curriculum = self.course.curriculum
        short = short_weeks(curriculum, self.course.hours())
        if not short:
            return
        weeks = ", ".join(f"week {w} ({h:g} h)" for w, h in short)
        text = (f"{len(short)} week(s) are under the minimum of {curriculum.hours.minimum:g} "
                f"contact hours: {weeks}. Add a group or service, or list step-down weeks "
                "under 'hours: exempt_weeks'.")
        if curriculum.hours.on_shortfall == "fail":
            self.error = CourseError(Problem(self.config.curriculum, text))
            raise PluginError(str(self.error))
        log.warning(text)

    def _languages(self, config: MkDocsConfig) -> None:
        """Set the theme language, link every page to the other language, warn on fallbacks."""
        language = self.config.language
        config.theme["language"] = language
        for module_id in self.course.untranslated:
            log.warning("Module '%s' has no '%s' translation (modules/%s.%s.md); its pages and "
                        "handouts are in English with a notice.", module_id, language, module_id,
                        language)
        if language == "en" and self.course.curriculum.translations:
            other = self.course.curriculum.translations[0]
            config.extra["alternate_language"] = {"lang": other, "prefix": f"{other}/",
                                                  "label": LANGUAGES[other].name}
        elif language != "en":
            config.extra["alternate_language"] = {"lang": "en", "prefix": "../",
                                                  "label": LANGUAGES["en"].name}

    def _brand(self, config: MkDocsConfig) -> None:
        """Put the program's logo and colours on the site."""
        curriculum = self.course.curriculum
        self.assets: dict[str, bytes] = {}
        if curriculum.logo:
            logo = Path(self.config.curriculum).parent / curriculum.logo
            target = f"assets/program-logo{logo.suffix.lower()}"
            self.assets[target] = logo.read_bytes()
            config.theme["logo"] = target
        if curriculum.colors:
            color = curriculum.colors.primary
            css = (f":root, [data-md-color-scheme] {{ --md-primary-fg-color: {color}; "
                   f"--md-primary-fg-color--light: {color}; --md-primary-fg-color--dark: "
                   f"{color}; --md-accent-fg-color: {color}; }}\n")
            self.assets["assets/stylesheets/program.css"] = css.encode()
            config.extra_css.append("assets/stylesheets/program.css")

    def on_env(self, env, *, config: MkDocsConfig, files: Files):
        """Give the theme templates (templates/theme/) the course's interface words."""
        install(env, course_messages(Path(self.config.templates_dir), self.course))
        return env

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        self.generated = [live.Page.generated(config, path, content=markdown)
                          for path, markdown in self.pages.items()]
        self.shared = live.digest([config.nav, config.extra, config.site_name,
                                   sorted(config.theme.items())])
        if live.dirty:
            changed = live.mark_changed(self.generated, self.shared)
            log.info("%d of %d pages changed; building those.", changed, len(self.generated))
        for file in self.generated:
            files.append(file)
        for path, data in self.assets.items():
            files.append(File.generated(config, path, content=data))
        if self.config.pdfs:  # so MkDocs checks the links to PDFs; the print run writes them
            for path in all_pdf_paths(self.course):
                files.append(_PdfPlaceholder.generated(config, path, content=b""))
        return files

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        run, site_dir = self.print_run, Path(config.site_dir)
        if live.serving:
            live.remember(self.generated, self.shared, site_dir)
        if run is None:
            return
        if live.serving:  # pages first; each PDF as soon as it is ready, the old one until then
            run.publish_as_ready(site_dir, dict(live.newest_pdfs))
            run.start()
            return
        if hand_over(run, site_dir):  # site-builder build waits for every language's PDFs
            return
        try:
            run.wait(site_dir)
        except CourseError as e:
            self.error = e
            raise PluginError(str(e)) from None

    def on_serve(self, server: LiveReloadServer, *, config: MkDocsConfig, builder) -> None:
        for path in (self.config.modules_dir, self.config.templates_dir,
                     Path(self.config.curriculum).parent, self.config.crisis_lines):
            server.watch(str(path))
