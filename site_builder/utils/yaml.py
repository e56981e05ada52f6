"""Read YAML with line numbers, bounded, turning every failure into a Problem.

The reader is bounded: a file over `MAX_BYTES`, nesting deeper than `MAX_DEPTH` or aliases that
expand to more than `MAX_VALUES` values stop with our message before anything walks the data.
PyYAML keeps an alias as a second reference to the same object, so a few lines of nested aliases
stay small until code walks them; then every level multiplies (issue 14: 24 GB and a killed build).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from site_builder.errors import CourseError, Problem

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


_READ: dict[tuple, str] = {}  # the text of each version of a file: read once, however often asked


def read_text(path: Path, name: str) -> str:
    """Return the file's text, or raise CourseError if it is missing, empty or not UTF-8.

    Each version of a file (its size and modification time) is read from the disk once."""
    try:
        stat = path.stat()
    except OSError:
        return _read_text(path, name)
    key = (str(path.resolve()), stat.st_mtime_ns, stat.st_size)
    if key not in _READ:
        _READ[key] = _read_text(path, name)
    return _READ[key]


def _read_text(path: Path, name: str) -> str:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise CourseError(Problem(name, "the file does not exist.",
                                  fix="check the path.")) from None
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
    """Return the YAML data and a map from key paths to line numbers; raise CourseError on bad
    YAML."""
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
