"""What `serve` keeps from one rebuild to the next, so an edit reaches the browser in about a
second.

MkDocs makes a new plugin for every rebuild; this module outlives them. With MkDocs' dirty builds
(`site-builder serve` asks for them), only the pages whose Markdown changed are converted and
rendered again; when the nav, the theme settings or anything shared by every page changes, every
page is. MkDocs' search plugin then writes an index of the rebuilt pages only, so the index is
merged with the previous one. PDFs are published as they are rendered (see `PrintRun`); until
then the previous version of each is served.

Every language of the program is served (`site-builder serve --language CODE` serves one): each
language's build keeps its own pages, search index, PDFs and plugins from one rebuild to the
next (`Kept`), so an edit to a translation is rebuilt as an edit to the main language is.
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass, field
from pathlib import Path

from mkdocs.structure.files import File

from site_builder.plugin.internals import list_theme_files_once
from site_builder.renderer.pages import MemoryBytecodeCache

serving = False
dirty = False
preview_language: str | None = None  # `site-builder serve --language CODE`: only that language


@dataclass
class Kept:
    """What serve keeps of one language's build from one rebuild to the next."""

    pages: dict[str, str] = field(default_factory=dict)
    """Page path -> digest of its Markdown at the last good build."""
    shared: str = ""
    """Digest of what every page shows (nav, extra, theme)."""
    search: list[dict] = field(default_factory=list)
    """The search index documents of the last good build."""
    pdfs: dict[str, Path] = field(default_factory=dict)
    """The newest PDF of each path (the print runs publish them)."""
    plugins: dict = field(default_factory=dict)
    """Another language's MkDocs plugins (MkDocs' plugin cache for its config)."""


_kept: dict[str, Kept] = {}


def kept(language: str) -> Kept:
    """Return what serve keeps of a language's build (a new, empty one outside serve)."""
    if not serving:
        return Kept()
    return _kept.setdefault(language, Kept())


THEME_COMPILED = MemoryBytecodeCache()  # the theme's templates, compiled once per process


def start(command: str, is_dirty: bool) -> None:
    """Called once by `on_startup`: remember whether this process serves, and how."""
    global serving, dirty
    serving, dirty = command == "serve", is_dirty and command == "serve"
    logger = logging.getLogger("mkdocs.commands.build")
    if dirty and not any(isinstance(f, _DropDirtyWarning) for f in logger.filters):
        # we ask for dirty builds on purpose: MkDocs' warning about them is not for us
        logger.addFilter(_DropDirtyWarning())
        list_theme_files_once(THEME_COMPILED)


class _DropDirtyWarning(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()  # nor about the stale files of another language's folder
        return "'dirty' build" not in message and "contains stale files" not in message


class Page(File):
    """A generated page that knows whether it changed since the last build."""

    changed = True

    def is_modified(self) -> bool:
        return self.changed


def digest(value: object) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True, default=str).encode()).hexdigest()


def mark_changed(pages: list[Page], shared: str, language: str) -> int:
    """Mark each page changed or not (all of them if `shared` changed); return how many changed."""
    last = kept(language)
    everything = shared != last.shared
    for page in pages:
        page.changed = everything or last.pages.get(page.src_uri) != _digest_page(page)
    return sum(page.changed for page in pages)


def _digest_page(page: Page) -> str:
    return hashlib.sha256(page.content_bytes).hexdigest()


def remember(pages: list[Page], shared: str, site_dir: Path, language: str) -> None:
    """After a good build: remember the pages and merge the search index with the last one."""
    last = kept(language)
    last.shared = shared
    for page in pages:
        last.pages[page.src_uri] = _digest_page(page)
    index = site_dir / "search" / "search_index.json"
    if not index.is_file():
        return
    data = json.loads(index.read_text(encoding="utf-8"))
    rebuilt = {_page_of(doc) for doc in data.get("docs", [])}
    if dirty and last.search:
        older = [doc for doc in last.search if _page_of(doc) not in rebuilt]
        data["docs"] = older + data.get("docs", [])
        index.write_text(json.dumps(data, separators=(",", ":")), encoding="utf-8")
    last.search = data.get("docs", [])


def _page_of(doc: dict) -> str:
    return str(doc.get("location", "")).split("#", 1)[0]
