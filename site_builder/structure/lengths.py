"""Modules run far from the length they are written for: one message per track.

A track whose sessions are more than a third shorter or longer than a module's timed steps
(a 90-minute module in 50-minute sessions, without a 50-minute plan under `variants:`) runs the
steps scaled (sessions.py). The program says what that does to the build, in its file:

    lengths:
      on_mismatch: warn     # the default: one warning per track, which never stops a build,
                            # strict or not (like 'hours: on_shortfall: warn')
                            # fail: the build stops; ignore: nothing is said

Each message names the program file at the track's `session_minutes` line and lists the
track's modules. A session too short to give every step 5 minutes always stops the build
(sessions.py, one message per track too).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from site_builder.errors import Problem
from site_builder.structure.sessions import _stretched
from site_builder.utils.yaml import line_of

if TYPE_CHECKING:
    from site_builder.config.schema import Curriculum, Track
    from site_builder.structure.course import Course, Module


def minutes_line(curriculum: Curriculum, lines: dict, track: Track) -> int | None:
    """Return the line of a track's `session_minutes` (or of the track, when it has none)."""
    if not curriculum.tracks:
        return line_of(lines, ("session_minutes",)) or line_of(lines, ("days",))
    index = next(i for i, t in enumerate(curriculum.tracks) if t.id == track.id)
    return line_of(lines, ("tracks", index, "session_minutes"))


def mismatches(course: Course) -> dict[str, list[Module]]:
    """Return {track id: the modules (as written) its sessions stretch or squeeze by more than
    a third}, each module once, in the track's order."""
    found: dict[str, dict[str, Module]] = {}
    for s in course.sessions:
        written = s.base or s.module
        if s.track is not None and _stretched(written, s.module, list(s.left_out)):
            found.setdefault(s.track.id, {}).setdefault(written.id, written)
    return {track: list(modules.values()) for track, modules in found.items()}


def mismatch_problems(course: Course) -> list[Problem]:
    """Return one Problem per track that stretches or squeezes modules by more than a third."""
    found = mismatches(course)
    problems = []
    for track in course.tracks:
        if track.id in found:
            problems.append(_mismatch(track, found[track.id], course.program_file,
                                      minutes_line(course.curriculum, course.program_lines,
                                                   track)))
    return problems


def _mismatch(track: Track, modules: list[Module], program_file: str,
              line: int | None) -> Problem:
    minutes = track.session_minutes
    groups: dict[tuple[int, str], list[str]] = {}
    for m in modules:
        how = "squeezed" if minutes < m.meta.duration else "stretched"
        groups.setdefault((m.meta.duration, how), []).append(m.id)
    (duration, how), _ = next(iter(groups.items()))
    if len(modules) == 1:
        what = (f"module '{modules[0].id}' is written for {duration} minutes: its steps are "
                f"{how} by more than a third.")
    elif len(groups) == 1:
        what = (f"{len(modules)} modules are written for {duration} minutes: their steps are "
                f"{how} by more than a third: " + ", ".join(m.id for m in modules) + ".")
    else:
        what = f"{len(modules)} modules are written for other lengths: " + "; ".join(
            f"{how} by more than a third (written for {duration} minutes): " + ", ".join(ids)
            for (duration, how), ids in groups.items()) + "."
    fix = f"give {'the module' if len(modules) == 1 else 'each module'} a {minutes}-minute plan"
    return Problem(
        program_file, f"the track '{track.id}' has {minutes}-minute sessions, but {what}",
        line=line, fix=f"{fix} under 'variants:' in its front matter (in your program's copy of "
        "it), mark steps that can be left out '(N min, optional)', or choose modules written "
        f"for about {minutes} minutes; or set 'lengths: {{on_mismatch: ignore}}' in the "
        "program file to run the scaled steps without this message.")


def length_mismatch(course: Course) -> tuple[list[Problem], bool] | None:
    """Return (one Problem per track, whether they stop the build) for modules stretched or
    squeezed by more than a third, as the program's `lengths: on_mismatch` decides; None when
    there are none or the program says 'ignore'."""
    mode = course.curriculum.lengths.on_mismatch
    problems = mismatch_problems(course) if mode != "ignore" else []
    if not problems:
        return None
    return problems, mode == "fail"
