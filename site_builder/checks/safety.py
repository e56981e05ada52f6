"""Module safety: the HTML a module renders to is held against an allow-list.

Modules are untrusted input: programs share them. What Markdown renders depends on context (raw
HTML over several lines, HTML in a list item, a reference-style image defined elsewhere), so each
part is rendered with the course's one Markdown configuration (`markup/config.py`), as the site
and the PDFs render it, and the HTML is parsed the way a browser parses it (Lexbor, a WHATWG
parser, through selectolax). Every element, attribute and address must be on the allow-list:
nothing may run a script, load anything from another website or reach outside the project.
Links to websites are fine. Each finding is mapped back to the module line it comes from.
"""

from __future__ import annotations

import functools
import re
import secrets
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Any

from selectolax.lexbor import LexborHTMLParser, LexborNode

from site_builder.errors import Problem
from site_builder.markup.config import render
from site_builder.markup.text import shift_headings
from site_builder.structure.course import Part

if TYPE_CHECKING:
    from site_builder.structure.course import Course, Module

ALLOWED_TAGS = frozenset({
    "a", "abbr", "b", "blockquote", "br", "caption", "code", "dd", "del", "details", "div", "dl",
    "dt", "em", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img",
    "input", "ins", "kbd", "label", "li", "mark", "ol", "p", "pre", "q", "s", "small", "span",
    "strong", "sub", "summary", "sup", "table", "tbody", "td", "textarea", "tfoot", "th", "thead",
    "tr", "u", "ul",
})
GLOBAL_ATTRIBUTES = frozenset({"class", "id", "title", "lang", "dir", "markdown", "aria-label",
                               "aria-describedby", "aria-hidden"})
TAG_ATTRIBUTES: dict[str, frozenset[str]] = {
    "a": frozenset({"href"}),
    "img": frozenset({"src", "alt", "width", "height"}),
    "ol": frozenset({"start"}),
    "details": frozenset({"open"}),
    "td": frozenset({"colspan", "rowspan", "style"}),
    "th": frozenset({"colspan", "rowspan", "scope", "style"}),
    "label": frozenset({"for"}),
    "input": frozenset({"type", "name", "inputmode", "size"}),   # worksheet fields
    "textarea": frozenset({"name", "rows", "style"}),
}
# Attributes allowed only with these values (what the tables and worksheet extensions write).
_VALUES: dict[tuple[str, str], re.Pattern[str]] = {
    ("td", "style"): re.compile(r"text-align:\s*(left|right|center);?"),
    ("th", "style"): re.compile(r"text-align:\s*(left|right|center);?"),
    ("textarea", "style"): re.compile(r"--rows:\s*\d{1,2};?"),
    ("input", "type"): re.compile(r"text|checkbox"),
    ("input", "inputmode"): re.compile(r"numeric"),
}
_LINK_SCHEMES = ("http", "https", "mailto", "tel", "sms")
_CODE_SCHEMES = ("javascript", "vbscript")
_END = f"site-builder-end-{secrets.token_hex(6)}"  # marks the end of a part: is everything closed?
_WRAP = "<!DOCTYPE html><html><head></head><body>"
_TAG_FIX = ("use Markdown instead; the HTML tags a module can use are listed under 'Writing a "
            "module' in the README.")
_ATTRIBUTE_FIX = "remove it: modules cannot run scripts or set styles."
_REMOTE_FIX = ("download the image into the project (for example docs/assets/) and link to that "
               "copy: the site makes no requests to other websites, so readers cannot be tracked.")


@dataclass(frozen=True)
class Finding:
    """Something in rendered HTML that a module may not contain."""

    message: str
    fix: str
    hint: str = ""  # text the module line behind the finding contains, when it can be told


# --- Rendered HTML ------------------------------------------------------------------------------


def html_findings(html: str) -> tuple[Finding, ...]:
    """Return what a piece of HTML holds that a module may not: parsed as a browser parses it."""
    tree = LexborHTMLParser(f'{_WRAP}{html}<span id="{_END}"></span>')
    wrappers = [node for node in (tree.root, tree.head, tree.body) if node is not None]
    found: list[Finding] = []
    for wrapper in wrappers:  # the wrapper has no attributes: any came from the module
        found += [_attribute(wrapper.tag, name.lower(), "") for name in wrapper.attributes]
    stack = [node for wrapper in wrappers for node in _children(wrapper)
             if node.tag not in ("head", "body")]
    while stack:
        node = stack.pop()
        tag = node.tag.lower()
        if tag == "-comment" or node.attributes.get("id") == _END:
            continue
        if tag not in ALLOWED_TAGS:
            found.append(Finding(f"the HTML tag <{tag}> is not allowed in a module.", _TAG_FIX,
                                 f"<{tag}"))
            continue  # what is inside a refused element does not matter
        found += [f for name, value in node.attributes.items()
                  if (f := _attribute_finding(tag, name.lower(), value or ""))]
        stack.extend(_children(node))
    unclosed = _unclosed(tree.body)
    return tuple(dict.fromkeys([*found, *([unclosed] if unclosed else [])]))


def _children(node: LexborNode) -> list[LexborNode]:
    """Return the elements and comments directly inside a node."""
    return list(node.iter(include_text=False))


def _attribute_finding(tag: str, name: str, value: str) -> Finding | None:
    if name.startswith("on") or name not in GLOBAL_ATTRIBUTES | TAG_ATTRIBUTES.get(tag, set()):
        return _attribute(tag, name, value)
    pattern = _VALUES.get((tag, name))
    if pattern and not pattern.fullmatch(value.strip()):
        return Finding(f"the value '{_short(value)}' of the attribute '{name}' on <{tag}> is not "
                       "allowed in a module.", _ATTRIBUTE_FIX, value)
    if name in ("href", "src"):
        return address_finding(value, loads=name == "src")
    return None


def _attribute(tag: str, name: str, value: str) -> Finding:
    return Finding(f"the attribute '{name}' on <{tag}> is not allowed in a module.",
                   _ATTRIBUTE_FIX, name)


def address_finding(address: str, *, loads: bool) -> Finding | None:
    """Return why an address cannot be used in a module (`loads`: an image), or None."""
    # Read the address as a browser does: tabs and newlines dropped, '\' taken as '/'.
    url = re.sub(r"[\t\n\r]", "", address).strip("\x00\x01\x02\x03\x04\x05\x06\x07\x08\x0b\x0c"
                                                   "\x0e\x0f\x10\x11\x12\x13\x14\x15\x16\x17\x18"
                                                   "\x19\x1a\x1b\x1c\x1d\x1e\x1f ")
    url = url.replace("\\", "/")
    shown = _short(address.strip())
    scheme = re.match(r"([a-zA-Z][a-zA-Z0-9+.-]*):", url)
    remote = url.startswith("//") or (scheme and scheme[1].lower() in ("http", "https"))
    if scheme and scheme[1].lower() in _CODE_SCHEMES:
        return Finding(f"the address '{shown}' runs code.", "link to a page or a file instead.",
                       address.strip())
    if loads and remote:
        return Finding(f"the image '{shown}' would be loaded from another website.", _REMOTE_FIX,
                       address.strip())
    if loads and scheme:
        return Finding(f"the image '{shown}' is not a file in the project.", "put the image file "
                       "in the project and use its path relative to the page, such as "
                       "'images/photo.png'.", address.strip())
    if scheme and scheme[1].lower() not in _LINK_SCHEMES:
        return Finding(f"the link '{shown}' is not a web, email or phone address.", "use an "
                       "address that starts with https://, mailto: or tel:, or a path inside the "
                       "project.", address.strip())
    if scheme or remote:
        return None
    depth = 0
    for part in PurePosixPath(url.split("#")[0].split("?")[0]).parts:
        depth += -1 if part == ".." else (0 if part in (".", "/") else 1)
        if depth < -3 or url.startswith("/"):
            return Finding(f"the address '{shown}' points outside the project folder.",
                           "use a path inside the project, relative to the page.", address.strip())
    return None


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= 60 else text[:57] + "..."


def _unclosed(body: LexborNode | None) -> Finding | None:
    """Return a finding when the HTML leaves an element or a comment open at its end."""
    children = _children(body) if body is not None else []
    last = children[-1] if children else None
    if last is not None and last.tag == "span" and last.attributes.get("id") == _END:
        return None
    if last is None or last.tag == "-comment":
        return Finding("a comment ('<!--') is not closed.", "end the comment with '-->'.", "<!--")
    tag = last.tag.lower()
    return Finding(f"the HTML tag <{tag}> is not closed.", f"add '</{tag}>' where it ends, in the "
                   "same part of the module.", f"<{tag}")


def _too_deep() -> Finding:
    return Finding("the text is nested too deeply to be shown (many '>', '*', '[' or list levels "
                   "in a row).", "write it as plain paragraphs and short lists.")


# --- Module Markdown ----------------------------------------------------------------------------


@functools.lru_cache(maxsize=8192)
def markdown_findings(text: str, *, prefix: str = "") -> tuple[Finding, ...]:
    """Return the findings in the HTML that module Markdown renders to (cached by text)."""
    try:
        html = render(text, prefix=prefix)
    except RecursionError:
        return (_too_deep(),)
    return html_findings(html)


@dataclass(frozen=True)
class _Document:
    """Markdown rendered as one piece, as the site or the PDFs render it."""

    text: str
    where: tuple[int, ...]  # the file line of each line of the text
    prefix: str = ""

    @property
    def lines(self) -> list[str]:
        return self.text.split("\n")

    def findings(self, count: int | None = None) -> tuple[Finding, ...]:
        """Return the findings of the whole text, or of its first `count` lines."""
        text = self.text if count is None else "\n".join(self.lines[:count])
        return markdown_findings(text, prefix=self.prefix)

    def line_of(self, finding: Finding) -> int:
        """Return the file line behind a finding: where it first appears, refined by its hint."""
        lines = self.lines
        low, high = 1, len(lines)
        while low < high:  # the shortest start of the document that shows the finding
            middle = (low + high) // 2
            if finding in self.findings(middle):
                high = middle
            else:
                low = middle + 1
        index = low - 1
        hint = finding.hint.lower()
        if hint:
            index = next((i for i in range(index, -1, -1) if hint in lines[i].lower()), index)
        return self.where[min(index, len(self.where) - 1)] if self.where else 1


def _document(*parts: Part, prefix: str = "", shift: bool = False) -> _Document:
    """Join parts as a page does (a blank line between them); the last one's headings shifted."""
    lines: list[str] = []
    where: list[int] = []
    for number, part in enumerate(parts, 1):
        text = shift_headings(part.text) if shift and number == len(parts) else part.text
        if lines:
            lines.append("")
            where.append(where[-1])
        lines += text.split("\n")
        where += [part.line(i) for i in range(text.count("\n") + 1)]
    return _Document("\n".join(lines), tuple(where), prefix)


def check_parts(name: str, *, reading: Part, worksheet: Part, guide: Part,
                key_points: Sequence[Part] = (), code: str = "") -> list[Problem]:
    """Return a Problem for each finding in the HTML of a module's parts, site and print alike."""
    documents = [
        _document(reading, worksheet, shift=True),        # the client page: reading + worksheet
        _document(worksheet, prefix=code, shift=True),    # the printed handout's worksheet
        _document(guide),                                 # the guide page and the printed guide
        *[_document(point) for point in key_points],      # the printed key points
    ]
    problems: dict[tuple[int, str], Problem] = {}
    for document in documents:
        for finding in document.findings():
            line = document.line_of(finding)
            problems.setdefault((line, finding.message),
                                Problem(name, finding.message, line=line, fix=finding.fix))
    return [problems[key] for key in sorted(problems)]


def module_problems(module: Module, name: str) -> list[Problem]:
    """Return a Problem for each unsafe thing in a module: its front matter and its parts as
    they will be shown (variables filled in), site and print alike."""
    parts = module.parts
    points = [parts[k] for k in sorted(parts) if k.startswith("key_point:")]
    problems = check_parts(name, reading=parts["reading"], worksheet=parts["worksheet"],
                           guide=parts["guide"], key_points=points, code=module.meta.code)
    return problems + front_matter_problems(module.meta.model_dump(), name, module.meta_lines)


def course_problems(course: Course) -> list[Problem]:
    """The safety pass: every module the course loaded (and each translation), once."""
    problems: list[Problem] = []
    for module in course.modules.values():
        problems += module_problems(module, _name(module, course.root))
    return problems


def _name(module: Module, root) -> str:
    try:
        return module.path.resolve().relative_to(root.resolve()).as_posix()
    except (ValueError, AttributeError):
        return module.path.name


def front_matter_problems(meta: dict[str, Any], name: str,
                          lines: dict[tuple[Any, ...], int]) -> list[Problem]:
    """Return a Problem for each front-matter text that would put unsafe HTML on a page.

    The pages use these texts as Markdown, and the print templates put them in HTML as they are.
    """
    from site_builder.utils.yaml import line_of

    problems: list[Problem] = []
    for path, text in _texts(meta, ()):
        findings: tuple[Finding, ...] = ()
        if path[0] == "sources" and path[-1] == "url":
            findings = tuple(f for f in [address_finding(text, loads=False)] if f)
        elif "<" in text:
            findings = html_findings(text) + markdown_findings(text)
        elif any(c in text for c in "[{"):  # a link, an image or an attribute list
            findings = markdown_findings(text)
        line = line_of(lines, path)
        problems += [Problem(name, f.message, line=line, fix=f.fix)
                     for f in dict.fromkeys(findings)]
    return problems


def _texts(value: Any, path: tuple[Any, ...]) -> Iterator[tuple[tuple[Any, ...], str]]:
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _texts(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _texts(item, (*path, index))
