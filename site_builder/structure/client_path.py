"""A client's own path through an open-entry track: "your path" pages and calendars.

An open-entry group runs its sessions in the course's order and starts again after the last
week (the rotation). A client who joins in week k meets them from week k on, and the weeks
before k in the next round.

A track can give every new client a fixed start and end:

- `newcomer_sessions: N`: the track's first N modules are every new client's first N meetings,
  in their order, whatever the week they join. Those who join in the course's first week meet
  them with the group, which runs them then. The others meet them at the group's own times in
  the **newcomer group**, apart from the rotating group: each week's new clients start together
  at the week's first meeting. A block longer than a week's meetings means two weeks' new
  clients meet on the same day (last week's fourth session, this week's first): the newcomer
  group then needs two rooms that day (see `apart_meetings`).
- `final_sessions: M`: the track's last M modules are every client's last M meetings, when
  their own path ends: with the group if it runs them then, otherwise apart at the group's
  time (with a counselor, or the week's leavers together).

After the newcomer sessions the client joins the rotating group where it is and stays until
they have met every other session once. Meanwhile they are in the group at every meeting: when
it runs a newcomer session again, they hear it again (marked "again"); when it runs a final
session before their own end, they meet it early and again at their end. So a client who joins
after week 1 stays a few meetings longer than the course (about N more).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from site_builder.config.schema import Track
    from site_builder.structure.course import Course, Session

Part = Literal["newcomer", "rotation", "final"]


@dataclass(frozen=True)
class PathStep:
    """One meeting of a client's path: the session they meet, and when and where."""

    session: Session
    """The session the client meets (its page, code and title)."""
    part: Part
    """Their newcomer sessions, the rotation, or their final sessions."""
    meeting: int
    """The meeting's place in the track's run, counted from the course's first meeting (0),
    on into the next rounds."""
    week: int
    """The course week of the meeting."""
    round: int
    """0 in the course's own weeks, 1 in the next round (one course length later), ..."""
    day: str
    date: dt.date | None
    apart: bool
    """Held apart from the rotating group, at its time (the newcomer group, a last session)."""
    again: bool = False
    """The client met this session before on the path."""
    early: bool = False
    """A final session the group runs before the client's own end."""
    holiday: bool = False
    """The meeting falls on a holiday of the program (no group that day)."""


def track_sessions(course: Course, track: Track) -> list[Session]:
    """Return the track's sessions in the course's order."""
    return [s for s in course.sessions if s.track_id == track.id]


def client_path(course: Course, track: Track, start_week: int) -> list[PathStep]:
    """Return the meetings of a client who joins `track` in `start_week`, in order."""
    sessions = track_sessions(course, track)
    if not sessions:
        return []
    length = len(sessions)
    first, last = track.newcomer_sessions, track.final_sessions
    entry = next((i for i, s in enumerate(sessions) if s.week >= start_week), 0)
    steps: list[PathStep] = []
    seen: set[int] = set()  # session numbers: a module listed twice is two sessions

    def add(index: int, meeting: int, part: Part) -> None:
        held = sessions[meeting % length]
        round_ = meeting // length
        date = held.date + dt.timedelta(weeks=course.curriculum.weeks * round_) \
            if held.date else None
        session = sessions[index]
        steps.append(PathStep(
            session, part, meeting, held.week, round_, held.day, date,
            apart=meeting % length != index, again=session.number in seen and part != "final",
            early=part == "rotation" and index >= length - last,
            holiday=date is not None and date in course.curriculum.holidays))
        seen.add(session.number)

    for j in range(first):
        add(j, entry + j, "newcomer")
    needed = set(range(first, length - last))
    meeting = entry + first
    while needed:
        index = meeting % length
        needed.discard(index)
        add(index, meeting, "rotation")
        meeting += 1
    for j in range(last):
        add(length - last + j, meeting + j, "final")
    return steps


@dataclass(frozen=True)
class ApartMeeting:
    """A meeting held apart from the rotating group: newcomer or final sessions of the clients
    who joined in `start_week`."""

    step: PathStep
    start_week: int


def apart_meetings(course: Course, track: Track, start_weeks: list[int]) -> list[ApartMeeting]:
    """Return every meeting held apart from the group for the clients of each start week,
    placed on the course's weeks (the rotation repeats them every round), in time order: what
    the newcomer group and the last sessions need in rooms and facilitators."""
    length = len(track_sessions(course, track)) or 1
    found = [ApartMeeting(step, week) for week in start_weeks
             for step in client_path(course, track, week) if step.apart]
    return sorted(found, key=lambda a: (a.step.meeting % length, a.start_week))
