"""Audits of a built site folder: third-party references and internal links (used by the tests)."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

# Attributes that make a browser fetch something when the page loads.
_LOADED = {("script", "src"), ("img", "src"), ("img", "srcset"), ("iframe", "src"),
           ("source", "src"), ("source", "srcset"), ("video", "src"), ("audio", "src"),
           ("video", "poster"), ("embed", "src"), ("object", "data"), ("input", "src"),
           ("track", "src")}
_LOADED_LINK_RELS = {"stylesheet", "preconnect", "dns-prefetch", "preload", "prefetch", "icon",
                     "manifest", "modulepreload", "apple-touch-icon", "shortcut"}
_CSS_URL = re.compile(r"""url\(\s*['"]?([^'")]+)['"]?\s*\)|@import\s+['"]([^'"]+)['"]""")


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.links: list[str] = []
        self.loaded: list[str] = []
        self.styles: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        for key in ("id", "name") if tag == "a" else ("id",):
            if a.get(key):
                self.ids.add(a[key])
        if tag == "a" and "href" in a:
            self.links.append(a["href"])
        if tag == "link" and set(a.get("rel", "").lower().split()) & _LOADED_LINK_RELS:
            self.loaded.append(a.get("href", ""))
        for attr, value in a.items():
            if (tag, attr) in _LOADED:
                self.loaded += [part.split()[0] for part in value.split(",") if part.strip()]
            if attr == "style":
                self.styles.append(value)
        self._in_style = tag == "style"

    def handle_endtag(self, tag: str) -> None:
        self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self.styles.append(data)


def _parse(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8", errors="replace"))
    return page


def _is_remote(url: str) -> bool:
    return url.strip().lower().startswith(("http://", "https://", "//", "ftp://"))


def third_party_references(site: Path) -> list[str]:
    """Return 'file: url' for every off-site resource a page or stylesheet would load."""
    found = []
    for path in sorted(site.rglob("*.html")):
        page = _parse(path)
        urls = page.loaded + [u for css in page.styles for m in _CSS_URL.finditer(css)
                              for u in m.groups() if u]
        found += [f"{path.relative_to(site)}: {u}" for u in urls if _is_remote(u)]
    for path in sorted(site.rglob("*.css")):
        text = path.read_text(encoding="utf-8", errors="replace")
        found += [f"{path.relative_to(site)}: {u}" for m in _CSS_URL.finditer(text)
                  for u in m.groups() if u and _is_remote(u)]
    return found


def broken_links(site: Path, root_path: str = "/") -> list[str]:
    """Return 'page: link' for every internal link or #anchor that does not resolve (a link from
    the host's root starts with `root_path`, site_url's path: '/iop/' for a site served there)."""
    site = site.resolve()
    pages = {path: _parse(path) for path in site.rglob("*.html")}
    broken = []
    for path, page in sorted(pages.items()):
        for link in page.links:
            parts = urlsplit(link)
            if parts.scheme or parts.netloc or link.startswith(("mailto:", "tel:", "sms:")):
                continue
            base = site if parts.path.startswith("/") else path.parent
            link_path = parts.path
            if link_path.startswith("/"):
                if not (link_path + "/").startswith(root_path):
                    broken.append(f"{path.relative_to(site)}: {link} (outside {root_path})")
                    continue
                link_path = "/" + link_path[len(root_path):]
            target = (base / unquote(link_path).lstrip("/")).resolve() if parts.path else path
            if target.is_dir():
                target = target / "index.html"
            if not target.exists():
                broken.append(f"{path.relative_to(site)}: {link}")
                continue
            if parts.fragment and target.suffix == ".html":
                target_page = pages.get(target) or _parse(target)
                if unquote(parts.fragment) not in target_page.ids:
                    broken.append(f"{path.relative_to(site)}: {link} (no such anchor)")
    return broken
