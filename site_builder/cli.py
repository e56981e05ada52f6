"""The `site-builder` command: parse arguments, call the library, set exit codes."""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

import click

from site_builder import pipeline
from site_builder.checks.content import (
    Limits,
    Readability,
    module_findings,
    module_readability,
    reading_levels,
)
from site_builder.errors import CourseError, Problem
from site_builder.i18n import extract, update_catalog, write_template
from site_builder.pdf.handouts import (
    render_module_handout,
)
from site_builder.plugin.address import mkdocs_site_url
from site_builder.plugin.building import build_site, load_mkdocs_config
from site_builder.programs import (
    PROGRAM_ENV,
    list_programs,
    load_program,
    program_file,
    program_json_schema,
    scaffold_program,
)
from site_builder.renderer.pages import course_messages, template_roots
from site_builder.structure.hours import hours_report
from site_builder.structure.loading import load_module
from site_builder.utils.paths import display_name

CONFIG = click.option("-f", "--config-file", type=click.Path(path_type=Path),
                      default=Path("mkdocs.yml"), show_default=True,
                      help="The mkdocs.yml of the course.")


def _setup_logging(verbose: bool) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(levelname)-7s -  %(message)s"))
    logger = logging.getLogger("mkdocs")
    logger.handlers[:] = [handler]
    logger.setLevel(logging.DEBUG if verbose else logging.INFO)
    logger.propagate = False


def _fail(error: CourseError) -> None:
    raise click.ClickException(str(error))


@click.group()
@click.version_option(package_name="site-builder")
def main() -> None:
    """Build IOP course sites and handouts from modules and a curriculum."""


PROGRAM = click.option("-p", "--program", default=None,
                       help="The program to build: a name from 'site-builder list'.")


def _select_program(config_file: Path, program: str | None) -> Path | None:
    """Point the plugin at curriculum/NAME.yml; return the program's own site folder."""
    if program is None:
        return None
    root = config_file.resolve().parent
    path = program_file(root, program)
    if not path.is_file():
        names = ", ".join(list_programs(root)) or "none"
        raise click.ClickException(f"there is no program '{program}' (no file "
                                   f"curriculum/{program}.yml). Programs: {names}.")
    os.environ[PROGRAM_ENV] = str(path)
    return root / "sites" / program


@main.command()
@CONFIG
@PROGRAM
@click.option("-d", "--site-dir", type=click.Path(path_type=Path), default=None,
              help="Where to write the site (default: site/, or sites/NAME/ for --program).")
@click.option("--strict/--no-strict", default=True, show_default=True,
              help="Stop on warnings (such as a week under the minimum hours).")
@click.option("-v", "--verbose", is_flag=True, help="Show debug messages.")
def build(config_file: Path, program: str | None, site_dir: Path | None, strict: bool,
          verbose: bool) -> None:
    """Build the site and its handouts; the old site is replaced only if all went well."""
    _setup_logging(verbose)
    try:
        target = build_site(config_file, strict=strict,
                            site_dir=site_dir or _select_program(config_file, program))
    except CourseError as e:
        _fail(e)
    click.echo(f"Site built in {display_name(target, config_file.resolve().parent)}/")


@main.command("list")
@CONFIG
def list_command(config_file: Path) -> None:
    """List the programs that can be built (curriculum/*.yml)."""
    root = config_file.resolve().parent
    for name in list_programs(root):
        try:
            course = load_program(root, name)
            click.echo(f"{name:24} {course.program_name} ({course.curriculum.weeks} weeks, "
                       f"{len(course.sessions)} sessions)")
        except CourseError as e:
            click.echo(f"{name:24} (cannot be loaded: {e.problems[0]})")


@main.group()
def new() -> None:
    """Create a new program from a working example."""


@new.command("program")
@CONFIG
@click.argument("name")
def new_program(config_file: Path, name: str) -> None:
    """Create curriculum/NAME.yml and its folder for own modules, templates and a logo."""
    try:
        created = scaffold_program(config_file.resolve().parent, name)
    except CourseError as e:
        _fail(e)
    for path in created:
        click.echo(f"created {path}")
    click.echo(f"Next: edit curriculum/{name}.yml, then: site-builder build --program {name}")


@main.command()
@click.option("-o", "--out", type=click.Path(path_type=Path), default=None,
              help="Write the JSON Schema here (default: print it).")
def schema(out: Path | None) -> None:
    """Print the JSON Schema of program files (for editor validation and autocomplete)."""
    text = program_json_schema()
    if out:
        out.write_text(text, encoding="utf-8")
        click.echo(f"wrote {out}")
    else:
        click.echo(text)


@main.command()
@CONFIG
@click.option("-a", "--dev-addr", default="127.0.0.1:8000", show_default=True,
              help="Address to serve on.")
@click.option("-l", "--language", default=None,
              help="Serve only this language of the program, at the site's root (default: "
              "every language, as a build makes them).")
def serve(config_file: Path, dev_addr: str, language: str | None) -> None:
    """Serve the site locally and rebuild it when a module, curriculum or template changes."""
    from mkdocs.commands.serve import serve as mkdocs_serve

    from site_builder.plugin import live

    _setup_logging(False)
    try:
        config = load_mkdocs_config(config_file.resolve())
        if language:
            _check_serve_language(config, config_file.resolve().parent, language)
    except CourseError as e:
        _fail(e)
    live.preview_language = language
    # Dirty builds: after an edit only the pages that changed are rebuilt (see live.py).
    mkdocs_serve(config_file=str(config_file), dev_addr=dev_addr, livereload=True,
                 build_type="dirty")


def _check_serve_language(config, root: Path, language: str) -> None:
    """Stop with a message when the program has no pages in `language`."""
    from site_builder.structure.loading import read_curriculum

    if "course" not in config.plugins:
        return
    path = Path(config.plugins["course"].config.curriculum)
    curriculum = read_curriculum(path, root)
    codes = list(dict.fromkeys([curriculum.language, *curriculum.translations]))
    if language not in codes:
        name = path.resolve().relative_to(root).as_posix() if path.resolve().is_relative_to(
            root) else path.name
        raise CourseError(Problem(name, f"the program is in {' and '.join(map(repr, codes))}, "
                                  f"not in '{language}'.", fix=" or ".join(
                                      f"'--language {code}'" for code in codes) + ", or add "
                                  f"'{language}' to 'translations:' in the program file."))


def _print_reading_levels(levels, limits: Limits, language: str) -> None:
    click.echo(f"Reading level ({language}; limit for client text: "
               f"{Readability.limit_text(limits, language)}):")
    click.echo(f"  {'module':36} {'client page':>16} {'handout':>16} {'facilitator guide':>18}")
    for module_id, level in levels.items():
        cells = [_level_cell(level[k]) for k in ("page", "handout", "guide")]
        click.echo(f"  {module_id:36} {cells[0]:>16} {cells[1]:>16} {cells[2]:>18}")


def _level_cell(level: Readability) -> str:
    if level.ease is not None:
        return f"FH {level.ease}"
    return f"FK {level.grade} / SMOG {level.smog}"


def _options(config_file: Path):
    """Return the course plugin's options from mkdocs.yml; CourseError if it has no plugin."""
    config = load_mkdocs_config(config_file.resolve())
    if "course" not in config.plugins:
        raise CourseError(Problem(config_file.name, "the 'course' plugin is not listed under "
                                  "'plugins'.", fix="add '- course' to the plugins list."))
    return config.plugins["course"].config


def _load(config_file: Path, language: str | None = None):
    """Return (plugin options, course) for the program selected by mkdocs.yml or --program."""
    options = _options(config_file)
    return options, pipeline.load(options, config_file.resolve().parent, language)


LANGUAGE = click.option("-l", "--language", default=None,
                        help="The language of the modules to use (en, es, ...; default: the "
                        "program's own language).")


@main.command()
@CONFIG
@PROGRAM
@LANGUAGE
@click.argument("module_id")
@click.option("-o", "--out", type=click.Path(path_type=Path), default=None,
              help="Where to write the PDF (default: MODULE_ID-handout.pdf).")
def handout(config_file: Path, program: str | None, language: str, module_id: str,
            out: Path | None) -> None:
    """Render one module's client handout, to check its layout and page count."""
    _setup_logging(False)
    _select_program(config_file, program)
    from pypdf import PdfReader

    try:
        options, course = _load(config_file, language)
        root = config_file.resolve().parent
        out = out or Path(f"{module_id}-handout.pdf")
        site_url = mkdocs_site_url(load_mkdocs_config(config_file.resolve()))
        path = render_module_handout(course, module_id, Path(options.templates_dir), out,
                                     pipeline.cache_dir(options, root), site_url=site_url)
    except CourseError as e:
        _fail(e)
    pages = len(PdfReader(path).pages)
    click.echo(f"{path}: {pages} page{'s' * (pages != 1)}, {path.stat().st_size // 1024} KB")


@main.command()
@CONFIG
@PROGRAM
@click.option("-l", "--language", "languages", multiple=True,
              help="Also start the catalog of this language (repeat for several).")
def messages(config_file: Path, program: str | None, languages: tuple[str, ...]) -> None:
    """Update the message catalogs: templates/locales/messages.pot lists every interface string
    of the templates; each <code>.po gets the new strings (empty, to translate) and loses the
    ones no template uses. With --program, the program's own templates and catalogs."""
    _setup_logging(False)
    _select_program(config_file, program)
    root = config_file.resolve().parent
    try:
        options, course = _load(config_file)
        templates = Path(options.templates_dir)
        folder = (course.program_dir / "templates" if program and course.program_dir
                  and (course.program_dir / "templates").is_dir() else templates)
        found = extract([folder], root, python=folder == templates)
        locales = folder / "locales"
        write_template(found, locales / "messages.pot")
        codes = sorted({p.stem for p in locales.glob("*.po")} | set(languages))
        for code in codes:
            done, total = update_catalog(found, locales / f"{code}.po", code)
            click.echo(f"{(locales / f'{code}.po').relative_to(root)}: {done} of {total} "
                       "strings translated.")
    except CourseError as e:
        _fail(e)
    click.echo(f"Wrote {(locales / 'messages.pot').relative_to(root)} ({len(found)} strings).")


@main.command()
@CONFIG
@click.argument("modules", nargs=-1, required=True, type=click.Path(path_type=Path))
def lint(config_file: Path, modules: tuple[Path, ...]) -> None:
    """Check module files on their own: schema, reading level and person-first language."""
    _setup_logging(False)
    root = config_file.resolve().parent
    try:
        options = _options(config_file)
        problems = []
        for path in modules:
            module = load_module(path, root)
            levels = module_readability(module)
            click.echo(f"{path}: " + ", ".join(f"{lv.name} {lv.describe()} ({lv.words} words)"
                                               for lv in levels.values()))
            problems += module_findings(module, root=root, limits=pipeline.limits(options))
    except CourseError as e:
        _fail(e)
    if problems:
        raise click.ClickException("\n".join(str(p) for p in problems))
    click.echo("OK")


@main.command()
@CONFIG
@PROGRAM
@LANGUAGE
def check(config_file: Path, program: str | None, language: str) -> None:
    """Validate the program, modules and templates without building; report reading levels
    and translation coverage."""
    _setup_logging(False)
    _select_program(config_file, program)
    root = config_file.resolve().parent
    try:
        options, course = _load(config_file, language)
        limits = pipeline.limits(options)
        levels = reading_levels(course)
        _print_reading_levels(levels, limits, course.language)
        _print_coverage(root, options, course)
        pipeline.prepare(course, options, root)  # the content checks and every page, as a build
        pipeline.print_plan(course, options, root).every_job()  # every print template, once
        found = pipeline.hours_shortfall(course)  # the one hours rule, as the build has it
        shortfall = found[0] if found else None
        if found and found[1]:
            raise CourseError(shortfall)
        mismatch = pipeline.length_mismatch(course)  # lengths: on_mismatch (lengths.py)
        if mismatch is not None and mismatch[1]:
            raise CourseError(mismatch[0])
    except CourseError as e:
        _fail(e)
    for warning in [*pipeline.warnings(course, options), *(mismatch[0] if mismatch else [])]:
        click.echo(f"Warning: {warning}")
    click.echo(f"Hours: warning (on_shortfall: warn): {shortfall}" if shortfall else
               f"Hours: {hours_report(course).summary()}")
    click.echo(f"OK: '{course.program_name}', {len(course.sessions)} sessions over "
               f"{course.curriculum.weeks} weeks, {len(course.modules)} modules.")


def _print_coverage(root: Path, options, course) -> None:
    """Print how many of the program's modules and interface strings each translation covers."""
    used = sorted({s.module.id for s in course.sessions})
    templates = Path(options.templates_dir)
    source = extract(template_roots(templates, course), root)
    for language in course.curriculum.translations:
        translated = pipeline.load(options, root, language)
        missing = translated.untranslated
        words = course_messages(templates, translated).missing(source)
        click.echo(f"Translation '{language}': {len(used) - len(missing)} of {len(used)} "
                   f"modules translated." + (f" Missing: {', '.join(missing)}" if missing else "")
                   + f" Interface: {len(source) - len(words)} of {len(source)} strings.")


@main.command()
@CONFIG
@PROGRAM
@click.option("--sign", "sign_ids", multiple=True, metavar="MODULE_ID",
              help="Record a review of this module as it is now (repeat for several).")
@click.option("--by", "reviewed_by", default=None, help="Who reviewed it (with --sign).")
@click.option("--role", default=None, help="The reviewer's role, such as 'Clinical director'.")
@click.option("--date", "date", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="The date of the review, YYYY-MM-DD (default: today).")
@click.option("-o", "--out", type=click.Path(path_type=Path), default=Path("review-sheets.pdf"),
              show_default=True, help="Where to write the review sheets (PDF).")
@click.option("--all", "all_modules", is_flag=True,
              help="A review sheet for every module, not only those that need review.")
def review(config_file: Path, program: str | None, sign_ids: tuple[str, ...],
           reviewed_by: str | None, role: str | None, date, out: Path,
           all_modules: bool) -> None:
    """Clinical sign-off: list the modules never reviewed or changed since their review (with
    what changed), print a one-page review sheet for each, or record a review with --sign."""
    from site_builder.pdf.sheets import print_review_sheets
    from site_builder.structure import reviews

    _setup_logging(False)
    _select_program(config_file, program)
    root = config_file.resolve().parent
    try:
        options, course = _load(config_file)
        if sign_ids:
            if not reviewed_by or not role:
                raise click.UsageError("--sign needs --by NAME and --role ROLE.")
            path = reviews.sign(course, list(sign_ids), reviewed_by=reviewed_by, role=role,
                                date=date.date() if date else None)
            click.echo(f"Recorded the review of {', '.join(sign_ids)} by {reviewed_by} in "
                       f"{display_name(path, root)}.")
            return
        statuses = list(reviews.review_status(course).values())
        _print_reviews(course, statuses)
        due = statuses if all_modules else [s for s in statuses if s.state != "reviewed"]
        if due:
            pages = print_review_sheets(course, due, Path(options.templates_dir), out,
                                        pipeline.cache_dir(options, root))
            click.echo(f"Review sheets: {out} ({pages} page{'s' * (pages != 1)}, one per "
                       "module) to print, review and sign.")
    except CourseError as e:
        _fail(e)


def _print_reviews(course, statuses) -> None:
    """Print the clinical review status of the program's modules."""
    groups = {state: [s for s in statuses if s.state == state]
              for state in ("changed", "never", "reviewed")}
    click.echo(f"Clinical review of '{course.program_name}': {len(statuses)} modules, "
               f"{len(groups['reviewed'])} reviewed, {len(groups['changed'])} changed since "
               f"review, {len(groups['never'])} never reviewed.")
    if groups["changed"]:
        click.echo("Changed since review:")
    for s in groups["changed"]:
        click.echo(f"  - {s.module_id} ({s.code}): reviewed by {s.review.reviewed_by} "
                   f"({s.review.role}) on {s.review.reviewed_on.isoformat()}; changed: {s.changes}")
    if groups["never"]:
        click.echo("Never reviewed:")
    for s in groups["never"]:
        click.echo(f"  - {s.module_id} ({s.code})")
