"""The shape of the curriculum YAML, the crisis-line data file and module front matter."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length=80)]
Code = Annotated[str, StringConstraints(pattern=r"^[A-Z]{2,4}-\d{2}[A-Z]?$")]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Phase = Literal["engagement", "early-recovery", "relapse-prevention", "maintenance"]
Day = Literal["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class KeyTerm(_Strict):
    """A word the reading uses, explained in plain language."""

    term: Text
    meaning: Text


class Source(_Strict):
    """A public source the module's facts come from."""

    title: Text
    publisher: Text
    year: int = Field(ge=1900, le=2100)
    url: str | None = None


class ModuleMeta(_Strict):
    """The front matter of one module file."""

    id: Slug
    code: Code
    title: Text
    summary: Annotated[str, StringConstraints(strip_whitespace=True, min_length=10, max_length=200)]
    phase: Phase
    group_type: Slug
    duration: int = Field(ge=15, le=240)
    goals: list[Text] = Field(min_length=1, max_length=8)
    key_terms: list[KeyTerm] = Field(default_factory=list, max_length=10)
    sources: list[Source] = Field(min_length=1)
    topics: list[Slug] = Field(default_factory=list)
    tags: list[Slug] = Field(default_factory=list)


class CrisisLine(_Strict):
    """A crisis or help line shown in the footer of every page and handout."""

    name: Text
    contact: Text
    tel: Annotated[str, StringConstraints(pattern=r"^\+?[0-9]{3,15}$")] | None = None
    text: Annotated[str, StringConstraints(pattern=r"^[0-9]{3,15}$")] | None = None
    note: str = ""


class CrisisFile(_Strict):
    """The crisis-line data file."""

    crisis_lines: list[CrisisLine] = Field(min_length=1)


class Week(_Strict):
    """One week of the course and the modules of its sessions, in order."""

    week: int = Field(ge=1)
    sessions: list[Slug] = Field(min_length=1)


class Curriculum(_Strict):
    """A curriculum file: the program, its weekly pattern and the sequence of sessions."""

    program: Text
    weeks: int = Field(ge=1, le=52)
    min_weeks: int = Field(default=12, ge=1, le=52)
    max_weeks: int = Field(default=16, ge=1, le=52)
    language: Annotated[str, StringConstraints(pattern=r"^[a-z]{2}$")] = "en"
    days: list[Day] = Field(min_length=1, max_length=7)
    session_minutes: int = Field(default=90, ge=15, le=240)
    schedule: list[Week] = Field(min_length=1)
    crisis_lines: list[CrisisLine] = Field(default_factory=list)
    paper: Literal["letter", "a4"] = "letter"
    large_print: bool = False

    @field_validator("days")
    @classmethod
    def _days_once(cls, days: list[str]) -> list[str]:
        if len(set(days)) != len(days):
            raise ValueError("the same day is listed twice; list each meeting day once")
        return days
