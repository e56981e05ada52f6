"""Read YAML with line numbers and validate it against a schema, turning every failure into a Problem.

The reader is bounded: a file over `MAX_BYTES`, nesting deeper than `MAX_DEPTH` or aliases that
expand to more than `MAX_VALUES` values stop with our message before anything walks the data.
PyYAML keeps an alias as a second reference to the same object, so a few lines of nested aliases
stay small until code walks them; then every level multiplies (issue 14: 24 GB and a killed build).
"""

from __future__ import annotations

import difflib
import re
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from site_builder.config.schema import DAYS, VARIABLE_PATTERN, pattern_help
from site_builder.errors import CourseError, Problem

M = TypeVar("M", bound=BaseModel)
Lines = dict[tuple[Any, ...], int]
MAX_BYTES = 2_000_000  # a module is a few KB; a multi-MB file is a mistake (or an attack)
MAX_DEPTH = 50  # a program file nests about 6 levels
MAX_VALUES = 50_000  # values once aliases are expanded; the default program has about 1,500
_TIMESTAMP = "tag:yaml.org,2002:timestamp"


class _Stop(Exception):
    """A bound was reached: the message, the fix and the YAML mark of the node."""

    def __init__(self, message: str, fix: str, mark: yaml.Mark | None) -> None:
        super().__init__(message)
        self.message, self.fix, self.mark = message, fix, mark


class _Loader(yaml.SafeLoader):
    """PyYAML's safe loader with bounded nesting, and dates left as text for the schema to read."""

    yaml_implicit_resolvers = {  # noqa: RUF012 (PyYAML's class attribute)
        first: [(tag, pattern) for tag, pattern in resolvers if tag != _TIMESTAMP]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.depth = 0

    def compose_node(self, parent: Any, index: Any) -> yaml.Node:
        self.depth += 1
        try:
            if self.depth > MAX_DEPTH:
                raise _Stop(f"the YAML is nested more than {MAX_DEPTH} levels deep.",
                            "a program or module needs only a few levels: check the brackets and "
                            "the indentation.", self.peek_event().start_mark)
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        try:
            return super().construct_object(node, deep=deep)
        except (ValueError, OverflowError) as e:  # int('9' * 5000), !!timestamp 2027-13-01
            raise yaml.constructor.ConstructorError(None, None, f"value: {e}",
                                                    node.start_mark) from None


def read_text(path: Path, name: str) -> str:
    """Return the file's text, or raise CourseError if it is missing, empty or not UTF-8."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise CourseError(Problem(name, "the file does not exist.", fix="check the path.")) from None
    except OSError as e:
        raise CourseError(Problem(name, f"the file cannot be read ({e.strerror}).",
                                  fix="check that the file exists and that you may read it."))\
            from None
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
    loader = None
    try:
        loader = _Loader(text)
        node = loader.get_single_node()
        if node is not None:
            _measure(node)
        data = loader.construct_document(node) if node is not None else None
    except _Stop as e:
        line = e.mark.line + first_line if e.mark else None
        raise CourseError(Problem(name, e.message, line=line, fix=e.fix)) from None
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        message, fix = yaml_message(e)
        raise CourseError(Problem(name, message, line=mark.line + first_line if mark else None,
                                  fix=fix)) from None
    except yaml.reader.ReaderError as e:
        line = text[: e.position].count("\n") + first_line
        raise CourseError(Problem(name, f"the YAML cannot be read: it holds the invisible control "
                                  f"character {_code_point(e.character)}.", line=line,
                                  fix="retype the line, or delete the character in an editor "
                                  "that shows hidden characters.")) from None
    except yaml.YAMLError:
        raise CourseError(Problem(name, "the YAML cannot be read.", fix=_GENERIC_FIX)) from None
    finally:
        if loader is not None:
            loader.dispose()
    lines: Lines = {}
    problems: list[Problem] = []
    if node is not None:
        _collect_lines(node, (), lines, problems, name, first_line)
    if problems:
        raise CourseError(problems)
    return data, lines


def _code_point(character: Any) -> str:
    return f"U+{character:04X}" if isinstance(character, int) else f"U+{ord(character):04X}"


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [n for pair in node.value for n in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


def _measure(root: yaml.Node) -> None:
    """Raise _Stop if the data, with every alias expanded, is too large, too deep or endless."""
    size: dict[int, int] = {}
    depth: dict[int, int] = {}
    open_nodes: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:  # depth-first, without recursion: aliases can chain thousands of levels
        node, done = stack.pop()
        key = id(node)
        if done:
            open_nodes.discard(key)
            children = _children(node)
            size[key] = 1 + sum(size[id(c)] for c in children)
            depth[key] = 1 + max((depth[id(c)] for c in children), default=0)
            if size[key] > MAX_VALUES:
                raise _Stop(f"the aliases ('*name') here expand to more than {MAX_VALUES:,} "
                            "values.", "write the values out, or use fewer aliases: each alias "
                            "copies everything under its anchor ('&name').", node.start_mark)
            if depth[key] > MAX_DEPTH:
                raise _Stop(f"the aliases ('*name') here nest the YAML more than {MAX_DEPTH} "
                            "levels deep.", "write the values out instead of pointing aliases "
                            "at values that hold aliases.", node.start_mark)
            continue
        if key in size:
            continue
        open_nodes.add(key)
        stack.append((node, True))
        for child in _children(node):
            if id(child) in open_nodes:
                raise _Stop("an alias ('*name') here points at a value that holds the alias "
                            "itself.", "point the alias at a value defined above it, outside "
                            "its own anchor ('&name').", node.start_mark)
            if id(child) not in size:
                stack.append((child, False))


_GENERIC_FIX = "check the indentation and the quotes on this line and the line above."
# PyYAML's problem (a regular expression) -> what is wrong in plain words, and the fix.
_YAML_PROBLEMS: list[tuple[str, str, str]] = [
    (r"'\\t'|tab character", "a tab is used where YAML needs spaces",
     "indent with spaces, not tabs."),
    (r"mapping values are not allowed", "there is a ': ' where YAML does not expect one",
     "put quotes around text that contains a colon (': ')."),
    (r"could not find expected ':'", "a line has no ':' after its key, or a quote is not closed",
     "write 'key: value' on each line and close every quote."),
    (r"found unexpected end of stream", "a quote is not closed",
     "end the quoted text with the same quote it starts with."),
    (r"unknown escape character", "a backslash ('\\') in double quotes starts an unknown code",
     "use single quotes, or write two backslashes ('\\\\')."),
    (r"expected ',' or '\]'", "a list in '[ ]' is not closed properly",
     "end the list with ']' and put a comma between its items."),
    (r"expected ',' or '\}'", "a group in '{ }' is not closed properly",
     "end it with '}' and put a comma between its 'key: value' pairs."),
    (r"expected <block end>|did not find expected key|did not find expected '-'",
     "the indentation does not line up with the lines above",
     "indent the items of one list or group by the same number of spaces."),
    (r"found undefined alias", "an alias ('*name') points at an anchor ('&name') that is not "
     "defined above it", "define the anchor first, or put the value in quotes if it starts "
     "with '*'."),
    (r"found duplicate anchor", "the same anchor ('&name') is defined twice",
     "give each anchor its own name."),
    (r"expected alphabetic or numeric character", "an '&' or '*' is not followed by a name",
     "put the value in quotes if it starts with '&' or '*'."),
    (r"expected a single document|but found another document",
     "the file holds more than one YAML document (a second '---' line)",
     "remove the extra '---' line."),
    (r"could not determine a constructor", "it uses a tag ('!name') that the course does not read",
     "remove the '!' and what follows it, or put the value in quotes."),
    (r"unhashable key", "a key is a list or a group", "use plain text as keys."),
    (r"expected a mapping|expected a mapping or list of mappings for merging",
     "a merge ('<<:') needs a group of 'key: value' lines", "point it at a '&name' group."),
    (r"value: ", "a value cannot be read as the number or date it looks like",
     "put the value in quotes."),
    (r"cannot start any token", "a character here cannot start a value",
     "put the value in quotes."),
    (r"expected a comment or a line break", "there is text after a value on this line",
     "put the whole value in quotes."),
    (r"did not find expected node content|expected the node content",
     "a value is missing or starts with a character YAML does not accept",
     "put the value in quotes."),
    (r"directive", "a line starts with '%', which YAML reads as a directive",
     "put the value in quotes."),
]


def yaml_message(error: yaml.MarkedYAMLError) -> tuple[str, str]:
    """Return what is wrong in plain words and the fix, for a PyYAML error."""
    found = f"{error.problem or ''} {error.context or ''}"
    for pattern, what, fix in _YAML_PROBLEMS:
        if re.search(pattern, found):
            return f"the YAML cannot be read: {what}.", fix
    return "the YAML cannot be read here.", _GENERIC_FIX


def _collect_lines(node, path, lines, problems, name, first_line) -> None:
    lines[path] = node.start_mark.line + first_line
    if isinstance(node, yaml.MappingNode):
        seen: set[Any] = set()
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else id(key_node)
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
    """The field's name: its keys joined by dots (list positions are left out; the line says which)."""
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
