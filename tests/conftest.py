"""Shared fixtures: copies of the project in tmp_path (the full course, or a small one built from a
few modules), builds shared by the whole run, and helpers to build them and read the output.

Builds are the slow part of the suite, so each kind is made once per run and shared:
`built_default` (the default course in English and Spanish, with every PDF), `built_small`
(6 sessions, with PDFs), `built_tracks` (a small program with dates, a holiday, open entry and
several tracks, pages only) and `built_examples` (the evening-iop and anger-management programs,
pages only). Tests read them and never change them; a test that needs a change copies the
`small` project. A test that uses one of them is marked `slow` (see pyproject.toml)."""

from __future__ import annotations

import hashlib
import logging
import os
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

REPO = Path(__file__).resolve().parent.parent
PROJECT_PARTS = ("mkdocs.yml", "curriculum", "modules", "templates", "docs")


@pytest.hookimpl(wrapper=True)  # around every other plugin: before `-m "not slow"` deselects
def pytest_collection_modifyitems(items: list[pytest.Item]):  # and before xdist reads groups
    """Mark every test that uses a shared full build as slow (the build is paid by the first)."""
    slow_fixtures = {"built_default", "built_small", "built_examples", "built_tracks",
                     "default_course"}
    for item in items:
        used = set(getattr(item, "fixturenames", ()))
        if slow_fixtures & used:
            item.add_marker(pytest.mark.slow)
        # With two workers (make test: pytest -n 2 --dist loadgroup), the tests of one shared
        # build run in one worker, so each build is made once.
        group = next((name for fixtures, name in _BUILD_GROUPS if fixtures & used), None)
        if group:
            item.add_marker(pytest.mark.xdist_group(group))
    return (yield)


_BUILD_GROUPS = (({"built_default", "default_course"}, "default"), ({"built_examples"}, "examples"),
                 ({"built_tracks"}, "tracks"), ({"built_small"}, "small"))


class _WarningRecords(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


_LOGGERS = ("mkdocs", "site_builder", "")  # MkDocs and its plugins, ours, everything else


@pytest.fixture(autouse=True)
def no_unexpected_warnings(request: pytest.FixtureRequest):
    """Fail a test when a WARNING (or worse) is logged that it does not expect: a test that
    expects warnings is marked `@pytest.mark.log_warnings` and checks them itself."""
    seen = _WarningRecords()
    loggers = [logging.getLogger(name) for name in _LOGGERS]
    for logger in loggers:
        logger.addHandler(seen)
    yield seen
    for logger in loggers:
        logger.removeHandler(seen)
    unique = list(dict.fromkeys(f"{r.levelname} {r.name}: {r.getMessage()}" for r in seen.records))
    if unique and not request.node.get_closest_marker("log_warnings"):
        pytest.fail("unexpected warnings logged:\n" + "\n".join(unique[:10]), pytrace=False)


class Project:
    """A course project in a temporary folder."""

    def __init__(self, root: Path) -> None:
        self.root = root

    @property
    def config(self) -> Path:
        return self.root / "mkdocs.yml"

    @property
    def site(self) -> Path:
        return self.root / "site"

    def write(self, relative: str, text: str | bytes) -> Path:
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8")
        return path

    def read(self, relative: str) -> str:
        return (self.root / relative).read_text(encoding="utf-8")

    def replace(self, relative: str, old: str, new: str) -> None:
        text = self.read(relative)
        assert old in text, f"{old!r} not in {relative}"
        self.write(relative, text.replace(old, new, 1))

    def html(self, page: str) -> str:
        """Return the built HTML of a page path such as 'week-01/session-1/'."""
        return (self.site / page / "index.html").read_text(encoding="utf-8")

    def set_course_option(self, name: str, value: str) -> None:
        """Set an option of the `course` plugin in mkdocs.yml (every language reads it)."""
        text = self.read("mkdocs.yml")
        option = re.search(r"^([ \t]+)cache_dir:", text, re.M)
        assert option, "no 'cache_dir:' option in mkdocs.yml"
        self.write("mkdocs.yml", text.replace(option[0], f"{option[1]}{name}: {value}\n"
                                              f"{option[0]}", 1))

    def disable_pdfs(self) -> None:
        """Build pages only (`pdfs: false`)."""
        self.set_course_option("pdfs", "false")

    def build(self):
        from site_builder.plugin.building import build_site

        return build_site(self.config)

    def cli(self, *args: object):
        """Run `site-builder ARGS -f mkdocs.yml`; return the click result."""
        from site_builder.cli import main

        # The env entry makes CliRunner restore the program variable that --program sets.
        return CliRunner().invoke(main, [*(str(a) for a in args), "-f", str(self.config)],
                                  env={"SITE_BUILDER_PROGRAM": None})


def copy_project(root: Path, cache: Path) -> Project:
    """Copy the repository's course into `root`, sharing one PDF cache between test projects."""
    root.mkdir(parents=True, exist_ok=True)
    for part in PROJECT_PARTS:
        source = REPO / part
        if source.is_dir():
            shutil.copytree(source, root / part)
        elif source.is_file():
            shutil.copy(source, root / part)
    project = Project(root)
    project.replace("mkdocs.yml", "cache_dir: .cache", f"cache_dir: {cache}")
    return project


@pytest.fixture(scope="session")
def pdf_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A PDF cache shared by the test projects, and by the workers of one run (entries are keyed
    by their full inputs and written atomically, so workers can share them)."""
    if os.environ.get("PYTEST_XDIST_WORKER"):
        shared = tmp_path_factory.getbasetemp().parent / "pdf-cache"
        shared.mkdir(exist_ok=True)
        return shared
    return tmp_path_factory.mktemp("pdf-cache")


@pytest.fixture
def project(tmp_path: Path, pdf_cache: Path) -> Project:
    """A copy of the repository's course (curriculum, modules, templates, mkdocs.yml)."""
    return copy_project(tmp_path, pdf_cache)


SMALL_MODULES = ("orientation-and-levels-of-care", "stages-of-change", "coping-with-cravings",
                 "refusal-skills", "anger-cues-and-meter", "relapse-warning-signs")

SMALL_PROGRAM = """\
# A small program for behaviour tests: two weeks, six sessions, English and Spanish.
program: Small Test IOP
weeks: 2
min_weeks: 1
language: en
translations: [es]
hours:
  minimum: 3
  on_shortfall: warn
tracks:
  - id: session
    name: Skills group
    days: [Monday, Wednesday, Friday]
    session_minutes: 90
    modules:
      - orientation-and-levels-of-care
      - stages-of-change
      - coping-with-cravings
      - refusal-skills
      - anger-cues-and-meter
      - relapse-warning-signs
"""

# Where each small module lands (page path of its client session).
SMALL_SLUGS = {module: f"week-{i // 3 + 1:02d}/session-{i % 3 + 1}"
               for i, module in enumerate(SMALL_MODULES)}

TRACKS_PROGRAM = """\
# A small program with what the default course does not have: dates and a holiday, open entry
# ("your path" pages), a second group track placed by week, and a service track.
program: Small Tracks IOP
weeks: 2
min_weeks: 1
language: en
translations: [es]
start_date: "2027-01-04"
holidays: ["2027-01-06"]
contact:
  phone: "555-0142"
hours:
  minimum: 3
  on_shortfall: warn
tracks:
  - id: evening
    name: Evening group
    days: [Monday, Wednesday]
    session_minutes: 90
    open_entry: true
    modules: [orientation-and-levels-of-care, stages-of-change, coping-with-cravings]
  - id: family
    name: Family education
    days: [Thursday]
    session_minutes: 60
    schedule:
      - {week: 2, sessions: [refusal-skills]}
  - id: process
    name: Process group
    service: true
    days: [Monday, Wednesday]
    session_minutes: 90
"""


def small_project(root: Path, cache: Path, program: str = SMALL_PROGRAM) -> Project:
    """A copy of the project whose default program is `program`, with only the small modules."""
    project = copy_project(root, cache)
    keep = {f"{m}{suffix}" for m in SMALL_MODULES for suffix in (".md", ".es.md")}
    for path in (root / "modules").glob("*.md"):
        if path.name not in keep:
            path.unlink()
    project.write("curriculum/default.yml", program)
    return project


@pytest.fixture
def small(tmp_path: Path, pdf_cache: Path) -> Project:
    """A small two-language project (6 sessions) to change and build in a test."""
    return small_project(tmp_path, pdf_cache)


@pytest.fixture(scope="session")
def built_small(tmp_path_factory: pytest.TempPathFactory, pdf_cache: Path) -> Project:
    """The small project built once per test run, with its PDFs (read-only for tests)."""
    project = small_project(tmp_path_factory.mktemp("small-course"), pdf_cache)
    project.build()
    return project


@pytest.fixture(scope="session")
def built_tracks(tmp_path_factory: pytest.TempPathFactory, pdf_cache: Path) -> Project:
    """TRACKS_PROGRAM built once per test run, pages only (read-only for tests)."""
    project = small_project(tmp_path_factory.mktemp("tracks-course"), pdf_cache, TRACKS_PROGRAM)
    project.disable_pdfs()
    project.build()
    return project


@pytest.fixture(scope="session")
def built_default(tmp_path_factory: pytest.TempPathFactory, pdf_cache: Path) -> Project:
    """The default course built once per test run (read-only for tests)."""
    project = copy_project(tmp_path_factory.mktemp("default-course"), pdf_cache)
    project.build()
    return project


@pytest.fixture(scope="session")
def default_course(built_default: Project):
    """The loaded course of `built_default`: its modules, sessions and weeks (read-only)."""
    from site_builder.programs import load_program

    return load_program(built_default.root, "default")


EXAMPLE_PROGRAMS = ("evening-iop", "anger-management")


@pytest.fixture(scope="session")
def built_examples(tmp_path_factory: pytest.TempPathFactory, pdf_cache: Path) -> Project:
    """The example programs, each built once per run with the CLI into sites/NAME/, pages only
    (read-only for tests; `site-builder handout --program NAME` makes one of their PDFs)."""
    project = copy_project(tmp_path_factory.mktemp("examples"), pdf_cache)
    project.disable_pdfs()
    for name in EXAMPLE_PROGRAMS:
        result = project.cli("build", "--program", name)
        assert result.exit_code == 0, result.output
    return project


def site_digest(folder: Path) -> str:
    """Return one hash of every file's path and bytes under `folder`."""
    h = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            h.update(path.relative_to(folder).as_posix().encode())
            h.update(path.read_bytes())
    return h.hexdigest()
