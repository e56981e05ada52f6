"""Group progress notes: the interventions of a session, one sentence per timed step.

Every client's note after a group repeats the same group-level facts (program, session, date,
goals, what was taught). The note templates (`print/note.html.j2`, `note.md.j2`) write them out
from the course; this module gives them the one thing the course does not hold ready-made: what
the facilitator did in each step, in a sentence, from the facilitator guide. The headings of each
note format (DAP, BIRP) are interface words, in `_note_sections.j2`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from site_builder.config.languages import LANGUAGES
from site_builder.markup.text import STEP_HEADING as _STEP

if TYPE_CHECKING:
    from site_builder.structure.course import Module

_SENTENCE_END = re.compile(r"(?<!\b\d)[.!?][\"'”’)]*(?=\s+[\"“¿¡(]?[A-ZÁÉÍÓÚÑ0-9])")
_LIST_MARK = re.compile(r"^(\d+[.)]|[-*+>])\s+")
_INLINE = [
    (re.compile(r"!?\[([^\]]*)\]\([^)]*\)"), r"\1"),  # links and images: their text
    (re.compile(r"`([^`]*)`"), r"\1"),
    (re.compile(r"(\*\*|__)(.+?)\1"), r"\2"),
    (re.compile(r"(?<![\w*])[*_](?!\s)(.+?)(?<!\s)[*_](?![\w*])"), r"\1"),
    (re.compile(r"<[^>]+>"), ""),
]


@dataclass(frozen=True)
class Intervention:
    """One timed step of the facilitator guide, as a progress note states it."""

    title: str
    minutes: int
    sentence: str


def interventions(module: Module) -> list[Intervention]:
    """Return each timed step of the module's guide with the first sentence of its text."""
    heading = LANGUAGES[module.language].steps if module.language in LANGUAGES else "steps"
    found: list[Intervention] = []
    in_steps = False
    text: list[str] = []
    for line in [*module.guide.splitlines(), "## "]:
        if line.startswith("## ") or (in_steps and _STEP.match(line.strip())):
            if found and not found[-1].sentence:
                found[-1] = Intervention(found[-1].title, found[-1].minutes,
                                         first_sentence(" ".join(text)))
            text = []
        if line.startswith("## "):
            in_steps = line[3:].strip().lower() == heading
        elif in_steps and (step := _STEP.match(line.strip())):
            found.append(Intervention(plain(step["title"]), int(step["min"]), ""))
        elif in_steps and found and line.strip() and not line.lstrip().startswith("#"):
            text.append(_LIST_MARK.sub("", line.strip()))
    return found


def first_sentence(text: str) -> str:
    """Return the first sentence of a paragraph of Markdown, as plain text."""
    text = plain(text)
    end = _SENTENCE_END.search(text)
    return text[:end.end()] if end else text


def plain(markdown: str) -> str:
    """Return inline Markdown as plain text (no emphasis marks, links as their text)."""
    for pattern, replacement in _INLINE:
        markdown = pattern.sub(replacement, markdown)
    return re.sub(r"\s+", " ", markdown).strip()
