"""The loaded course: modules split into their parts, and sessions placed in weeks."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from site_builder.config.schema import CrisisLine, Curriculum, ModuleMeta, Track
    from site_builder.errors import Problem


def session_slug(week: int, track_id: str, index_in_week: int) -> str:
    """Return the page path of a session's client page, without extension (week-01/session-2)."""
    return f"week-{week:02d}/{track_id}-{index_in_week}"


@dataclass(frozen=True)
class Slot:
    """One meeting of a track: its week, day and (when the program has a start date) date."""

    week: int
    day: str
    date: datetime.date | None
    holiday: bool = False


@dataclass(frozen=True)
class Meeting:
    """A scheduled meeting, with or without a module (services have none)."""

    track: Track
    slot: Slot
    module: Module | None
    title: str | None = None
    """The program's own title for this session (`{module: ..., title: ...}`), if any."""
    path: tuple = ()
    """Where the session is listed in the program file (a key path, for messages)."""



@dataclass(frozen=True)
class Step:
    """A timed step of the facilitator guide."""

    title: str
    minutes: int
    optional: bool = False
    """Marked '(N min, optional)': left out first when the session is shorter."""


@dataclass(frozen=True)
class Part:
    """Module Markdown and the file line of each of its lines."""

    text: str
    lines: tuple[int, ...]

    def line(self, index: int) -> int:
        """Return the file line of the text's line `index` (0-based)."""
        return self.lines[min(index, len(self.lines) - 1)] if self.lines else 1


@dataclass(frozen=True)
class Module:
    """One topic: its front matter and the Markdown of each audience's part."""

    meta: ModuleMeta
    path: Path
    reading: str
    worksheet: str
    guide: str
    key_points: list[str]
    steps: list[Step]
    body_line: int = 1
    id_line: int = 2
    language: str = "en"
    source: str = ""
    """The file's text as it was read (once per version of the file): later stages read this,
    never the disk."""
    parts: dict[str, Part] = field(default_factory=dict)
    """'reading', 'worksheet', 'guide' and 'key_point:N' with the file line of each line."""
    meta_lines: dict = field(default_factory=dict)
    """The line of each front-matter key path (for messages)."""

    @property
    def id(self) -> str:
        return self.meta.id


@dataclass(frozen=True)
class Session:
    """One meeting of a group track: a module placed on a week, a day and maybe a date.

    `module` is the module as this session runs it (sessions.py): its code is the session's
    code, its title the program's title for the session, its length the track's session length
    with the timed steps scaled to it. `base` is the module as written, when it differs.
    """

    number: int
    week: int
    index_in_week: int
    day: str
    module: Module
    track: Track | None = None
    date: datetime.date | None = None
    holiday: bool = False
    base: Module | None = None
    left_out: tuple[Step, ...] = ()
    """Steps of the module that this session leaves out (optional ones, or those a plan for
    its length does not run)."""

    @property
    def track_id(self) -> str:
        return self.track.id if self.track else "session"

    @property
    def slug(self) -> str:
        """The page path of the client page, without extension."""
        return session_slug(self.week, self.track_id, self.index_in_week)

    @property
    def code(self) -> str:
        """The session's code: the track's numbering (RP-05) or the module's own code."""
        return self.module.meta.code

    @property
    def module_code(self) -> str:
        """The module's own code (ER-02), which a numbered session keeps as a reference."""
        return (self.base or self.module).meta.code

    @property
    def title(self) -> str:
        return self.module.meta.title

    @property
    def minutes(self) -> int:
        """The session's real length (the track's session length)."""
        return self.module.meta.duration


@dataclass(frozen=True)
class Course:
    """Everything a site or handout build needs, already validated."""

    curriculum: Curriculum
    modules: dict[str, Module]
    sessions: list[Session]
    crisis_lines: list[CrisisLine]
    source_files: list[Path] = field(default_factory=list)
    meetings: list[Meeting] = field(default_factory=list)
    program_id: str = "default"
    program_dir: Path | None = None
    language: str = "en"
    untranslated: list[str] = field(default_factory=list)
    root: Path | None = None
    """The project folder (where mkdocs.yml is): file names in messages are relative to it."""
    warnings: list[Problem] = field(default_factory=list)
    """What the build should warn about (a program text missing in this language, ...)."""
    program_file: str = ""
    """The program file as messages name it (relative to the project folder)."""
    program_lines: dict = field(default_factory=dict)
    """The line of each key path of the program file (for messages)."""
    hours: dict[int, dict[str, float]] = field(default_factory=dict)
    """Scheduled contact hours per week and track (`scheduling.weekly_hours`)."""
    program_name: str = ""
    """The program's name in its main language (`language:`): messages name it so in every
    language's build."""

    @property
    def weeks(self) -> list[tuple[int, list[Session]]]:
        """Every week of the course with its sessions, including weeks with none."""
        last = max([self.curriculum.weeks, *(s.week for s in self.sessions)])
        by_week: dict[int, list[Session]] = {w: [] for w in range(1, last + 1)}
        for s in self.sessions:
            by_week[s.week].append(s)
        return list(by_week.items())

    @property
    def tracks(self) -> list[Track]:
        return self.curriculum.all_tracks

    @property
    def group_tracks(self) -> list[Track]:
        """The tracks that have modules (not services)."""
        return [t for t in self.tracks if not t.service]

    def services_in_week(self, week: int) -> list[Meeting]:
        """The meetings of services shown to clients (`visible: true`) in a week."""
        return [m for m in self.meetings if m.module is None and m.track.visible
                and m.slot.week == week]
