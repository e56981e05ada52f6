"""Crawl a site over HTTP as a browser would load it: every link, stylesheet, script, image and
language link of every page, resolved against the address the page is served at."""

from __future__ import annotations

import urllib.error
import urllib.request
from collections import deque
from html.parser import HTMLParser
from urllib.parse import urldefrag, urljoin, urlsplit

_ATTRIBUTES = {("a", "href"), ("link", "href"), ("script", "src"), ("img", "src"),
               ("source", "src"), ("iframe", "src")}


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if (tag, name) in _ATTRIBUTES and value:
                self.links.append(value)


def _get(url: str) -> tuple[int, str, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.headers.get_content_type(), response.read()
    except urllib.error.HTTPError as e:
        return e.code, "", b""
    except OSError:
        return 0, "", b""


def crawl(start: str, served_at: dict[str, str] | None = None) -> tuple[list[str], set[str]]:
    """Crawl the pages under `start` (an address ending in '/'), from `start` and from each page
    of `served_at` (a page's own address -> the address it is served at: 404.html is served at
    any missing address). Return ('page: link (status)' for every internal link that does not
    load, the page addresses visited)."""
    served_at = served_at or {}
    host = urlsplit(start).netloc
    queue = deque([start, *served_at])
    seen: set[str] = set(queue)
    checked: dict[str, int] = {}
    broken: list[str] = []
    pages: set[str] = set()
    while queue:
        url = queue.popleft()
        status, kind, body = _get(url)
        if status != 200:
            broken.append(f"{url}: did not load ({status})")
            continue
        if kind != "text/html":
            continue
        pages.add(url)
        parser = _Links()
        parser.feed(body.decode("utf-8", errors="replace"))
        base = served_at.get(url, url)
        for link in parser.links:
            target = urldefrag(urljoin(base, link))[0]
            parts = urlsplit(target)
            if parts.scheme not in ("http", "https") or parts.netloc != host:
                continue  # tel:, mailto:, another site
            if target not in checked:
                checked[target] = _get(target)[0]
            if checked[target] != 200:
                broken.append(f"{url}: {link} ({checked[target]})")
            elif target.startswith(start) and target not in seen and (
                    target.endswith("/") or target.endswith(".html")):
                seen.add(target)
                queue.append(target)
    return broken, pages
