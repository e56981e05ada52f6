"""Property tests: module bodies from a grammar of Markdown and HTML are refused with a file:line
message or render to nothing unsafe; the YAML readers load any bytes or give our message, in
bounded time. Also: atomic output under SIGKILL, reproducible builds, and `mkdocs serve` surviving
a broken edit."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import tinyhtml5
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from site_builder.checks.safety import module_problems
from site_builder.config.messages import validate
from site_builder.config.schema import Curriculum
from site_builder.errors import CourseError
from site_builder.markup.config import render
from site_builder.markup.text import shift_headings
from site_builder.pdf.handouts import module_html
from site_builder.structure.loading import load_course, load_module
from site_builder.structure.variables import apply_variables
from site_builder.utils.yaml import parse_yaml, read_text
from tests.plugin.test_serve import _free_port, _wait_for

from .conftest import REPO, site_digest

FEW, MANY = 40, 400  # examples per property: in the normal suite, and under the slow marker


def _settings(examples: int = 60):
    return settings(max_examples=examples, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow])


# --- Module bodies --------------------------------------------------------------------------

URL = "https://t.example/p.png"
_FRAGMENTS = [
    "Plain words for the reader.", "## A heading", "- an item", "    - a nested item",
    "1. a numbered item", "> a quote", "", "", "",
    f'<img src="{URL}">', f'<img\n  src="{URL}"\n  alt="">', f"<IMG SRC={URL}>",
    "<img src='&#104;ttps://t.example/p.png'>", f"![a picture]({URL})", "![a picture][r]",
    f"[r]: {URL}", "![x][R]", f"[R]:\n    {URL}", "<https://www.samhsa.gov/>",
    "[a website](https://www.samhsa.gov/)", "<help@example.org>", "[click](javascript:alert(1))",
    '<a href="javascript:alert(1)">x</a>', '<a\nhref="java&#x09;script:alert(1)">x</a>',
    "<script>alert(1)</script>", "<scr\nipt>alert(1)</script>", f'<svg><image href="{URL}"/></svg>',
    f'<iframe src="{URL}"></iframe>', f'<link rel="stylesheet" href="{URL}">',
    f"<style>@import url({URL});</style>", f'<div style="background:url({URL})">x</div>',
    '<span onclick="go()">y</span>', '<body onload="go()">', f'<video poster="{URL}"></video>',
    f'<object data="{URL}"></object>', '{: onclick="go()" }',
    f'{{: style="background:url({URL})" }}',
    "&lt;script&gt;", "&amp; &#60;b&#62;", "<!-- a comment -->", "<!--", "-->", "```", "```html",
    "~~~", "`<script>`", "    <script>indented</script>", "<div markdown>", "</div>", "<details>",
    "</details>", "<table>", "<tr><td>", "</table>", "[[write: What will I do?]]", "[[blank]]",
    "| a | b |\n|---|---|\n| [[blank]] | x |", "!!! note", f"    ![x]({URL})", "<p>", "</p>",
    "{{ '<scr' ~ 'ipt>' }}", "{{ program_name }}", "{% if program == 'x' %}", "{% endif %}",
]
_INDENTS = st.sampled_from(["", "", "", "  ", "    ", "- ", "  - ", "> ", "1. "])
_LINE = st.builds(lambda indent, fragment: indent + fragment, _INDENTS, st.sampled_from(_FRAGMENTS))
_BODY = st.lists(_LINE, max_size=10).map("\n".join)

MODULE = """\
---
id: prop-module
code: PR-01
title: A generated module
summary: A module whose body is generated from Markdown and HTML pieces.
phase: engagement
group_type: test
duration: 30
goals:
  - Stay safe.
sources:
  - {{title: A manual, publisher: SAMHSA, year: 2020}}
---

# Reading

{reading}

## Key points

- One point.
- {point}

# Worksheet

{worksheet}

# Facilitator guide

{guide}

## Steps

### Check-in (30 min)
Talk.
"""
PROGRAM = ("program: Prop IOP\nweeks: 12\ndays: [Monday]\n"
           "schedule: [{week: 1, sessions: [prop-module]}]\n")

# What must never reach a page or a PDF: an element that runs or loads, an event handler, an
# address a browser would load from elsewhere or run.
_DENIED_TAGS = {"script", "iframe", "frame", "frameset", "object", "embed", "applet", "link",
                "meta", "base", "style", "svg", "math", "video", "audio", "source", "track",
                "picture", "image", "form", "template", "noscript", "portal"}
_LOADS = {"src", "srcset", "poster", "data", "background", "action", "formaction", "ping",
          "lowsrc", "dynsrc", "xlink:href"}
_SAFETY = ("not allowed", "loaded from another website", "runs code", "not closed",
           "points outside", "not a file in the project", "not a web, email")


def _unsafe(html: str) -> list[str]:
    """What in the HTML runs or loads: read by tinyhtml5, another WHATWG parser than the check's."""
    found = []
    for element in tinyhtml5.parse(f"<!DOCTYPE html><body>{html}").iter():
        if not isinstance(element.tag, str):
            continue
        namespace, _, tag = element.tag.rpartition("}")
        if tag in _DENIED_TAGS or "xhtml" not in namespace:
            found.append(f"<{tag}>")
        for name, value in element.attrib.items():
            name = name.rpartition("}")[2].lower()
            address = re.sub(r"[\t\n\r]", "", value).strip().lower().replace("\\", "/")
            if name.startswith("on") or (name == "style" and re.search(r"url|@import|expr",
                                                                        address)):
                found.append(f"{tag} {name}={value!r}")
            elif name in _LOADS or (name == "href" and tag != "a"):
                if re.match(r"[a-z][a-z0-9+.-]*:|//", address):
                    found.append(f"{tag} {name}={value!r}")
            elif name == "href" and re.match(r"(javascript|vbscript|data):", address):
                found.append(f"{tag} {name}={value!r}")
    return found


def _outputs(module) -> list[str]:
    """The HTML of each place a module's text ends up: the two pages and the printed parts."""
    page = (f"{module.reading}\n\n## Words to know\n\n- **Term**: a meaning\n\n## Worksheet\n\n"
            f"Use this worksheet.\n{{: .ws-note }}\n\n{shift_headings(module.worksheet)}")
    guide_page = f"## Goals\n\n- A goal\n\n{module.guide}"
    return [render(page), render(guide_page),
            module_html(shift_headings(module.worksheet), prefix=module.meta.code),
            module_html(module.guide), *[module_html(p) for p in module.key_points]]


def _check_module_body(root: Path, reading: str, worksheet: str, guide: str, point: str) -> None:
    path = root / "modules" / "prop-module.md"
    path.parent.mkdir(exist_ok=True)
    text = MODULE.format(reading=reading, worksheet=worksheet, guide=guide, point=point)
    path.write_text(text, encoding="utf-8")
    program = validate(Curriculum, *parse_yaml(PROGRAM, "p.yml"), "p.yml")
    try:
        module = apply_variables(load_module(path, root), program, root / "curriculum/p.yml",
                                 root)
        unsafe = module_problems(module, "modules/prop-module.md")  # the safety pass
        if unsafe:
            raise CourseError(unsafe)
    except CourseError as e:
        for problem in e.problems:
            assert problem.file == "modules/prop-module.md" and problem.fix, str(problem)
            if any(kind in problem.message for kind in _SAFETY):
                assert problem.line and 1 <= problem.line <= text.count("\n") + 1, str(problem)
        return
    for html in _outputs(module):
        assert _unsafe(html) == [], html


@pytest.mark.parametrize("examples", [pytest.param(FEW, id="few"),
                                      pytest.param(MANY, id="many", marks=pytest.mark.slow)])
def test_any_module_body_is_refused_or_renders_safe(tmp_path_factory, examples):
    @_settings(examples)
    @given(reading=_BODY, worksheet=_BODY, guide=_BODY, point=_LINE)
    def check(reading, worksheet, guide, point):
        _check_module_body(tmp_path_factory.mktemp("prop"), reading, worksheet, guide, point)

    check()


def test_the_oracle_sees_what_the_check_refuses():
    assert _unsafe(f'<p><img src="{URL}"></p><a href="javascript:x">y</a>') == [
        f"img src='{URL}'", "a href='javascript:x'"]


# --- YAML readers ---------------------------------------------------------------------------

_YAML_PIECES = ["a: ", "b:", "- ", "  ", "\t", "\n", "[", "]", "{", "}", ", ", ": ", "'", '"',
                "&x ", "*x", "<<: *x", "? ", "!!binary ", "!!python/object ", "%YAML 1.1\n",
                "---\n", "...\n", "# c", "2027-13-01", "01/04/2027", "9" * 50, "lunes",
                "Monday", "program: X", "weeks: 12", "tracks:", "days: [", "\x00", "\ufeff"]


def _load_or_our_error(raw: bytes, root: Path) -> None:
    path = root / "program.yml"
    path.write_bytes(raw)
    start = time.perf_counter()
    try:
        data, lines = parse_yaml(read_text(path, "program.yml"), "program.yml")
        validate(Curriculum, data, lines, "program.yml")
    except CourseError as e:
        assert e.problems and all(p.file == "program.yml" and p.fix for p in e.problems), str(e)
    assert time.perf_counter() - start < 2


@pytest.mark.parametrize("examples", [pytest.param(FEW, id="few"),
                                      pytest.param(MANY, id="many", marks=pytest.mark.slow)])
def test_any_bytes_load_or_give_our_error(tmp_path_factory, examples):
    root = tmp_path_factory.mktemp("yaml")

    @_settings(examples)
    @given(raw=st.one_of(st.binary(max_size=300),
                         st.lists(st.sampled_from(_YAML_PIECES), max_size=40).map(
                             lambda pieces: "".join(pieces).encode())))
    def check(raw):
        _load_or_our_error(raw, root)

    check()


# --- Loaders on structured input ------------------------------------------------------------

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


@_settings(FEW)
@given(data=st.dictionaries(_curriculum_keys, _values, max_size=8))
def test_any_curriculum_loads_or_gives_our_error(tmp_path_factory, data):
    root = tmp_path_factory.mktemp("prop")
    path = root / "program.yml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    try:
        load_course(path, REPO / "modules", REPO / "curriculum/crisis-lines.yml", root=root)
    except CourseError as e:  # our message: the file, a line when one can be told, and a fix
        assert e.problems
        lines = path.read_text(encoding="utf-8").count("\n") + 1
        for problem in e.problems:
            assert problem.file == "program.yml" and problem.message and problem.fix, problem
            assert problem.line is None or 1 <= problem.line <= lines, problem


@_settings(FEW)
@given(text=st.text(max_size=300))
def test_any_curriculum_text_loads_or_gives_our_error(tmp_path_factory, text):
    root = tmp_path_factory.mktemp("prop")
    path = root / "program.yml"
    path.write_text(text, encoding="utf-8")
    try:
        load_course(path, REPO / "modules", REPO / "curriculum/crisis-lines.yml", root=root)
    except CourseError as e:  # our message: the file, a line when one can be told, and a fix
        assert e.problems
        for problem in e.problems:
            assert problem.file == "program.yml" and problem.message and problem.fix, problem
            assert problem.line is None or 1 <= problem.line <= text.count("\n") + 1, problem


@_settings(FEW)
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
        for problem in e.problems:
            assert problem.file == "module.md" and problem.message and problem.fix, problem


# --- Atomic output ----------------------------------------------------------------------------




@pytest.mark.slow
def test_killed_build_leaves_previous_site_whole(small, tmp_path):
    project = small
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
        if re.search(r"PDFs: \d+ of \d+ rendered", line):
            os.killpg(build.pid, signal.SIGKILL)  # the build and its PDF workers
            break
    build.wait(timeout=60)
    build.stdout.close()
    assert build.returncode == -signal.SIGKILL, "".join(output)
    assert site_digest(project.site) == before
    assert "- New." not in (project.site / "week-02/session-1/index.html").read_text()
    # The next build cleans up after the killed one and succeeds.
    project.build()
    assert not list(project.root.glob(".site-*"))


# --- Reproducible builds ----------------------------------------------------------------------


@pytest.mark.slow
def test_two_clean_builds_are_byte_identical(small, tmp_path, monkeypatch):
    project = small
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    from site_builder.plugin.building import build_site

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


@pytest.mark.slow
def test_serve_survives_a_broken_module_and_recovers(small):
    project = small
    port = _free_port()
    mkdocs = Path(sys.executable).with_name("mkdocs")
    project.replace("mkdocs.yml", "cache_dir:", "pdfs: false\n      cache_dir:")
    server = subprocess.Popen([str(mkdocs), "serve", "-f", str(project.config), "-a",
                               f"127.0.0.1:{port}"], cwd=project.root,
                              env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    url = f"http://127.0.0.1:{port}/week-01/session-3/"  # coping-with-cravings
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
