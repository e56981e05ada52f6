"""Each bad input gives one clear message (file, line, field, fix), a non-zero exit, no traceback,
and leaves the previously built site untouched."""

from __future__ import annotations

import hashlib
import re

import pytest
from click.testing import CliRunner

from site_builder.cli import main


def _digest(folder) -> str:
    h = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            h.update(path.relative_to(folder).as_posix().encode())
            h.update(path.read_bytes())
    return h.hexdigest()


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
        ("replace", "templates/week.md.j2", "# Week {{ week }}", "# Week {{ weeek }}"),
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
    if name == "non-UTF-8 module":
        data = project.read("modules/refusal-skills.md").encode()
        return ("write", path, data.replace(b"# Reading", b"# Reading\n\nOff\xe9rs", 1))
    return case


@pytest.mark.parametrize("name", CASES)
def test_bad_input_is_reported_and_site_kept(project, name):
    case, expected = CASES[name]
    project.build()
    before = _digest(project.site)
    _break(project, _case_input(project, name, case))
    result = CliRunner().invoke(main, ["build", "-f", str(project.config)])
    output = result.output
    assert result.exit_code != 0, output
    assert "Traceback" not in output
    assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit)
    for part in expected:
        part = _expected(project, case, part)
        assert part in output, f"{part!r} not in:\n{output}"
    assert _digest(project.site) == before
    assert not list(project.root.glob(".site-*")), "staging folder left behind"
    check = CliRunner().invoke(main, ["check", "-f", str(project.config)])
    assert check.exit_code != 0 and "Traceback" not in check.output
