"""Fence-aware helpers over the course's Markdown, written once: which lines are inside a code
fence, and headings moved down a level."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

import frontmatter

_FENCE = re.compile(r"^\s{0,3}(`{3,}|~{3,})")
# A timed step heading: '### Practice (30 min)', '### Role play (20 min, optional)'.
STEP_HEADING = re.compile(r"^###\s+(?P<title>.+?)\s*\((?P<min>\d+)\s*min(?:utes|utos)?"
                          r"(?P<optional>\s*[,;]\s*(?:optional|opcional))?\)\s*$", re.I)


def fenced(lines: Iterable[str]) -> Iterator[tuple[str, bool]]:
    """Yield each line with whether it is part of a fenced code block (its fence lines too).

    A fence is closed only by a fence of the same character at least as long as the one that
    opened it (CommonMark), so a '~~~' line inside a '```' block stays code."""
    opened = ""
    for line in lines:
        match = _FENCE.match(line)
        if match and not opened:
            opened = match[1]
            yield line, True
        elif match and match[1][0] == opened[0] and len(match[1]) >= len(opened) \
                and not line.strip()[len(match[1]):].strip():
            opened = ""
            yield line, True
        else:
            yield line, bool(opened)


def shift_headings(markdown: str, by: int = 1) -> str:
    """Return the Markdown with every ATX heading moved down `by` levels (## → ###)."""
    out = [("#" * by + line if not code and re.match(r"^#{1,5}\s", line) else line)
           for line, code in fenced(markdown.splitlines())]
    return "\n".join(out) + "\n"


def split_front_matter(text: str) -> tuple[str, str] | None:
    """Return (front matter, body) of a file that starts with a '---' block, or None when the
    block is not closed. The front matter keeps the newline after the opening '---'."""
    try:
        return frontmatter.YAMLHandler().split(text)
    except ValueError:
        return None
