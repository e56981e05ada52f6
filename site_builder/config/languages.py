"""What changes with the language of a module: its part headings, the readability measure and
the person-first term list. Languages come from `site_builder/data/languages.yml`, plus a
project's own `languages.yml`. Interface words live in the message catalogs (`i18n.py`)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

DATA = Path(__file__).parent.parent / "data"


@dataclass(frozen=True)
class Language:
    """The words a module in this language uses for its structure, and how it is measured."""

    code: str
    name: str
    parts: tuple[str, str, str]
    key_points: str
    steps: str
    readability: str = "none"  # "grade" (FK + SMOG), "ease" (Fernández-Huerta) or "none"
    avoid: tuple[dict[str, str], ...] = ()


def _read(path: Path, data: dict | None = None) -> dict[str, Language]:
    data = data if data is not None else yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    found = {}
    for code, entry in data.items():
        entry = dict(entry)
        for old in ("words", "days"):
            if old in entry:
                raise ValueError(f"'{code}: {old}:' is no longer used: interface words and day "
                               f"names come from the message catalog templates/locales/{code}.po")
        entry["parts"] = tuple(entry["parts"])
        entry["avoid"] = tuple(entry.get("avoid", ()))
        entry["key_points"] = entry["key_points"].lower()
        entry["steps"] = entry["steps"].lower()
        found[code] = Language(code=code, **entry)
    return found


LANGUAGES: dict[str, Language] = _read(DATA / "languages.yml")
_BUILT_IN = dict(LANGUAGES)
_PROJECT: list[tuple | None] = [None]  # the project (and version of its file) LANGUAGES is for


def register_project_languages(root: Path) -> None:
    """Make LANGUAGES the library's languages plus those of this project's `languages.yml`
    (one project at a time: another project's languages do not carry over)."""
    path = (root / "languages.yml").resolve()
    try:
        stat = path.stat()
        key = (path, stat.st_mtime_ns, stat.st_size)
    except OSError:
        key = (path, None, None)
    if _PROJECT[0] == key:
        return
    from site_builder.config.rules import read_languages

    LANGUAGES.clear()
    LANGUAGES.update(_BUILT_IN)
    if key[1] is not None:  # the bounded reader and a schema, every mistake with its line
        LANGUAGES.update(_read(path, read_languages(path)))
    _PROJECT[0] = key


def language_of_file(stem: str) -> str:
    """Return the language of a module file from its name: 'x.es.md' is Spanish, 'x.md' English."""
    _, _, suffix = stem.rpartition(".")
    return suffix if "." in stem and suffix in LANGUAGES else "en"


def localized(path: Path, language: str) -> Path:
    """Return `name.<language>.ext` next to `path` if it exists, else `path`."""
    other = path.with_name(f"{path.stem}.{language}{path.suffix}")
    return other if language != "en" and other.is_file() else path
