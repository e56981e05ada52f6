"""Scheduling on its own: meeting days and dates, holidays, tracks placed in order or by week,
weekly contact hours, and the exact problems a bad schedule gives."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from site_builder.config.messages import validate
from site_builder.config.schema import Curriculum, ModuleMeta
from site_builder.errors import Problem
from site_builder.structure.course import Module
from site_builder.structure.scheduling import (
    date_of,
    days_in_week,
    place_meetings,
    short_weeks,
    slots,
    weekly_hours,
)
from site_builder.utils.yaml import parse_yaml

NAME = "curriculum/test.yml"
MODULES = ("stages-of-change", "coping-with-cravings", "refusal-skills", "relapse-warning-signs")


def _curriculum(text: str) -> tuple[Curriculum, dict]:
    data, lines = parse_yaml(text, NAME)
    return validate(Curriculum, data, lines, NAME), lines


def _module(module_id: str) -> Module:
    return Module(ModuleMeta.model_construct(id=module_id), Path(f"modules/{module_id}.md"),
                  reading="", worksheet="", guide="", key_points=[], steps=[])


def _place(text: str, *, failed: frozenset[str] = frozenset()):
    """Return (meetings as (week, day, track, module or None), problems as text)."""
    curriculum, lines = _curriculum(text)
    problems: list[Problem] = []
    modules = {m: _module(m) for m in MODULES}
    meetings = place_meetings(curriculum, lines, modules, set(failed), NAME, problems)
    placed = [(m.slot.week, m.slot.day, m.track.id, m.module.id if m.module else None)
              for m in meetings]
    return placed, [str(p) for p in problems]


TWO_TRACKS = """\
program: Test
weeks: 2
start_date: "2027-01-06"
holidays: ["2027-01-11"]
tracks:
  - id: group
    name: Group
    days: [Wednesday, Monday]
    modules: [stages-of-change, coping-with-cravings, refusal-skills]
  - id: family
    name: Family
    days: [Monday]
    session_minutes: 60
    schedule:
      - {week: 1, sessions: [relapse-warning-signs]}
  - id: process
    name: Process group
    service: true
    days: [Wednesday]
    session_minutes: 120
"""


def test_days_follow_the_step_of_each_week_in_weekday_order():
    curriculum, _ = _curriculum("""\
program: Test
weeks: 9
tracks:
  - id: group
    name: Group
    steps:
      - {weeks: "1-4", days: [Thursday, Monday]}
      - {weeks: 5, days: [Friday]}
    modules: [stages-of-change]
""")
    track = curriculum.tracks[0]
    assert days_in_week(track, 1) == days_in_week(track, 4) == ["Monday", "Thursday"]
    assert days_in_week(track, 5) == ["Friday"]
    assert days_in_week(track, 6) == []


def test_dates_count_from_the_monday_of_the_start_week():
    curriculum, _ = _curriculum(TWO_TRACKS)  # starts on a Wednesday
    assert date_of(curriculum, 1, "Monday") == dt.date(2027, 1, 4)
    assert date_of(curriculum, 2, "Friday") == dt.date(2027, 1, 15)
    undated, _ = _curriculum(TWO_TRACKS.replace('start_date: "2027-01-06"\n', ""))
    assert date_of(undated, 2, "Friday") is None


def test_slots_run_from_start_week_to_end_week_and_mark_holidays():
    curriculum, _ = _curriculum(TWO_TRACKS.replace("weeks: 2", "weeks: 3"))
    group = curriculum.tracks[0]
    found = [(s.week, s.day, str(s.date), s.holiday) for s in slots(curriculum, group)]
    assert found == [(1, "Monday", "2027-01-04", False), (1, "Wednesday", "2027-01-06", False),
                     (2, "Monday", "2027-01-11", True), (2, "Wednesday", "2027-01-13", False),
                     (3, "Monday", "2027-01-18", False), (3, "Wednesday", "2027-01-20", False)]
    assert len(slots(curriculum, group, last_week=1)) == 2


def test_a_holiday_moves_the_next_modules_along_and_tracks_merge_in_time_order():
    placed, problems = _place(TWO_TRACKS)
    assert problems == []
    assert placed == [
        (1, "Monday", "group", "stages-of-change"),
        (1, "Monday", "family", "relapse-warning-signs"),
        (1, "Wednesday", "group", "coping-with-cravings"),
        (1, "Wednesday", "process", None),
        (2, "Wednesday", "group", "refusal-skills"),  # Monday the 11th is a holiday
        (2, "Wednesday", "process", None),
    ]


def test_weekly_hours_count_services_and_skip_holidays():
    curriculum, lines = _curriculum(TWO_TRACKS)
    meetings = place_meetings(curriculum, lines, {m: _module(m) for m in MODULES}, set(), NAME,
                              [])
    hours = weekly_hours(curriculum, meetings)
    assert hours == {1: {"group": 3.0, "family": 1.0, "process": 2.0},
                     2: {"group": 1.5, "process": 2.0}}


def test_short_weeks_respect_the_minimum_and_exempt_weeks():
    curriculum, _ = _curriculum(TWO_TRACKS + "hours:\n  minimum: 4\n")
    hours = {1: {"group": 3.0, "process": 2.0}, 2: {"group": 1.5, "process": 2.0}, 3: {}}
    assert short_weeks(curriculum, hours) == [(2, 3.5), (3, 0)]
    exempt, _ = _curriculum(TWO_TRACKS + "hours:\n  minimum: 4\n  exempt_weeks: [3]\n")
    assert short_weeks(exempt, hours) == [(2, 3.5)]


def test_unknown_module_names_the_line_and_suggests_a_close_id():
    placed, problems = _place(TWO_TRACKS.replace("refusal-skills]", "refusal-skill]").replace(
        "[relapse-warning-signs]", "[anger-meter]"))
    assert problems == [
        f"{NAME}:9: track 'group' lists module 'refusal-skill', but no file in modules/ has "
        "'id: refusal-skill'. Fix: did you mean 'refusal-skills'?",
        f"{NAME}:15: week 1 lists module 'anger-meter', but no file in modules/ has "
        "'id: anger-meter'. Fix: check the spelling or add the module file.",
    ]
    assert ("group", "refusal-skill") not in {(t, m) for _, _, t, m in placed}


def test_a_module_that_failed_to_load_is_not_reported_twice():
    _, problems = _place(TWO_TRACKS.replace("refusal-skills]", "broken-module]"),
                         failed=frozenset({"broken-module"}))
    assert problems == []


def test_more_modules_than_meetings():
    _, problems = _place(TWO_TRACKS.replace("refusal-skills]", "refusal-skills, "
                                            "relapse-warning-signs]"))
    assert problems == [f"{NAME}:9: track 'group' has 4 modules but only 3 meetings (holidays "
                        "skipped). Fix: remove modules, add meeting days, or extend 'end_week'."]


def test_bad_weeks_in_a_schedule():
    schedule = "      - {week: 1, sessions: [relapse-warning-signs]}\n"
    _, problems = _place(TWO_TRACKS.replace(schedule, schedule.replace("1", "3")))
    assert problems == [f"{NAME}:15: week 3 is outside the weeks of track 'family' (1 to 2). "
                        "Fix: use a week number from 1 to 2."]
    _, problems = _place(TWO_TRACKS.replace(schedule, schedule * 2))
    assert problems == [f"{NAME}:16: week 1 is listed twice. Fix: list each week once, with "
                        "all its sessions."]
    _, problems = _place(TWO_TRACKS.replace("[relapse-warning-signs]",
                                            "[relapse-warning-signs, refusal-skills]"))
    assert problems == [f"{NAME}:15: week 1 has 2 sessions, but the group meets 1 day(s) that "
                        "week. Fix: add a meeting day or move a session to another week."]


def test_track_weeks_outside_the_course():
    _, problems = _place(TWO_TRACKS.replace("    session_minutes: 60\n",
                                            "    session_minutes: 60\n    end_week: 3\n"))
    assert problems == [f"{NAME}:14: track 'family' runs from week 1 to week 3, outside the "
                        "course's 2 weeks. Fix: set 'start_week' and 'end_week' within 1 and "
                        "'weeks'."]


def test_single_group_shorthand_is_one_track():
    placed, problems = _place("""\
program: Test
weeks: 2
days: [Tuesday]
schedule:
  - {week: 2, sessions: [stages-of-change]}
""")
    assert problems == [] and placed == [(2, "Tuesday", "session", "stages-of-change")]
