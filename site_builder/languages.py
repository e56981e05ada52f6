"""What changes with the language of a build: module part headings, the readability measure,
the person-first term list, interface words and dates. Languages come from
`site_builder/data/languages.yml`, plus a project's own `languages.yml`."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import yaml

DATA = Path(__file__).parent / "data"


@dataclass(frozen=True)
class Language:
    """The words a module in this language uses for its structure, and how it is measured."""

    code: str
    name: str
    parts: tuple[str, str, str]
    key_points: str
    steps: str
    readability: str = "none"  # "grade" (FK + SMOG), "ease" (Fernández-Huerta) or "none"
    words: dict[str, str] = field(default_factory=dict)
    days: dict[str, str] = field(default_factory=dict)
    avoid: tuple[dict[str, str], ...] = ()

    def word(self, key: str) -> str:
        return self.words.get(key) or LANGUAGES["en"].words[key]


def _read(path: Path) -> dict[str, Language]:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    found = {}
    for code, entry in data.items():
        entry = dict(entry)
        entry["parts"] = tuple(entry["parts"])
        entry["avoid"] = tuple(entry.get("avoid", ()))
        entry["key_points"] = entry["key_points"].lower()
        entry["steps"] = entry["steps"].lower()
        found[code] = Language(code=code, **entry)
    return found


LANGUAGES: dict[str, Language] = _read(DATA / "languages.yml")
_REGISTERED: set[Path] = set()


def register_project_languages(root: Path) -> None:
    """Add the languages of a project's `languages.yml` (once per project folder)."""
    path = (root / "languages.yml").resolve()
    if path in _REGISTERED or not path.is_file():
        return
    from .errors import CourseError, Problem

    try:
        LANGUAGES.update(_read(path))
    except (yaml.YAMLError, KeyError, TypeError) as e:
        raise CourseError(Problem("languages.yml", f"a language entry cannot be read ({e}).",
                                  fix="give each language: name, parts (3 headings), "
                                  "key_points, steps; see 'Adding a language' in the README."))
    _REGISTERED.add(path)


def language_of_file(stem: str) -> str:
    """Return the language of a module file from its name: 'x.es.md' is Spanish, 'x.md' English."""
    _, _, suffix = stem.rpartition(".")
    return suffix if "." in stem and suffix in LANGUAGES else "en"


def long_date(day: dt.date | None, language: str) -> str:
    """Return a date written out in the language ('Monday, January 4, 2027')."""
    return _format(day, language, "{:%A, %B} {d.day}, {d.year}", "full")


def short_date(day: dt.date | None, language: str) -> str:
    """Return a short date ('Jan 4')."""
    return _format(day, language, "{:%b} {d.day}", "d MMM")


def _format(day: dt.date | None, language: str, english: str, cldr: str) -> str:
    if day is None:
        return ""
    if language == "en":
        return english.format(day, d=day)
    from babel.dates import format_date

    return format_date(day, format=cldr, locale=language)


def day_name(day: str, language: str) -> str:
    """Return an English day name from the program file in the build's language."""
    return LANGUAGES[language].days.get(day, day) if language in LANGUAGES else day


def localized(path: Path, language: str) -> Path:
    """Return `name.<language>.ext` next to `path` if it exists, else `path`."""
    other = path.with_name(f"{path.stem}.{language}{path.suffix}")
    return other if language != "en" and other.is_file() else path
