"""Property tests on the loaders, atomic output under SIGKILL, reproducible builds, and
`mkdocs serve` surviving a broken edit."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from site_builder.errors import CourseError
from site_builder.loading import load_course, load_module

from .conftest import REPO, site_digest
from .test_serve import _free_port, _wait_for

# --- Property tests ---------------------------------------------------------------------------

_scalars = st.one_of(st.none(), st.booleans(), st.integers(-5, 60), st.text(max_size=12),
                     st.dates().map(str), st.sampled_from(["Monday", "Friday", "x", "90", ""]))
_values = st.recursive(_scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)),
    max_leaves=12)
_curriculum_keys = st.sampled_from(["program", "weeks", "days", "schedule", "tracks", "hours",
                                    "start_date", "holidays", "session_minutes", "language",
                                    "contact", "colors", "logo", "crisis_lines", "other"])
_module_keys = st.sampled_from(["id", "code", "title", "summary", "phase", "group_type",
                                "duration", "goals", "key_terms", "sources", "topics", "x"])


def _settings():
    return settings(max_examples=60, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow])


@_settings()
@given(data=st.dictionaries(_curriculum_keys, _values, max_size=8))
def test_any_curriculum_loads_or_gives_our_error(tmp_path_factory, data):
    root = tmp_path_factory.mktemp("prop")
    path = root / "program.yml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    try:
        load_course(path, REPO / "modules", REPO / "curriculum/crisis-lines.yml", root=root)
    except CourseError as e:
        assert e.problems and all(str(p) for p in e.problems)


@_settings()
@given(text=st.text(max_size=300))
def test_any_curriculum_text_loads_or_gives_our_error(tmp_path_factory, text):
    root = tmp_path_factory.mktemp("prop")
    path = root / "program.yml"
    path.write_text(text, encoding="utf-8")
    try:
        load_course(path, REPO / "modules", REPO / "curriculum/crisis-lines.yml", root=root)
    except CourseError:
        pass


@_settings()
@given(meta=st.dictionaries(_module_keys, _values, max_size=8),
       body=st.text(max_size=200))
def test_any_front_matter_loads_or_gives_our_error(tmp_path_factory, meta, body):
    root = tmp_path_factory.mktemp("prop")
    path = root / "module.md"
    path.write_text("---\n" + yaml.safe_dump(meta) + "---\n" + body, encoding="utf-8")
    try:
        load_module(path, root)
    except CourseError as e:
        assert e.problems


# --- Atomic output ----------------------------------------------------------------------------




def test_killed_build_leaves_previous_site_whole(project, tmp_path):
    project.build()
    before = site_digest(project.site)
    cold_cache = tmp_path / "cold-cache"   # so the next build has PDFs to render
    text = project.read("mkdocs.yml")
    project.write("mkdocs.yml", text.replace(text.split("cache_dir: ")[1].split()[0],
                                             str(cold_cache)))
    project.replace("modules/refusal-skills.md", "## Key points\n", "## Key points\n\n- New.\n")
    exe = Path(sys.executable).with_name("site-builder")
    build = subprocess.Popen([str(exe), "build", "-f", str(project.config)], cwd=project.root,
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                             env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
                             start_new_session=True)
    output = []
    for line in build.stdout:
        output.append(line)
        if "PDFs: 10 of" in line:
            os.killpg(build.pid, signal.SIGKILL)  # the build and its PDF workers
            break
    build.wait(timeout=60)
    build.stdout.close()
    assert build.returncode == -signal.SIGKILL, "".join(output)
    assert site_digest(project.site) == before
    assert "- New." not in (project.site / "week-05/session-1/index.html").read_text()
    # The next build cleans up after the killed one and succeeds.
    project.build()
    assert not list(project.root.glob(".site-*"))


# --- Reproducible builds ----------------------------------------------------------------------


def test_two_clean_builds_are_byte_identical(project, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    from site_builder.building import build_site

    first = build_site(project.config, site_dir=tmp_path / "one")
    text = project.read("mkdocs.yml")
    project.write("mkdocs.yml", text.replace(text.split("cache_dir: ")[1].split()[0],
                                             str(tmp_path / "fresh-cache")))
    second = build_site(project.config, site_dir=tmp_path / "two")
    files_one = sorted(p.relative_to(first) for p in first.rglob("*") if p.is_file())
    files_two = sorted(p.relative_to(second) for p in second.rglob("*") if p.is_file())
    assert files_one == files_two
    different = [str(p) for p in files_one
                 if (first / p).read_bytes() != (second / p).read_bytes()]
    assert different == []
    assert any(str(p).endswith(".pdf") for p in files_one)


# --- mkdocs serve survives mistakes -----------------------------------------------------------


def test_serve_survives_a_broken_module_and_recovers(project):
    port = _free_port()
    mkdocs = Path(sys.executable).with_name("mkdocs")
    project.replace("mkdocs.yml", "cache_dir:", "pdfs: false\n      cache_dir:")
    server = subprocess.Popen([str(mkdocs), "serve", "-f", str(project.config), "-a",
                               f"127.0.0.1:{port}"], cwd=project.root,
                              env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    url = f"http://127.0.0.1:{port}/week-04/session-1/"
    try:
        assert _wait_for(url, "Coping with Cravings"), "server did not start"
        good = project.read("modules/coping-with-cravings.md")
        project.write("modules/coping-with-cravings.md", good.replace("duration: 90",
                                                                      "duration: ninety"))
        time.sleep(4)
        # MkDocs holds page requests until a build succeeds ("the server will appear stuck");
        # what matters is that it keeps running and recovers.
        assert server.poll() is None, "the server stopped"
        project.write("modules/coping-with-cravings.md",
                      good.replace("# Reading\n", "# Reading\n\n@fixed-again@\n"))
        assert _wait_for(url, "@fixed-again@"), "did not recover after the fix"
    finally:
        server.terminate()
        output = server.communicate(timeout=20)[0]
    assert "modules/coping-with-cravings.md:" in output and "field 'duration'" in output
    assert "Traceback" not in output
