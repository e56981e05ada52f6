"""The loaded course: modules split into their parts, and sessions placed in weeks."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .errors import Problem
    from .scheduling import Meeting
    from .schema import CrisisLine, Curriculum, ModuleMeta, Track


@dataclass(frozen=True)
class Step:
    """A timed step of the facilitator guide."""

    title: str
    minutes: int


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

    @property
    def id(self) -> str:
        return self.meta.id


@dataclass(frozen=True)
class Session:
    """One meeting of a group track: a module placed on a week, a day and maybe a date."""

    number: int
    week: int
    index_in_week: int
    day: str
    module: Module
    track: Track | None = None
    date: datetime.date | None = None
    holiday: bool = False

    @property
    def track_id(self) -> str:
        return self.track.id if self.track else "session"

    @property
    def slug(self) -> str:
        """The page path of the client page, without extension."""
        from .paths import session_slug

        return session_slug(self.week, self.track_id, self.index_in_week)

    @property
    def code(self) -> str:
        return self.module.meta.code


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

    def hours(self) -> dict[int, dict[str, float]]:
        """Scheduled contact hours per week and track."""
        from .scheduling import weekly_hours

        return weekly_hours(self.curriculum, self.meetings)
