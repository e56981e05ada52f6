"""Clinical sign-off: which modules a program's clinical lead reviewed, and which changed since.

A program keeps `curriculum/NAME/reviews.yml` (in its own folder, beside `curriculum/NAME.yml`):
for each module, who reviewed it (name and role), when, and a fingerprint of the module as it was
reviewed. The fingerprint covers every file of the module the program shows (the module and its
translations into the program's languages), part by part (front matter, reading, worksheet,
facilitator guide), so a change can be told apart from a review and summed up by part.
`site-builder review` lists what needs review and prints the review sheets; `--sign` records a
review. With `require_review: true` in the program file, a module not reviewed (or changed since)
stops the build.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal

from pydantic import Field, StringConstraints, field_validator

from site_builder.config.messages import validate
from site_builder.config.schema import Date, Slug, Text, _Strict, course_error
from site_builder.errors import CourseError, Problem
from site_builder.markup.text import fenced, split_front_matter
from site_builder.structure.review_record import record_reviews
from site_builder.utils.paths import display_name
from site_builder.utils.yaml import line_of, parse_yaml, read_text

if TYPE_CHECKING:
    from site_builder.structure.course import Course, Module

REVIEWS_FILE = "reviews.yml"
PARTS = ("front matter", "reading", "worksheet", "guide")


class PastReview(_Strict):
    """One sign-off of a module: by whom, when, and the module as it was then."""

    reviewed_by: Text
    role: Text
    reviewed_on: Date
    fingerprint: str
    parts: dict[Annotated[str, StringConstraints(pattern=r"^[a-z]{2}$")],
                dict[Literal[PARTS], str]] = Field(default_factory=dict)

    @field_validator("fingerprint")
    @classmethod
    def _hexadecimal(cls, value: str) -> str:
        if not re.fullmatch(r"[0-9a-f]{16}", value):
            raise course_error(f"'{value}' is not a fingerprint that 'site-builder review' "
                               "wrote.", "do not write fingerprints by hand: record the review "
                               "again with 'site-builder review --sign ID --by NAME --role "
                               "ROLE'.", field=True)
        return value


class Review(PastReview):
    """A module's latest sign-off, and every one before it (`earlier:`, newest first)."""

    earlier: list[PastReview] = Field(default_factory=list)


class ReviewsFile(_Strict):
    """The program's `reviews.yml`."""

    modules: dict[Slug, Review] = Field(default_factory=dict)


@dataclass(frozen=True)
class Fingerprint:
    """A module as it is now: one hash, and a short hash of each part of each language."""

    value: str
    parts: dict[str, dict[str, str]]


@dataclass(frozen=True)
class ReviewStatus:
    """Where one module stands: 'reviewed', 'changed' (since its review) or 'never' reviewed."""

    module_id: str
    code: str
    title: str
    state: Literal["reviewed", "changed", "never"]
    fingerprint: Fingerprint
    review: Review | None = None
    changed: list[tuple[str, str]] = field(default_factory=list)
    """(language, part) of each part that differs from the review ('changed' only)."""
    line: int | None = None
    """The line of the module's entry in reviews.yml."""
    files: tuple[str, ...] = ()
    """The module's files the fingerprint covers, relative to the project."""

    @property
    def changes(self) -> str:
        """The diff summary: which parts changed, in which language ('reading (en), ...')."""
        names = {"guide": "facilitator guide"}
        return ", ".join(f"{names.get(part, part)} ({language})"
                         for language, part in self.changed) or "fingerprint only"


def reviews_path(course: Course) -> Path:
    """Return the program's reviews file: `curriculum/NAME/reviews.yml`."""
    program_dir = course.program_dir or Path("curriculum") / course.program_id
    return program_dir / REVIEWS_FILE


def _name(path: Path, course: Course) -> str:
    return display_name(path, Path(course.root or "."))  # never an absolute path


def load_reviews(course: Course) -> tuple[ReviewsFile, dict]:
    """Return the program's reviews and their line numbers (none yet: an empty file)."""
    path = reviews_path(course)
    if not path.is_file():
        return ReviewsFile(), {}
    name = _name(path, course)
    data, lines = parse_yaml(read_text(path, name), name)
    if data is None:
        return ReviewsFile(), {}
    return validate(ReviewsFile, data, lines, name), lines


def module_files(course: Course, module: Module) -> dict[str, Path]:
    """Return the files of a module that the program shows, by language ('en' first)."""
    path = module.path
    if module.language != "en":
        path = path.with_name(path.name.removesuffix(f".{module.language}.md") + ".md")
    files = {"en": path}
    curriculum = course.curriculum
    for language in dict.fromkeys([curriculum.language, *curriculum.translations]):
        translation = path.with_name(f"{path.stem}.{language}.md")
        if language != "en" and translation.is_file():
            files[language] = translation
    return files


def fingerprint(files: dict[str, Path], root: Path | None = None) -> Fingerprint:
    """Return the fingerprint of a module's files (line endings and end spaces aside)."""
    whole = hashlib.sha256()
    parts: dict[str, dict[str, str]] = {}
    for language, path in files.items():
        text = read_text(path, _relative(path, root)).replace("\r\n", "\n")
        parts[language] = {}
        for part, content in zip(PARTS, _split(text)):
            digest = hashlib.sha256(content.encode()).hexdigest()
            whole.update(f"{language}:{part}:{digest}\n".encode())
            parts[language][part] = digest[:8]
    return Fingerprint(whole.hexdigest()[:16], parts)


def _split(text: str) -> list[str]:
    """Return a module file's front matter and its three parts (split at level-1 headings)."""
    split = split_front_matter(text) if text.startswith("---") else None
    front, body = split or ("", text)
    parts, current = [front], None
    for line, fence in fenced(body.splitlines()):
        if not fence and re.match(r"^#\s", line):
            current = []
            parts.append(current)
        elif current is not None:
            current.append(line)
    texts = [parts[0].strip(), *("\n".join(p).strip() for p in parts[1:])]
    return (texts + [""] * len(PARTS))[:len(PARTS)]


def review_status(course: Course) -> dict[str, ReviewStatus]:
    """Return the review status of every module the program's sessions use, in course order."""
    reviews, lines = load_reviews(course)
    found: dict[str, ReviewStatus] = {}
    for session in course.sessions:
        module = session.module
        if module.id in found:
            continue
        files = module_files(course, module)
        now = fingerprint(files, course.root)
        review = reviews.modules.get(module.id)
        meta = {"module_id": module.id, "code": module.meta.code, "title": module.meta.title,
                "fingerprint": now, "review": review,
                "line": line_of(lines, ("modules", module.id)),
                "files": tuple(_name(path, course) for path in files.values())}
        if review is None:
            found[module.id] = ReviewStatus(state="never", **meta)
        elif review.fingerprint == now.value:
            found[module.id] = ReviewStatus(state="reviewed", **meta)
        else:
            found[module.id] = ReviewStatus(state="changed", changed=_changed(review, now),
                                            **meta)
    return found


def _changed(review: Review, now: Fingerprint) -> list[tuple[str, str]]:
    languages = list(dict.fromkeys([*now.parts, *review.parts]))
    return [(language, part) for language in languages for part in PARTS
            if now.parts.get(language, {}).get(part) != review.parts.get(language, {}).get(part)]


def require_review(course: Course) -> None:
    """Raise CourseError naming each module not reviewed, or changed since its review, when
    the program requires review (`require_review: true`)."""
    if not course.curriculum.require_review:
        return
    program = course.source_files[0] if course.source_files else reviews_path(course)
    where = _name(program, course)
    setting = line_of(course.program_lines, ("require_review",))
    reviews = _name(reviews_path(course), course)
    fix = ("have your clinical lead review it, then record the review: 'site-builder review "
           "--sign {id} --by NAME --role ROLE' (or set 'require_review: false').")
    problems = []
    for status in review_status(course).values():
        if status.state == "never":
            problems.append(Problem(where, f"the module '{status.module_id}' ({status.code}) has "
                                    "not been reviewed by this program, which requires review "
                                    "('require_review: true').", line=setting,
                                    fix=fix.format(id=status.module_id)))
        elif status.state == "changed":
            review = status.review
            problems.append(Problem(reviews, f"the module '{status.module_id}' ({status.code}) "
                                    f"changed since {review.reviewed_by} reviewed it on "
                                    f"{review.reviewed_on.isoformat()} ({status.changes}), and "
                                    "this "
                                    "program requires review ('require_review: true').",
                                    line=status.line, fix=fix.format(id=status.module_id)))
    if problems:
        raise CourseError(problems)


def sign(course: Course, module_ids: list[str], *, reviewed_by: str, role: str,
         date: dt.date | None = None) -> Path:
    """Record that `reviewed_by` reviewed the modules as they are now; return the reviews file."""
    statuses = review_status(course)
    unknown = [m for m in module_ids if m not in statuses]
    if unknown:
        raise CourseError(Problem(_name(reviews_path(course), course), f"the program has no "
                                  f"session with the module '{unknown[0]}'.",
                                  fix="use a module id from 'site-builder review' (the modules "
                                  "the program's sessions use)."))
    reviews, _ = load_reviews(course)
    entries = dict(reviews.modules)
    for module_id in module_ids:
        now = statuses[module_id].fingerprint
        entries[module_id] = Review(reviewed_by=reviewed_by, role=role,
                                    reviewed_on=date or dt.date.today(), fingerprint=now.value,
                                    parts=now.parts)
    path = reviews_path(course)
    record_reviews(path, {m: entries[m] for m in module_ids}, _HEADER)  # review_record.py
    return path


_HEADER = """\
# Clinical sign-off of the modules this program uses: who reviewed each module, when, and a
# fingerprint of the module (and its translations) as it was reviewed, part by part; the reviews
# before the latest stay under 'earlier:'. 'site-builder review' lists the modules to review;
# 'site-builder review --sign ID --by NAME --role ROLE' records a review (comments here are kept).
# Keep it with the program, in version control: it is the record an audit asks for.
"""


def _relative(path: Path, root: Path | None) -> str:
    return display_name(path, root or Path.cwd())  # never an absolute path
