"""Save PNG screenshots of built pages: python tools/screenshot.py SITE_DIR OUT_DIR page/path/ ..."""

from __future__ import annotations

import sys
from pathlib import Path

from site_builder.browser import serve_site, launch_chromium


def main() -> None:
    site, out, *pages = sys.argv[1:]
    Path(out).mkdir(parents=True, exist_ok=True)
    with serve_site(Path(site)) as base, launch_chromium() as browser:
        for width, name in ((390, "phone"), (1280, "desktop")):
            page = browser.new_page(viewport={"width": width, "height": 844})
            for p in pages:
                page.goto(base + p)
                slug = p.strip("/").replace("/", "_") or "home"
                page.screenshot(path=f"{out}/{slug}-{name}.png", full_page=True)
            page.close()


if __name__ == "__main__":
    main()
