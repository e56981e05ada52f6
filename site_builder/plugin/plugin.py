"""The MkDocs plugin: a thin adapter between MkDocs and the course library.

- `on_config`: load the course, set the nav from the curriculum, pass the crisis lines to the theme.
- `on_files`: add every course page as a generated file (nothing is written to `docs/`).
- `on_serve`: watch modules, curriculum and templates so an edit rebuilds the site.
- `on_post_page`: drop the blank lines Material's templates leave; `on_post_build` trims
  Material's stylesheet to the features the site uses (weight.py).
- `on_post_build`: write the service worker that keeps the course offline (offline.py), and
  render the PDFs (handouts, guides, sign-in sheets, workbook, binder).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.plugins import BasePlugin, get_plugin_logger
from mkdocs.structure.files import File, Files

from site_builder import pipeline
from site_builder.checks.content import load_measurements, save_measurements
from site_builder.errors import CourseError
from site_builder.i18n import install
from site_builder.markup.escape import html_label
from site_builder.markup.worksheet import WorksheetExtension
from site_builder.pdf.handouts import (
    PdfCache,
    PrintPlan,
    PrintRun,
    PrintSettings,
    form_font,
    hand_over,
    shutdown_workers,
)
from site_builder.plugin import csp, last_good, live, offline
from site_builder.plugin.building import CourseBuildError
from site_builder.plugin.editions import Edition, site_languages
from site_builder.plugin.weight import compact_html, trim_theme_stylesheets
from site_builder.renderer.pages import course_messages
from site_builder.renderer.paths import all_pdf_paths
from site_builder.structure.hours import warn_without_stopping

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.livereload import LiveReloadServer

    from site_builder.structure.course import Course

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
    language = c.Deprecated(message="the course plugin has no 'language' option any more: a "
                            "build is in 'theme.language', and the program's 'translations' are "
                            "built beside it (see 'Adding a language' in the README).",
                            removed=True)
    pdfs = c.Type(bool, default=True)
    """Render the PDF handouts (set false for a quick preview of the pages)."""
    cache_dir = c.Type(str, default=".cache")
    """Where rendered PDFs are kept so an unchanged one is not rendered again."""


class CoursePlugin(BasePlugin[CoursePluginConfig]):
    """Generate the course pages in memory from the curriculum and modules."""

    def on_shutdown(self) -> None:
        if live.serving:
            shutdown_workers()

    def on_startup(self, *, command: str, dirty: bool) -> None:
        live.start(command, dirty)

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        self.course: Course | None = None
        self.error: CourseError | None = None
        root = Path(config.config_file_path).parent
        language = config.theme["language"]  # MkDocs' own setting: the language of this build
        try:
            self.course = pipeline.load(self.config, root, language)
            measurements = root / self.config.cache_dir / "reading-levels.json"
            load_measurements(measurements)
            site = pipeline.prepare(self.course, self.config, root)
            self.pages = site.pages
            save_measurements(measurements)
            last_good.keep((config.config_file_path, language), self.course, site)
            self.print_run = self._print_run(root, config) if self.config.pdfs else None
            if self.print_run is not None and not live.serving:
                self.print_run.start()  # the PDFs render while MkDocs builds the pages
        except CourseError as e:
            site = self._last_good_or_raise(e, (config.config_file_path, language))
        self._check_hours()
        self._brand(config)
        self.assets.update(site.files)  # the .ics calendars
        self._languages(config)
        self._set(config, "nav", site.nav, "from the program's weeks and sessions")
        config.extra["crisis_lines"] = [line.model_dump() for line in self.course.crisis_lines]
        config.extra["program"] = self.course.curriculum.program
        config.extra["contact"] = pipeline.contact(self.course)  # in the footer of every page
        self._set(config, "site_name", html_label(self.course.curriculum.program),
                  "the program's name")  # Material prints it as HTML (escape.py)
        if self.course.curriculum.site_url:  # the address the QR codes on handouts lead to
            self._set(config, "site_url", self.course.curriculum.site_url + self._folder(),
                      "the program's 'site_url'")
        config.markdown_extensions.append(WorksheetExtension())
        log.info("Course '%s': %d sessions over %d weeks.", self.course.curriculum.program,
                 len(self.course.sessions), self.course.curriculum.weeks)
        return config

    def _last_good_or_raise(self, error: CourseError, key) -> pipeline.Site:
        """Serve: go on with the last good course (last_good.py); otherwise stop the build."""
        kept = last_good.last_good(key, error)
        if kept is None:
            self.error = error
            raise CourseBuildError(str(error)) from None
        self.course, site = kept
        self.pages, self.print_run = site.pages, None
        return site

    def _print_run(self, root: Path, config: MkDocsConfig) -> PrintRun:
        """The run that renders the PDFs in worker processes."""
        settings = PrintSettings.of(self.course.curriculum, folder=self._folder(),
                                    directory_urls=config.use_directory_urls)
        cache = root / self.config.cache_dir / "pdf"
        plan = PrintPlan(self.course, Path(self.config.templates_dir), settings,
                         form_font=form_font(cache))
        for older in _CURRENT_RUN if live.serving else ():
            older.cancel()
        _CURRENT_RUN[:] = [PrintRun(plan, PdfCache(cache), remember=live.newest_pdfs)]
        _CURRENT_RUN[0].renderer.announce = live.serving
        return _CURRENT_RUN[0]

    def _folder(self) -> str:
        """Where this build's language is in the site: '' for the main one, 'es/' for another."""
        edition = getattr(self, "nested_edition", None)  # another language's build
        return edition.folder(edition.language) if edition is not None else ""

    def _set(self, config: MkDocsConfig, key: str, value, source: str) -> None:
        """Set a MkDocs setting for the author, and say so (replacing mkdocs.yml's, if any)."""
        old = config.get(key)
        what = f"to '{value}', {source}" if isinstance(value, str) else source
        replaced = (f" (instead of '{old}' from mkdocs.yml)" if isinstance(old, str) else
                    " (instead of the one in mkdocs.yml)") if old and old != value else ""
        log.info("Setting '%s' %s%s.", key, what, replaced)
        config[key] = value

    def _check_hours(self) -> None:
        shortfall = pipeline.hours_shortfall(self.course)
        if shortfall is None:
            return
        problem, stops = shortfall
        edition = getattr(self, "nested_edition", None)  # set when this is another language's build
        if edition is not None and not edition.is_main:
            return  # the main language's build has said it
        if stops:
            self.error = CourseError(problem)
            raise CourseBuildError(str(self.error))
        warn_without_stopping(str(problem))  # 'on_shortfall: warn' never stops a build

    def _languages(self, config: MkDocsConfig) -> None:
        """Decide which languages this build makes, link them with Material's language
        selector, and warn about what this language shows in another one."""
        edition = getattr(self, "nested_edition", None)  # set on the plugin of another language
        if edition is None:
            languages = site_languages(self.course.curriculum, self.course.language)
            if live.serving and len(languages) > 1:
                log.info("Serving '%s' only (the program's other languages, %s, are made by "
                         "'mkdocs build' and 'site-builder build').", languages[0],
                         ", ".join(languages[1:]))
                languages = languages[:1]
            edition = Edition(self.course.language, languages)
        self.edition = edition
        for warning in pipeline.warnings(self.course, self.config):
            log.warning(warning)
        if edition.others:
            log.info("Languages: '%s' here, %s in %s.", edition.language, ", ".join(
                f"'{code}'" for code in edition.others), ", ".join(f"{code}/" for code in
                                                                edition.others))
        if len(edition.languages) > 1:
            if config.extra.get("alternate"):
                log.info("Keeping the 'extra.alternate' language selector of mkdocs.yml.")
            else:
                config.extra["alternate"] = edition.alternate()

    def _build_other_languages(self, config: MkDocsConfig) -> None:
        """One build, one site: build each other language of the program into `<code>/` of
        this site, as a full MkDocs build of the same mkdocs.yml in that language."""
        from mkdocs.commands.build import build
        from mkdocs.config import load_config
        from mkdocs.config.defaults import MkDocsConfig
        from mkdocs.exceptions import Abort

        # MkDocs keeps the plugins that have on_startup (this one, Material's search) from one
        # load_config to the next; the other language needs its own, or it would take over
        # this build's state (its search index, its pages, its print run).
        option = MkDocsConfig.plugins
        for language in self.edition.others:
            kept, option.plugin_cache = option.plugin_cache, {}
            try:
                other = load_config(config.config_file_path, strict=config.strict,
                                    site_dir=str(Path(config.site_dir) / language),
                                    use_directory_urls=config.use_directory_urls)
            finally:
                option.plugin_cache = kept
            other.theme["language"] = language
            plugin = next(p for p in other.plugins.values() if isinstance(p, CoursePlugin))
            plugin.nested_edition = Edition(language, self.edition.languages)
            log.info("Building the '%s' pages into %s/.", language, language)
            other.plugins.on_startup(command="build", dirty=False)
            try:
                build(other)
            except Abort:
                self.error = getattr(plugin, "error", None)
                raise
            finally:
                other.plugins.on_shutdown()

    def _brand(self, config: MkDocsConfig) -> None:
        """Put the program's logo and colours on the site."""
        brand = pipeline.branding(self.course, self.config)
        self.assets: dict[str, bytes] = brand.assets
        if brand.logo:
            log.info("Setting 'theme.logo' to the program's logo (%s).",
                     self.course.curriculum.logo)
            config.theme["logo"] = brand.logo
        if brand.stylesheet:
            config.extra_css.append(brand.stylesheet)
        # Add to home screen and offline reading (offline.py; the theme's main.html links them).
        self.assets.update(offline.app_files(self.course, logo=brand.logo))
        config.extra["app"] = {"manifest": offline.MANIFEST, "icon": offline.ICONS[192],
                               "theme_color": offline.theme_color(self.course),
                               "offline": not live.serving}

    def on_env(self, env, *, config: MkDocsConfig, files: Files):
        """Give the theme templates (templates/theme/) the course's interface words; then,
        for a main build, build the program's other languages (MkDocs has cleaned site_dir and
        has not written this language's pages yet)."""
        env.bytecode_cache = live.THEME_COMPILED  # Material's templates, compiled once
        install(env, course_messages(Path(self.config.templates_dir), self.course))
        if self.edition.others:
            self._build_other_languages(config)
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

    def on_post_page(self, output: str, *, page, config: MkDocsConfig) -> str:
        return compact_html(output)  # lighter pages on a phone (weight.py)

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        run, site_dir = self.print_run, Path(config.site_dir)
        trim_theme_stylesheets(site_dir)
        csp.protect_build(site_dir, self.edition, directory_urls=config.use_directory_urls,
                          serving=live.serving)  # before the service worker lists the pages
        offline.write_service_worker(  # lists the pages just written (not the PDFs)
            site_dir, self.course, course_messages(Path(self.config.templates_dir), self.course),
            skip=self.edition.others, directory_urls=config.use_directory_urls,
            serving=live.serving)
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
            raise CourseBuildError(str(e)) from None

    def on_serve(self, server: LiveReloadServer, *, config: MkDocsConfig, builder) -> None:
        for path in (self.config.modules_dir, self.config.templates_dir,
                     Path(self.config.curriculum).parent, self.config.crisis_lines):
            server.watch(str(path))
