"""Validation against the schema, with every pydantic error turned into a Problem in our words:
file, line, field, what is wrong and a `Fix:`."""

from __future__ import annotations

import difflib
import re
from datetime import date
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from site_builder.config.schema import DAYS, VARIABLE_PATTERN, pattern_help
from site_builder.errors import CourseError, Problem
from site_builder.utils.yaml import Lines, line_of

M = TypeVar("M", bound=BaseModel)


def validate(model: type[M], data: Any, lines: Lines, name: str) -> M:
    """Return the validated model; raise CourseError naming file, line and field for each error."""
    if not isinstance(data, dict):
        raise CourseError(
            Problem(name, "expected a YAML mapping of 'key: value' lines at the top level.", line=1,
                    fix="start each line with a field name and a colon, such as 'program: My "
                    "IOP'.")
        )
    try:
        return model.model_validate(data)
    except ValidationError as e:
        errors = _one_union_member(e.errors(), data)
        problems = [schema_problem(err, lines, name, model) for err in errors]
        raise CourseError(list(dict.fromkeys(problems))) from None


# How pydantic names the members of a union in an error's location ('constrained-str', 'dict[..]').
_UNION_MEMBER = re.compile(r"(constrained-)?(str|int|float|bool|date)|[a-z-]+\[.*\]")


def _one_union_member(errors: list[dict[str, Any]], data: Any) -> list[dict[str, Any]]:
    """Keep, for a value that may be one of several kinds, only the errors of the kind it is.

    Pydantic reports a value that fits no member of a union once per member ("should be text"
    and "should be a mapping"); the author wrote one of them (text when it is neither). A member
    is named like 'constrained-str' or 'dict[...]', or by its model's class name.
    """
    def tagged(loc: tuple[Any, ...]) -> int | None:
        return next((i for i, p in enumerate(loc)
                     if isinstance(p, str) and _UNION_MEMBER.fullmatch(p)), None)

    unions = {tuple(err["loc"][:i]) for err in errors if (i := tagged(err["loc"])) is not None}

    def split(err: dict[str, Any]) -> tuple[tuple[Any, ...], str] | None:
        loc = err["loc"]
        at = next((i for i in range(len(loc)) if tuple(loc[:i]) in unions
                   and isinstance(loc[i], str)), None)
        return None if at is None else (tuple(loc[:at]), loc[at])

    def kind_of(member: str) -> str:
        member = member.removeprefix("constrained-")
        return "dict" if member[:1].isupper() else member

    members: dict[tuple[Any, ...], list[str]] = {}
    for err in errors:
        if found := split(err):
            members.setdefault(found[0], []).append(kind_of(found[1]))
    kept = []
    for err in errors:
        found = split(err)
        if found:
            where, member = found
            value = _value_at(data, list(where))
            kind = "dict" if isinstance(value, dict) else "list" if isinstance(value, list) else ""
            choices = [m for m in members[where] if kind and m.startswith(kind)]
            chosen = choices[0] if choices else members[where][0]
            if kind_of(member) != chosen:
                continue
            err = {**err, "loc": (*where, *err["loc"][len(where) + 1:])}
        kept.append(err)
    return kept


def _value_at(data: Any, path: list[Any]) -> Any:
    for key in path:
        try:
            data = data[key]
        except (KeyError, IndexError, TypeError):
            return None
    return data


# --- Schema errors in plain words ---------------------------------------------------------------


def schema_problem(err: dict[str, Any], lines: Lines, name: str,
                   model: type[BaseModel]) -> Problem:
    """Return one pydantic error as our Problem: file, line, what is wrong in plain words, a fix."""
    loc = tuple(err["loc"])
    kind = err["type"]
    ctx = err.get("ctx") or {}
    if kind == "course":  # raised by our own validators in schema.py
        loc = (*loc, *ctx.get("at", ()))
        message = ctx["message"]
        if ctx.get("field"):
            message = f"field '{_field(loc)}': {message}"
        return Problem(name, message, line=line_of(lines, loc), fix=ctx["fix"])
    message, fix = _describe(kind, loc, err.get("input"), ctx, model)
    return Problem(name, message, line=line_of(lines, loc), fix=fix)


def _field(loc: tuple[Any, ...]) -> str:
    """The field's name: its keys joined by dots (list positions are left out; the line says
    which)."""
    keys = [str(p) for p in loc if not isinstance(p, int) and p != "[key]"]
    return ".".join(keys) or "(top level)"


def _shown(value: Any) -> str:
    if value is None:
        return "empty"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, (date, str)):
        text = " ".join(str(value).split())
        return repr(text if len(text) <= 60 else text[:57] + "...")
    if isinstance(value, dict):
        return "a group of 'key: value' lines"
    if isinstance(value, list):
        return "a list"
    return "a value of another kind"


def _subject(loc: tuple[Any, ...], value: Any) -> str:
    """'field 'x' is 'v'', or for a list item 'field 'x' lists 'v''."""
    verb = "lists" if loc and isinstance(loc[-1], int) else "is"
    return f"field '{_field(loc)}' {verb} {_shown(value)}"


def _describe(kind: str, loc: tuple[Any, ...], value: Any, ctx: dict[str, Any],
              model: type[BaseModel]) -> tuple[str, str]:
    field, key = _field(loc), _field(loc).rpartition(".")[2]
    subject = _subject(loc, value)
    if kind == "missing":
        return f"the required field '{field}' is missing.", f"add '{key}:' with a value."
    if kind == "extra_forbidden":
        allowed = _allowed_fields(model, loc[:-1])
        close = difflib.get_close_matches(str(loc[-1]), allowed, n=1)
        hint = f"did you mean '{close[0]}'? The" if close else "remove it or fix its spelling; the"
        return f"unknown field '{field}'.", f"{hint} allowed fields are: {', '.join(allowed)}."
    if kind == "literal_error":
        return _not_allowed(subject, value, ctx)
    if kind.startswith("date"):
        return _bad_date(subject, value)
    if kind == "string_pattern_mismatch":
        what, fix = pattern_help(ctx.get("pattern", ""))
        if "[key]" in loc:
            name = loc[loc.index("[key]") - 1]
            field = _field(loc[: loc.index("[key]") - 1])
            if ctx.get("pattern") == VARIABLE_PATTERN:
                return (f"the name {_shown(name)} in '{field}' can use only lowercase "
                        "letters, digits and '_', starting with a letter.",
                        "rename it, such as 'group_room'.")
            return f"the key {_shown(name)} in '{field}' is not valid: {what}.", fix
        return f"{subject}, but {what}.", fix
    if kind.startswith("int"):
        return (f"field '{field}' must be a whole number, but it is {_shown(value)}.",
                "write a whole number, such as 12, without quotes or words.")
    if kind.startswith(("float", "finite")):
        return (f"field '{field}' must be a number, but it is {_shown(value)}.",
                "write a number, such as 9 or 7.5, without quotes or words.")
    if kind.startswith("bool"):
        return (f"field '{field}' must be true or false, but it is {_shown(value)}.",
                "write true or false.")
    if kind in ("greater_than_equal", "greater_than"):
        low = ctx.get("ge", ctx.get("gt"))
        return (f"{subject}, but it must be at least {low}.", f"use a number of {low} or more.")
    if kind in ("less_than_equal", "less_than"):
        high = ctx.get("le", ctx.get("lt"))
        return (f"{subject}, but it must be at most {high}.", f"use a number of {high} or less.")
    if kind == "string_type" and value is None and loc and isinstance(loc[-1], int):
        return (f"field '{field}' has an empty item.", "write a value after the '-', or remove "
                "the line.")
    if kind == "string_type":
        return (f"field '{field}' must be text, but it is {_shown(value)}.",
                f"write the text after '{key}:'; put quotes around text that looks like a "
                "number, a date, true/false or a list.")
    if kind == "string_too_short":
        if not str(value).strip():
            return f"field '{field}' is empty.", f"write the text after '{key}:'."
        least = ctx.get("min_length")
        return (f"field '{field}' is too short ({len(str(value))} characters); it needs at least "
                f"{least}.", f"write at least {least} characters.")
    if kind == "string_too_long":
        most = ctx.get("max_length")
        return (f"field '{field}' is {len(str(value))} characters long, but it can have at most "
                f"{most}.", f"shorten it to {most} characters or fewer.")
    if kind == "too_short":
        return (f"field '{field}' has {ctx.get('actual_length', 0)} items, but it needs at least "
                f"{ctx.get('min_length')}.", f"add items under '{key}:', one '- item' per line.")
    if kind == "too_long":
        return (f"field '{field}' has {ctx.get('actual_length')} items, but it can have at most "
                f"{ctx.get('max_length')}.", f"keep the {ctx.get('max_length')} that matter most.")
    if kind in ("list_type", "set_type", "tuple_type"):
        return (f"field '{field}' must be a list, but it is {_shown(value)}.",
                f"write one '- item' per line under '{key}:', or '[first, second]' on one line.")
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return (f"field '{field}' must be a group of 'key: value' lines, but it is "
                f"{_shown(value)}.", f"write its fields on the lines under '{key}:', indented by "
                "two spaces.")
    return (f"{subject}, which cannot be used here.",
            "see 'The program file' and 'Writing a module' in the README for what it takes.")


def _not_allowed(subject: str, value: Any, ctx: dict[str, Any]) -> tuple[str, str]:
    allowed = re.findall(r"'([^']*)'", str(ctx.get("expected", "")))
    close = difflib.get_close_matches(str(value), allowed, n=1, cutoff=0.6)
    hint = f"did you mean '{close[0]}'? Otherwise use" if close else "use"
    if allowed == list(DAYS):
        return (f"{subject}, which is not a day of the week.",
                f"{hint} one of: {', '.join(allowed)} (in any case; the Spanish names lunes to "
                "domingo work too).")
    return (f"{subject}, which is not one of the allowed values.",
            f"{hint} one of: {', '.join(allowed)}.")


def _bad_date(subject: str, value: Any) -> tuple[str, str]:
    looks_right = isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip())
    what = "not a date on the calendar" if looks_right else 'not a date written as "YYYY-MM-DD"'
    return (f"{subject}, which is {what}.",
            'write the date as "YYYY-MM-DD" in quotes, such as "2027-01-04".')


def _allowed_fields(model: type[BaseModel], path: tuple[Any, ...]) -> list[str]:
    current: Any = model
    for part in path:
        if isinstance(part, int):
            continue
        field = current.model_fields.get(part)
        if field is None:
            return []
        current = _inner_model(field.annotation)
        if current is None:
            return []
    return list(current.model_fields)


def _inner_model(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()):
        found = _inner_model(arg)
        if found:
            return found
    return None
