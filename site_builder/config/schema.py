"""The shape of the curriculum YAML, the crisis-line data file and module front matter."""

from __future__ import annotations

import re
import unicodedata
from datetime import date, time
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    WithJsonSchema,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from site_builder.config.entry import entry_block_error
from site_builder.config.timezones import TimeZone

SLUG_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"
CODE_PATTERN = r"^[A-Z]{2,4}-\d{2}[A-Z]?$"
LANGUAGE_PATTERN = r"^[a-z]{2}$"
TEL_PATTERN = r"^\+?[0-9]{3,15}$"
SMS_PATTERN = r"^[0-9]{3,15}$"
COLOR_PATTERN = r"^#[0-9a-fA-F]{6}$"
WEEKS_PATTERN = r"^\d+(-\d+)?$"
VARIABLE_PATTERN = r"^[a-z][a-z0-9_]*$"

Slug = Annotated[str, StringConstraints(pattern=SLUG_PATTERN, max_length=80)]
Code = Annotated[str, StringConstraints(pattern=CODE_PATTERN)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
# A program text in one form for every language, or one per language: {en: ..., es: ...}
# (texts.py picks the build's language).
Localized = Text | Annotated[dict[Annotated[str, StringConstraints(pattern=r"^[a-z]{2}$")], Text],
                             Field(min_length=1)]


def _plain_name(value: str) -> str:
    """A name is plain text: markup in it ('<', '>', '&amp;') can never be meant."""
    found = re.search(r"[<>]|&#?[0-9A-Za-z]+;", value)
    if found:
        raise course_error(f"{value!r} holds {found[0]!r}, but a name is plain text: it cannot "
                           "hold '<', '>' or an HTML reference such as '&amp;'.", "write the "
                           "name as it should be shown, without them ('&' alone is fine).",
                           field=True)
    return value


# A name (the program's, a track's, a session's, a crisis line's): plain text, in one form or
# one per language.
Name = Annotated[Text, AfterValidator(_plain_name)]
LocalizedName = Name | Annotated[dict[Annotated[str, StringConstraints(pattern=r"^[a-z]{2}$")],
                                      Name], Field(min_length=1)]
Phase = Literal["engagement", "early-recovery", "relapse-prevention", "maintenance"]
DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_SPANISH_DAYS = ("lunes", "martes", "miércoles", "jueves", "viernes", "sábado", "domingo")


def _plain(word: str) -> str:
    """Lowercase, without accents: 'Miércoles' -> 'miercoles'."""
    decomposed = unicodedata.normalize("NFKD", word.strip())
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


_DAY_NAMES = {_plain(n): day for names in (DAYS, _SPANISH_DAYS) for n, day in zip(names, DAYS)}


def _day(value: Any) -> Any:
    """Read 'monday', 'MONDAY', 'lunes' or 'Miercoles' as the day's English name."""
    return _DAY_NAMES.get(_plain(value), value) if isinstance(value, str) else value


def _any_case(word: str) -> str:
    letters = {"a": "aá", "e": "eé", "i": "ií", "o": "oó", "u": "uú"}
    plain = _plain(word)
    return "".join(f"[{c}{c.upper()}{letters.get(c, '')[1:]}{letters.get(c, '')[1:].upper()}]"
                   for c in plain)


_DAY_SCHEMA = {"anyOf": [{"enum": list(DAYS)}, {"type": "string", "pattern": "^(" + "|".join(
    _any_case(n) for n in (*DAYS, *_SPANISH_DAYS)) + ")$"}],
    "description": "A day of the week in English or Spanish, in any case (Monday, lunes)."}
Day = Annotated[Literal[DAYS], BeforeValidator(_day), WithJsonSchema(_DAY_SCHEMA)]


def course_error(message: str, fix: str, *, at: tuple[Any, ...] = (),
                 field: bool = False) -> PydanticCustomError:
    """Return a validation error in our words; `at` narrows its place, `field` names the field."""
    return PydanticCustomError("course", "{message}", {"message": message, "fix": fix,
                                                      "at": at, "field": field})


def _date_text(value: Any) -> Any:
    """Dates are written "YYYY-MM-DD"; a bare number is a mistake, not seconds since 1970."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        raise PydanticCustomError("date_parsing", "not a date", {})
    return value


Date = Annotated[date, BeforeValidator(_date_text)]


def _time_text(value: Any) -> Any:
    """Times are written "18:00"; YAML reads an unquoted 18:00 as the number 1080 (minutes)."""
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 24 * 60:
        return time(value // 60, value % 60)
    if not isinstance(value, str) or not re.match(TIME_PATTERN, value.strip()):
        raise course_error(f"'{value}' is not a time of day.", "write the time on a 24-hour "
                           "clock in quotes, such as \"18:00\" for 6 pm.", field=True)
    return value.strip()


TIME_PATTERN = r"^([01]?[0-9]|2[0-3]):[0-5][0-9]$"
TimeOfDay = Annotated[time, BeforeValidator(_time_text),
                      WithJsonSchema({"type": "string", "pattern": TIME_PATTERN,
                                      "description": "A time of day on a 24-hour clock, such "
                                      "as \"18:00\"."})]
TRACK_CODE_PATTERN = r"^[A-Z]{2,4}$"
_WEEKS = Annotated[str, BeforeValidator(lambda v: str(v) if isinstance(v, int) and not
                                        isinstance(v, bool) else v),
                   StringConstraints(pattern=WEEKS_PATTERN),
                   WithJsonSchema({"anyOf": [{"type": "integer", "minimum": 1},
                                             {"type": "string", "pattern": WEEKS_PATTERN}]})]

_PATTERN_HELP: dict[str, tuple[str, str]] = {
    SLUG_PATTERN: ("it must be lowercase words joined by hyphens",
                   "use lowercase letters, digits and hyphens, such as 'coping-with-cravings'."),
    CODE_PATTERN: ("a handout code is 2-4 capital letters, a hyphen and 2 digits",
                   "use 2-4 capital letters, a hyphen and 2 digits, such as 'RP-05'."),
    LANGUAGE_PATTERN: ("it must be a two-letter language code", "use a code such as 'en' or 'es'."),
    TEL_PATTERN: ("a phone number here is written in digits only",
                  "write 3-15 digits without spaces or dashes, such as '5550142' (a '+' may "
                  "start it)."),
    SMS_PATTERN: ("a text-message number is written in digits only",
                  "write 3-15 digits without spaces or dashes, such as '741741'."),
    COLOR_PATTERN: ("a colour is written as '#' and 6 hexadecimal digits",
                    "use a colour such as '#1b5e20'."),
    WEEKS_PATTERN: ("it must be a week or a range of weeks",
                    "write a week such as 3, or a range such as \"1-4\"."),
    TRACK_CODE_PATTERN: ("a track's code is 2-4 capital letters",
                         "use 2-4 capital letters, such as 'RP': its sessions become RP-01, "
                         "RP-02, ..."),
}


def pattern_help(pattern: str) -> tuple[str, str]:
    """Return (what the value must look like, the fix) for one of the schema's patterns."""
    return _PATTERN_HELP.get(pattern, ("it is not in the expected form",
                                       "see 'The program file' in the README for this field."))


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
    """The front matter of one module file.

    `variants` are plans for sessions of another length: for each length in minutes, the timed
    steps to run and their minutes (a step left out is not run); see sessions.py.
    """

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
    variants: dict[Annotated[int, Field(ge=15, le=240)],
                   Annotated[dict[Text, Annotated[int, Field(ge=5, le=240)]],
                             Field(min_length=1)]] = Field(default_factory=dict)


class CrisisLine(_Strict):
    """A crisis or help line shown in the footer of every page and handout."""

    name: LocalizedName
    contact: Text
    tel: Annotated[str, StringConstraints(pattern=TEL_PATTERN)] | None = None
    text: Annotated[str, StringConstraints(pattern=SMS_PATTERN)] | None = None
    note: Localized = ""


class CrisisFile(_Strict):
    """The crisis-line data file."""

    crisis_lines: list[CrisisLine] = Field(min_length=1)


class SessionEntry(_Strict):
    """A module placed in a track under the program's own title for that session."""

    module: Slug
    title: LocalizedName


# A session of a track: a module id, or {module: id, title: the program's title for it}.
SessionItem = Slug | SessionEntry


def module_id(item: SessionItem) -> str:
    """Return the module id of a track's session entry."""
    return item if isinstance(item, str) else item.module


class Week(_Strict):
    """One week of a track and the modules of its sessions, in order."""

    week: int = Field(ge=1)
    sessions: list[SessionItem] = Field(min_length=1)


class DaysStep(_Strict):
    """The meeting days of a track for a range of weeks (for a step-down in intensity)."""

    weeks: _WEEKS
    days: list[Day] = Field(min_length=1, max_length=7)

    @property
    def week_range(self) -> tuple[int, int]:
        first, _, last = str(self.weeks).partition("-")
        return int(first), int(last or first)


class Track(_Strict):
    """A group (or a service such as individual counseling) that meets on set days.

    `code: RP` numbers the track's sessions RP-01, RP-02, ... in order (instead of the modules'
    own codes). A service is shown to clients on the schedule and week pages with
    `visible: true`; `counts_toward_hours: false` leaves a track out of the weekly contact hours
    (a drug test, for example). `start_time` puts the meetings at that time in the calendars.
    """

    id: Slug
    name: LocalizedName
    code: Annotated[str, StringConstraints(pattern=TRACK_CODE_PATTERN)] | None = None
    days: list[Day] | None = Field(default=None, min_length=1, max_length=7)
    steps: list[DaysStep] | None = Field(default=None, min_length=1)
    session_minutes: int = Field(default=90, ge=15, le=240)
    start_week: int = Field(default=1, ge=1)
    end_week: int | None = Field(default=None, ge=1)
    open_entry: bool = False
    service: bool = False
    visible: bool = False
    counts_toward_hours: bool = True
    start_time: TimeOfDay | None = None
    modules: list[SessionItem] = Field(default_factory=list)
    schedule: list[Week] = Field(default_factory=list)
    newcomer_sessions: int = Field(default=0, ge=0, le=52)
    """With open entry: the first N modules are every new client's first sessions, whatever
    the week they join (structure/client_path.py)."""
    final_sessions: int = Field(default=0, ge=0, le=52)
    """With open entry: the last N modules are every client's last sessions."""

    @model_validator(mode="after")
    def _one_pattern(self) -> Track:
        name = f"the track '{self.id}'"
        if self.days is None and self.steps is None:
            raise course_error(f"{name} has no meeting days.", "add 'days:' with the days it "
                               "meets, such as 'days: [Monday, Wednesday]', or 'steps:' when its "
                               "days change over the course.")
        if self.days is not None and self.steps is not None:
            raise course_error(f"{name} has both 'days' and 'steps'.", "keep 'days' when it "
                               "meets on the same days every week, or 'steps' when its days "
                               "change; remove the other.", at=("steps",))
        if self.service and (self.modules or self.schedule):
            raise course_error(f"{name} is a service ('service: true'), so it has no 'modules' "
                               "or 'schedule'.", "remove them, or remove 'service: true' to make "
                               "it a group.", at=("modules",) if self.modules else ("schedule",))
        if not self.service and self.modules and self.schedule:
            raise course_error(f"{name} has both 'modules' and 'schedule'.", "keep 'modules' "
                               "(in order) or 'schedule' (by week), not both.", at=("schedule",))
        if not self.service and not self.modules and not self.schedule:
            raise course_error(f"{name} has no sessions.", "add 'modules:' (module ids in "
                               "order) or 'schedule:' (modules by week), or 'service: true' for "
                               "a service such as individual counseling.")
        if self.code and self.service:
            raise course_error(f"{name} is a service, so it has no sessions to number with "
                               "'code'.", "remove 'code', or remove 'service: true'.",
                               at=("code",))
        _each_day_once(self.days, at=("days",))
        return self

    @model_validator(mode="after")
    def _entry_blocks(self) -> Track:
        error = entry_block_error(self)
        if error is not None:
            raise error
        return self


def _each_day_once(days: list[str] | None, *, at: tuple[Any, ...] = ()) -> None:
    twice = next((d for i, d in enumerate(days or []) if d in (days or [])[:i]), None)
    if twice:
        raise course_error(f"'{twice}' is listed twice in 'days'.", "list each meeting day once.",
                           at=at)


class Lengths(_Strict):
    """What happens when a track runs a module far from the length it is written for (a
    90-minute module in 50-minute sessions): `warn` shows one warning per track and never stops
    a build, strict or not; `fail` stops the build; `ignore` says nothing."""

    on_mismatch: Literal["warn", "fail", "ignore"] = "warn"


class Hours(_Strict):
    """The weekly contact-hours check (ASAM Level 2.1: 9 h for adults, 6 h for adolescents)."""

    minimum: float = Field(default=9, ge=0, le=40)
    on_shortfall: Literal["warn", "fail"] = "warn"
    exempt_weeks: list[int] = Field(default_factory=list)


class Contact(_Strict):
    """How clients reach the program; every field can be used in modules as a variable."""

    phone: str | None = None
    meeting_place: Localized | None = None
    address: Localized | None = None
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
            raise course_error(f"white text on '{value}' has a contrast of only {ratio:.1f}:1, "
                               "too low to read.", "use a darker colour: white text needs a "
                               "contrast of at least 4.5:1.", field=True)
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

    program: LocalizedName
    weeks: int = Field(ge=1, le=52)
    min_weeks: int = Field(default=12, ge=1, le=52)
    max_weeks: int = Field(default=16, ge=1, le=52)
    language: Annotated[str, StringConstraints(pattern=LANGUAGE_PATTERN)] = "en"
    start_date: Date | None = None
    holidays: list[Date] = Field(default_factory=list)
    days: list[Day] | None = Field(default=None, min_length=1, max_length=7)
    session_minutes: int = Field(default=90, ge=15, le=240)
    schedule: list[Week] = Field(default_factory=list)
    tracks: list[Track] = Field(default_factory=list)
    hours: Hours = Field(default_factory=Hours)
    lengths: Lengths = Field(default_factory=Lengths)
    contact: Contact = Field(default_factory=Contact)
    logo: str | None = None
    colors: Colors | None = None
    local_resources: list[CrisisLine] = Field(default_factory=list)
    crisis_lines: list[CrisisLine] = Field(default_factory=list)
    variables: dict[Annotated[str, StringConstraints(pattern=VARIABLE_PATTERN)], str] = Field(
        default_factory=dict)
    paper: Literal["letter", "a4"] = "letter"
    large_print: bool = False
    translations: list[Annotated[str, StringConstraints(pattern=LANGUAGE_PATTERN)]] = Field(
        default_factory=list)
    site_url: str | None = None
    """Where the site is published: handouts then carry a QR code of their session page."""
    timezone: TimeZone | None = None
    """Where the program meets ('America/New_York'): calendars keep meetings at local time."""
    note_format: Literal["DAP", "BIRP"] = "DAP"
    """The headings of the group progress notes."""
    require_review: bool = False
    """Stop the build while a module is not reviewed, or changed since review (reviews.py)."""

    @field_validator("site_url")
    @classmethod
    def _site_address(cls, value: str | None) -> str | None:
        if value is None:
            return None
        if not re.match(r"^https?://[^\s/?#]+\.[^\s/?#]+(/[^\s?#]*)?$", value.strip()):
            raise course_error(f"'{value}' is not a web address.", "write the address the site "
                               "is published at, such as 'https://riverside.example.org/iop/'.",
                               field=True)
        return value.strip().rstrip("/") + "/"

    @field_validator("days")
    @classmethod
    def _days_once(cls, days: list[str] | None) -> list[str] | None:
        _each_day_once(days)
        return days

    @model_validator(mode="after")
    def _tracks_or_shorthand(self) -> Curriculum:
        if self.tracks and (self.schedule or self.days):
            raise course_error("the program has both 'tracks' and the single-group 'days' and "
                               "'schedule'.", "use 'tracks' for several groups, or 'days' and "
                               "'schedule' for one group; not both.", at=("tracks",))
        if not self.tracks and not (self.schedule and self.days):
            missing = "'schedule'" if self.days else "'days'" if self.schedule else "'tracks'"
            raise course_error(f"the program has no groups: {missing} is missing.", "add "
                               "'tracks:' (see 'The program file' in the README), or 'days:' and "
                               "'schedule:' for a single group.")
        ids = [t.id for t in self.tracks]
        twice = next((i for i, d in enumerate(ids) if d in ids[:i]), None)
        if twice is not None:
            raise course_error(f"two tracks have the id '{ids[twice]}'.", "give each track its "
                               f"own id, such as '{ids[twice]}-2'.", at=("tracks", twice, "id"))
        return self

    @property
    def all_tracks(self) -> list[Track]:
        """The tracks, with the single-group shorthand as one track with the id 'session'."""
        if self.tracks:
            return self.tracks
        return [Track(id="session", name="Group", days=self.days,
                      session_minutes=self.session_minutes, schedule=self.schedule)]
