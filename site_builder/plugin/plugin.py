"""The MkDocs plugin: a thin adapter between MkDocs and the course library.

- `on_config`: set the site's main language from the program (main_language.py), load the
  course, set the nav from the curriculum, pass the crisis lines to the theme.
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
from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority, get_plugin_logger
from mkdocs.structure.files import File, Files
from mkdocs.utils import is_error_template

from site_builder import pipeline
from site_builder.errors import CourseError
from site_builder.i18n import install
from site_builder.markup.escape import html_label
from site_builder.markup.worksheet import WorksheetExtension
from site_builder.pdf.handouts import (
    PrintRun,
    hand_over,
    shutdown_workers,
)
from site_builder.plugin import address, csp, last_good, live, main_language, offline
from site_builder.plugin.building import CourseBuildError
from site_builder.plugin.editions import Edition, site_languages
from site_builder.plugin.internals import own_plugins
from site_builder.plugin.weight import compact_html, trim_theme_stylesheets
from site_builder.renderer.pages import course_messages
from site_builder.renderer.paths import all_pdf_paths

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.livereload import LiveReloadServer

    from site_builder.structure.course import Course

log = get_plugin_logger(__name__)

_CURRENT_RUN: dict[str, PrintRun] = {}  # by language: under serve, a newer edit cancels the older


class _PdfPlaceholder(File):
    """A PDF that the print run writes: known to MkDocs (so links to it are checked), never
    written by MkDocs itself."""

    def copy_file(self, dirty: bool = False) -> None:
        pass

    def is_modified(self) -> bool:
        return False


_DEFAULT = pipeline.Options()


class CoursePluginConfig(base.Config):
    """The `course` plugin's options; their defaults are `pipeline.Options`'s (declared once)."""

    curriculum = c.File(exists=True, default=_DEFAULT.curriculum)
    """The program file to build (`site-builder build --program NAME` sets it)."""
    modules_dir = c.Dir(exists=True, default=_DEFAULT.modules_dir)
    """The folder of module Markdown files."""
    templates_dir = c.Dir(exists=True, default=_DEFAULT.templates_dir)
    """The folder of Jinja page and print templates."""
    crisis_lines = c.File(exists=True, default=_DEFAULT.crisis_lines)
    """The crisis-line data file shown on every page and handout."""
    facilitator_pages = c.Type(bool, default=_DEFAULT.facilitator_pages)
    """Publish the facilitator guides on the site (set false for a client-only site)."""
    max_grade = c.Type((int, float), default=_DEFAULT.max_grade)
    """Highest Flesch-Kincaid grade a client page or handout may have."""
    max_smog = c.Type((int, float), default=_DEFAULT.max_smog)
    """Highest SMOG grade a client page or handout may have."""
    min_ease = c.Type((int, float), default=_DEFAULT.min_ease)
    """Lowest Fernández-Huerta ease a Spanish client page or handout may have."""
    language = c.Deprecated(message="the course plugin has no 'language' option any more: a "
                            "build is in 'theme.language', and the program's 'translations' are "
                            "built beside it (see 'Adding a language' in the README).",
                            removed=True)
    pdfs = c.Type(bool, default=_DEFAULT.pdfs)
    """Render the PDF handouts (set false for a quick preview of the pages)."""
    cache_dir = c.Type(str, default=_DEFAULT.cache_dir)
    """Where rendered PDFs are kept so an unchanged one is not rendered again."""


class CoursePlugin(BasePlugin[CoursePluginConfig]):
    """Generate the course pages in memory from the curriculum and modules."""

    def on_shutdown(self) -> None:
        if live.serving:
            shutdown_workers()

    def on_startup(self, *, command: str, dirty: bool) -> None:
        live.start(command, dirty)

    @event_priority(100)  # before the search plugin reads 'theme.language' in its on_config
    def _on_config_language(self, config: MkDocsConfig) -> None:
        main_language.choose(config, self.config, getattr(self, "nested_edition", None),
                             live.preview_language if live.serving else None)

    def _on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        self.course: Course | None = None
        self.error: CourseError | None = None
        root, key = Path(config.config_file_path).parent, (config.config_file_path,
                                                            config.theme["language"])
        try:
            self.course = pipeline.load(self.config, root, config.theme["language"])
            self.address = address.site_address(self.course.curriculum, config)
            site = pipeline.prepare(self.course, self.config, root)
            last_good.keep(key, self.course, site)  # serve shows it while a later edit is wrong
            self.print_run = self._print_run(root, config) if self.config.pdfs else None
            self._check_hours()
            self._check_lengths()
        except CourseError as e:
            site = self._last_good_or_raise(e, key, config)
        self.pages = site.pages
        self._brand(config)
        self.assets.update(site.files)  # the .ics calendars
        self._languages(config)
        self._apply(config, site)
        log.info("Course '%s': %d sessions over %d weeks.", self.course.program_name,
                 len(self.course.sessions), self.course.curriculum.weeks)
        return config

    on_config = CombinedEvent(_on_config_language, _on_config)

    def _apply(self, config: MkDocsConfig, site: pipeline.Site) -> None:
        """Hand MkDocs and the theme what the course decides: nav, name, address, footer."""
        self._set(config, "nav", site.nav, "from the program's weeks and sessions")
        config.extra["crisis_lines"] = [line.model_dump() for line in self.course.crisis_lines]
        config.extra["program"] = self.course.curriculum.program
        config.extra["contact"] = pipeline.contact(self.course)  # in the footer of every page
        self._set(config, "site_name", html_label(self.course.curriculum.program),
                  "the program's name")  # Material prints it as HTML (escape.py)
        site_url = address.site_url_setting(self.course.curriculum, config, self._folder())
        if site_url:  # one address: QR codes, canonical links, sitemap (address.py)
            self._set(config, "site_url", *site_url)
        config.markdown_extensions.append(WorksheetExtension())

    def _last_good_or_raise(self, error: CourseError, key, config: MkDocsConfig
                            ) -> pipeline.Site:
        """Serve: go on with the last good course (last_good.py); otherwise stop the build."""
        kept = last_good.last_good(key, error)
        if kept is None:
            self.error = error
            raise CourseBuildError(str(error)) from None
        self.course, site = kept
        self.print_run = None
        self.address = address.site_address(self.course.curriculum, config)
        return site

    def _print_run(self, root: Path, config: MkDocsConfig) -> PrintRun:
        """The run that renders the PDFs in worker processes (started now, so the PDFs render
        while MkDocs builds the pages; under serve, after the pages are written)."""
        language = self.course.language
        if live.serving and language in _CURRENT_RUN:
            _CURRENT_RUN[language].cancel()  # a newer edit cancels the older print run
        run = pipeline.print_run(self.course, self.config, root, folder=self._folder(),
                                 directory_urls=config.use_directory_urls, site_url=self.address,
                                 remember=live.kept(language).pdfs)
        run.renderer.announce = live.serving
        _CURRENT_RUN[language] = run
        if not live.serving:
            run.start()
        return run

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
            raise CourseError(problem)
        log.info("Hours: %s", problem)  # 'on_shortfall: warn' never stops a build, strict or not

    def _check_lengths(self) -> None:
        """One message per track that runs modules far from their length (lengths.py): a
        warning that never stops a build ('on_mismatch: warn') or an error ('fail')."""
        mismatch = pipeline.length_mismatch(self.course)
        edition = getattr(self, "nested_edition", None)
        if mismatch is None or (edition is not None and not edition.is_main):
            return  # the main language's build says it once
        problems, stops = mismatch
        if stops:
            raise CourseError(problems)
        for problem in problems:
            log.info("Lengths: %s", problem)  # 'on_mismatch: warn' never stops a build

    def _languages(self, config: MkDocsConfig) -> None:
        """Decide which languages this build makes, link them with Material's language
        selector, and warn about what this language shows in another one."""
        edition = getattr(self, "nested_edition", None)  # set on the plugin of another language
        if edition is None:
            languages = site_languages(self.course.curriculum, self.course.language)
            if live.serving and live.preview_language:  # site-builder serve --language CODE
                languages = (live.preview_language,)
            edition = Edition(self.course.language, languages, address.root_path(
                self.address, config, live.serving))
            conflict = address.conflict(self.course, config)
            if conflict:
                log.warning(str(conflict))
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
        from mkdocs.exceptions import Abort

        for language in self.edition.others:
            plugins = live.kept(language).plugins  # under serve, kept for the next rebuild
            started = bool(plugins)
            with own_plugins(plugins):  # its own search index, pages and print run (internals.py)
                other = load_config(config.config_file_path, strict=config.strict,
                                    site_dir=str(Path(config.site_dir) / language),
                                    use_directory_urls=config.use_directory_urls)
            other.theme["language"] = language
            plugin = next(p for p in other.plugins.values() if isinstance(p, CoursePlugin))
            plugin.nested_edition = Edition(language, self.edition.languages, self.edition.root)
            log.info("Building the '%s' pages into %s/.", language, language)
            if not started:
                other.plugins.on_startup(command="serve" if live.serving else "build",
                                         dirty=live.dirty)
            try:
                build(other, dirty=live.dirty)  # serve: only the pages that changed
            except Abort:
                self.error = getattr(plugin, "error", None)
                raise
            finally:
                if not live.serving:  # serve keeps them (and the PDF workers) until it stops
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
            changed = live.mark_changed(self.generated, self.shared, self.edition.language)
            log.info("%d of %d pages changed; building those.", changed, len(self.generated))
        for file in self.generated:
            files.append(file)
        for path, data in self.assets.items():
            files.append(File.generated(config, path, content=data))
        if self.config.pdfs:  # so MkDocs checks the links to PDFs; the print run writes them
            for path in all_pdf_paths(self.course):
                files.append(_PdfPlaceholder.generated(config, path, content=b""))
        return files

    def on_template_context(self, context, *, template_name: str, config: MkDocsConfig):
        """404.html is served at any address: it links from its language's home on the host
        (site_url's path, such as '/iop/es/'), as its language links do (address.py)."""
        if is_error_template(template_name):
            home = self.edition.home(self.edition.language)
            context = address.error_page_context(context, home)
        return context

    def on_post_page(self, output: str, *, page, config: MkDocsConfig) -> str:
        return compact_html(output)  # lighter pages on a phone (weight.py)

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        site_dir = Path(config.site_dir)
        trim_theme_stylesheets(site_dir)
        csp.protect_build(site_dir, self.edition, directory_urls=config.use_directory_urls,
                          serving=live.serving)  # before the service worker lists the pages
        offline.write_service_worker(  # lists the pages just written (not the PDFs)
            site_dir, self.course, course_messages(Path(self.config.templates_dir), self.course),
            skip=self.edition.others, directory_urls=config.use_directory_urls,
            serving=live.serving)
        if live.serving:
            live.remember(self.generated, self.shared, site_dir, self.edition.language)
        if self.print_run is not None:
            self._publish(self.print_run, site_dir)

    def _publish(self, run: PrintRun, site_dir: Path) -> None:
        """Put the PDFs in the site: under serve each as soon as it is ready (the old one until
        then); for site-builder build, handed over to wait for every language's; else now."""
        if live.serving:
            run.publish_as_ready(site_dir, dict(live.kept(self.edition.language).pdfs))
            run.start()
        elif not hand_over(run, site_dir):
            try:
                run.wait(site_dir)
            except CourseError as e:
                self.error = e
                raise CourseBuildError(str(e)) from None

    def on_serve(self, server: LiveReloadServer, *, config: MkDocsConfig, builder) -> None:
        for path in (self.config.modules_dir, self.config.templates_dir,
                     Path(self.config.curriculum).parent, self.config.crisis_lines):
            server.watch(str(path))
