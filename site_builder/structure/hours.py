"""Weekly contact hours checked against the program's minimum (`hours:` in the program file).

ASAM Level 2.1 asks for 9 hours a week for adults (6 for adolescents). Every track counts
toward the hours unless it says `counts_toward_hours: false` (a drug test, for example).
Holidays take their meetings out of the week; a week under the minimum only because of a
holiday is shown as a holiday week, not as a short one. Weeks under `hours: exempt_weeks` (such
as planned step-down weeks) are not checked.

A shortfall with `on_shortfall: warn` is a warning that never stops a build, strict or not: the
program chose to be told, not stopped. With `on_shortfall: fail` it is an error naming the
program file and line.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from site_builder.errors import Problem
from site_builder.structure.scheduling import date_of, slots
from site_builder.utils.yaml import line_of

if TYPE_CHECKING:
    from site_builder.structure.course import Course


@dataclass(frozen=True)
class WeekHours:
    """The scheduled contact hours of one course week."""

    week: int
    hours: float
    holidays: tuple[dt.date, ...] = ()
    """The program's holidays in this week."""
    lost: float = 0.0
    """The hours of the meetings the holidays take away."""
    exempt: bool = False
    below: bool = False
    """Under the minimum and not exempt."""
    minimum: float = 0.0

    @property
    def holiday_short(self) -> bool:
        """Under the minimum only because of a holiday."""
        return self.below and self.lost > 0 and self.hours + self.lost >= self.minimum

    @property
    def short(self) -> bool:
        """Under the minimum: not exempt, and not only because of a holiday."""
        return self.below and not self.holiday_short


@dataclass(frozen=True)
class HoursReport:
    """Every week's contact hours and what the program's minimum says about them."""

    minimum: float
    on_shortfall: str
    weeks: list[WeekHours]

    @property
    def short_weeks(self) -> list[WeekHours]:
        return [w for w in self.weeks if w.short]

    @property
    def holiday_weeks(self) -> list[WeekHours]:
        return [w for w in self.weeks if w.holidays]

    @property
    def holidays(self) -> list[dt.date]:
        """The program's holidays within the course's weeks."""
        return [d for w in self.weeks for d in w.holidays]

    def summary(self) -> str:
        """One line on the hours for `site-builder check`."""
        if self.short_weeks:
            return shortfall_text(self)
        text = f"every week has at least {format_hours(self.minimum)} of contact hours"
        held = [w.week for w in self.weeks if w.holiday_short]
        exempt = [w.week for w in self.weeks if w.exempt]
        but = ([f"holiday {_weeks(held)}"] if held else []) + (
            [f"exempt {_weeks(exempt)}"] if exempt else [])
        return text + (", except " + " and ".join(but) if but else "") + "."


def hours_report(course: Course) -> HoursReport:
    """Return the weekly hours of the course checked against the program's minimum."""
    curriculum = course.curriculum
    minimum = curriculum.hours.minimum
    per_week = course.hours
    lost = _holiday_hours(course)
    weeks = []
    for week in sorted(per_week):
        total = round(sum(per_week[week].values()), 4)
        exempt = week in curriculum.hours.exempt_weeks
        weeks.append(WeekHours(week, total, _holidays_in(course, week), round(lost.get(week, 0), 4),
                               exempt, total < minimum and not exempt, minimum))
    return HoursReport(minimum, curriculum.hours.on_shortfall, weeks)


def _holidays_in(course: Course, week: int) -> tuple[dt.date, ...]:
    monday = date_of(course.curriculum, week, "Monday")
    if monday is None:
        return ()
    return tuple(sorted(d for d in course.curriculum.holidays
                        if monday <= d < monday + dt.timedelta(days=7)))


def _holiday_hours(course: Course) -> dict[int, float]:
    """Return {week: hours of the counted tracks' meetings that fall on holidays}."""
    lost: dict[int, float] = {}
    for track in course.tracks:
        if not track.counts_toward_hours:
            continue
        weeks = [m.slot.week for m in course.meetings if m.track.id == track.id]
        last = max(weeks, default=0)  # a group whose modules end early does not lose more
        for slot in slots(course.curriculum, track):
            if slot.holiday and slot.week <= last:
                lost[slot.week] = lost.get(slot.week, 0) + track.session_minutes / 60
    return lost


def format_hours(hours: float, language: str = "en") -> str:
    """Return hours as people write them: '50 min', '4.5 h', '1 h 15 min' ('4,5 h' in Spanish)."""
    from site_builder.i18n import number

    minutes = round(hours * 60)
    if 0 < minutes < 60:
        return f"{minutes} min"
    if minutes % 6 == 0:  # a whole tenth of an hour
        return f"{number(minutes / 60, language)} h"
    return f"{minutes // 60} h {minutes % 60} min"


def _weeks(weeks: list[int]) -> str:
    return ("week " if len(weeks) == 1 else "weeks ") + ", ".join(str(w) for w in weeks)


def shortfall_text(report: HoursReport) -> str:
    """Return the sentence that lists the weeks under the minimum."""
    short = report.short_weeks
    weeks = ", ".join(f"week {w.week} ({format_hours(w.hours)})" for w in short)
    return (f"{len(short)} week(s) are under the minimum of {report.minimum:g} contact hours: "
            f"{weeks}.")


def shortfall_problem(course: Course) -> Problem | None:
    """Return the shortfall as a Problem at the program file's `hours` line, or None."""
    report = hours_report(course)
    if not report.short_weeks:
        return None
    lines = course.program_lines
    key = ("hours", "on_shortfall") if report.on_shortfall == "fail" else ("hours", "minimum")
    return Problem(course.program_file or course.curriculum.program, shortfall_text(report),
                   line=line_of(lines, key) if lines else None,
                   fix="add a group or service, or list the weeks under 'hours: exempt_weeks' "
                   "(planned step-down weeks, for example).")
