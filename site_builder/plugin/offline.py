"""The course on a phone without data (issue 17): a web app manifest with the program's name,
colour and icons (so the course can be added to the home screen), and the service worker that
keeps the course's pages and assets on the device after one visit.

The service worker is our own (`data/service-worker.js`); `service_worker` puts into it the list
of files to keep, each with a hash of its content, so a rebuilt site gives a new sw.js and the
browser fetches only what changed. Each language's site (`site/`, `site/es/`) has its own.
"""

from __future__ import annotations

import hashlib
import html
import io
import json
import re
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from site_builder.i18n import Messages
    from site_builder.structure.course import Course

MANIFEST = "manifest.webmanifest"
SERVICE_WORKER = "sw.js"
ICONS = {192: "assets/images/app-icon-192.png", 512: "assets/images/app-icon-512.png"}
THEME_COLOR = "#4051b5"  # Material's indigo, the primary colour of mkdocs.yml
_SOURCE = Path(__file__).parent.parent / "data" / "service-worker.js"

# What a client's device keeps after one visit: the pages a client reads, and the styles,
# scripts and images. Facilitator pages, PDFs, calendars, the search index and search worker
# (loaded when search is first used) and source maps are fetched when asked for.
_ASSETS = re.compile(r"^assets/.+\.(css|js|png|svg|ico|webp|jpg|jpeg|gif)$")
_NOT_KEPT = re.compile(r"^(facilitator/|search/|assets/javascripts/(lunr|workers)/)|\.map$")


def theme_color(course: Course) -> str:
    """Return the program's primary colour (Material's indigo unless the program sets one)."""
    colors = course.curriculum.colors
    return colors.primary if colors else THEME_COLOR


def app_files(course: Course, *, logo: str | None = None) -> dict[str, bytes]:
    """Return {site path: bytes} of the web app manifest and its icons for one language."""
    program = str(course.curriculum.program)
    color = theme_color(course)
    files = {path: app_icon(program, color, size) for size, path in ICONS.items()}
    icons = [{"src": path, "sizes": f"{size}x{size}", "type": "image/png", "purpose": "any"}
             for size, path in ICONS.items()]
    icons.append({"src": ICONS[512], "sizes": "512x512", "type": "image/png",
                  "purpose": "maskable"})
    if logo and logo.endswith(".svg"):
        icons.insert(0, {"src": logo, "sizes": "any", "type": "image/svg+xml", "purpose": "any"})
    manifest = {
        "name": program,
        "short_name": _short_name(program),
        "lang": course.language,
        "start_url": "./",
        "scope": "./",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": color,
        "icons": icons,
    }
    files[MANIFEST] = (json.dumps(manifest, ensure_ascii=False, indent=1) + "\n").encode()
    return files


def _short_name(program: str) -> str:
    """A home-screen label of at most 12 characters: the name's first words that fit."""
    label = ""
    for word in program.split():
        if len(f"{label} {word}".strip()) > 12:
            break
        label = f"{label} {word}".strip()
    return label or program[:12]


def _initials(program: str) -> str:
    words = [w for w in re.split(r"\W+", program) if w]
    return "".join(w[0].upper() for w in words[:2]) or "?"


def app_icon(program: str, color: str, size: int) -> bytes:
    """Return a square PNG icon: the program's initials in white on its colour (maskable: the
    letters stay inside the middle 60%)."""
    from PIL import Image, ImageDraw, ImageFont

    image = Image.new("RGB", (size, size), color)
    draw = ImageDraw.Draw(image)
    text = _initials(program)
    try:
        font = ImageFont.truetype("DejaVuSans-Bold.ttf", round(size * 0.34))
    except OSError:
        font = ImageFont.load_default(size=round(size * 0.34))
    draw.text((size / 2, size / 2), text, fill="white", font=font, anchor="mm")
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def precache_entries(site_dir: Path, *, skip: tuple[str, ...] = (),
                     directory_urls: bool = True) -> list[dict[str, object]]:
    """Return the files a client's device keeps: [{url, revision, page}], in path order.

    `skip` lists folders of other languages' sites inside this one (they have their own)."""
    entries = []
    for path in sorted(site_dir.rglob("*")):
        relative = path.relative_to(site_dir).as_posix()
        if not path.is_file() or relative.split("/", 1)[0] in skip or _NOT_KEPT.search(relative):
            continue
        page = relative.endswith(".html") and relative != "404.html"
        if not page and not _ASSETS.match(relative) and relative != MANIFEST:
            continue
        url = relative
        if page and directory_urls and PurePosixPath(relative).name == "index.html":
            url = relative[:-len("index.html")] or "./"
        revision = hashlib.sha256(path.read_bytes()).hexdigest()[:16]
        entries.append({"url": url, "revision": revision, "page": page})
    return entries


def offline_page(course: Course, messages: Messages) -> str:
    """Return the page shown for a page that is not on the device while it is offline."""
    title = messages.gettext("You are offline")
    text = messages.gettext("This page is not saved on this device. The pages you opened before, "
                            "and the course's readings, still open without internet.")
    home = messages.gettext("Open the course home page")
    return (f'<!doctype html><html lang="{html.escape(course.language)}"><head>'
            '<meta charset="utf-8"><meta name="viewport" content="width=device-width,'
            f'initial-scale=1"><title>{html.escape(title)}</title><style>body{{font:1.1rem/1.5 '
            'system-ui,sans-serif;margin:2rem auto;max-width:34rem;padding:0 1rem}}</style>'
            f'</head><body><h1>{html.escape(title)}</h1><p>{html.escape(text)}</p>'
            f'<p><a href="./">{html.escape(home)}</a></p></body></html>')


def service_worker(entries: list[dict[str, object]], offline: str) -> str:
    """Return sw.js: our service worker with the files to keep and the offline page."""
    source = _SOURCE.read_text(encoding="utf-8")
    listed = json.dumps(entries, separators=(",", ":"))
    return (source.replace("/* precache */[]", listed, 1)
            .replace('/* offline page */""', json.dumps(offline), 1))


# Under `serve` the pages change on every edit: a service worker would show old pages, so the
# site gets one that removes itself and the course's caches.
RETIRED_SERVICE_WORKER = """\
/* The course's service worker is off while 'serve' rebuilds pages: this one removes itself. */
self.addEventListener("install", () => self.skipWaiting());
self.addEventListener("activate", (event) => event.waitUntil((async () => {
  for (const name of await caches.keys()) {
    if (name.startsWith("course:")) await caches.delete(name);
  }
  await self.registration.unregister();
})()));
"""


def write_service_worker(site_dir: Path, course: Course, messages: Messages, *,
                         skip: tuple[str, ...] = (), directory_urls: bool = True,
                         serving: bool = False) -> Path:
    """Write sw.js into the site folder of one language; return its path."""
    target = site_dir / SERVICE_WORKER
    if serving:
        target.write_text(RETIRED_SERVICE_WORKER, encoding="utf-8")
        return target
    entries = precache_entries(site_dir, skip=skip, directory_urls=directory_urls)
    target.write_text(service_worker(entries, offline_page(course, messages)), encoding="utf-8")
    return target
