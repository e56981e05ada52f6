"""A Content-Security-Policy on every page, so the browser backs up the build's checks: if a script
or a remote image ever slipped through into a page, a client's phone would refuse to run or
load it.

The policy allows scripts from the site itself and, by their SHA-256 hash, exactly the inline
scripts the theme writes (Material's palette and scope scripts, computed from the built pages);
no other inline script and no inline event handler (`onclick=`) runs. Images, fonts and fetches
come from the site itself (`data:` images and fonts: Material draws its icons with them); no
plugins (`object-src`), no frames, and `base-uri` and `form-action` locked to the site. Inline
styles are allowed by hash only (the worksheet's `style="--rows: 3"`).

It is written into every page as `<meta http-equiv="Content-Security-Policy">`, and into the
site's `_headers` file (Netlify and Cloudflare Pages) with the cache headers: `sw.js` and the
pages are revalidated on every visit, the theme's files with a hash in their name are cached for
a year. A header can say what a `<meta>` cannot: `frame-ancestors 'none'` (no other site may
frame the course).
"""

from __future__ import annotations

import base64
import hashlib
import re
from pathlib import Path, PurePosixPath

HEADERS = "_headers"
_SCRIPT = re.compile(r"<script\b([^>]*)>(.*?)</script\s*>", re.S | re.I)
_STYLE = re.compile(r"<style\b[^>]*>(.*?)</style\s*>", re.S | re.I)
_STYLE_ATTRIBUTE = re.compile(r"""<[a-zA-Z][^>]*?\sstyle=(?:"([^"]*)"|'([^']*)')""")
_SCRIPT_TYPE = re.compile(r"""\stype=["']?([^"'\s>]+)""", re.I)
_JAVASCRIPT = {"", "text/javascript", "application/javascript", "module"}
_META = re.compile(r"<meta charset=[^>]*>", re.I)
_HASHED = re.compile(r"\.[0-9a-f]{8}\.min\.(js|css)$")  # Material's bundle.a5f9d56c.min.js


def _hash(text: str) -> str:
    digest = base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode()
    return f"'sha256-{digest}'"


def inline_hashes(html: str) -> tuple[set[str], set[str]]:
    """Return the hashes of a page's inline scripts and of its inline styles."""
    scripts = set()
    for match in _SCRIPT.finditer(html):
        attributes, body = match[1], match[2]
        kind = _SCRIPT_TYPE.search(attributes)
        if " src=" not in f" {attributes}" and (kind[1].lower() if kind else "") in _JAVASCRIPT:
            scripts.add(_hash(body))
    styles = {_hash(m[1]) for m in _STYLE.finditer(html)}
    styles |= {_hash(m[1] if m[1] is not None else m[2]) for m in _STYLE_ATTRIBUTE.finditer(html)}
    return scripts, styles


def policy(scripts: set[str], styles: set[str]) -> str:
    """Return the policy of a site whose pages have these inline scripts and styles."""
    style = f"style-src 'self' 'unsafe-hashes' {' '.join(sorted(styles))}" if styles else \
        "style-src 'self'"
    return "; ".join([
        "default-src 'self'", " ".join(["script-src 'self'", *sorted(scripts)]), style,
        "img-src 'self' data:", "font-src 'self' data:", "connect-src 'self'",
        "media-src 'self'", "worker-src 'self'", "manifest-src 'self'", "object-src 'none'",
        "frame-src 'none'", "base-uri 'self'", "form-action 'self'"])


def with_policy(html: str, rule: str) -> str:
    """Return the page with the policy as the first thing in its head (it covers what follows)."""
    tag = f'<meta http-equiv="Content-Security-Policy" content="{rule}">'
    meta = _META.search(html)
    if meta:
        return html[:meta.end()] + tag + html[meta.end():]
    return re.sub(r"<head\b[^>]*>", lambda m: m[0] + tag, html, count=1, flags=re.I)


def protect(site_dir: Path, *, skip: tuple[str, ...] = (), headers: bool = True,
            directory_urls: bool = True) -> str:
    """Put the policy into every page of `site_dir` (not the folders in `skip`: other languages,
    which do their own) and, for the whole site, into `_headers`; return the policy.

    The hashes are those of every page under `site_dir`, other languages included, so `_headers`
    holds one policy for the whole site."""
    pages = sorted(site_dir.rglob("*.html"))
    scripts: set[str] = set()
    styles: set[str] = set()
    texts = {}
    for page in pages:
        texts[page] = page.read_text(encoding="utf-8")
        found = inline_hashes(texts[page])
        scripts |= found[0]
        styles |= found[1]
    rule = policy(scripts, styles)
    for page in pages:
        relative = page.relative_to(site_dir).as_posix()
        if relative.split("/", 1)[0] not in skip and "Content-Security-Policy" not in texts[page]:
            page.write_text(with_policy(texts[page], rule), encoding="utf-8")
    if headers:
        (site_dir / HEADERS).write_text(headers_file(site_dir, rule, directory_urls),
                                        encoding="utf-8")
    return rule


def headers_file(site_dir: Path, rule: str, directory_urls: bool = True) -> str:
    """Return `_headers`: the policy on every address, then the cache headers."""
    lines = ["# Security and cache headers for Netlify and Cloudflare Pages (written by the build;",
             "# see 'Security and cache headers' in the README for nginx).", "/*",
             f"  Content-Security-Policy: {rule}; frame-ancestors 'none'",
             "  X-Content-Type-Options: nosniff", "  Referrer-Policy: no-referrer", ""]
    revalidated = ["/sw.js", "/manifest.webmanifest"]
    for page in sorted(site_dir.rglob("*.html")):
        path = PurePosixPath(page.relative_to(site_dir).as_posix())
        if directory_urls and path.name == "index.html":
            revalidated.append(f"/{path.parent}/".replace("/./", "/"))
        revalidated.append(f"/{path}")
    for address in dict.fromkeys(revalidated):
        lines += [address, "  Cache-Control: no-cache", ""]
    for asset in sorted(site_dir.rglob("*")):
        if asset.is_file() and _HASHED.search(asset.name):
            lines += [f"/{asset.relative_to(site_dir).as_posix()}",
                      "  Cache-Control: public, max-age=31536000, immutable", ""]
    return "\n".join(lines)


def protect_build(site_dir: Path, edition, *, directory_urls: bool, serving: bool) -> None:
    """The course plugin's call after a build of one language: its pages get the policy, and
    the main language's build (the last to finish) writes `_headers` for the whole site. Not
    under `serve`, whose reload script is inline and changes with every rebuild."""
    if not serving:
        protect(site_dir, skip=edition.others, headers=edition.is_main,
                directory_urls=directory_urls)
