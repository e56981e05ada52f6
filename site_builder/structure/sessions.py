"""Sessions as a program runs them: a module fitted to its track's session length, numbered by
the track's code and titled by the program.

A library module is written for one length (`duration`, and timed steps that add up to it). A
track with sessions of another length runs it in that length:

1. a plan the module gives for that length (`variants:` in its front matter) is used as it is;
2. otherwise, when the session is shorter, steps marked `(N min, optional)` are left out, last
   first, as long as the steps that stay still fill the session;
3. the steps that stay are scaled to the session: each to a multiple of 5 minutes, at least 5,
   in their order, adding up to the session's length.

The facilitator guide's step headings are rewritten to the new minutes, and left-out steps are
taken out of it, so every printed and online length is the session's real length. A module
stretched or squeezed by more than a third is reported once per track (lengths.py).
"""

from __future__ import annotations

import dataclasses
import math
import re
from typing import TYPE_CHECKING

from site_builder.errors import Problem
from site_builder.markup.text import STEP_HEADING, fenced
from site_builder.structure.course import Session, Step
from site_builder.utils.yaml import line_of

if TYPE_CHECKING:
    from site_builder.structure.course import Module
    from site_builder.structure.scheduling import Meeting

UNIT = 5  # minutes: steps are whole multiples of this
TOLERANCE = 1 / 3  # how far a module may be stretched or squeezed without a warning


class TooShort(ValueError):
    """The session cannot give every step at least UNIT minutes."""


def scale_steps(steps: list[Step], minutes: int) -> list[Step]:
    """Return the steps with minutes scaled to add up to `minutes`: each a multiple of 5 (the
    odd minutes of a length that is not go to the longest step), at least 5, order kept.

    Units are shared out by largest remainder, so the steps keep their proportions as closely as
    whole 5-minute units allow."""
    units, odd = divmod(minutes, UNIT)
    if units < len(steps):
        raise TooShort(minutes)
    total = sum(s.minutes for s in steps)
    ideal = [s.minutes * units / total for s in steps]
    share = [max(1, math.floor(x)) for x in ideal]
    while sum(share) < units:  # the largest remainders get one more unit, earlier steps first
        i = max(range(len(steps)), key=lambda i: (ideal[i] - share[i], -i))
        share[i] += 1
    while sum(share) > units:  # a step raised to the minimum is paid for by the most over-served
        i = max((i for i in range(len(steps)) if share[i] > 1),
                key=lambda i: (share[i] - ideal[i], i))
        share[i] -= 1
    result = [dataclasses.replace(s, minutes=n * UNIT) for s, n in zip(steps, share)]
    if odd:
        longest = max(range(len(result)), key=lambda i: (result[i].minutes, -i))
        result[longest] = dataclasses.replace(result[longest],
                                              minutes=result[longest].minutes + odd)
    return result


def fit_steps(steps: list[Step], minutes: int,
              variants: dict[int, dict[str, int]]) -> tuple[list[Step], list[Step]]:
    """Return (the steps a session of `minutes` runs, with their minutes; the steps it leaves
    out). Raise TooShort when the session cannot give each step 5 minutes."""
    if sum(s.minutes for s in steps) == minutes:
        return list(steps), []
    if minutes in variants:
        plan = variants[minutes]
        return ([dataclasses.replace(s, minutes=plan[s.title]) for s in steps if s.title in plan],
                [s for s in steps if s.title not in plan])
    kept, left_out = list(steps), []
    for step in reversed(steps):
        total = sum(s.minutes for s in kept)
        if step.optional and total - step.minutes >= minutes:
            kept.remove(step)
            left_out.insert(0, step)
    if sum(s.minutes for s in kept) == minutes:
        return kept, left_out
    return scale_steps(kept, minutes), left_out


def fitted_guide(guide: str, steps: list[Step], left_out: list[Step], steps_heading: str) -> str:
    """Return the facilitator guide with its step headings showing the new minutes and the
    left-out steps taken out (from their heading to the next heading of the same level)."""
    minutes = {s.title: s.minutes for s in steps}
    out: list[str] = []
    in_steps = skipping = False
    for line, fence in fenced(guide.splitlines()):
        heading = None if fence else re.match(r"^(#{1,3})\s+(.*)$", line)
        if heading and len(heading[1]) <= 2:
            in_steps = heading[2].strip().lower() == steps_heading
            skipping = False
        stripped = line.strip()
        step = STEP_HEADING.match(stripped) if heading and in_steps else None
        if step:
            skipping = step["title"] not in minutes
            if not skipping:
                line = (stripped[:step.start("min")] + str(minutes[step["title"]]) +
                        stripped[step.end("min"):])
        elif heading and len(heading[1]) == 3:
            skipping = False
        if not skipping:
            out.append(line)
    return "\n".join(out) + ("\n" if guide.endswith("\n") else "")


def session_module(module: Module, *, minutes: int, code: str,
                   title: str | None) -> tuple[Module, list[Step]]:
    """Return (the module as a session runs it, the steps it leaves out)."""
    meta = module.meta
    if minutes == meta.duration and code == meta.code and not title:
        return module, []
    steps, left_out = fit_steps(module.steps, minutes, meta.variants)
    guide = module.guide
    if steps != module.steps:
        from site_builder.config.languages import LANGUAGES

        guide = fitted_guide(guide, steps, left_out, LANGUAGES[module.language].steps)
    meta = meta.model_copy(update={"duration": minutes, "code": code,
                                   "title": title or meta.title})
    return dataclasses.replace(module, meta=meta, steps=steps, guide=guide), left_out


def make_sessions(meetings: list[Meeting], *, program_file: str, lines: dict,
                  problems: list[Problem], warnings: list[Problem]) -> list[Session]:
    """Turn the module meetings into numbered sessions (numbered per track and week), each
    running its module at the track's length, under the track's code and the program's title.

    Adds one Problem per track whose sessions are too short for some modules' steps, and one
    for a code used twice. Modules stretched or squeezed by more than a third are reported by
    lengths.py, once per track, as the program's `lengths: on_mismatch` says."""
    sessions: list[Session] = []
    per_week: dict[tuple[int, str], int] = {}
    codes = _session_codes(meetings)
    too_short: dict[str, list[Meeting]] = {}
    for m in meetings:
        if m.module is None:
            continue
        key = (m.slot.week, m.track.id)
        per_week[key] = per_week.get(key, 0) + 1
        minutes = m.track.session_minutes
        try:
            module, left_out = session_module(m.module, minutes=minutes, code=codes[id(m)],
                                              title=m.title)
        except TooShort:
            too_short.setdefault(m.track.id, []).append(m)
            continue
        sessions.append(Session(len(sessions) + 1, m.slot.week, per_week[key], m.slot.day,
                                module, m.track, m.slot.date, m.slot.holiday,
                                base=m.module if module is not m.module else None,
                                left_out=tuple(left_out)))
    problems += [_too_short(found, program_file, lines)  # in the program file's order
                 for found in sorted(too_short.values(), key=lambda f: _track_path(f[0]))]
    problems += _codes_used_twice(meetings, codes, program_file, lines)
    return sessions


def _session_codes(meetings: list[Meeting]) -> dict[int, str]:
    """Return each module meeting's code: RP-01, RP-02, ... for a track with `code: RP`, in
    the track's order; the module's own code otherwise."""
    counts: dict[str, int] = {}
    for m in meetings:
        if m.module is not None and m.track.code:
            counts[m.track.id] = counts.get(m.track.id, 0) + 1
    width = {track: max(2, len(str(n))) for track, n in counts.items()}
    numbers: dict[str, int] = {}
    codes: dict[int, str] = {}
    for m in meetings:
        if m.module is None:
            continue
        if m.track.code:
            numbers[m.track.id] = numbers.get(m.track.id, 0) + 1
            codes[id(m)] = f"{m.track.code}-{numbers[m.track.id]:0{width[m.track.id]}d}"
        else:
            codes[id(m)] = m.module.meta.code
    return codes


def _codes_used_twice(meetings: list[Meeting], codes: dict[int, str], program_file: str,
                      lines: dict) -> list[Problem]:
    """A numbered track's session code that another track's session also has."""
    owner: dict[str, Meeting] = {}
    problems: list[Problem] = []
    for m in meetings:
        if m.module is None:
            continue
        code = codes[id(m)]
        other = owner.setdefault(code, m)
        if other.track.id != m.track.id and (m.track.code or other.track.code):
            numbered = m if m.track.code else other
            problems.append(Problem(
                program_file, f"the session code '{code}' is used by track '{other.track.id}' "
                f"and by track '{m.track.id}'.",
                line=line_of(lines, (*_track_path(numbered), "code")),
                fix=f"give the track '{numbered.track.id}' a 'code' that no module or other "
                "track uses."))
            owner[code] = m
    return list(dict.fromkeys(problems))


def _track_path(m: Meeting) -> tuple:
    return m.path[:2] if m.path[:1] == ("tracks",) else ()


def _stretched(written: Module, run: Module, left_out: list[Step]) -> bool:
    """Whether the session runs the module's steps at more than a third off their length (a
    plan the module gives for the length is never stretched)."""
    if run.meta.duration in written.meta.variants or run is written:
        return False
    planned = sum(s.minutes for s in written.steps if s not in left_out)
    return abs(run.meta.duration - planned) > planned * TOLERANCE


def _too_short(found: list[Meeting], program_file: str, lines: dict) -> Problem:
    """The one Problem of a track whose sessions are too short for the timed steps of some
    modules (each step needs at least 5 minutes), at its `session_minutes` line."""
    m = found[0]
    minutes = m.track.session_minutes
    modules = list({f.module.id: f.module for f in found}.values())
    if len(modules) == 1:
        what = (f"the {len(modules[0].steps)} timed steps of module '{modules[0].id}' (each "
                f"step needs at least {UNIT} minutes).")
        fix = f"give the module a {minutes}-minute plan"
    else:
        what = (f"the timed steps of {len(modules)} modules (each step needs at least {UNIT} "
                "minutes): " + ", ".join(f"{x.id} ({len(x.steps)} steps)" for x in modules)
                + ".")
        fix = f"give each module a {minutes}-minute plan"
    return Problem(
        program_file, f"the track '{m.track.id}' has {minutes}-minute sessions, too short for "
        f"{what}", line=line_of(lines, (*_track_path(m), "session_minutes")),
        fix=f"{fix} under 'variants:' in its front matter, mark steps '(N min, optional)', or "
        "make the sessions longer.")


def variant_problems(module: Module, name: str, lines: dict) -> list[Problem]:
    """Return a Problem for each plan under `variants:` that names a step the module does not
    have or does not add up to its length."""
    problems: list[Problem] = []
    titles = [s.title for s in module.steps]
    for minutes, plan in module.meta.variants.items():
        line = line_of(lines, ("variants", str(minutes)))  # the line map keys are text
        unknown = [t for t in plan if t not in titles]
        if unknown:
            problems.append(Problem(name, f"the {minutes}-minute plan under 'variants' names "
                                    f"the step '{unknown[0]}', which is not a timed step of "
                                    "this module.", line=line_of(lines, ("variants", str(minutes),
                                                                         unknown[0])),
                                    fix="use the step titles of the '### ... (N min)' "
                                    "headings: " + ", ".join(f"'{t}'" for t in titles) + "."))
        elif sum(plan.values()) != minutes:
            problems.append(Problem(name, f"the {minutes}-minute plan under 'variants' adds up "
                                    f"to {sum(plan.values())} minutes.", line=line,
                                    fix=f"change its minutes so they add up to {minutes}."))
    return problems
