"""Benchmark the default course build (run by hand: `make bench` or `.venv/bin/python benchmarks/build_bench.py`).

Prints, from one run on this machine:
  - MkDocs alone (the course plugin with `pdfs: false`),
  - the floor: WeasyPrint rendering one minimal handout N times in one process (N = PDFs in the course),
  - cold build (empty PDF cache), warm rebuild (nothing changed), rebuild after editing one module,
  - the per-PDF cost, and the ratios against the targets:
      cold build <= 1.5 x (MkDocs alone + floor / cores); rebuild after one edit < 2 s.
"""

from __future__ import annotations

import logging
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")

from site_builder.building import build_site  # noqa: E402

MINIMAL = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Floor</title>
<style>@page { size: Letter; margin: 0.6in; @bottom-right { content: "Page " counter(page) " of "
counter(pages) } } body { font: 12pt "Liberation Sans", sans-serif }</style></head>
<body><h1>Minimal handout</h1><p>One paragraph of text for the floor measurement.</p>
<ul><li>Point one</li><li>Point two</li></ul></body></html>"""


def _copy_project(root: Path) -> Path:
    root.mkdir(parents=True)
    for part in ("mkdocs.yml", "mkdocs.es.yml", "curriculum", "modules", "templates", "docs"):
        src = REPO / part
        (shutil.copytree if src.is_dir() else shutil.copy)(src, root / part)
    return root / "mkdocs.yml"


def _timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def _floor(n: int) -> float:
    from weasyprint import HTML

    HTML(string=MINIMAL).write_pdf()  # warm up imports and fonts
    start = time.perf_counter()
    for _ in range(n):
        HTML(string=MINIMAL).write_pdf(pdf_tags=True)
    return time.perf_counter() - start


def main() -> None:
    logging.getLogger("mkdocs").setLevel(logging.WARNING)
    cores = os.cpu_count() or 1
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        plain = _copy_project(tmp / "plain")
        text = plain.read_text().replace("facilitator_pages: true",
                                         "facilitator_pages: true\n      pdfs: false")
        plain.write_text(text)
        build_site(plain)  # warm imports
        mkdocs_alone = _timed(lambda: build_site(plain))

        config = _copy_project(tmp / "full")
        cold = _timed(lambda: build_site(config))
        pdfs = sorted((config.parent / "site").rglob("*.pdf"))
        warm = _timed(lambda: build_site(config))
        module = config.parent / "modules/refusal-skills.md"
        module.write_text(module.read_text().replace("## Key points\n",
                                                     "## Key points\n\n- An edited point.\n"))
        edited = _timed(lambda: build_site(config))
        floor = _floor(len(pdfs))
        sizes = sorted(p.stat().st_size for p in pdfs)

    budget = mkdocs_alone + floor / cores
    print(f"machine: {cores} cores; default course: {len(pdfs)} PDFs")
    print(f"MkDocs alone (pdfs: false)        {mkdocs_alone:7.2f} s")
    print(f"floor: {len(pdfs)} minimal handouts, 1 process {floor:7.2f} s "
          f"({floor / len(pdfs) * 1000:.0f} ms each)")
    print(f"cold build (empty cache)          {cold:7.2f} s")
    print(f"warm rebuild (nothing changed)    {warm:7.2f} s")
    print(f"rebuild after editing one module  {edited:7.2f} s")
    print(f"per-PDF cost (cold - MkDocs) / N  {(cold - mkdocs_alone) / len(pdfs) * 1000:7.0f} ms")
    print(f"ratio cold / (MkDocs + floor/cores) = {cold / budget:.2f}   (target <= 1.5)")
    print(f"ratio warm / MkDocs alone           = {warm / mkdocs_alone:.2f}")
    print(f"rebuild after one edit              = {edited:.2f} s   (target < 2 s)")
    print(f"PDF sizes: median {sizes[len(sizes) // 2] // 1024} KB, max {sizes[-1] // 1024} KB")


if __name__ == "__main__":
    main()
