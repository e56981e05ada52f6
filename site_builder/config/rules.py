"""The files of wording rules a project (or a program) writes: `languages.yml` (a language and the
terms it avoids) and `glossary.<lang>.yml` (the wordings a translation avoids). Both are read with
the bounded YAML reader and checked against a schema, so a mistake (a missing heading, a pattern
that is not a regular expression) stops with the file, the line and a fix.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, ConfigDict, Field, RootModel, model_validator

from site_builder.config.messages import validate
from site_builder.config.schema import LANGUAGE_PATTERN, Text, _Strict, course_error
from site_builder.utils.yaml import parse_yaml, read_text

# What Python's `re` says, in our words: (its message starts with, what is wrong).
_REGEX_WORDS = (
    ("unterminated character set", "a '[' has no ']'"),
    ("missing ), unterminated subpattern", "a '(' has no ')'"),
    ("unbalanced parenthesis", "a ')' has no '('"),
    ("nothing to repeat", "a '*', '+', '?' or '{' has nothing before it to repeat"),
    ("multiple repeat", "two repeat marks ('*', '+', '?') follow each other"),
    ("bad escape", "a '\\' is followed by a letter that patterns do not use"),
    ("look-behind requires fixed-width pattern", "a '(?<!...)' or '(?<=...)' holds a part of "
     "varying length"),
    ("unknown extension", "a '(?' starts a group patterns do not have"),
    ("missing group name", "a '(?P<' has no name"),
)
PATTERN_FIX = ("write a Python regular expression, such as '\\bantojos?\\b'; put a '\\' before a "
               "character meant as itself, such as '\\(' or '\\[' (see 'Adding a language' in the "
               "README).")


def pattern_problem(pattern: str) -> str | None:
    """Return what is wrong with a regular expression, in plain words, or None if it compiles."""
    try:
        re.compile(pattern)
    except re.error as e:
        found = next((words for start, words in _REGEX_WORDS if e.msg.startswith(start)), None)
        where = f" (at character {e.pos + 1})" if e.pos is not None else ""
        return (found or "it cannot be read as a regular expression") + where
    except (RecursionError, OverflowError, ValueError):
        return "it is too large or too deeply nested"
    return None


def _checked(value: str, wrapped: str = "{}") -> str:
    problem = pattern_problem(value) or pattern_problem(wrapped.format(value))
    if problem:
        raise course_error(f"{value!r} is not a pattern the check can use: {problem}.",
                           PATTERN_FIX, field=True)
    return value


Pattern = Annotated[str, AfterValidator(_checked)]
# A term's pattern is matched as whole words: '\b(?:pattern)\b' (checks/content.py).
WordPattern = Annotated[str, AfterValidator(lambda v: _checked(v, r"\b(?:{})\b"))]


class AvoidTerm(_Strict):
    """A term a language's modules avoid: the pattern, and the words to use instead."""

    pattern: WordPattern
    use: Text
    context: WordPattern | None = None
    unless: WordPattern | None = None


class LanguageEntry(_Strict):
    """One language of a project's `languages.yml` (see `config/languages.py`)."""

    name: Text
    parts: list[Text] = Field(min_length=3, max_length=3)
    key_points: Text
    steps: Text
    readability: Literal["grade", "ease", "none"] = "none"
    avoid: list[AvoidTerm] = Field(default_factory=list)

    @model_validator(mode="before")
    @classmethod
    def _no_old_fields(cls, data: Any) -> Any:
        for old in ("words", "days"):
            if isinstance(data, dict) and old in data:
                raise course_error(f"'{old}:' is no longer used: interface words and day names "
                                   "come from the message catalog templates/locales/<code>.po.",
                                   f"remove '{old}:' and translate the catalog instead (see "
                                   "'Adding a language' in the README).", at=(old,))
        return data


class LanguagesFile(RootModel[dict[Annotated[str, Field(pattern=LANGUAGE_PATTERN)],
                                   LanguageEntry]]):
    """A project's `languages.yml`: language code -> its entry."""


def read_languages(path: Path, name: str = "languages.yml") -> dict[str, dict[str, Any]]:
    """Return the entries of a project's languages file as plain values, checked; raise
    CourseError with the file and line of each problem."""
    data, lines = parse_yaml(read_text(path, name), name)
    entries = validate(LanguagesFile, data, lines, name).root
    return {code: {**entry.model_dump(exclude={"avoid"}),
                   "avoid": tuple(term.model_dump(exclude_none=True) for term in entry.avoid)}
            for code, entry in entries.items()}


class GlossaryRule(_Strict):
    """A wording a translation avoids (`avoid:` in `glossary.<lang>.yml`)."""

    pattern: Pattern
    use: Text
    why: str = ""


class GlossaryFile(_Strict):
    """`glossary.<lang>.yml`: the glossary's terms (for translators) and the wordings to avoid."""

    model_config = ConfigDict(extra="allow", frozen=True)

    terms: dict[str, Any] = Field(default_factory=dict)
    avoid: list[GlossaryRule] = Field(default_factory=list)


def read_glossary(path: Path, name: str) -> list[GlossaryRule]:
    """Return a glossary's rules, checked; raise CourseError with the file and line."""
    data, lines = parse_yaml(read_text(path, name), name)
    return validate(GlossaryFile, data, lines, name).avoid
