"""Two engines build the project: MkDocs 1.6.1 (frozen upstream) and ProperDocs 1.6.x, its
drop-in fork. Both build the small project strictly, to the same pages."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow
_GENERATOR = re.compile(r'<meta name="generator" content="[^"]*">')


def _build(engine: str, project: Path, site: Path) -> subprocess.CompletedProcess:
    command = [str(Path(sys.executable).with_name(engine)), "build", "--strict", "-d", str(site)]
    env = {k: v for k, v in os.environ.items() if k != "SITE_BUILDER_PROGRAM"}
    env["NO_MKDOCS_2_WARNING"] = "1"
    return subprocess.run(command, cwd=project, env=env, capture_output=True, text=True,
                          timeout=300, check=False)


def _pages(site: Path) -> dict[str, str]:
    return {p.relative_to(site).as_posix(): _GENERATOR.sub("", p.read_text(encoding="utf-8"))
            for p in sorted(site.rglob("*.html"))}


def test_mkdocs_and_properdocs_build_the_same_pages(small, tmp_path):
    small.disable_pdfs()
    built = {}
    for engine in ("mkdocs", "properdocs"):
        result = _build(engine, small.root, tmp_path / engine)
        assert result.returncode == 0, result.stderr[-3000:]
        assert "WARNING" not in result.stderr, result.stderr[-3000:]
        built[engine] = _pages(tmp_path / engine)
    assert len(built["mkdocs"]) > 40 and "es/index.html" in built["mkdocs"]
    assert built["mkdocs"].keys() == built["properdocs"].keys()
    mkdocs, properdocs = built["mkdocs"], built["properdocs"]
    differ = [page for page in mkdocs if mkdocs[page] != properdocs[page]]
    assert differ == []
