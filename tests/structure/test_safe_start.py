"""A safe start for every newcomer (issue 22): an open-entry track's newcomer sessions come first
for every start week, its final sessions last; the "your path" pages, calendars, schedule and
facilitators page show it; the default program's order. The default program is loaded, never
built; one small project with a newcomer block is built for the pages."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from site_builder.config.messages import validate
from site_builder.config.schema import Curriculum
from site_builder.errors import CourseError
from site_builder.programs import load_program
from site_builder.renderer.pages import your_path
from site_builder.structure.client_path import track_sessions
from site_builder.utils.yaml import parse_yaml

from ..conftest import REPO, Project, small_project

NEWCOMER = ("orientation-and-levels-of-care", "group-agreements", "overdose-prevention",
            "medications-for-substance-use-disorders")
HEAVY = ("shame-and-guilt", "depression-and-anxiety", "co-occurring-conditions",
         "trauma-and-substance-use", "grief-and-loss")


@pytest.fixture(scope="module")
def default():
    return load_program(REPO, "default")


def _skills(course):
    return next(t for t in course.tracks if t.id == "session")


def _own_week(step, start: int, weeks: int) -> int:
    """The week of the client's own stay a path step falls in (1 = their first week)."""
    return step.week + step.round * weeks - start + 1


# --- The default program ----------------------------------------------------------------------

@pytest.mark.parametrize("start", range(1, 17))
def test_every_entry_week_of_the_default_starts_with_the_newcomer_block(default, start):
    track = _skills(default)
    path = your_path(default, track, start)
    assert [s.session.module.id for s in path[:4]] == list(NEWCOMER)
    assert [s.part for s in path[:5]] == ["newcomer"] * 4 + ["rotation"]
    own = {s.session.module.id: _own_week(s, start, 16) for s in path[:4]}
    assert own["orientation-and-levels-of-care"] == 1
    assert own["overdose-prevention"] in (1, 2)
    assert own["medications-for-substance-use-disorders"] in (1, 2)
    assert path[-1].session.module.id == "continuing-care-and-graduation"
    assert path[-1].part == "final"
    sessions = track_sessions(default, track)
    assert {s.session.number for s in path} == {s.number for s in sessions}
    # one meeting after the other, each on the day the course calendar has it
    assert [s.meeting for s in path] == list(range(path[0].meeting, path[0].meeting + len(path)))
    for step in path:
        held = sessions[step.meeting % len(sessions)]
        assert (step.week, step.day) == (held.week, held.day)
        assert (step.session is held) == (not step.apart)  # apart only when the group runs another
    assert path[0].week == start and all(s.apart for s in path[:4]) == (start > 1)


def test_a_week_one_start_is_the_course_order(default):
    track = _skills(default)
    path = your_path(default, track, 1)
    assert [s.session for s in path] == track_sessions(default, track)
    assert not any(s.apart or s.again or s.round for s in path)


def test_the_default_spaces_the_heavy_sessions_and_keeps_nine_hours(default):
    order = [s.module.id for s in track_sessions(default, _skills(default))]
    assert len(order) == 48
    places = sorted(order.index(m) for m in HEAVY)
    gaps = [b - a for a, b in zip(places, places[1:] + [places[0] + len(order)])]
    assert min(gaps) >= 3, places  # never two within three sessions, around the rotation too
    weeks = [p // 3 + 1 for p in places]
    assert len(set(weeks)) == 5  # never two in one week
    assert order.index("grief-and-loss") < 12  # near the early block (S3)
    assert order.index("group-agreements") < order.index("overdose-prevention")  # S2
    assert order.index("relapse-prevention-plan") < 36  # not at the end of the course (S1)
    assert order[-1] == "continuing-care-and-graduation"
    assert min(sum(h.values()) for h in default.hours.values()) >= 9


# --- Misconfigured newcomer and final sessions -----------------------------------------------

PROGRAM = """\
program: Test IOP
weeks: 12
tracks:
  - id: group
    name: Group
    days: [Monday, Wednesday]
    open_entry: true
    newcomer_sessions: 2
    modules: [orientation-and-levels-of-care, group-agreements, overdose-prevention]
"""


def _problem(text: str) -> str:
    data, lines = parse_yaml(text, "curriculum/x.yml")
    with pytest.raises(CourseError) as e:
        validate(Curriculum, data, lines, "curriculum/x.yml")
    return str(e.value)


@pytest.mark.parametrize("old, new, expected", [
    ("    open_entry: true\n", "",
     "curriculum/x.yml:7: the track 'group' has 'newcomer_sessions: 2', but it is not open "
     "entry: everyone starts in its first week, so its sessions already come in their order for "
     "everyone. Fix: add 'open_entry: true' if new clients join in any week, or remove "
     "'newcomer_sessions'."),
    ("newcomer_sessions: 2", "newcomer_sessions: 3",
     "curriculum/x.yml:8: the track 'group' lists 3 modules, but 'newcomer_sessions: 3' leaves "
     "none for the group's rotation. Fix: set 'newcomer_sessions' to at most 2, or list more "
     "modules."),
    ("newcomer_sessions: 2", "newcomer_sessions: 2\n    final_sessions: 1",
     "curriculum/x.yml:8: the track 'group' lists 3 modules, but 'newcomer_sessions: 2' and "
     "'final_sessions: 1' leave none for the group's rotation. Fix: set 'newcomer_sessions' to "
     "at most 1, or list more modules."),
    ("    newcomer_sessions: 2\n", "    final_sessions: 3\n",
     "curriculum/x.yml:8: the track 'group' lists 3 modules, but 'final_sessions: 3' leaves "
     "none for the group's rotation. Fix: set 'final_sessions' to at most 2, or list more "
     "modules."),
    ("    modules: [orientation-and-levels-of-care, group-agreements, overdose-prevention]\n",
     "    schedule: [{week: 1, sessions: [orientation-and-levels-of-care]}]\n",
     "curriculum/x.yml:8: the track 'group' places its modules by week ('schedule:'), but "
     "'newcomer_sessions: 2' takes the first modules of a 'modules:' list in order. Fix: list "
     "the track's modules in order under 'modules:', or remove 'newcomer_sessions'."),
    ("    modules: [orientation-and-levels-of-care, group-agreements, overdose-prevention]\n",
     "    service: true\n",
     "curriculum/x.yml:8: the track 'group' is a service, so it has no sessions for "
     "'newcomer_sessions: 2'. Fix: remove 'newcomer_sessions'."),
    ("newcomer_sessions: 2", "newcomer_sessions: -1",
     "curriculum/x.yml:8: field 'tracks.newcomer_sessions' is -1, but it must be at least 0."),
])
def test_misconfigured_newcomer_and_final_sessions(old, new, expected):
    assert old in PROGRAM
    assert _problem(PROGRAM.replace(old, new)).startswith(expected)


# --- A small project built with a newcomer block ---------------------------------------------

# Two weeks of Monday, Wednesday and Friday from 4 January 2027: the first two modules are every
# newcomer's first sessions, the last one everyone's last. The 45-minute sessions squeeze the
# 90-minute modules: one warning for the track, and the strict build goes on (on_mismatch: warn).
SAFE = """\
program: Safe Start Test IOP
weeks: 2
min_weeks: 1
language: en
translations: [es]
start_date: "2027-01-04"
hours: {minimum: 2}
lengths: {on_mismatch: warn}
tracks:
  - id: skills
    name: {en: Skills group, es: Grupo de habilidades}
    days: [Monday, Wednesday, Friday]
    session_minutes: 45
    start_time: "10:00"
    open_entry: true
    newcomer_sessions: 2
    final_sessions: 1
    modules: [orientation-and-levels-of-care, stages-of-change, coping-with-cravings,
              refusal-skills, anger-cues-and-meter, relapse-warning-signs]
"""


def _cli(project: Project, *args: object):
    from click.testing import CliRunner

    from site_builder.cli import main

    return CliRunner().invoke(main, [*(str(a) for a in args), "-f", str(project.config)],
                              env={"SITE_BUILDER_PROGRAM": None})


@pytest.fixture(scope="module")
def safe(tmp_path_factory: pytest.TempPathFactory, pdf_cache: Path):
    """SAFE built once with `site-builder build` (strict), pages only: (project, output)."""
    project = small_project(tmp_path_factory.mktemp("safe-start"), pdf_cache, SAFE)
    project.disable_pdfs()
    result = _cli(project, "build")
    assert result.exit_code == 0, result.output
    return project, result.output


def _text(html: str) -> str:
    article = re.search(r"<article.*?</article>", html, re.S)[0]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", article)).replace("&#39;", "'")


def _rows(html: str) -> list[str]:
    """Each row of a path page's tables as text: 'N week day topic (note) code'."""
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row)).strip()
            for row in re.findall(r"<tr>(.*?)</tr>", html, re.S) if "<td>" in row]


@pytest.mark.slow
def test_the_built_your_path_pages_start_with_the_newcomer_sessions(safe):
    project, _ = safe
    assert _rows(project.html("your-path/skills-week-02")) == [
        "1 2 Monday Welcome to IOP: How the Program Works (newcomer group) EN-01",
        "2 2 Wednesday Stages of Change: Where Am I, and What Helps? (newcomer group) EN-03",
        "3 2 Friday Relapse Warning Signs (with the group; your own comes at the end) RP-02",
        "4 1 (next round) Monday Welcome to IOP: How the Program Works (again) EN-01",
        "5 1 (next round) Wednesday Stages of Change: Where Am I, and What Helps? (again) EN-03",
        "6 1 (next round) Friday Coping with Cravings and Urges ER-02",
        "7 2 (next round) Monday Saying No to Alcohol and Drugs ER-05",
        "8 2 (next round) Wednesday Anger Cues and the Anger Meter AM-01",
        "9 2 (next round) Friday Relapse Warning Signs (with the group) RP-02"]
    text = _text(project.html("your-path/skills-week-02"))
    for words in ("Your first sessions", "Then, with the group", "Your last session",
                  "Every new member starts with the same 2 sessions, whatever the week they "
                  "join: Welcome to IOP: How the Program Works and Stages of Change",
                  "in the newcomer group, apart from the group",
                  "When the group comes to a session you have had, you hear it again."):
        assert words in text, words
    first = _rows(project.html("your-path/skills-week-01"))
    assert first[0].endswith("(with the group) EN-01") and len(first) == 6
    assert not any("again" in row or "newcomer group" in row for row in first)
    spanish = _text(project.html("es/your-path/skills-week-02"))
    assert "Sus primeras sesiones" in spanish and "(grupo de bienvenida)" in spanish
    assert "(otra vez)" in spanish and "Su última sesión" in spanish
    schedule = _text(project.html("schedule"))
    assert ("Every new member starts with the same 2 sessions, whatever the week they join: "
            "Welcome to IOP: How the Program Works and Stages of Change") in schedule
    assert "Each member's own last session, when their path ends, is Relapse Warning Signs." \
        in schedule
    staff = _text(project.html("facilitator"))
    assert "Held apart from the group: Skills group" in staff
    assert "Two on the same day need two rooms" in staff


@pytest.mark.slow
def test_the_your_path_calendar_has_the_newcomer_meetings_first(safe):
    import icalendar

    project, _ = safe
    path = project.site / "calendar/skills-from-week-02.ics"
    events = list(icalendar.Calendar.from_ical(path.read_bytes()).walk("VEVENT"))
    days = [e.decoded("DTSTART") for e in events]
    assert [d.date() for d in days] == [dt.date(2027, 1, d) for d in (11, 13, 15, 18, 20, 22,
                                                                      25, 27, 29)]
    assert all(d.time() == dt.time(10, 0) for d in days)
    summaries = [str(e["SUMMARY"]) for e in events]
    assert summaries[:2] == ["Skills group: Welcome to IOP: How the Program Works (newcomer group)",
                             "Skills group: Stages of Change: Where Am I, and What Helps? "
                             "(newcomer group)"]
    assert summaries[-1] == "Skills group: Relapse Warning Signs"
    assert len({str(e["UID"]) for e in events}) == len(events)
    # the group's own calendar is the course's order, unchanged
    group = icalendar.Calendar.from_ical((project.site / "calendar/skills.ics").read_bytes())
    assert [str(e["SUMMARY"]).split(": ", 1)[1] for e in group.walk("VEVENT")][:2] == [
        "Welcome to IOP: How the Program Works", "Stages of Change: Where Am I, and What Helps?"]


@pytest.mark.slow
def test_squeezed_modules_are_one_warning_per_track_that_does_not_stop_a_strict_build(safe):
    project, output = safe
    line = SAFE.splitlines().index("    session_minutes: 45") + 1
    warnings = [w for w in output.splitlines() if "45-minute sessions" in w]
    assert len(warnings) == 1, output  # once, for the track, in the main language only
    assert (f"curriculum/default.yml:{line}: the track 'skills' has 45-minute sessions, but 6 "
            "modules are written for 90 minutes: their steps are squeezed by more than a third: "
            "orientation-and-levels-of-care, stages-of-change, coping-with-cravings, "
            "refusal-skills, anger-cues-and-meter, relapse-warning-signs. Fix: give each module "
            "a 45-minute plan under 'variants:'") in warnings[0]
    assert (project.site / "index.html").is_file()
