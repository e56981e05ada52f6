"""Shared fixtures: a copy of the project in tmp_path, and helpers to build it and read the output."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
PROJECT_PARTS = ("mkdocs.yml", "curriculum", "modules", "templates", "docs")


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

    def build(self):
        from site_builder.building import build_site

        return build_site(self.config)


def copy_project(root: Path, cache: Path) -> Project:
    """Copy the repository's course into `root`, sharing one PDF cache between test projects."""
    for part in PROJECT_PARTS:
        source = REPO / part
        if source.is_dir():
            shutil.copytree(source, root / part)
        else:
            shutil.copy(source, root / part)
    project = Project(root)
    project.replace("mkdocs.yml", "cache_dir: .cache", f"cache_dir: {cache}")
    return project


@pytest.fixture(scope="session")
def pdf_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A PDF cache shared by the test projects (entries are keyed by their full inputs)."""
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


def small_project(root: Path, cache: Path) -> Project:
    """A copy of the project whose default program is SMALL_PROGRAM, with only its modules."""
    project = copy_project(root, cache)
    keep = {f"{m}{suffix}" for m in SMALL_MODULES for suffix in (".md", ".es.md")}
    for path in (root / "modules").glob("*.md"):
        if path.name not in keep:
            path.unlink()
    project.write("curriculum/default.yml", SMALL_PROGRAM)
    return project


@pytest.fixture
def small(tmp_path: Path, pdf_cache: Path) -> Project:
    """A small two-language project (6 sessions) to change and build in a test."""
    return small_project(tmp_path, pdf_cache)


@pytest.fixture(scope="session")
def built_small(tmp_path_factory: pytest.TempPathFactory, pdf_cache: Path) -> Project:
    """The small project built once per test run (read-only for tests: copy it to change it)."""
    project = small_project(tmp_path_factory.mktemp("small-course"), pdf_cache)
    project.build()
    return project


@pytest.fixture(scope="session")
def built_default(tmp_path_factory: pytest.TempPathFactory, pdf_cache: Path) -> Project:
    """The default course built once per test run (read-only for tests)."""
    project = copy_project(tmp_path_factory.mktemp("default-course"), pdf_cache)
    project.build()
    return project


def site_digest(folder: Path) -> str:
    """Return one hash of every file's path and bytes under `folder`."""
    h = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            h.update(path.relative_to(folder).as_posix().encode())
            h.update(path.read_bytes())
    return h.hexdigest()
