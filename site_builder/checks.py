"""Content lints over a loaded course: reading level and person-first language. They return
findings; the plugin and the CLI decide what to do with them."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import markdown
import yaml

if TYPE_CHECKING:
    from .course import Course, Module

DATA = Path(__file__).parent / "data"
_BLOCK_END = re.compile(r"</(p|li|h[1-6]|td|th|label|dt|dd|blockquote)>", re.I)
_FIELD = re.compile(r"\[\[(?:write|line|scale)[^:\]]*:\s*(.*?)\]\]")


@dataclass(frozen=True)
class Readability:
    """Reading level of one piece of client-facing text."""

    name: str
    grade: float
    smog: float
    words: int

    def too_hard(self, max_grade: float, max_smog: float) -> bool:
        return self.grade > max_grade or self.smog > max_smog


@dataclass(frozen=True)
class Finding:
    """One problem in a file, with the line and the suggested fix."""

    file: str
    line: int
    message: str
    fix: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message} Fix: {self.fix}"


def plain_text(markdown_text: str) -> str:
    """Return the readable words of a Markdown part: each block ends as a sentence."""
    text = _FIELD.sub(r"\1", markdown_text).replace("[[blank]]", "")
    # Each list or checklist item is a sentence, even when the list follows a line directly.
    text = re.sub(r"^\s*(?:[-*+]|\d+\.)\s+(?:\[ \]\s+)?(.+)$", r"\n\n\1\n\n", text, flags=re.M)
    rendered = markdown.markdown(text, extensions=["tables", "attr_list"])
    rendered = _BLOCK_END.sub(lambda m: f". </{m[1]}>", rendered)
    words = html.unescape(re.sub(r"<[^>]+>", " ", rendered))
    words = re.sub(r"([.!?:;])\s*\.", r"\1", words)
    return re.sub(r"\s+", " ", words).strip()


def readability(name: str, text: str) -> Readability:
    """Return Flesch-Kincaid grade and SMOG of the text (textstat; US English)."""
    import textstat

    textstat.set_lang("en_US")
    return Readability(name, round(textstat.flesch_kincaid_grade(text), 1),
                       round(textstat.smog_index(text), 1), textstat.lexicon_count(text))


def module_readability(module: Module) -> dict[str, Readability]:
    """Return the reading level of the module's client page and its printed handout."""
    terms = "\n".join(f"- {t.term}: {t.meaning}" for t in module.meta.key_terms)
    page = "\n\n".join([module.reading, terms, module.worksheet])
    handout = "\n\n".join(["\n".join(f"- {p}" for p in module.key_points), module.worksheet])
    return {"page": readability("client page", plain_text(page)),
            "handout": readability("handout", plain_text(handout)),
            "guide": readability("facilitator guide", plain_text(module.guide))}


def load_terms(extra: list[dict[str, str]] | None = None) -> list[tuple[re.Pattern[str], str]]:
    """Return the person-first terms to avoid, as (compiled pattern, preferred words)."""
    data = yaml.safe_load((DATA / "person-first-en.yml").read_text(encoding="utf-8"))
    terms = data["terms"] + list(extra or [])
    return [(re.compile(rf"\b(?:{t['pattern']})\b", re.I), t["use"]) for t in terms]


def person_first_findings(module: Module, name: str,
                          terms: list[tuple[re.Pattern[str], str]]) -> list[Finding]:
    """Return every stigmatizing term in the module's client-facing parts.

    A blockquote that starts with `> Quote:` is someone's own words and is not checked.
    """
    findings = []
    lines = module.path.read_text(encoding="utf-8").splitlines()
    start = module.body_line - 1
    end = _line_of_part(lines, "# Facilitator guide")
    in_quote = False
    for number, line in enumerate(lines[start:end], start + 1):
        stripped = line.strip()
        if stripped.startswith(">"):
            in_quote = in_quote or stripped[1:].strip().lower().startswith("quote:")
        else:
            in_quote = False
        if in_quote or stripped.startswith("<!--"):
            continue
        for pattern, use in terms:
            for match in pattern.finditer(_FIELD.sub(r"\1", line)):
                findings.append(Finding(name, number, f"'{match[0]}' is a stigmatizing term.",
                                        f"say '{use}' instead (or, for someone's own words, "
                                        "put them in a blockquote that starts with '> Quote:')."))
    return findings


def _line_of_part(lines: list[str], heading: str) -> int:
    for i, line in enumerate(lines):
        if line.strip() == heading:
            return i
    return len(lines)


def course_findings(course: Course, *, root: Path, max_grade: float, max_smog: float,
                    extra_terms: list[dict[str, str]] | None = None) -> list[Finding]:
    """Return every person-first and reading-level finding in the modules the course uses."""
    terms = load_terms(extra_terms)
    used = {s.module.id: s.module for s in course.sessions}
    return [finding for module in used.values() for finding in module_findings(
        module, root=root, max_grade=max_grade, max_smog=max_smog, terms=terms)]


def module_findings(module: Module, *, root: Path, max_grade: float, max_smog: float,
                    terms: list[tuple[re.Pattern[str], str]] | None = None) -> list[Finding]:
    """Return the person-first and reading-level findings of one module."""
    name = _relative(module.path, root)
    findings = person_first_findings(module, name, terms or load_terms())
    for part, level in module_readability(module).items():
        if part != "guide" and level.too_hard(max_grade, max_smog):
            findings.append(Finding(
                name, module.body_line, f"the {level.name} reads at grade {level.grade} "
                f"(SMOG {level.smog}); the limit is grade {max_grade} (SMOG {max_smog}).",
                "use shorter sentences and everyday words; split long paragraphs."))
    return findings


def check_content(course: Course, *, root: Path, max_grade: float, max_smog: float) -> None:
    """Raise CourseError listing every content finding (the build stops on any)."""
    from .errors import CourseError, Problem

    findings = course_findings(course, root=root, max_grade=max_grade, max_smog=max_smog)
    if findings:
        raise CourseError([Problem(f.file, f.message, line=f.line, fix=f.fix) for f in findings])


def reading_levels(course: Course) -> dict[str, dict[str, Readability]]:
    """Return the reading levels of every module the course uses, by module id."""
    return {s.module.id: module_readability(s.module) for s in course.sessions}


def _relative(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(path)
