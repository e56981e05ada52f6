"""The checks of an open-entry track's fixed start and end: `newcomer_sessions` (the first
modules, every new client's first sessions) and `final_sessions` (the last modules, every
client's last sessions). How a client's path is built from them is in structure/client_path.py.
"""

from __future__ import annotations

from typing import Any

from pydantic_core import PydanticCustomError


def course_error(message: str, fix: str, *, at: tuple[Any, ...] = ()) -> PydanticCustomError:
    """A validation error in our words (as `schema.course_error`), at the field `at`."""
    return PydanticCustomError("course", "{message}", {"message": message, "fix": fix,
                                                      "at": at, "field": False})


def entry_block_error(track: Any) -> PydanticCustomError | None:
    """Return the error of a track (schema.Track) whose newcomer or final sessions cannot be
    used, or None."""
    name = f"the track '{track.id}'"
    for field in ("newcomer_sessions", "final_sessions"):
        count = getattr(track, field)
        if not count:
            continue
        what = f"'{field}: {count}'"
        if track.service:
            return course_error(f"{name} is a service, so it has no sessions for {what}.",
                                f"remove '{field}'.", at=(field,))
        if track.schedule:
            return course_error(
                f"{name} places its modules by week ('schedule:'), but {what} takes the "
                f"{'first' if field == 'newcomer_sessions' else 'last'} modules of a "
                "'modules:' list in order.", f"list the track's modules in order under "
                f"'modules:', or remove '{field}'.", at=(field,))
        if not track.open_entry:
            return course_error(
                f"{name} has {what}, but it is not open entry: everyone starts in its first "
                "week, so its sessions already come in their order for everyone.",
                f"add 'open_entry: true' if new clients join in any week, or remove "
                f"'{field}'.", at=(field,))
    blocks = track.newcomer_sessions + track.final_sessions
    if blocks and blocks >= len(track.modules):
        field = "newcomer_sessions" if track.newcomer_sessions else "final_sessions"
        other = "final_sessions" if field == "newcomer_sessions" else "newcomer_sessions"
        most = len(track.modules) - 1 - getattr(track, other)
        also = f" and 'final_sessions: {track.final_sessions}'" if field == "newcomer_sessions" \
            and track.final_sessions else ""
        fix = (f"set '{field}' to at most {most}, or list more modules." if most > 0 else
               "list more modules, or take fewer newcomer and final sessions.")
        count = len(track.modules)
        return course_error(
            f"{name} lists {count} module{'s' if count > 1 else ''}, but '{field}: "
            f"{getattr(track, field)}'{also} {'leave' if also else 'leaves'} none for the "
            "group's rotation.", fix, at=(field,))
    return None
