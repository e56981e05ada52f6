"""One site address: the program's `site_url`, or MkDocs' own `site_url` (mkdocs.yml) when the
program has none.

The QR codes on handouts, the canonical links and the sitemap all use it, each language under
its folder (`https://example.org/iop/es/`). When both are set and differ, the program's wins and
the build says so once, with both places. Pages served at any address (404.html) link from the
address's path (`/iop/`), so a site published under a sub-path works there too.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

from site_builder.errors import Problem
from site_builder.plugin.written import written
from site_builder.utils.yaml import line_of


def mkdocs_site_url(config) -> str | None:
    """Return `site_url` as mkdocs.yml writes it, ending in '/' (`serve` replaces
    `config.site_url` with its own local address, and a build of another language with the
    address of its folder)."""
    value = written(config).get("site_url")
    return str(value).strip().rstrip("/") + "/" if value else None


def site_address(curriculum, config) -> str | None:
    """Return where the site is published (its root, ending in '/'), or None if nobody says."""
    return curriculum.site_url or mkdocs_site_url(config)


def site_url_setting(curriculum, config, folder: str) -> tuple[str, str] | None:
    """Return the `site_url` a build of one language should have, and where it comes from; None
    to keep MkDocs' own (`folder` is the language's place in the site: '' or 'es/')."""
    if curriculum.site_url:
        return curriculum.site_url + folder, "the program's 'site_url'"
    written = mkdocs_site_url(config)
    if written and folder:
        return written + folder, f"the 'site_url' of mkdocs.yml, for the '{folder}' pages"
    return None


def root_path(address: str | None, config, serving: bool) -> str:
    """Return the URL path of the site's root on its host: '/iop/' for a site published at
    'https://example.org/iop/'. Under `serve`, where MkDocs serves it ('/' unless mkdocs.yml's
    `site_url` has a path)."""
    if serving:
        return urlsplit(config.site_url or "/").path or "/"
    return urlsplit(address or "/").path or "/"


def conflict(course, config) -> Problem | None:
    """Return the message for a program `site_url` that differs from mkdocs.yml's, or None."""
    ours, theirs = course.curriculum.site_url, mkdocs_site_url(config)
    if not ours or not theirs or ours == theirs:
        return None
    config_file = Path(config.config_file_path or "mkdocs.yml")
    line = _line_of_key(config_file, "site_url")
    where = f"{config_file.name}:{line}" if line else config_file.name
    return Problem(course.program_file, f"the program's 'site_url' is '{ours}', but {where} "
                   f"sets 'site_url: {theirs}'. The program's address is used for the QR codes "
                   "on handouts, the canonical links and the sitemap.",
                   line=line_of(course.program_lines, ("site_url",)),
                   fix=f"remove 'site_url' from {config_file.name}, or make the two the same.")


def _line_of_key(path: Path, key: str) -> int | None:
    """Return the line of a top-level key of a YAML file (1-based), or None."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        return None
    found = re.search(rf"^{re.escape(key)}\s*:", text, re.M)
    return text.count("\n", 0, found.start()) + 1 if found else None


def error_page_context(context: dict, home: str) -> dict:
    """Make a page served at any address (404.html) link from its language's home on the host
    (`home`, '/iop/es/'): its nav, styles and scripts, and its language links (alternate.html)."""
    from mkdocs.utils import normalize_url

    config = context["config"]
    context["base_url"] = home
    context["extra_css"] = [normalize_url(path, None, home) for path in config.extra_css]
    context["extra_javascript"] = [normalize_url(str(script), None, home)
                                   for script in config.extra_javascript]
    return context
