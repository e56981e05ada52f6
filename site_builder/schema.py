"""The shape of the curriculum YAML, the crisis-line data file and module front matter."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator, model_validator

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
    """One week of a track and the modules of its sessions, in order."""

    week: int = Field(ge=1)
    sessions: list[Slug] = Field(min_length=1)


class DaysStep(_Strict):
    """The meeting days of a track for a range of weeks (for a step-down in intensity)."""

    weeks: Annotated[str, StringConstraints(pattern=r"^\d+(-\d+)?$")] | int
    days: list[Day] = Field(min_length=1, max_length=7)

    @property
    def week_range(self) -> tuple[int, int]:
        first, _, last = str(self.weeks).partition("-")
        return int(first), int(last or first)


class Track(_Strict):
    """A group (or a service such as individual counseling) that meets on set days."""

    id: Slug
    name: Text
    days: list[Day] | None = Field(default=None, min_length=1, max_length=7)
    steps: list[DaysStep] | None = Field(default=None, min_length=1)
    session_minutes: int = Field(default=90, ge=15, le=240)
    start_week: int = Field(default=1, ge=1)
    end_week: int | None = Field(default=None, ge=1)
    open_entry: bool = False
    service: bool = False
    modules: list[Slug] = Field(default_factory=list)
    schedule: list[Week] = Field(default_factory=list)

    @model_validator(mode="after")
    def _one_pattern(self) -> Track:
        if (self.days is None) == (self.steps is None):
            raise ValueError(f"track '{self.id}' needs either 'days' or 'steps' (not both)")
        if self.service and (self.modules or self.schedule):
            raise ValueError(f"track '{self.id}' is a service: it has no 'modules' or 'schedule'")
        if not self.service and bool(self.modules) == bool(self.schedule):
            raise ValueError(f"track '{self.id}' needs either 'modules' (in order) or "
                             "'schedule' (by week), not both")
        if self.days and len(set(self.days)) != len(self.days):
            raise ValueError(f"track '{self.id}' lists the same day twice")
        return self


class Hours(_Strict):
    """The weekly contact-hours check (ASAM Level 2.1: 9 h for adults, 6 h for adolescents)."""

    minimum: float = Field(default=9, ge=0, le=40)
    on_shortfall: Literal["warn", "fail"] = "warn"
    exempt_weeks: list[int] = Field(default_factory=list)


class Contact(_Strict):
    """How clients reach the program; every field can be used in modules as a variable."""

    phone: str | None = None
    meeting_place: str | None = None
    address: str | None = None
    email: str | None = None
    website: str | None = None


class Colors(_Strict):
    """Brand colours; the primary colour must keep white text readable (contrast 4.5:1)."""

    primary: Annotated[str, StringConstraints(pattern=r"^#[0-9a-fA-F]{6}$")]

    @field_validator("primary")
    @classmethod
    def _readable(cls, value: str) -> str:
        ratio = contrast_with_white(value)
        if ratio < 4.5:
            raise ValueError(f"white text on {value} has a contrast of {ratio:.1f}:1; use a "
                             "darker colour (at least 4.5:1)")
        return value


def contrast_with_white(hex_color: str) -> float:
    """Return the WCAG contrast ratio of white text on the colour."""
    def channel(c: int) -> float:
        c = c / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(hex_color[i:i + 2], 16) for i in (1, 3, 5))
    luminance = 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)
    return 1.05 / (luminance + 0.05)


class Curriculum(_Strict):
    """A program file: who the program is, its tracks and schedule, and its local settings.

    A single group can be written with the shorthand 'days', 'session_minutes' and 'schedule';
    several groups and services use 'tracks'.
    """

    program: Text
    weeks: int = Field(ge=1, le=52)
    min_weeks: int = Field(default=12, ge=1, le=52)
    max_weeks: int = Field(default=16, ge=1, le=52)
    language: Annotated[str, StringConstraints(pattern=r"^[a-z]{2}$")] = "en"
    start_date: date | None = None
    holidays: list[date] = Field(default_factory=list)
    days: list[Day] | None = Field(default=None, min_length=1, max_length=7)
    session_minutes: int = Field(default=90, ge=15, le=240)
    schedule: list[Week] = Field(default_factory=list)
    tracks: list[Track] = Field(default_factory=list)
    hours: Hours = Field(default_factory=Hours)
    contact: Contact = Field(default_factory=Contact)
    logo: str | None = None
    colors: Colors | None = None
    local_resources: list[CrisisLine] = Field(default_factory=list)
    crisis_lines: list[CrisisLine] = Field(default_factory=list)
    variables: dict[Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$")], str] = Field(
        default_factory=dict)
    paper: Literal["letter", "a4"] = "letter"
    large_print: bool = False
    translations: list[Annotated[str, StringConstraints(pattern=r"^[a-z]{2}$")]] = Field(
        default_factory=list)

    @field_validator("days")
    @classmethod
    def _days_once(cls, days: list[str] | None) -> list[str] | None:
        if days and len(set(days)) != len(days):
            raise ValueError("the same day is listed twice; list each meeting day once")
        return days

    @model_validator(mode="after")
    def _tracks_or_shorthand(self) -> Curriculum:
        if self.tracks and (self.schedule or self.days):
            raise ValueError("use either 'tracks' or the single-group 'days' and 'schedule', "
                             "not both")
        if not self.tracks and not (self.schedule and self.days):
            raise ValueError("add 'tracks', or 'days' and 'schedule' for a single group")
        ids = [t.id for t in self.tracks]
        if len(set(ids)) != len(ids):
            raise ValueError("two tracks have the same 'id'; give each track its own id")
        return self

    @property
    def all_tracks(self) -> list[Track]:
        """The tracks, with the single-group shorthand as one track with the id 'session'."""
        if self.tracks:
            return self.tracks
        return [Track(id="session", name="Group", days=self.days,
                      session_minutes=self.session_minutes, schedule=self.schedule)]
