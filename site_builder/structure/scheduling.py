"""Put the sessions of every track on weeks, days and dates, and count weekly contact hours."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING

from site_builder.config.schema import module_id as entry_module
from site_builder.errors import Problem
from site_builder.structure.course import Meeting, Slot
from site_builder.utils.yaml import line_of

if TYPE_CHECKING:
    from site_builder.config.schema import Curriculum, Track
    from site_builder.structure.course import Module

DAY_ORDER = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
MAX_WEEKS = 52


def days_in_week(track: Track, week: int) -> list[str]:
    """Return the track's meeting days in a week, in weekday order."""
    if track.days is not None:
        days = track.days
    else:
        days = next((s.days for s in track.steps or [] if s.week_range[0] <= week
                     <= s.week_range[1]), [])
    return sorted(days, key=DAY_ORDER.index)


def date_of(curriculum: Curriculum, week: int, day: str) -> dt.date | None:
    """Return the calendar date of a day in a course week, if the program has a start date."""
    start = curriculum.start_date
    if start is None:
        return None
    monday = start - dt.timedelta(days=start.weekday())
    return monday + dt.timedelta(weeks=week - 1, days=DAY_ORDER.index(day))


def slots(curriculum: Curriculum, track: Track, *, last_week: int | None = None) -> list[Slot]:
    """Return every meeting slot of the track from its start week to its end week."""
    end = last_week or track.end_week or curriculum.weeks
    found = []
    for week in range(track.start_week, end + 1):
        for day in days_in_week(track, week):
            date = date_of(curriculum, week, day)
            found.append(Slot(week, day, date, date in curriculum.holidays))
    return found


def place_meetings(
    curriculum: Curriculum, lines: dict, modules: dict[str, Module], failed: set[str],
    name: str, problems: list[Problem],
) -> list[Meeting]:
    """Return every meeting of every track in time order; add a Problem for each bad entry."""
    meetings: list[Meeting] = []
    for t, track in enumerate(curriculum.all_tracks):
        base = ("tracks", t) if curriculum.tracks else ()
        end = track.end_week or curriculum.weeks
        if end > curriculum.weeks or track.start_week > end:
            problems.append(Problem(name, f"track '{track.id}' runs from week {track.start_week} "
                                    f"to week {end}, outside the course's {curriculum.weeks} "
                                    "weeks.", line=line_of(lines, (*base, "end_week")),
                                    fix="set 'start_week' and 'end_week' within 1 and 'weeks'."))
            continue
        lookup = _module_lookup(modules, failed, lines, name, problems)
        if track.service:
            meetings += [Meeting(track, s, None) for s in slots(curriculum, track)]
        elif track.schedule:
            meetings += _by_week(curriculum, track, base, lines, lookup, name, problems)
        else:
            meetings += _in_order(curriculum, track, base, lines, lookup, name, problems)
    order = {t.id: i for i, t in enumerate(curriculum.all_tracks)}
    meetings.sort(key=lambda m: (m.slot.week, DAY_ORDER.index(m.slot.day), order[m.track.id]))
    return meetings


def _module_lookup(modules, failed, lines, name, problems) -> Callable[..., Module | None]:
    def lookup(module_id: str, path: tuple, where: str) -> Module | None:
        module = modules.get(module_id)
        if module is None and module_id not in failed:
            import difflib

            close = difflib.get_close_matches(module_id, list(modules), n=1)
            problems.append(Problem(name, f"{where} lists module '{module_id}', but no file in "
                                    f"modules/ has 'id: {module_id}'.", line=line_of(lines, path),
                                    fix=f"did you mean '{close[0]}'?" if close else
                                    "check the spelling or add the module file."))
        return module
    return lookup


def _by_week(curriculum, track, base, lines, lookup, name, problems) -> list[Meeting]:
    found: list[Meeting] = []
    seen: set[int] = set()
    end = track.end_week or curriculum.weeks
    for i, week in enumerate(track.schedule):
        line = line_of(lines, (*base, "schedule", i, "week"))
        days = days_in_week(track, week.week)
        if not track.start_week <= week.week <= end:
            problems.append(Problem(name, f"week {week.week} is outside the weeks of track "
                                    f"'{track.id}' ({track.start_week} to {end}).", line=line,
                                    fix=f"use a week number from {track.start_week} to {end}."))
            continue
        if week.week in seen:
            problems.append(Problem(name, f"week {week.week} is listed twice.", line=line,
                                    fix="list each week once, with all its sessions."))
            continue
        seen.add(week.week)
        if len(week.sessions) > len(days):
            problems.append(Problem(name, f"week {week.week} has {len(week.sessions)} sessions, "
                                    f"but the group meets {len(days)} day(s) that week.",
                                    line=line, fix="add a meeting day or move a session to "
                                    "another week."))
            continue
        for j, item in enumerate(week.sessions):
            path = (*base, "schedule", i, "sessions", j)
            module = lookup(entry_module(item), path, f"week {week.week}")
            if module is not None:
                date = date_of(curriculum, week.week, days[j])
                found.append(Meeting(track, Slot(week.week, days[j], date,
                                                 date in curriculum.holidays), module,
                                     _title(item), path))
    return found


def _title(item) -> str | None:
    return None if isinstance(item, str) else item.title


def _in_order(curriculum, track, base, lines, lookup, name, problems) -> list[Meeting]:
    """Fill the track's meetings with its modules in order; a holiday moves the rest along."""
    open_slots = [s for s in slots(curriculum, track) if not s.holiday]
    if len(open_slots) < len(track.modules):
        problems.append(Problem(name, f"track '{track.id}' has {len(track.modules)} modules but "
                                f"only {len(open_slots)} meetings (holidays skipped).",
                                line=line_of(lines, (*base, "modules")),
                                fix="remove modules, add meeting days, or extend 'end_week'."))
        return []
    found = []
    for j, (item, slot) in enumerate(zip(track.modules, open_slots)):
        path = (*base, "modules", j)
        module = lookup(entry_module(item), path, f"track '{track.id}'")
        if module is not None:
            found.append(Meeting(track, slot, module, _title(item), path))
    return found


def weekly_hours(curriculum: Curriculum, meetings: list[Meeting]) -> dict[int, dict[str, float]]:
    """Return {week: {track id: scheduled contact hours}} for every week of the course."""
    hours: dict[int, dict[str, float]] = {w: {} for w in range(1, curriculum.weeks + 1)}
    for m in meetings:
        if m.slot.holiday or not m.track.counts_toward_hours:
            continue
        week = hours.setdefault(m.slot.week, {})
        week[m.track.id] = week.get(m.track.id, 0) + m.track.session_minutes / 60
    return hours


def short_weeks(curriculum: Curriculum, hours: dict[int, dict[str, float]]) -> list[tuple]:
    """Return (week, hours) for each week under the program's minimum (exempt weeks skipped)."""
    minimum = curriculum.hours.minimum
    return [(w, round(sum(h.values()), 2)) for w, h in sorted(hours.items())
            if sum(h.values()) < minimum and w not in curriculum.hours.exempt_weeks]
