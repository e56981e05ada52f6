"""What `serve` keeps from one rebuild to the next, so an edit reaches the browser in about a
second.

MkDocs makes a new plugin for every rebuild; this module outlives them. With MkDocs' dirty builds
(`site-builder serve` asks for them), only the pages whose Markdown changed are converted and
rendered again; when the nav, the theme settings or anything shared by every page changes, every
page is. MkDocs' search plugin then writes an index of the rebuilt pages only, so the index is
merged with the previous one. PDFs are published as they are rendered (see `PrintRun`); until
then the previous version of each is served.
"""

from __future__ import annotations

import hashlib
import json
import logging
from pathlib import Path

from mkdocs.structure.files import File

from site_builder.plugin.internals import list_theme_files_once
from site_builder.renderer.pages import MemoryBytecodeCache

serving = False
dirty = False
newest_pdfs: dict[str, Path] = {}
_pages: dict[str, str] = {}  # page path -> digest of its Markdown at the last good build
_shared: list[str] = [""]  # digest of what every page shows (nav, extra, theme)
_search: list[dict] = []  # the search index documents of the last good build
THEME_COMPILED = MemoryBytecodeCache()  # the theme's templates, compiled once per process


def start(command: str, is_dirty: bool) -> None:
    """Called once by `on_startup`: remember whether this process serves, and how."""
    global serving, dirty
    serving, dirty = command == "serve", is_dirty and command == "serve"
    if dirty:  # we ask for dirty builds on purpose: MkDocs' warning about them is not for us
        logging.getLogger("mkdocs.commands.build").addFilter(_DropDirtyWarning())
        list_theme_files_once()


class _DropDirtyWarning(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return "'dirty' build" not in record.getMessage()


class Page(File):
    """A generated page that knows whether it changed since the last build."""

    changed = True

    def is_modified(self) -> bool:
        return self.changed


def digest(value: object) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True, default=str).encode()).hexdigest()


def mark_changed(pages: list[Page], shared: str) -> int:
    """Mark each page changed or not (all of them if `shared` changed); return how many changed."""
    everything = shared != _shared[0]
    for page in pages:
        page.changed = everything or _pages.get(page.src_uri) != _digest_page(page)
    return sum(page.changed for page in pages)


def _digest_page(page: Page) -> str:
    return hashlib.sha256(page.content_bytes).hexdigest()


def remember(pages: list[Page], shared: str, site_dir: Path) -> None:
    """After a good build: remember the pages and merge the search index with the last one."""
    global _search
    _shared[0] = shared
    for page in pages:
        _pages[page.src_uri] = _digest_page(page)
    index = site_dir / "search" / "search_index.json"
    if not index.is_file():
        return
    data = json.loads(index.read_text(encoding="utf-8"))
    rebuilt = {_page_of(doc) for doc in data.get("docs", [])}
    if dirty and _search:
        kept = [doc for doc in _search if _page_of(doc) not in rebuilt]
        data["docs"] = kept + data.get("docs", [])
        index.write_text(json.dumps(data, separators=(",", ":")), encoding="utf-8")
    _search = data.get("docs", [])


def _page_of(doc: dict) -> str:
    return str(doc.get("location", "")).split("#", 1)[0]
