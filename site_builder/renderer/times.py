"""When a session meets, in the reader's language: its date and, for a track with a
`start_time`, its time of day ("Monday, March 8, 2027, 6:00 – 7:30 PM"; "lunes, 8 de marzo de
2027, 18:00–19:30"). Babel writes both from CLDR data, so each language gets its own clock
(12-hour in English, 24-hour in Spanish) and its own way of joining a date and a time.

The time is the meeting's local time where the program meets (the program's `timezone:`, when it
has one, is for the calendars: a phone elsewhere shows the meeting in its own time)."""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING

from site_builder.i18n import _babel_locale, day_name, long_date

if TYPE_CHECKING:
    from site_builder.structure.course import Session


def meeting_time(session: Session, language: str, *, plain: bool = False) -> str:
    """Return the session's start and end time ('6:00 – 7:30 PM'; '18:00–19:30'), or '' when
    its track has no `start_time`. `plain` writes CLDR's thin and narrow spaces as plain ones,
    for a PDF form field (a viewer fills it in with a font that may not have them)."""
    start = getattr(session.track, "start_time", None)
    if start is None:
        return ""
    span = time_span(start, session.minutes, language)
    return re.sub(r"[\u2009\u202f]", " ", span) if plain else span


def time_span(start: dt.time, minutes: int, language: str) -> str:
    """Return a time span as the language writes it, on its own clock ('6:00 – 7:30 PM')."""
    from babel.dates import format_interval, get_time_format

    locale = _babel_locale(language)
    begin = dt.datetime.combine(dt.date(2000, 1, 3), start)
    end = begin + dt.timedelta(minutes=minutes)
    clock = "Hm" if "H" in get_time_format("short", locale=locale).pattern else "hm"
    if end.date() != begin.date():  # past midnight: each time on its own
        return f"{format_interval(begin, begin, clock, locale=locale)} – " \
               f"{format_interval(end, end, clock, locale=locale)}"
    return format_interval(begin, end, clock, locale=locale)


def meeting_when(session: Session, language: str) -> str:
    """Return when the session meets: its date (or its day, without a start date) and its time
    when the track has one ('Monday, March 8, 2027, 6:00 – 7:30 PM'; 'Monday')."""
    day = long_date(session.date, language) if session.date else day_name(session.day, language)
    time = meeting_time(session, language)
    return join_date_and_time(day, time, language) if time else day


def join_date_and_time(date: str, time: str, language: str) -> str:
    """Join a written date and a time as the language does ('{1}, {0}' in English)."""
    from babel.dates import get_datetime_format

    pattern = str(get_datetime_format("full", locale=_babel_locale(language)))
    pattern = re.sub(r"'([^']*)'", lambda m: m[1] or "'", pattern)  # CLDR quotes literal words
    return pattern.replace("{1}", date).replace("{0}", time)
