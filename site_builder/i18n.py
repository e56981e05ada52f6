"""Interface words in every language: gettext message catalogs read with Babel.

English is the source language. A template writes `{{ _("Week %(n)s", n=week) }}`,
`{{ ngettext("%(num)s session", "%(num)s sessions", count) }}` or a `{% trans %}` block
(`jinja2.ext.i18n`, new-style gettext); Python code calls `messages.gettext("Home")`. The words
of another language come from `templates/locales/<language>.po`, a standard gettext catalog read
as text when the site is built (no compiled `.mo` files). A program adds or changes words in
`curriculum/NAME/templates/locales/<language>.po`; an `en.po` can even change English words.

`templates/locales/messages.pot` lists every source string (`site-builder messages` writes it and
brings each catalog up to date). A string with no translation is shown in English and listed in
one build warning.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from site_builder.errors import CourseError, Problem

LOCALES = "locales"
TEMPLATE_FILE = "messages.pot"
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "pgettext": ((1, "c"), 2),
            "npgettext": ((1, "c"), 2, 3)}
_PLACEHOLDER = re.compile(r"%\((\w+)\)")
_PACKAGE = Path(__file__).parent
# Python files whose strings are interface words (nav titles, notices).
PYTHON_SOURCES = ("renderer/pages.py", "pdf/handouts.py", "plugin/offline.py")


@dataclass
class Messages:
    """The interface words of one language, with English as the fallback."""

    language: str
    translations: object  # babel.support.Translations (or NullTranslations for plain English)
    known: frozenset[tuple[str | None, str]] = frozenset()
    files: tuple[Path, ...] = ()

    def gettext(self, message: str) -> str:
        return self.translations.gettext(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self.translations.ngettext(singular, plural, n)

    def pgettext(self, context: str, message: str) -> str:
        return self.translations.pgettext(context, message)

    def npgettext(self, context: str, singular: str, plural: str, n: int) -> str:
        return self.translations.npgettext(context, singular, plural, n)

    def has(self, message: str, context: str | None = None) -> bool:
        """Whether the catalog translates `message` (English always has its own words)."""
        return self.language == "en" or (context, message) in self.known

    def missing(self, source: Iterable[tuple[str | None, str]]) -> list[str]:
        """Return the source strings this language shows in English, in order."""
        return [m for c, m in dict.fromkeys(source) if not self.has(m, c)]


def catalog_files(language: str, roots: Iterable[Path]) -> list[Path]:
    """Return the catalogs of a language, library first, so a program's own words win."""
    return [r / LOCALES / f"{language}.po" for r in roots if (r / LOCALES / f"{language}.po")
            .is_file()]


def load_messages(language: str, roots: list[Path], root: Path | None = None) -> Messages:
    """Return the words of `language` from the catalogs under `roots` (program first)."""
    files = catalog_files(language, reversed(roots))
    stamp = tuple((p, p.stat().st_mtime_ns) for p in files)
    return _load(language, stamp, root)


@functools.lru_cache(maxsize=32)
def _load(language: str, stamp: tuple[tuple[Path, int], ...], root: Path | None) -> Messages:
    from babel.messages.catalog import Catalog
    from babel.messages.mofile import write_mo
    from babel.support import NullTranslations, Translations

    files = tuple(p for p, _ in stamp)
    if not files:
        return Messages(language, NullTranslations(), frozenset(), ())
    merged = Catalog(locale=_babel_locale(language))
    problems: list[Problem] = []
    for number, path in enumerate(files):
        catalog, messages = _read(path, language, root, problems)
        if number == 0 and catalog is not None:  # its Plural-Forms say which form is which
            merged.mime_headers = catalog.mime_headers
        for message in messages:
            merged.delete(message.id, context=message.context)  # a later catalog (the
            merged[message.id] = message                        # program's) replaces the word
    if problems:
        raise CourseError(problems)
    buffer = io.BytesIO()
    write_mo(buffer, merged)
    buffer.seek(0)
    translations = Translations(fp=buffer)
    known = frozenset((m.context, m.id[0] if isinstance(m.id, tuple) else m.id)
                      for m in merged if m.id and _translated(m))
    return Messages(language, translations, known, files)


def _translated(message) -> bool:
    strings = message.string if isinstance(message.string, tuple) else (message.string,)
    return not message.fuzzy and all(strings)


def _read(path: Path, language: str, root: Path | None, problems: list[Problem]):
    """Read one catalog; return it and its usable entries, adding a Problem for each entry
    that cannot be used."""
    from babel.messages.pofile import PoFileError, read_po

    name = display_path(path, root)
    try:
        with path.open("rb") as f:
            catalog = read_po(f, locale=_babel_locale(language), abort_invalid=True)
    except (PoFileError, UnicodeDecodeError, ValueError) as e:
        line = e.lineno + 1 if isinstance(getattr(e, "lineno", None), int) else None
        what = re.sub(r" on \d+$", "", str(e)).rstrip(".")
        problems.append(Problem(name, f"the message catalog cannot be read: {what}.", line=line,
                                fix="check the quotes of msgid/msgstr on this line (a tool such "
                                "as Poedit keeps the file valid)."))
        return None, []
    found = []
    for message in catalog:
        if not message.id or not _translated(message):
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        names = {n for i in ids for n in _PLACEHOLDER.findall(i)}
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for text in strings:
            error = _format_error(text, names)
            if error:
                problems.append(Problem(name, f"the translation of '{ids[0]}' {error}.",
                                        line=message.lineno + 1 if message.lineno is not None
                                        else None,
                                        fix="keep the %(name)s placeholders of the English text, "
                                        "and write a percent sign as %%."))
                break
        else:
            found.append(message)
    return catalog, found


def _format_error(text: str, names: set[str]) -> str | None:
    unknown = set(_PLACEHOLDER.findall(text)) - names
    if unknown:
        return f"uses %({sorted(unknown)[0]})s, which the English text does not have"
    try:
        text % {n: 1 for n in names}
    except (ValueError, TypeError, KeyError) as e:
        return f"cannot be filled in ({e})"
    return None


def display_path(path: Path, root: Path | None) -> str:
    """Return `path` relative to the project folder when it is inside it."""
    if root is not None:
        try:
            return path.resolve().relative_to(root.resolve()).as_posix()
        except ValueError:
            pass
    return str(path)


def install(env, messages: Messages) -> None:
    """Give a Jinja environment `_`, `gettext`, `ngettext`, `pgettext` and `npgettext`."""
    env.add_extension("jinja2.ext.i18n")
    env.policies["ext.i18n.trimmed"] = True
    env.install_gettext_callables(messages.gettext, messages.ngettext, newstyle=True,
                                  pgettext=messages.pgettext, npgettext=messages.npgettext)
    env.globals["messages"] = messages


# --- Dates and day names (Babel's CLDR data) -------------------------------------------------

DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def _babel_locale(language: str) -> str:
    from babel import Locale, UnknownLocaleError

    try:
        Locale.parse(language.replace("-", "_"))
    except (ValueError, UnknownLocaleError):
        return "en"
    return language.replace("-", "_")


def long_date(day: dt.date | None, language: str) -> str:
    """Return a date written out ('Monday, January 4, 2027'; 'lunes, 4 de enero de 2027')."""
    from babel.dates import format_date

    return "" if day is None else format_date(day, format="full", locale=_babel_locale(language))


def short_date(day: dt.date | None, language: str) -> str:
    """Return a short date ('Jan 4'; '4 ene')."""
    from babel.dates import format_skeleton

    return "" if day is None else format_skeleton("MMMd", day, locale=_babel_locale(language))


@functools.lru_cache(maxsize=256)
def day_name(day: str, language: str) -> str:
    """Return a day name of the program file ('Monday') in the language ('lunes')."""
    from babel.dates import get_day_names

    if day not in DAYS:
        return day
    return get_day_names("wide", locale=_babel_locale(language))[DAYS.index(day)]


def number(value: float, language: str) -> str:
    """Return a number as the language writes it ('7.5'; '7,5')."""
    from babel.numbers import format_decimal

    return format_decimal(round(value, 2), locale=_babel_locale(language))


# --- Source strings ---------------------------------------------------------------------------

def extract(template_roots: Iterable[Path], root: Path | None = None,
            python: bool = True) -> dict[tuple[str | None, str], tuple[str, int, str | None]]:
    """Return every interface string of the templates and code: {(context, id): (file, line,
    plural)}, in a stable order."""
    from babel.messages.extract import extract_from_file
    from jinja2.ext import babel_extract

    found: dict[tuple[str | None, str], tuple[str, int, str | None]] = {}
    files: list[tuple[object, Path]] = []
    for folder in template_roots:
        for path in sorted(folder.rglob("*")):
            if path.is_file() and path.suffix in (".j2", ".html") and LOCALES not in path.parts:
                files.append((babel_extract, path))
    if python:
        files += [("python", _PACKAGE / name) for name in PYTHON_SOURCES]
    for method, path in files:
        shown = (path.relative_to(_PACKAGE.parent).as_posix() if method == "python"
                 else display_path(path, root))
        for line, message, _comments, context in _extracted(extract_from_file, method, path):
            singular, plural = (message[0], message[1]) if isinstance(message, tuple) else (
                message, None)
            found.setdefault((context, singular), (shown, line, plural))
    return found


_EXTRACTED: dict[tuple, list] = {}


def _extracted(extract_from_file, method, path: Path) -> list:
    """Return the strings of one file, read once per version of it (under serve, a build in
    another language than English checks its catalog on every rebuild)."""
    stat = path.stat()
    key = (getattr(method, "__name__", method), str(path), stat.st_mtime_ns, stat.st_size)
    if key not in _EXTRACTED:
        _EXTRACTED[key] = list(extract_from_file(method, str(path), keywords=KEYWORDS,
                                                 options={"trimmed": "true"}))
    return _EXTRACTED[key]


def _source_catalog(found: dict, language: str | None = None):
    from babel.messages.catalog import Catalog

    catalog = Catalog(locale=_babel_locale(language) if language else None,
                      project="site-builder", version="1", msgid_bugs_address="",
                      last_translator="", language_team="", charset="utf-8", fuzzy=False,
                      header_comment=_HEADER.format(what=_language_words(language)))
    for (context, singular), (file, line, plural) in found.items():
        catalog.add((singular, plural) if plural else singular, locations=[(file, line)],
                    context=context, flags=("python-format",) if "%" in singular else ())
    return catalog


def _language_words(language: str | None) -> str:
    if not language:
        return "Every source (English) string"
    from babel import Locale

    return f"The {Locale.parse(_babel_locale(language)).english_name} ({language}) words"


_HEADER = ("# {what} of the course site's interface (site-builder).\n"
           "# Made and brought up to date by 'site-builder messages'; see 'Adding a language'\n"
           "# in README.md. Words with %(name)s keep the placeholder; write a percent sign as %%.")


def write_template(found: dict, path: Path) -> None:
    """Write the source catalog (`messages.pot`) from extracted strings."""
    from babel.messages.pofile import write_po

    _write(_source_catalog(found), path, write_po)


def update_catalog(found: dict, path: Path, language: str) -> tuple[int, int]:
    """Bring `<language>.po` up to date with the source strings (new ones empty, ones no longer
    used dropped); return (translated, total)."""
    from babel.messages.pofile import read_po, write_po

    if path.is_file():
        with path.open("rb") as f:
            catalog = read_po(f, locale=_babel_locale(language))
    else:
        catalog = _source_catalog({}, language)
    catalog.update(_source_catalog(found), update_header_comment=False, no_fuzzy_matching=True)
    catalog.obsolete.clear()
    catalog.fuzzy = False
    _write(catalog, path, write_po)
    done = sum(1 for m in catalog if m.id and _translated(m))
    return done, len(found)


def _write(catalog, path: Path, write_po) -> None:
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=100, omit_header=False, sort_output=False,
             include_previous=False)
    text = buffer.getvalue()
    for field_name in (b"POT-Creation-Date", b"PO-Revision-Date", b"Generated-By",
                       b"Report-Msgid-Bugs-To", b"Last-Translator", b"Language-Team"):
        text = re.sub(rb'"' + field_name + rb': [^"]*\\n"\n', b"", text)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text)
