"""Module content safety: raw HTML is limited to an allow-list, and nothing may load from the
network or reach outside the project."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import PurePosixPath

from .errors import Problem

ALLOWED_TAGS = {
    "a", "abbr", "b", "br", "caption", "code", "dd", "del", "details", "div", "dl", "dt", "em",
    "figcaption", "figure", "h2", "h3", "h4", "hr", "i", "img", "ins", "kbd", "li", "mark", "ol",
    "p", "pre", "q", "s", "small", "span", "strong", "sub", "summary", "sup", "table", "tbody",
    "td", "tfoot", "th", "thead", "tr", "u", "ul",
}
ALLOWED_ATTRIBUTES = {"alt", "class", "colspan", "height", "href", "id", "lang", "markdown",
                      "open", "rowspan", "scope", "src", "title", "width"}
_MD_TARGET = re.compile(r"!?\[[^\]]*\]\(\s*<?([^)\s>]+)")
_REMOTE = re.compile(r"^(?:[a-z][a-z0-9+.-]*:)?//|^(?:https?|ftp):", re.I)
_SAFE_SCHEMES = ("tel:", "mailto:", "sms:", "#")


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag, attrs) -> None:
        self.found.append((tag, attrs))

    handle_startendtag = handle_starttag


def content_problems(text: str, name: str, first_line: int) -> list[Problem]:
    """Return a Problem for each unsafe tag, attribute or address in a module body."""
    problems: list[Problem] = []
    fence = False
    for offset, line in enumerate(text.splitlines()):
        number = first_line + offset
        if line.lstrip().startswith(("```", "~~~")):
            fence = not fence
        if fence or line.startswith("    "):
            continue
        problems += _html_problems(line, name, number)
        for target in _MD_TARGET.findall(line):
            problems += _address_problems(target, line.lstrip().startswith("!") or "![" in line,
                                          name, number)
    return problems


def _html_problems(line: str, name: str, number: int) -> list[Problem]:
    if "<" not in line:
        return []
    parser = _Tags()
    parser.feed(line)
    parser.close()
    problems = []
    for tag, attrs in parser.found:
        if tag not in ALLOWED_TAGS:
            problems.append(Problem(name, f"the HTML tag <{tag}> is not allowed in a module.",
                                    line=number, fix="use Markdown instead; allowed HTML tags are "
                                    "listed under 'Writing a module' in the README."))
            continue
        for attr, value in attrs:
            if attr.startswith("on") or attr not in ALLOWED_ATTRIBUTES:
                problems.append(Problem(name, f"the attribute '{attr}' on <{tag}> is not allowed "
                                        "in a module.", line=number,
                                        fix="remove it: modules cannot run scripts or set styles."))
            elif attr in ("href", "src") and value:
                problems += _address_problems(value, attr == "src", name, number)
    return problems


def _address_problems(target: str, loads: bool, name: str, number: int) -> list[Problem]:
    lowered = target.strip().lower()
    if lowered.startswith(("javascript:", "data:text/html", "vbscript:")):
        return [Problem(name, f"the address '{target}' runs code.", line=number,
                        fix="link to a page or a file instead.")]
    if _REMOTE.match(lowered) and loads:
        return [Problem(name, f"the image '{target}' would be loaded from another website.",
                        line=number, fix="download the image into the project (for example "
                        "docs/assets/) and link to that copy: the site makes no requests to "
                        "other websites, so readers cannot be tracked.")]
    if lowered.startswith(_SAFE_SCHEMES) or _REMOTE.match(lowered):
        return []
    depth = 0
    for part in PurePosixPath(target.split("#")[0]).parts:
        depth += -1 if part == ".." else (0 if part in (".", "/") else 1)
        if depth < -3 or target.startswith("/"):
            return [Problem(name, f"the address '{target}' points outside the project folder.",
                            line=number, fix="use a path inside the project, relative to the page.")]
    return []
