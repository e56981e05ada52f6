"""Save PNG pictures of a built site: a phone (390 px) and a desktop (1280 px) screenshot of each
page, and the first page of each PDF.

    python tools/screenshot.py SITE_DIR OUT_DIR page/path/ ... [print/.../handout-X.pdf ...]
    python tools/screenshot.py SITE_DIR OUT_DIR --readme      # the README's pictures

Options:
  --readme       the home page, the schedule, the first session page and its handout
  --date DAY     show the site as on DAY (YYYY-MM-DD): "this week" for a program with dates
  --voice        act as a phone with a voice for the page's language (the Listen button shows)
  --full         the whole page, not only the first screen
"""

from __future__ import annotations

import argparse
import datetime as dt
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.support.browser import launch_chromium, serve_site  # noqa: E402

SIZES = ((390, 844, "phone"), (1280, 800, "desktop"))
VOICE = """
(() => {
  const synth = new EventTarget();
  synth.getVoices = () => [{ name: "Device voice", lang: document.documentElement.lang || "en",
                             localService: true, default: true }];
  synth.speak = () => {}; synth.pause = () => {}; synth.resume = () => {}; synth.cancel = () => {};
  Object.defineProperty(window, "speechSynthesis", { value: synth, configurable: true });
})();
"""


def readme_pages(site: Path) -> list[str]:
    """The home page, the schedule, the first session page and its client handout."""
    session = min((p.parent for p in site.glob("week-*/*/index.html")),  # the first group's
                  key=lambda p: (p.parent.name, not p.name.startswith("session-"), p.name))
    handout = min(site.glob(f"print/{session.relative_to(site).as_posix()}/handout-*.pdf"),
                  default=None)
    pages = ["", "schedule/", f"{session.relative_to(site).as_posix()}/"]
    return pages + ([handout.relative_to(site).as_posix()] if handout else [])


def slug(page: str) -> str:
    name = page.strip("/").replace("/", "_") or "home"
    return "handout" if name.endswith(".pdf") and "handout-" in name else name.removesuffix(".pdf")


def shoot(site: Path, out: Path, pages: list[str], *, day: dt.date | None = None,
          voice: bool = False, full: bool = False) -> list[Path]:
    """Save the pictures; return their paths."""
    out.mkdir(parents=True, exist_ok=True)
    saved = []
    for pdf in [p for p in pages if p.endswith(".pdf")]:
        target = out / slug(pdf)
        subprocess.run(["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile",
                        str(site / pdf), str(target)], check=True)
        saved.append(target.with_suffix(".png"))
    with serve_site(site) as base, launch_chromium() as browser:
        for width, height, name in SIZES:
            context = browser.new_context(viewport={"width": width, "height": height},
                                          service_workers="block")
            if voice:
                context.add_init_script(VOICE)
            page = context.new_page()
            if day is not None:
                page.clock.set_fixed_time(dt.datetime.combine(day, dt.time(12)))
            for path in [p for p in pages if not p.endswith(".pdf")]:
                page.goto(base + path)
                target = out / f"{slug(path)}-{name}.png"
                page.screenshot(path=str(target), full_page=full)
                saved.append(target)
            context.close()
    return saved


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("site", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("pages", nargs="*")
    parser.add_argument("--readme", action="store_true")
    parser.add_argument("--date", type=dt.date.fromisoformat)
    parser.add_argument("--voice", action="store_true")
    parser.add_argument("--full", action="store_true")
    args = parser.parse_args()
    pages = args.pages + (readme_pages(args.site) if args.readme else [])
    if not pages:
        parser.error("name the pages, or use --readme")
    for path in shoot(args.site, args.out, pages, day=args.date, voice=args.voice or args.readme,
                      full=args.full):
        print(path)


if __name__ == "__main__":
    main()
