"""Read YAML with line numbers and validate it against a schema, turning every failure into a Problem."""

from __future__ import annotations

from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from .errors import CourseError, Problem

M = TypeVar("M", bound=BaseModel)
Lines = dict[tuple[Any, ...], int]
MAX_BYTES = 2_000_000  # a module is a few KB; a multi-MB file is a mistake (or an attack)


def read_text(path: Path, name: str) -> str:
    """Return the file's text, or raise CourseError if it is missing, empty or not UTF-8."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise CourseError(Problem(name, "the file does not exist.", fix="check the path.")) from None
    except OSError as e:
        raise CourseError(Problem(name, f"the file cannot be read ({e.strerror}).")) from None
    if len(raw) > MAX_BYTES:
        raise CourseError(Problem(name, f"the file is too large ({len(raw) / 1e6:.1f} MB); the "
                                  f"limit is {MAX_BYTES / 1e6:.0f} MB.",
                                  fix="split it into smaller files, or check that it is the right "
                                  "file."))
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        line = raw[: e.start].count(b"\n") + 1
        raise CourseError(
            Problem(
                name,
                f"the file is not UTF-8 text (byte 0x{raw[e.start]:02x} cannot be read).",
                line=line,
                fix="save the file as UTF-8 in your editor ('Save with encoding: UTF-8').",
            )
        ) from None
    if not text.strip():
        raise CourseError(Problem(name, "the file is empty.", fix="add its content or delete it."))
    return text.removeprefix("\ufeff")


def parse_yaml(text: str, name: str, *, first_line: int = 1) -> tuple[Any, Lines]:
    """Return the YAML data and a map from key paths to line numbers; raise CourseError on bad YAML."""
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        line = mark.line + first_line if mark else None
        what = e.problem or str(e)
        raise CourseError(
            Problem(name, f"the YAML cannot be read: {what}.", line=line, fix=_yaml_fix(what))
        ) from None
    except (yaml.YAMLError, ValueError) as e:
        raise CourseError(
            Problem(
                name,
                f"the YAML cannot be read: {e}.",
                fix="put quotes around dates and other values that look like numbers.",
            )
        ) from None
    lines: Lines = {}
    problems: list[Problem] = []
    if node is not None:
        _collect_lines(node, (), lines, problems, name, first_line)
    if problems:
        raise CourseError(problems)
    return data, lines


def _yaml_fix(what: str) -> str:
    if "tab" in what or "'\\t'" in what:
        return "indent with spaces, not tabs."
    if "mapping values" in what:
        return "put quotes around text that contains a colon (': ')."
    return "check the indentation and the quotes on this line and the line above."


def _collect_lines(node, path, lines, problems, name, first_line) -> None:
    lines[path] = node.start_mark.line + first_line
    if isinstance(node, yaml.MappingNode):
        seen: set[Any] = set()
        for key_node, value_node in node.value:
            key = key_node.value
            if key in seen:
                problems.append(
                    Problem(
                        name,
                        f"the key '{key}' appears twice.",
                        line=key_node.start_mark.line + first_line,
                        fix="keep one of them.",
                    )
                )
            seen.add(key)
            _collect_lines(value_node, (*path, key), lines, problems, name, first_line)
            lines[(*path, key)] = key_node.start_mark.line + first_line
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _collect_lines(item, (*path, i), lines, problems, name, first_line)


def line_of(lines: Lines, path: tuple[Any, ...]) -> int | None:
    """Return the line of the deepest known part of a key path."""
    while path:
        if path in lines:
            return lines[path]
        path = path[:-1]
    return lines.get(())


def validate(model: type[M], data: Any, lines: Lines, name: str) -> M:
    """Return the validated model; raise CourseError naming file, line and field for each error."""
    if not isinstance(data, dict):
        raise CourseError(
            Problem(name, "expected a YAML mapping of 'key: value' lines at the top level.", line=1)
        )
    try:
        return model.model_validate(data)
    except ValidationError as e:
        raise CourseError([_problem(err, lines, name, model) for err in e.errors()]) from None


def _problem(err: dict[str, Any], lines: Lines, name: str, model: type[BaseModel]) -> Problem:
    loc = tuple(err["loc"])
    field = ".".join(str(p) for p in loc) or "(top level)"
    kind = err["type"]
    line = line_of(lines, loc)
    if kind == "missing":
        allowed = None
        return Problem(
            name,
            f"the required field '{field}' is missing.",
            line=line,
            fix=f"add '{loc[-1]}:' with a value.",
        )
    if kind == "extra_forbidden":
        allowed = ", ".join(_allowed_fields(model, loc[:-1])) or None
        return Problem(
            name,
            f"unknown field '{field}'.",
            line=line,
            fix=f"remove it or fix its spelling; allowed fields are: {allowed}.",
        )
    found = err.get("input")
    found_text = f" (found {found!r})" if not isinstance(found, (dict, list)) else ""
    msg = err["msg"].removeprefix("Value error, ")
    return Problem(name, f"field '{field}': {msg}{found_text}.", line=line, fix=_fix_for(kind, err))


def _fix_for(kind: str, err: dict[str, Any]) -> str | None:
    if kind == "string_pattern_mismatch":
        pattern = err.get("ctx", {}).get("pattern", "")
        if "A-Z" in pattern:
            return "use 2-4 capital letters, a hyphen and 2 digits, such as 'RP-05'."
        if "a-z0-9" in pattern:
            return "use lowercase letters, digits and hyphens, such as 'coping-with-cravings'."
        return f"use a value that matches {pattern}."
    if kind.startswith("int"):
        return "use a whole number."
    if kind in ("list_type", "too_short"):
        return "write a list, one '- item' per line."
    return None


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
