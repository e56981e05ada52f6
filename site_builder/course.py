"""The loaded course: modules split into their parts, and sessions placed in weeks."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .schema import CrisisLine, Curriculum, ModuleMeta


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

    @property
    def id(self) -> str:
        return self.meta.id


@dataclass(frozen=True)
class Session:
    """One meeting of the group: a module placed on a week and a day."""

    number: int
    week: int
    index_in_week: int
    day: str
    module: Module

    @property
    def slug(self) -> str:
        """The page path of the client page, without extension."""
        return f"week-{self.week:02d}/session-{self.index_in_week}"

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

    @property
    def weeks(self) -> list[tuple[int, list[Session]]]:
        """Every week of the course with its sessions, including weeks with none."""
        by_week: dict[int, list[Session]] = {w: [] for w in range(1, self.curriculum.weeks + 1)}
        for s in self.sessions:
            by_week[s.week].append(s)
        return list(by_week.items())
