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

from site_builder.utils.paths import display_name

if TYPE_CHECKING:
    from site_builder.structure.course import Course, Module

DATA = Path(__file__).parent.parent / "data"
_BLOCK_END = re.compile(r"</(p|li|h[1-6]|td|th|label|dt|dd|blockquote)>", re.I)
_FIELD = re.compile(r"\[\[(?:write|line|scale)[^:\]]*:\s*(.*?)\]\]")


@dataclass(frozen=True)
class Limits:
    """The configured reading-level limits for client text."""

    max_grade: float = 7
    max_smog: float = 9
    min_ease: float = 65  # Fernández-Huerta, for Spanish: higher is easier


@dataclass(frozen=True)
class Readability:
    """Reading level of one piece of client-facing text.

    English: Flesch-Kincaid grade and SMOG. Spanish: Fernández-Huerta ease and Szigriszt-Pazos.
    """

    name: str
    words: int
    grade: float | None = None
    smog: float | None = None
    ease: float | None = None
    szigriszt: float | None = None

    def too_hard(self, limits: Limits) -> bool:
        if self.grade is None and self.ease is None:
            return False
        if self.ease is not None:
            return self.ease < limits.min_ease
        return self.grade > limits.max_grade or self.smog > limits.max_smog

    def describe(self) -> str:
        if self.grade is None and self.ease is None:
            return "not measured"
        if self.ease is not None:
            return f"Fernández-Huerta {self.ease}, Szigriszt-Pazos {self.szigriszt}"
        return f"grade {self.grade} (SMOG {self.smog})"

    @staticmethod
    def limit_text(limits: Limits, language: str) -> str:
        if language == "es":
            return f"Fernández-Huerta {limits.min_ease} or more"
        return f"grade {limits.max_grade} (SMOG {limits.max_smog})"


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


_MEASURED: dict[str, Readability] = {}  # by a hash of (name, language, text): textstat is slow
_MEASURED_NEW = False


def load_measurements(path: Path) -> None:
    """Remember the reading levels measured by earlier builds (kept in the cache folder)."""
    import dataclasses
    import json

    if _MEASURED or not path.is_file():
        return
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        fields = {f.name for f in dataclasses.fields(Readability)}
        _MEASURED.update({key: Readability(**{k: v for k, v in value.items() if k in fields})
                          for key, value in data.items()})
    except (ValueError, TypeError, AttributeError):
        _MEASURED.clear()  # an old or damaged cache is measured again


def save_measurements(path: Path) -> None:
    """Keep the reading levels measured so far for the next build."""
    import dataclasses
    import json

    global _MEASURED_NEW
    if not _MEASURED_NEW:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".part")
    partial.write_text(json.dumps({k: dataclasses.asdict(v) for k, v in _MEASURED.items()}),
                       encoding="utf-8")
    partial.replace(path)
    _MEASURED_NEW = False


def readability(name: str, text: str, language: str = "en", *,
                markdown: bool = False) -> Readability:
    """Return the reading level of the text (or of Markdown's words) in its language, measured
    once for the same text."""
    import hashlib

    global _MEASURED_NEW
    key = hashlib.sha256(f"{name}\0{language}\0{markdown}\0{text}".encode()).hexdigest()[:24]
    if key not in _MEASURED:
        _MEASURED[key] = _measure(name, plain_text(text) if markdown else text, language)
        _MEASURED_NEW = True
    return _MEASURED[key]


def _measure(name: str, text: str, language: str) -> Readability:
    import textstat

    from site_builder.config.languages import LANGUAGES

    measure = LANGUAGES[language].readability
    if measure == "none":
        return Readability(name, len(text.split()))
    if measure == "ease":
        textstat.set_lang("es")
        return Readability(name, textstat.lexicon_count(text),
                           ease=round(textstat.fernandez_huerta(text), 1),
                           szigriszt=round(textstat.szigriszt_pazos(text), 1))
    textstat.set_lang("en_US")
    return Readability(name, textstat.lexicon_count(text),
                       grade=round(textstat.flesch_kincaid_grade(text), 1),
                       smog=round(textstat.smog_index(text), 1))


def module_readability(module: Module) -> dict[str, Readability]:
    """Return the reading level of the module's client page and its printed handout."""
    terms = "\n".join(f"- {t.term}: {t.meaning}" for t in module.meta.key_terms)
    page = "\n\n".join([module.reading, terms, module.worksheet])
    handout = "\n\n".join(["\n".join(f"- {p}" for p in module.key_points), module.worksheet])
    lang = module.language
    return {"page": readability("client page", page, lang, markdown=True),
            "handout": readability("handout", handout, lang, markdown=True),
            "guide": readability("facilitator guide", module.guide, lang, markdown=True)}


_SENTENCE = re.compile(r"[^.!?]*(?:[.!?]+|$)")


@dataclass(frozen=True)
class Term:
    """A person-first rule: words or a phrase to avoid, the words to use instead, and the
    sentence it applies in: only with `context` in the same sentence ("habit" near "drug"),
    never with `unless` in it."""

    pattern: re.Pattern[str]
    use: str
    context: re.Pattern[str] | None = None
    unless: re.Pattern[str] | None = None

    def matches(self, text: str) -> list[tuple[int, int, str]]:
        """Return (start, end, words) of what the rule finds in a line of text, judged sentence
        by sentence."""
        found = []
        for sentence in _SENTENCE.finditer(text):
            words = sentence[0]
            if not words.strip() or (self.context is not None and
                                     not self.context.search(words)):
                continue
            if self.unless is not None and self.unless.search(words):
                continue
            found += [(sentence.start() + m.start(), sentence.start() + m.end(), m[0])
                      for m in self.pattern.finditer(words)]
        return found

    @property
    def key(self) -> tuple:
        return tuple(p.pattern if p is not None else None
                     for p in (self.pattern, self.context, self.unless)) + (self.use,)


def load_terms(extra: list[dict[str, str]] | None = None,
               language: str = "en") -> list[Term]:
    """Return the person-first terms to avoid (the language's list, its `avoid:` entries in
    languages.yml, and `extra`)."""
    from site_builder.config.languages import LANGUAGES

    path = DATA / f"person-first-{language}.yml"
    data = _yaml_file(path) if path.is_file() else {"terms": []}
    terms = data["terms"] + list(LANGUAGES[language].avoid) + list(extra or [])
    return [Term(_words(t["pattern"]), t["use"],
                 _words(t["context"]) if t.get("context") else None,
                 _words(t["unless"]) if t.get("unless") else None) for t in terms]


def _words(pattern: str) -> re.Pattern[str]:
    """A case-insensitive pattern matched on word boundaries."""
    return re.compile(rf"\b(?:{pattern})\b", re.I)


def _yaml_file(path: Path) -> dict:
    """Return a data file's YAML, read once per version of the file."""
    stat = path.stat()
    key = (str(path), stat.st_mtime_ns, stat.st_size)
    if key not in _YAML_FILES:
        _YAML_FILES[key] = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return _YAML_FILES[key]


_YAML_FILES: dict[tuple, dict] = {}


_FOUND: dict[tuple, list[Finding]] = {}  # by module file version and terms: serve re-checks often


def person_first_findings(module: Module, name: str, terms: list[Term]) -> list[Finding]:
    """Return every stigmatizing term in the module's client-facing parts.

    A blockquote that starts with `> Quote:` is someone's own words and is not checked.
    """
    try:
        stat = module.path.stat()
        key = (str(module.path), stat.st_mtime_ns, stat.st_size, name, module.language,
               tuple(t.key for t in terms))
    except OSError:
        key = None
    if key is not None and key in _FOUND:
        return list(_FOUND[key])
    findings = _person_first_findings(module, name, terms)
    if key is not None:
        _FOUND[key] = findings
    return list(findings)


def _person_first_findings(module: Module, name: str, terms: list[Term]) -> list[Finding]:
    findings = []
    lines = module.source.splitlines()
    start = module.body_line - 1
    from site_builder.config.languages import LANGUAGES

    end = _line_of_part(lines, "# " + LANGUAGES[module.language].parts[2])
    in_quote = False
    for number, line in enumerate(lines[start:end], start + 1):
        stripped = line.strip()
        if stripped.startswith(">"):
            in_quote = in_quote or stripped[1:].strip().lower().startswith(("quote:", "cita:"))
        else:
            in_quote = False
        if in_quote or stripped.startswith("<!--"):
            continue
        taken: list[tuple[int, int]] = []  # a phrase found once is not found again inside it
        text = _FIELD.sub(r"\1", line)
        for term, (first, last, match) in sorted(
                ((t, m) for t in terms for m in t.matches(text)),
                key=lambda found: (found[1][0], found[1][0] - found[1][1])):
            if any(a <= first and last <= b for a, b in taken):
                continue
            taken.append((first, last))
            findings.append(Finding(name, number, f"'{match}' is a stigmatizing term.",
                                    f"say '{term.use}' instead (or, for someone's own words, "
                                    "put them in a blockquote that starts with '> Quote:' "
                                    "or '> Cita:')."))
    return findings


def glossary_rules(module: Module, root: Path) -> list[tuple[re.Pattern[str], str, str]]:
    """Return the glossary's rules for the module's language: (pattern, words to use, why).

    The glossary is `glossary.<language>.yml` beside the module, or in the library's modules/."""
    if module.language == "en":
        return []
    name = f"glossary.{module.language}.yml"
    for path in (module.path.parent / name, root / "modules" / name):
        if path.is_file():  # read bounded and checked, once per version (config/rules.py)
            return [(re.compile(rule.pattern, re.I), rule.use, rule.why)
                    for rule in _glossary(path, root)]
    return []


def _glossary(path: Path, root: Path):
    from site_builder.config.rules import read_glossary

    stat = path.stat()
    key = ("glossary", str(path), stat.st_mtime_ns, stat.st_size)
    if key not in _YAML_FILES:
        _YAML_FILES[key] = read_glossary(path, display_name(path, root))
    return _YAML_FILES[key]


def glossary_findings(module: Module, name: str,
                      rules: list[tuple[re.Pattern[str], str, str]]) -> list[Finding]:
    """Return every line of the module (front matter, reading, worksheet, guide) that goes
    against a glossary rule: one wording per term and per heading in every file."""
    findings = []
    for number, line in enumerate(module.source.splitlines(), 1):
        for pattern, use, why in rules:
            match = pattern.search(line)
            if match:
                findings.append(Finding(name, number, f"'{match[0].strip()}' goes against the "
                                        f"glossary ({why.rstrip('.')}).", f"write '{use}'."))
    return findings


def _line_of_part(lines: list[str], heading: str) -> int:
    for i, line in enumerate(lines):
        if line.strip() == heading:
            return i
    return len(lines)


def course_findings(course: Course, *, root: Path, limits: Limits) -> list[Finding]:
    """Return every person-first and reading-level finding in the modules the course uses."""
    used = {s.module.id: s.module for s in course.sessions}
    return [finding for module in used.values()
            for finding in module_findings(module, root=root, limits=limits)]


def module_findings(module: Module, *, root: Path, limits: Limits) -> list[Finding]:
    """Return the person-first and reading-level findings of one module."""
    name = _relative(module.path, root)
    findings = person_first_findings(module, name, load_terms(language=module.language))
    findings += glossary_findings(module, name, glossary_rules(module, root))
    for part, level in module_readability(module).items():
        if part != "guide" and level.too_hard(limits):
            findings.append(Finding(
                name, module.body_line, f"the {level.name} reads at {level.describe()}; the "
                f"limit is {Readability.limit_text(limits, module.language)}.",
                "use shorter sentences and everyday words; split long paragraphs."))
    return findings


def check_content(course: Course, *, root: Path, limits: Limits) -> None:
    """Raise CourseError listing every content finding (the build stops on any)."""
    from site_builder.errors import CourseError, Problem

    findings = course_findings(course, root=root, limits=limits)
    if findings:
        raise CourseError([Problem(f.file, f.message, line=f.line, fix=f.fix) for f in findings])


def reading_levels(course: Course) -> dict[str, dict[str, Readability]]:
    """Return the reading levels of every module the course uses, by module id."""
    return {s.module.id: module_readability(s.module) for s in course.sessions}


def _relative(path: Path, root: Path) -> str:
    return display_name(path, root)  # never an absolute path of the machine
