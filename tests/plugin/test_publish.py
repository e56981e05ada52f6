"""Publishing (issue 23): the shipped GitHub Pages workflow passes two offline validators (the
GitHub workflow schema and zizmor's security audits), and `mkdocs gh-deploy` with the course
plugin puts the whole site, every language and the PDFs, on a `gh-pages` branch."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from site_builder.programs import load_program
from site_builder.renderer.paths import all_pdf_paths

from ..conftest import REPO, Project

WORKFLOW = REPO / ".github" / "workflows" / "pages.yml"
PINNED = re.compile(  # owner/name@<full commit> # vX.Y.Z
    r"^\s*(?:-\s+)?uses:\s*[\w.-]+/[\w./-]+@[0-9a-f]{40}\s+#\s*v\d+\.\d+\.\d+\s*$")


def _tool(name: str) -> str:
    """The validator installed with the test extra (`pip install -e '.[test]'`)."""
    beside = Path(sys.executable).with_name(name)
    found = str(beside) if beside.exists() else shutil.which(name)
    if found is None:
        pytest.fail(f"'{name}' is not installed: run `make test` (or pip install -e '.[test]').")
    return found


def _check_schema(path: Path) -> subprocess.CompletedProcess:
    return subprocess.run([_tool("check-jsonschema"), "--builtin-schema",
                           "vendor.github-workflows", str(path)],
                          capture_output=True, text=True, timeout=120)


def _zizmor(path: Path, *options: str) -> subprocess.CompletedProcess:
    return subprocess.run([_tool("zizmor"), "--offline", "--no-progress", *options, str(path)],
                          capture_output=True, text=True, timeout=120,
                          env={**os.environ, "NO_COLOR": "1"})


# --- The GitHub Pages workflow ----------------------------------------------------------------

def test_the_pages_workflow_matches_the_github_workflow_schema():
    result = _check_schema(WORKFLOW)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("persona", ["regular", "pedantic"])
def test_zizmor_finds_nothing_in_the_pages_workflow(persona):
    result = _zizmor(WORKFLOW, f"--persona={persona}")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No findings" in result.stdout + result.stderr


def test_the_validators_still_fail_on_a_seeded_defect(tmp_path):
    text = WORKFLOW.read_text(encoding="utf-8")
    unpinned = tmp_path / "unpinned.yml"  # a tag instead of a commit, credentials kept
    unpinned.write_text(re.sub(r"actions/checkout@[0-9a-f]{40}", "actions/checkout@v7", text)
                        .replace("        with:\n          persist-credentials: false\n", ""),
                        encoding="utf-8")
    result = _zizmor(unpinned)
    assert result.returncode != 0
    assert "unpinned-uses" in result.stdout and "artipacked" in result.stdout, result.stdout
    broken = tmp_path / "broken.yml"  # a job with no runner
    broken.write_text(text.replace("    runs-on: ubuntu-24.04\n", "", 1), encoding="utf-8")
    assert _check_schema(broken).returncode != 0


def test_the_workflow_builds_with_make_site_keeps_the_pdf_cache_and_deploys():
    text = WORKFLOW.read_text(encoding="utf-8")
    uses = [line for line in text.splitlines() if re.match(r"^\s*(-\s+)?uses:", line)]
    assert uses and all(PINNED.match(line) for line in uses), uses  # pinned by commit
    workflow = yaml.safe_load(text)
    assert workflow["permissions"] == {}
    assert workflow["concurrency"]["group"]
    build, deploy = workflow["jobs"]["build"], workflow["jobs"]["deploy"]
    assert build["permissions"] == {"contents": "read"}
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert deploy["needs"] == "build" and deploy["environment"]["name"] == "github-pages"
    steps = {step.get("uses", step.get("run", "")).split("@")[0]: step for step in build["steps"]}
    assert steps["actions/checkout"]["with"]["persist-credentials"] is False
    version = steps["actions/setup-python"]["with"]["python-version"]
    assert tuple(int(n) for n in version.split(".")) >= (3, 11)
    cache = steps["actions/cache"]["with"]
    assert cache["path"] == ".cache"  # the PDF cache (.cache/pdf) and the reading levels
    for folder in ("modules", "curriculum", "templates"):
        assert f"'{folder}/**'" in cache["key"]
    assert cache["restore-keys"].strip() == cache["key"].split("$")[0]  # the newest older cache
    names = list(steps)
    assert names.index("actions/cache") < names.index("make site") < names.index(
        "actions/upload-pages-artifact")
    assert steps["actions/upload-pages-artifact"]["with"]["path"] == "site/"
    assert [s["uses"].split("@")[0] for s in deploy["steps"]] == ["actions/deploy-pages"]


# --- mkdocs gh-deploy -------------------------------------------------------------------------

GIT_ENV = {"GIT_AUTHOR_NAME": "Test", "GIT_AUTHOR_EMAIL": "test@example.org",
           "GIT_COMMITTER_NAME": "Test", "GIT_COMMITTER_EMAIL": "test@example.org",
           "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull}


def _git(*args: object, cwd: Path) -> str:
    result = subprocess.run(["git", *(str(a) for a in args)], cwd=cwd, capture_output=True,
                            text=True, env={**os.environ, **GIT_ENV}, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


@pytest.mark.slow
def test_mkdocs_gh_deploy_puts_every_language_and_the_pdfs_on_gh_pages(small: Project,
                                                                      tmp_path: Path):
    remote = tmp_path / "published.git"
    _git("init", "--bare", "-q", remote, cwd=tmp_path)
    small.write(".gitignore", "site/\n")
    _git("init", "-q", "-b", "main", cwd=small.root)
    _git("add", "-A", cwd=small.root)
    _git("commit", "-q", "-m", "The course", cwd=small.root)
    _git("remote", "add", "publish", remote, cwd=small.root)
    mkdocs = Path(sys.executable).with_name("mkdocs")
    result = subprocess.run([str(mkdocs), "gh-deploy", "--force", "--remote-name", "publish"],
                            cwd=small.root, capture_output=True, text=True, timeout=600,
                            env={**os.environ, **GIT_ENV, "NO_MKDOCS_2_WARNING": "1"})
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "Traceback" not in output and "ERROR" not in output, output
    published = set(_git("ls-tree", "-r", "--name-only", "gh-pages", cwd=remote).split())
    built = {p.relative_to(small.site).as_posix() for p in small.site.rglob("*") if p.is_file()}
    assert published == built | {".nojekyll"}  # the whole site as built, nothing else
    course = load_program(small.root, "default")
    pdfs = set(all_pdf_paths(course))
    assert len(pdfs) > 20 and "print/workbook.pdf" in pdfs
    for folder in ("", "es/"):  # the main language at the root, Spanish in es/
        assert {f"{folder}{p}" for p in pdfs} <= published, folder
        for page in ("index.html", "404.html", "sw.js", "search/search_index.json",
                     "week-01/session-1/index.html"):
            assert f"{folder}{page}" in published
    home = {folder: _git("show", f"gh-pages:{folder}index.html", cwd=remote)
            for folder in ("", "es/")}
    assert '<html lang="en"' in home[""] and '<html lang="es"' in home["es/"]
    handout = next(p for p in pdfs if "/handout-" in p)
    blob = subprocess.run(["git", "show", f"gh-pages:es/{handout}"], cwd=remote,
                          capture_output=True, timeout=60).stdout
    assert blob.startswith(b"%PDF-") and blob == (small.site / "es" / handout).read_bytes()
    # GitHub Pages' artifact leaves out hidden files: the site must not need any.
    assert not [p for p in built if any(part.startswith(".") for part in p.split("/"))]
