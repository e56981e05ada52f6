"""iCalendar (.ics) files of a program's meetings, so a client adds the group to a phone's
calendar in one tap (RFC 5545, written with the `icalendar` library).

A program with a `start_date` gets one calendar per group track and per service shown to
clients (`visible: true`), and for an open-entry track one per "your path" start week: the
client's own meetings (structure/client_path.py), from that week on, the weeks before it in the
next round (the same days, one course length later), newcomer and final sessions held apart
from the group named so. No meeting is on a holiday. A track's `start_time` makes the meetings
timed (as long as the session); without it they are all-day events. The times are the
program's local time: with the program's `timezone:` (an IANA name) each meeting carries it
(`TZID`, and a `VTIMEZONE` written by icalendar from the time zone database), so a phone in
another zone, or the change to or from daylight saving time, keeps the meeting at its local
hour; without one they are floating times, read in the phone's own zone. The calendars hold
the program's schedule only: no client data.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from site_builder.renderer.paths import calendar_path

if TYPE_CHECKING:
    from site_builder.config.schema import Track
    from site_builder.i18n import Messages
    from site_builder.structure.client_path import PathStep
    from site_builder.structure.course import Course

PRODID = "-//site-builder//IOP course calendar//EN"


@dataclass(frozen=True)
class CalendarMeeting:
    """One meeting as a calendar shows it."""

    uid: str
    date: dt.date
    summary: str
    description: str = ""


def calendar_files(course: Course, messages: Messages) -> dict[str, bytes]:
    """Return {site path: .ics bytes} for every calendar of the course (none without a start
    date)."""
    if course.curriculum.start_date is None:
        return {}
    from site_builder.renderer.pages import your_path

    files: dict[str, bytes] = {}
    for track in course.tracks:
        if track.service and not track.visible:
            continue
        name = f"{course.curriculum.program}: {track.name}"
        files[calendar_path(track.id)] = _calendar(course, track, name, track_meetings(course,
                                                                                      track))
        if track.open_entry and not track.service:
            for week in sorted({s.week for s in course.sessions if s.track_id == track.id}):
                title = messages.gettext("Your path: %(track)s, starting in week %(week)s") % {
                    "track": track.name, "week": week}
                meetings = path_meetings(course, track, your_path(course, track, week), messages)
                files[calendar_path(track.id, week)] = _calendar(
                    course, track, f"{course.curriculum.program}: {title}", meetings)
    return files


def track_meetings(course: Course, track: Track) -> list[CalendarMeeting]:
    """Return the track's meetings on their dates, holidays left out."""
    if track.service:
        return [CalendarMeeting(_uid(course, track, m.slot.date), m.slot.date, track.name)
                for m in course.meetings
                if m.track.id == track.id and not m.slot.holiday and m.slot.date]
    return [_session_meeting(course, track, s, s.date) for s in course.sessions
            if s.track_id == track.id and not s.holiday and s.date]


def path_meetings(course: Course, track: Track, path: list[PathStep],
                  messages: Messages | None = None) -> list[CalendarMeeting]:
    """Return the meetings of a "your path" (client_path.py) on their dates: the next round's
    are one course length later; a meeting on a holiday is left out. A newcomer or final
    session held apart from the group says so in its title."""
    found = []
    for step in path:
        if step.date is None or step.holiday:
            continue
        meeting = _session_meeting(course, track, step.session, step.date)
        if step.apart:
            where = "newcomer group" if step.part == "newcomer" else \
                "apart from the group, with your counselor"
            where = messages.gettext(where) if messages is not None else where
            meeting = dataclasses.replace(
                meeting, summary=f"{meeting.summary} ({where})",
                uid=meeting.uid.replace("@", f"-{step.part}@"))
        found.append(meeting)
    return found


def _session_meeting(course: Course, track: Track, session, date: dt.date) -> CalendarMeeting:
    return CalendarMeeting(_uid(course, track, date), date, f"{track.name}: {session.title}",
                           f"{session.code}. {session.module.meta.summary}")


def _uid(course: Course, track: Track, date: dt.date) -> str:
    """A meeting's stable id: the same in every build and every language of the site."""
    return f"{course.program_id}-{track.id}-{date:%Y%m%d}@site-builder"


def _calendar(course: Course, track: Track, name: str,
              meetings: list[CalendarMeeting]) -> bytes:
    from icalendar import Calendar, Event

    curriculum = course.curriculum
    # A fixed stamp keeps builds byte-identical: the program's start, not the build time.
    stamp = dt.datetime.combine(curriculum.start_date, dt.time(0), tzinfo=dt.UTC)
    place = ", ".join(p for p in (curriculum.contact.meeting_place, curriculum.contact.address)
                      if p)
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("name", name)
    calendar.add("x-wr-calname", name)
    zone = _zone(curriculum.timezone) if track.start_time is not None else None
    if zone is not None:
        calendar.add("x-wr-timezone", curriculum.timezone)  # read by some calendar apps
    for meeting in meetings:
        event = Event()
        event.add("uid", meeting.uid)
        event.add("dtstamp", stamp)
        if track.start_time is not None:  # the program's zone, or floating (the phone's own)
            event.add("dtstart", dt.datetime.combine(meeting.date, track.start_time, zone))
            event.add("duration", dt.timedelta(minutes=track.session_minutes))
        else:
            event.add("dtstart", meeting.date)
            event.add("dtend", meeting.date + dt.timedelta(days=1))
            event.add("transp", "TRANSPARENT")
        event.add("summary", meeting.summary)
        if meeting.description:
            event.add("description", meeting.description)
        if place:
            event.add("location", place)
        calendar.add_component(event)
    if zone is not None and meetings:  # the zone's rules over the years of the meetings
        years = [m.date.year for m in meetings]
        calendar.add_missing_timezones(dt.date(min(years), 1, 1), dt.date(max(years) + 1, 1, 1))
    return calendar.to_ical()


def _zone(name: str | None) -> dt.tzinfo | None:
    """The program's time zone (already checked against the database by the schema)."""
    if name is None:
        return None
    import zoneinfo

    return zoneinfo.ZoneInfo(name)
