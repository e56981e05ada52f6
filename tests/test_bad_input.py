"""Each bad input gives one clear message (file, line, field, fix), a non-zero exit, no traceback,
and leaves the previously built site untouched."""

from __future__ import annotations

import shutil
import re

import pytest
from click.testing import CliRunner

from site_builder.cli import main

from .conftest import site_digest




def _break(project, case):
    kind, *args = case
    if kind == "replace":
        project.replace(*args)
    else:
        project.write(*args)


CASES = {
    "unknown module id": (
        ("replace", "curriculum/default.yml", "      - refusal-skills\n", "      - refusal-skill\n"),
        ["curriculum/default.yml:{line:- refusal-skill}:", "module 'refusal-skill'",
         "no file in modules/ has 'id: refusal-skill'", "Fix: did you mean 'refusal-skills'?"],
    ),
    "duplicate module id": (
        ("write", "modules/copy-of-cravings.md", None),
        ["modules/copy-of-cravings.md", "'coping-with-cravings'", "already used"],
    ),
    "malformed curriculum YAML": (
        ("replace", "curriculum/default.yml", "days: [Monday, Wednesday, Friday]",
         "days: [Monday, Wednesday, Friday"),
        ["curriculum/default.yml:", "the YAML cannot be read", "Fix:"],
    ),
    "malformed front matter": (
        ("replace", "modules/refusal-skills.md", "duration: 90", "duration: 90\n  bad: [indent"),
        ["modules/refusal-skills.md:", "the YAML cannot be read", "Fix:"],
    ),
    "missing field": (
        ("replace", "modules/stages-of-change.md", "\nphase: engagement", ""),
        ["modules/stages-of-change.md:", "required field 'phase' is missing", "Fix: add 'phase:'"],
    ),
    "wrongly typed field": (
        ("replace", "modules/anger-cues-and-meter.md", "duration: 90", "duration: ninety"),
        ["modules/anger-cues-and-meter.md:{line:duration: ninety}:", "field 'duration'",
         "'ninety'", "Fix: use a whole number."],
    ),
    "unknown field": (
        ("replace", "curriculum/default.yml", "session_minutes: 90", "session_minute: 90"),
        ["curriculum/default.yml:{line:session_minute: 90}:", "unknown field",
         "'tracks.0.session_minute'", "session_minutes"],
    ),
    "course too long": (
        ("replace", "curriculum/default.yml", "weeks: 16", "weeks: 20"),
        ["curriculum/default.yml:{line:weeks: 20}:", "20 weeks", "12 to 16", "Fix: set 'weeks'"],
    ),
    "session referring to nothing": (
        ("replace", "curriculum/default.yml", "      - refusal-skills\n", "      -\n"),
        ["curriculum/default.yml:", "'tracks.0.modules.12'", "valid string"],
    ),
    "invalid day": (
        ("replace", "curriculum/default.yml", "days: [Monday, Wednesday, Friday]",
         "days: [Monday, Wensday, Friday]"),
        ["curriculum/default.yml:{line:Wensday}:", "'tracks.0.days.1'", "'Wednesday'",
         "'Wensday'"],
    ),
    "undefined template variable": (
        ("replace", "templates/week.md.j2", "n=week)", "n=weeek)"),
        ["templates/week.md.j2:", "undefined value", "'weeek' is undefined"],
    ),
    "template syntax error": (
        ("replace", "templates/session.md.j2", "{{ module.reading }}", "{{ module.reading }"),
        ["templates/session.md.j2:", "template syntax error"],
    ),
    "non-UTF-8 module": (
        ("write", "modules/refusal-skills.md", None),
        ["modules/refusal-skills.md:", "not UTF-8", "Fix: save the file as UTF-8"],
    ),
    "steps do not add up": (
        ("replace", "modules/refusal-skills.md", "(15 min)", "(25 min)"),
        ["modules/refusal-skills.md:", "add up to 100 minutes", "'duration' is 90"],
    ),
    "missing part": (
        ("replace", "modules/coping-with-cravings.md", "# Worksheet", "## Worksheet"),
        ["modules/coping-with-cravings.md", "'# Worksheet' is missing"],
    ),
}

MODULE = "modules/refusal-skills.md"
CURRICULUM = "curriculum/default.yml"
CASES.update({
    # --- program files ---------------------------------------------------------------------
    "track with days and steps": (
        ("replace", CURRICULUM, "    name: Skills group\n",
         "    name: Skills group\n    steps: [{weeks: \"1-4\", days: [Monday]}]\n"),
        ["curriculum/default.yml:", "needs either 'days' or 'steps'"]),
    "duplicate track id": (
        ("replace", CURRICULUM, "  - id: process", "  - id: session"),
        ["curriculum/default.yml:", "two tracks have the same 'id'"]),
    "service with modules": (
        ("replace", CURRICULUM, "    service: true\n    days: [Tuesday]",
         "    service: true\n    modules: [goal-setting]\n    days: [Tuesday]"),
        ["curriculum/default.yml:", "is a service: it has no 'modules'"]),
    "track beyond the course": (
        ("replace", CURRICULUM, "    name: Skills group\n", "    name: Skills group\n    end_week: 20\n"),
        ["curriculum/default.yml:{line:end_week: 20}:", "outside the course's 16 weeks"]),
    "more modules than meetings": (
        ("replace", CURRICULUM, "    days: [Monday, Wednesday, Friday]\n    session_minutes: 90\n    modules:",
         "    days: [Monday, Wednesday]\n    session_minutes: 90\n    modules:"),
        ["curriculum/default.yml:", "has 48 modules but only 32 meetings", "Fix:"]),
    "unquoted impossible date": (
        ("replace", CURRICULUM, "language: en", "language: en\nstart_date: 2027-13-01"),
        ["curriculum/default.yml", "the YAML cannot be read", "put quotes around dates"]),
    "impossible date": (
        ("replace", CURRICULUM, "language: en", "language: en\nstart_date: \"2027-02-30\""),
        ["curriculum/default.yml:{line:start_date}:", "field 'start_date'"]),
    "unreadable colour": (
        ("replace", CURRICULUM, "language: en", "language: en\ncolors:\n  primary: \"#ffee00\""),
        ["curriculum/default.yml:{line:primary}:", "contrast"]),
    "missing logo file": (
        ("replace", CURRICULUM, "language: en", "language: en\nlogo: default/logo.png"),
        ["curriculum/default.yml:{line:logo:}:", "the logo file 'default/logo.png' does not exist"]),
    "undefined module variable": (
        ("replace", MODULE, "# Worksheet\n", "# Worksheet\n\nCall {{ sponsor_phone }} today.\n"),
        ["modules/refusal-skills.md:{line:sponsor_phone}:", "'sponsor_phone' is undefined",
         "Available: program, program_name"]),
    # --- curriculum YAML ---------------------------------------------------------------------
    "tab indentation": (
        ("replace", CURRICULUM, "  minimum: 9", "\tminimum: 9"),
        ["curriculum/default.yml:{line:minimum: 9}:", "the YAML cannot be read", "tab"]),
    "duplicate key": (
        ("replace", CURRICULUM, "language: en", "language: en\nweeks: 16  # again"),
        ["curriculum/default.yml:{line:# again}:", "the key 'weeks' appears twice"]),
    "empty program file": (
        ("write", CURRICULUM, "\n"), ["curriculum/default.yml: the file is empty."]),
    "list instead of a mapping": (
        ("write", CURRICULUM, "- program\n- weeks\n"),
        ["curriculum/default.yml:1:", "expected a YAML mapping"]),
    "very large module": (
        ("write", MODULE, None), ["modules/refusal-skills.md: the file is too large"]),
    # --- module front matter -----------------------------------------------------------------
    "no front matter": (
        ("write", MODULE, "# Reading\n\nHello.\n"),
        ["modules/refusal-skills.md:1: the module has no front matter."]),
    "front matter not closed": (
        ("write", MODULE, "---\nid: refusal-skills\n# Reading\n"),
        ["modules/refusal-skills.md", "not closed"]),
    "bad handout code": (
        ("replace", MODULE, "code: ER-05", "code: er5"),
        ["modules/refusal-skills.md:{line:code: er5}:", "field 'code'", "'RP-05'"]),
    "duplicate handout code": (
        ("replace", MODULE, "code: ER-05", "code: ER-02"),
        ["handout code 'ER-02' is already used"]),
    # --- module bodies -----------------------------------------------------------------------
    "text before the reading": (
        ("replace", MODULE, "# Reading\n", "Hello there.\n\n# Reading\n"),
        ["modules/refusal-skills.md:{line:Hello there.}:", "there is text before '# Reading'"]),
    "unknown part": (
        ("replace", MODULE, "# Worksheet\n", "# Notes\n\nx\n\n# Worksheet\n"),
        ["modules/refusal-skills.md:{line:# Notes}:", "unknown part '# Notes'"]),
    "no key points": (
        ("replace", MODULE, "## Key points", "## Summary"),
        ["modules/refusal-skills.md:", "no '## Key points' list"]),
    "script tag": (
        ("replace", MODULE, "# Worksheet\n", "# Worksheet\n\n<script>alert(1)</script>\n"),
        ["modules/refusal-skills.md:{line:<script>}:", "the HTML tag <script> is not allowed"]),
    "event handler": (
        ("replace", MODULE, "# Worksheet\n", "# Worksheet\n\n<span onclick=\"go()\">Hi</span>\n"),
        ["modules/refusal-skills.md:{line:onclick}:", "the attribute 'onclick' on <span>"]),
    "remote image in a module": (
        ("replace", MODULE, "# Worksheet\n", "# Worksheet\n\n![A photo](https://example.com/a.png)\n"),
        ["modules/refusal-skills.md:{line:example.com}:", "would be loaded from another website"]),
    "remote stylesheet in a module": (
        ("replace", MODULE, "# Worksheet\n",
         "# Worksheet\n\n<link rel=\"stylesheet\" href=\"https://cdn.example.com/a.css\">\n"),
        ["modules/refusal-skills.md:{line:cdn.example.com}:", "the HTML tag <link> is not allowed"]),
    "path outside the project": (
        ("replace", MODULE, "# Worksheet\n", "# Worksheet\n\n![x](../../../../../etc/passwd)\n"),
        ["modules/refusal-skills.md:{line:etc/passwd}:", "points outside the project folder"]),
    "javascript link": (
        ("replace", MODULE, "# Worksheet\n", "# Worksheet\n\n[Click](javascript:alert(1))\n"),
        ["modules/refusal-skills.md:{line:javascript}:", "runs code"]),
    # --- templates ---------------------------------------------------------------------------
    "missing included template": (
        ("replace", "templates/home.md.j2", "## How to use this site",
         "{% include \"nope.md.j2\" %}\n## How to use this site"),
        ["templates/nope.md.j2: the template does not exist."]),
    "undefined variable in a print template": (
        ("replace", "templates/print/handout.html.j2", "{% block body %}", "{% block body %}{{ nope }}"),
        ["templates/handout.html.j2:", "'nope' is undefined"]),
})


def _expected(project, case, text):
    """Fill '{line:TEXT}' with the line number of TEXT in the broken file."""
    def line(match):
        lines = project.read(case[1]).splitlines()
        return str(next(i for i, ln in enumerate(lines, 1) if match[1] in ln))
    return re.sub(r"\{line:([^}]+)\}", line, text)


def _case_input(project, name, case):
    kind, path, *rest = case
    if name == "duplicate module id":
        text = project.read("modules/coping-with-cravings.md")
        return ("write", path, text.replace("code: ER-02", "code: ER-99"))
    if name == "very large module":
        return ("write", path, project.read(path) + "\nx" * 1_100_000)
    if name == "non-UTF-8 module":
        data = project.read("modules/refusal-skills.md").encode()
        return ("write", path, data.replace(b"# Reading", b"# Reading\n\nOff\xe9rs", 1))
    return case


@pytest.fixture(scope="module")
def prebuilt(tmp_path_factory, pdf_cache):
    """A project with a good site already built (copied for each case)."""
    from .conftest import copy_project

    project = copy_project(tmp_path_factory.mktemp("prebuilt"), pdf_cache)
    project.build()
    return project


@pytest.mark.parametrize("name", CASES)
def test_bad_input_is_reported_and_site_kept(prebuilt, tmp_path, name):
    from .conftest import Project

    shutil.copytree(prebuilt.root, tmp_path / "p")
    project = Project(tmp_path / "p")
    case, expected = CASES[name]
    before = site_digest(project.site)
    _break(project, _case_input(project, name, case))
    result = CliRunner().invoke(main, ["build", "-f", str(project.config)])
    output = result.output
    assert result.exit_code != 0, output
    assert "Traceback" not in output
    assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit)
    for part in expected:
        part = _expected(project, case, part)
        assert part in output, f"{part!r} not in:\n{output}"
    assert site_digest(project.site) == before
    assert not list(project.root.glob(".site-*")), "staging folder left behind"
    check = CliRunner().invoke(main, ["check", "-f", str(project.config)])
    assert check.exit_code != 0 and "Traceback" not in check.output
