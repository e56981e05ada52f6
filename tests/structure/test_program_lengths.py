"""Published schedules that fit the library (issue 22): the hospital example program (three
50-minute groups a morning, Spanish first) and the default program at 60 minutes; one length
message per track, and the program's `lengths: on_mismatch` decides what it does to a build;
every guide's steps add up to the session's real length."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from site_builder import pipeline
from site_builder.errors import CourseError
from site_builder.programs import load_program, program_file
from site_builder.structure.lengths import length_mismatch, mismatches
from site_builder.structure.loading import load_course
from site_builder.structure.sessions import STEP_HEADING

from ..conftest import REPO, Project, copy_project

STEPS_HEADINGS = {"en": "## Steps", "es": "## Pasos"}


def _load_text(tmp_path: Path, text: str, language: str = "en"):
    """Load a program written in tmp_path with the library's modules."""
    path = tmp_path / "curriculum" / "program.yml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    crisis = REPO / "curriculum" / ("crisis-lines.es.yml" if language == "es" else
                                    "crisis-lines.yml")
    return load_course(path, REPO / "modules", crisis, root=tmp_path, language=language)


def _guide_minutes(session) -> list[int]:
    """The minutes in the '### Step (N min)' headings of a session's guide, under its steps."""
    steps = session.module.guide.split(STEPS_HEADINGS[session.module.language], 1)[1]
    steps = re.split(r"^## ", steps, maxsplit=1, flags=re.M)[0]
    return [int(m["min"]) for line in steps.splitlines()
            if (m := STEP_HEADING.match(line.strip()))]


def _assert_guides_add_up(course) -> None:
    for s in course.sessions:
        assert sum(step.minutes for step in s.module.steps) == s.minutes, s.module.id
        assert sum(_guide_minutes(s)) == s.minutes, (s.module.id, _guide_minutes(s))


def _default_at(minutes: int) -> str:
    text = program_file(REPO, "default").read_text(encoding="utf-8")
    groups = re.findall(r"(?ms)^  - id: (?:session|family|health)\n.*?    session_minutes: 90\n",
                        text)
    assert len(groups) == 3
    for group in groups:
        text = text.replace(group, group.replace("session_minutes: 90",
                                                 f"session_minutes: {minutes}"))
    return text


# --- The hospital program ---------------------------------------------------------------------

@pytest.fixture(scope="module", params=["es", "en"])
def hospital(request):
    options = pipeline.Options.for_project(
        REPO, curriculum=str(program_file(REPO, "hospital-iop")))
    return pipeline.load(options, REPO, request.param)


def test_the_hospital_program_is_three_50_minute_groups_a_morning(hospital):
    program = hospital.curriculum
    assert program.language == "es" and program.translations == ["en"] and program.weeks == 8
    mornings = [t for t in hospital.tracks if t.days == ["Monday", "Wednesday", "Friday"]]
    assert [(t.session_minutes, str(t.start_time)) for t in mornings] == [
        (50, "09:00:00"), (50, "10:00:00"), (50, "11:00:00")]
    assert min(sum(h.values()) for h in hospital.hours.values()) >= 9
    first = [s.module.id for s in hospital.sessions if s.week == 1 and s.day == "Monday"]
    assert first[:2] == ["orientation-and-levels-of-care",
                         "medications-for-substance-use-disorders"]


def test_every_guide_of_the_hospital_program_adds_up_to_50_minutes(hospital):
    _assert_guides_add_up(hospital)
    assert {s.minutes for s in hospital.sessions if s.track.session_minutes == 50} == {50}


def test_the_hospital_program_has_no_length_warnings_from_library_modules(hospital):
    assert mismatches(hospital) == {}


def test_the_hospital_length_messages_are_one_per_track(hospital):
    found = length_mismatch(hospital)
    if found is None:  # every module has a 50-minute plan
        return
    problems, stops = found
    assert not stops  # 'on_mismatch: warn'
    text = program_file(REPO, "hospital-iop").read_text(encoding="utf-8").splitlines()
    lines = [i for i, line in enumerate(text, 1) if line.strip() == "session_minutes: 50"]
    assert {p.line for p in problems} <= set(lines[:2])  # the two 50-minute skills groups
    assert len(problems) == len({p.line for p in problems})
    assert all(p.file == "curriculum/hospital-iop.yml" for p in problems)


@pytest.mark.slow
def test_the_hospital_program_builds_strictly(tmp_path, pdf_cache):
    project = copy_project(tmp_path, pdf_cache)
    project.disable_pdfs()
    result = project.cli("build", "--program", "hospital-iop")  # strict by default
    assert result.exit_code == 0, result.output
    assert len(re.findall(r"has 50-minute sessions, but", result.output)) <= 2
    site = project.root / "sites/hospital-iop"
    # Spanish first: Spanish at the root, English in en/
    for prefix, words in (("", "(grupo de bienvenida)"), ("en/", "(newcomer group)")):
        page = (site / prefix / "your-path/recuperacion-week-05/index.html").read_text()
        assert words in page
        rows = re.findall(r"<tr>\s*<td>(\d+)</td>", page)
        assert rows[:3] == ["1", "2", "3"]
    spanish = (site / "your-path/recaidas-week-05/index.html").read_text()
    assert "Medicamentos" in spanish.split("<tbody>", 1)[1].split("</tr>", 1)[0]


# --- The default program at 60 minutes --------------------------------------------------------

def test_the_default_program_runs_in_60_minutes_without_length_warnings(tmp_path):
    course = _load_text(tmp_path, _default_at(60))
    assert {t.session_minutes for t in course.group_tracks} == {60}
    assert mismatches(course) == {}
    assert length_mismatch(course) is None
    _assert_guides_add_up(course)
    assert {s.minutes for s in course.sessions} == {60}
    assert min(sum(h.values()) for h in course.hours.values()) >= 9


def test_every_guide_of_the_default_program_adds_up():
    _assert_guides_add_up(load_program(REPO, "default"))


# --- One message per track; the program decides ----------------------------------------------

def test_squeezed_modules_are_one_message_per_track_at_its_session_minutes(tmp_path):
    course = _load_text(tmp_path, _default_at(45))
    problems, stops = length_mismatch(course)
    assert not stops and len(problems) == 3  # the skills, family and health groups
    text = _default_at(45).splitlines()
    lines = [i for i, line in enumerate(text, 1) if line.strip() == "session_minutes: 45"]
    assert [p.line for p in problems] == lines
    assert str(problems[0]).startswith(
        f"curriculum/program.yml:{lines[0]}: the track 'session' has 45-minute sessions, but 48 "
        "modules are written for 90 minutes: their steps are squeezed by more than a third: "
        "orientation-and-levels-of-care, group-agreements, ")
    assert "Fix: give each module a 45-minute plan under 'variants:'" in str(problems[0])
    assert "'lengths: {on_mismatch: ignore}'" in str(problems[0])
    ignore = _load_text(tmp_path, _default_at(45).replace(
        "hours:\n", "lengths:\n  on_mismatch: ignore\nhours:\n", 1))
    assert length_mismatch(ignore) is None
    fail = _load_text(tmp_path, _default_at(45).replace(
        "hours:\n", "lengths:\n  on_mismatch: fail\nhours:\n", 1))
    assert length_mismatch(fail)[1] is True


def test_too_short_sessions_are_one_problem_per_track(tmp_path):
    with pytest.raises(CourseError) as e:
        _load_text(tmp_path, _default_at(20))
    problems = e.value.problems
    assert len(problems) == 3, [str(p) for p in problems]
    line = _default_at(20).splitlines().index("    session_minutes: 20") + 1
    assert str(problems[0]).startswith(
        f"curriculum/program.yml:{line}: the track 'session' has 20-minute sessions, too short "
        "for the timed steps of 30 modules (each step needs at least 5 minutes): ")
    assert str(problems[1]).startswith("curriculum/program.yml:")
    assert "the track 'family' has 20-minute sessions, too short for the timed steps of 6 " \
        "modules" in str(problems[1])


def _check(project: Project, mode: str):
    project.replace("curriculum/default.yml", "    session_minutes: 90\n",
                    "    session_minutes: 45\n")
    project.replace("curriculum/default.yml", "hours:\n",
                    f"lengths:\n  on_mismatch: {mode}\nhours:\n")
    return project.cli("check")


@pytest.mark.parametrize("mode", ["warn", "fail", "ignore"])
def test_the_program_decides_what_a_length_mismatch_does(small, mode):
    result = _check(small, mode)
    message = "the track 'session' has 45-minute sessions, but 6 modules are written for 90"
    if mode == "fail":
        assert result.exit_code != 0 and message in result.output
        assert "Traceback" not in result.output
    elif mode == "warn":
        assert result.exit_code == 0 and "Warning: curriculum/default.yml:" in result.output
        assert result.output.count(message) == 1
    else:
        assert result.exit_code == 0 and message not in result.output
