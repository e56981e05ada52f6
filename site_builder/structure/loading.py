"""Read the curriculum, the crisis-line file and the modules into a validated Course."""

from __future__ import annotations

import re
from pathlib import Path

from site_builder.config.languages import (
    LANGUAGES,
    Language,
    language_of_file,
    register_project_languages,
)
from site_builder.config.messages import validate
from site_builder.config.schema import CrisisFile, Curriculum, ModuleMeta
from site_builder.errors import CourseError, Problem
from site_builder.markup.text import STEP_HEADING, fenced, split_front_matter
from site_builder.structure.course import Course, Module, Part, Step
from site_builder.structure.scheduling import place_meetings, weekly_hours
from site_builder.structure.sessions import make_sessions, variant_problems
from site_builder.structure.texts import localize_curriculum, localize_lines, main_text
from site_builder.structure.variables import apply_variables
from site_builder.utils.paths import display_name, inside
from site_builder.utils.yaml import line_of, parse_yaml, read_text

PARTS = ("Reading", "Worksheet", "Facilitator guide")
PART_KEYS = ("reading", "worksheet", "guide")
_STEP = STEP_HEADING  # '### Practice (30 min)', '### Role play (20 min, optional)'


def load_course(
    curriculum_file: Path, modules_dir: Path, crisis_file: Path, *, root: Path,
    language: str = "en",
) -> Course:
    """Load and cross-check everything; raise CourseError listing every problem found.

    For another language, each module's translation (`<id>.<lang>.md`) replaces it; a module
    without one stays in English and is listed in `Course.untranslated`.
    """
    problems: list[Problem] = []
    register_project_languages(root)
    curriculum, lines = _load_curriculum(curriculum_file, root)
    if language not in LANGUAGES:  # the program's language or one of its translations
        key = "language" if language == curriculum.language else "translations"
        raise CourseError(Problem(_name(curriculum_file, root), f"the language '{language}' "
                                  "is not known.", line=line_of(lines, (key,)),
                                  fix="use one of: " + ", ".join(sorted(LANGUAGES)) + ", or "
                                  "add it to languages.yml (see 'Adding a language')."))
    name = main_text(curriculum.program, curriculum.language)
    curriculum, warnings = localize_curriculum(curriculum, language, lines,
                                               _name(curriculum_file, root))
    crisis = _attempt(problems, lambda: _load_crisis(crisis_file, root, language, warnings))
    program_dir = curriculum_file.with_suffix("")
    modules, failed = _load_modules(modules_dir, root, problems)
    if (program_dir / "modules").is_dir():  # the program's own modules replace by id
        own, own_failed = _load_modules(program_dir / "modules", root, problems)
        modules = {**modules, **own}
        failed |= own_failed
    untranslated: list[str] = []
    if language != "en":
        modules, untranslated = _translate(modules, language, root, problems)
    modules = {k: _attempt(problems, lambda m=m: apply_variables(m, curriculum, curriculum_file,
                                                                 root)) or m
               for k, m in modules.items()}
    meetings = place_meetings(curriculum, lines, modules, failed,
                              _name(curriculum_file, root), problems)
    if curriculum.logo and not (program_dir.parent / curriculum.logo).is_file():
        problems.append(Problem(_name(curriculum_file, root), f"the logo file "
                                f"'{curriculum.logo}' does not exist.",
                                line=line_of(lines, ("logo",)),
                                fix="put the image next to the program file, or fix the path."))
    elif curriculum.logo and not inside(program_dir.parent / curriculum.logo, root):
        problems.append(Problem(_name(curriculum_file, root), f"the logo file "
                                f"'{curriculum.logo}' is outside the project.",
                                line=line_of(lines, ("logo",)), fix="put the image in the "
                                "project, next to the program file."))
    program_file = _name(curriculum_file, root)
    sessions = make_sessions(meetings, program_file=program_file, lines=lines,
                             problems=problems, warnings=warnings)
    if problems:
        raise CourseError(problems)
    lines_all = [*crisis.crisis_lines, *curriculum.crisis_lines]
    files = [curriculum_file, crisis_file, *(m.path for m in modules.values())]
    return Course(curriculum, modules, sessions, lines_all, files, meetings,
                  program_id=curriculum_file.stem, program_dir=program_dir, language=language,
                  untranslated=[m for m in untranslated if any(s.module.id == m
                                                               for s in sessions)], root=root,
                  warnings=warnings, program_file=program_file, program_lines=lines,
                  hours=weekly_hours(curriculum, meetings), program_name=name)


def _translate(modules: dict[str, Module], language: str, root: Path,
               problems: list[Problem]) -> tuple[dict[str, Module], list[str]]:
    """Swap each module for its translation; return the modules and the ids left in English."""
    translated, missing = {}, []
    used: dict[str, Path] = {}  # module id -> its translation file
    for module_id, module in modules.items():
        path = module.path.with_name(f"{module.path.stem}.{language}.md")
        if not path.is_file():
            translated[module_id] = module
            missing.append(module_id)
            continue
        other = _attempt(problems, lambda p=path: load_module(p, root))
        if other is not None and other.id != module_id:
            problems.append(Problem(_name(path, root), f"the translation has 'id: {other.id}', "
                                    f"but it translates '{module_id}'.", line=other.id_line,
                                    fix=f"set 'id: {module_id}'."))
        translated[module_id] = other or module
        used[module_id] = path
    problems += _unused_translations(modules, used, language, root)
    return translated, missing


def _unused_translations(modules: dict[str, Module], used: dict[str, Path], language: str,
                         root: Path) -> list[Problem]:
    """Return a Problem for each translation file that claims a module but is not its
    translation."""
    problems: list[Problem] = []
    taken = {p.resolve() for p in used.values()}
    for folder in sorted({m.path.parent for m in modules.values()}):
        for path in sorted(folder.glob(f"*.{language}.md")):
            other = None if path.resolve() in taken else _attempt(
                problems, lambda p=path: load_module(p, root))
            if other is None or other.id not in modules:
                continue
            if other.id in used:
                first = _name(used[other.id], root)
                problems.append(Problem(_name(path, root), f"the module '{other.id}' is already "
                                        f"translated by '{first}'.", line=other.id_line,
                                        fix=f"keep one translation of each module: move what you "
                                        f"need into '{first}' and delete this file."))
            else:
                problems.append(Problem(_name(path, root), f"this file translates '{other.id}', "
                                        f"but it is not named '{other.id}.{language}.md', so it "
                                        "is not used.", line=other.id_line,
                                        fix=f"rename it to '{other.id}.{language}.md'."))
    return problems


def _attempt(problems: list[Problem], load):
    try:
        return load()
    except CourseError as e:
        problems.extend(e.problems)
        return None


def _name(path: Path, root: Path) -> str:
    return display_name(path, root)  # never an absolute path of the machine


def read_curriculum(path: Path, root: Path) -> Curriculum:
    """Return a program file, validated (its texts in every language, as written)."""
    return _load_curriculum(path, root)[0]


def _load_curriculum(path: Path, root: Path) -> tuple[Curriculum, dict]:
    name = _name(path, root)
    data, lines = parse_yaml(read_text(path, name), name)
    curriculum = validate(Curriculum, data, lines, name)
    if not curriculum.min_weeks <= curriculum.weeks <= curriculum.max_weeks:
        raise CourseError(
            Problem(
                name,
                f"the course has {curriculum.weeks} weeks, but {curriculum.min_weeks} to "
                f"{curriculum.max_weeks} weeks are supported.",
                line=line_of(lines, ("weeks",)),
                fix=f"set 'weeks' to a number from {curriculum.min_weeks} to "
                f"{curriculum.max_weeks}, or set 'min_weeks' and 'max_weeks' for your program.",
            )
        )
    return curriculum, lines


def _load_crisis(path: Path, root: Path, language: str = "en",
                 warnings: list[Problem] | None = None) -> CrisisFile:
    name = _name(path, root)
    data, lines = parse_yaml(read_text(path, name), name)
    crisis = validate(CrisisFile, data, lines, name)
    found, fallbacks = localize_lines(crisis.crisis_lines, language, "en", lines, name)
    if warnings is not None:
        warnings.extend(fallbacks)
    return crisis.model_copy(update={"crisis_lines": found})


def _load_modules(modules_dir: Path, root: Path, problems: list[Problem]):
    """Return (the modules that loaded, the file stems that failed), adding to `problems`."""
    if not modules_dir.is_dir():
        problems.append(Problem(_name(modules_dir, root), "the modules folder does not exist.",
                                fix="create it or fix 'modules_dir' in mkdocs.yml."))
        return {}, set()
    modules: dict[str, Module] = {}
    codes: dict[str, str] = {}
    failed: set[str] = set()
    for path in sorted(modules_dir.glob("*.md")):
        if language_of_file(path.stem) != "en":
            continue  # translations are picked up by load_course for their language
        module = _attempt(problems, lambda p=path: load_module(p, root))
        if module is None:
            failed.add(path.stem)
            continue
        name = _name(path, root)
        if module.id in modules:
            problems.append(Problem(name, f"the module id '{module.id}' is already used by "
                                    f"'{_name(modules[module.id].path, root)}'.",
                                    line=module.id_line, fix="give each module its own id."))
            continue
        if module.meta.code in codes:
            problems.append(Problem(name, f"the handout code '{module.meta.code}' is already "
                                    f"used by module '{codes[module.meta.code]}'.",
                                    line=module.id_line, fix="give each module its own code."))
        modules[module.id] = module
        codes[module.meta.code] = module.id
    return modules, failed


_READ: dict[tuple, Module] = {}  # modules already read, by file and version (serve reloads often)


def load_module(path: Path, root: Path) -> Module:
    """Read one module file: validate its front matter and split its body into the three parts."""
    try:
        stat = path.stat()
    except OSError:
        return _read_module(path, root)
    key = (str(path.resolve()), str(root.resolve()), stat.st_mtime_ns, stat.st_size)
    if key not in _READ:
        _READ[key] = _read_module(path, root)
    return _READ[key]


def _read_module(path: Path, root: Path) -> Module:
    name = _name(path, root)
    register_project_languages(root)
    text = read_text(path, name)
    if not text.startswith("---"):
        raise CourseError(Problem(name, "the module has no front matter.", line=1,
                                  fix="start the file with a '---' line, the YAML fields, and "
                                  "another '---' line (see 'Writing a module' in the README)."))
    split = split_front_matter(text)
    if split is None:
        raise CourseError(Problem(name, "the front matter is not closed.", line=1,
                                  fix="end the front matter with a line of three dashes '---'."))
    fm_text, body = split
    # The split keeps the newline after the opening '---', so YAML line 0 is then file line 1.
    data, lines = parse_yaml(fm_text, name, first_line=1 if fm_text.startswith("\n") else 2)
    meta = validate(ModuleMeta, data, lines, name)
    # The body is the tail of the file: its first line's number comes from what precedes it.
    start = len(text) - len(body) if text.endswith(body) else text.find(body)
    body_line = text.count("\n", 0, start) + 1
    language = LANGUAGES[language_of_file(path.stem)]
    parts = _split_parts(body, name, body_line, language.parts)
    reading, worksheet, guide = (parts[p][0] for p in language.parts)
    located = {key: _part(parts[title][0], parts[title][2])
               for key, title in zip(PART_KEYS, language.parts)}
    points = _key_points(reading, name, parts[language.parts[0]][1], language)
    located |= {f"key_point:{i:02d}": Part(point, (_point_line(point, located["reading"]),))
                for i, point in enumerate(points)}
    module = Module(
        meta=meta, path=path, reading=reading, worksheet=worksheet, guide=guide,
        key_points=points,
        steps=_steps(guide, meta.duration, name, parts[language.parts[2]][1], language),
        body_line=body_line, id_line=line_of(lines, ("id",)) or 2, language=language.code,
        source=text, parts=located, meta_lines=lines,
    )
    problems = variant_problems(module, name, lines)
    if problems:
        raise CourseError(problems)
    return module


def _split_parts(body: str, name: str, first_line: int,
                 PARTS: tuple[str, ...] = PARTS  # noqa: N803
                 ) -> dict[str, tuple[str, int, int]]:
    """Split the body at its level-1 headings into {part: (markdown, the line after its
    heading, the line its text starts on)}."""
    parts: dict[str, tuple[list[str], int]] = {}
    current: list[str] | None = None
    for offset, (line, fence) in enumerate(fenced(body.splitlines())):
        lineno = first_line + offset
        if not fence and re.match(r"^#\s", line):
            title = line[2:].strip()
            if title not in PARTS:
                raise CourseError(Problem(name, f"unknown part '# {title}'.", line=lineno,
                                          fix="use '# Reading', '# Worksheet' and '# Facilitator "
                                          "guide'; use '##' for headings inside a part."))
            if title in parts:
                raise CourseError(Problem(name, f"the part '# {title}' appears twice.",
                                          line=lineno, fix="keep one."))
            current = []
            parts[title] = (current, lineno + 1)
        elif current is not None:
            current.append(line)
        elif line.strip():
            raise CourseError(Problem(name, "there is text before '# Reading'.", line=lineno,
                                      fix="start the body with the line '# Reading'."))
    missing = [p for p in PARTS if p not in parts]
    if missing:
        raise CourseError(Problem(name, f"the part '# {missing[0]}' is missing.",
                                  fix=f"add a line '# {missing[0]}' followed by its text."))
    if list(parts) != list(PARTS):
        raise CourseError(Problem(name, "the parts are out of order.",
                                  fix="put them in this order: # Reading, # Worksheet, "
                                  "# Facilitator guide."))
    return {k: ("\n".join(v).strip() + "\n", line, line + _blank_lead(v))
            for k, (v, line) in parts.items()}


def _blank_lead(lines: list[str]) -> int:
    """How many blank lines start a part (its text is stripped of them)."""
    return next((i for i, line in enumerate(lines) if line.strip()), len(lines))


def _part(text: str, line: int) -> Part:
    """The part's text with the file line of each of its lines (`line`: its first line's)."""
    return Part(text, tuple(range(line, line + text.count("\n") + 1)))


def _point_line(point: str, reading: Part) -> int:
    lines = reading.text.split("\n")
    for index in range(len(lines) - 1, -1, -1):
        if lines[index].strip()[2:].strip() == point:
            return reading.line(index)
    return reading.line(len(lines) - 1)


def _sections(markdown: str) -> dict[str, list[str]]:
    """Map each '## ' heading of a part to its lines."""
    sections: dict[str, list[str]] = {}
    current: list[str] = []
    for line in markdown.splitlines():
        if line.startswith("## "):
            current = sections.setdefault(line[3:].strip().lower(), [])
        else:
            current.append(line)
    return sections


def _key_points(reading: str, name: str, line: int, language: Language) -> list[str]:
    lines = _sections(reading).get(language.key_points)
    points = [ln.strip()[2:].strip() for ln in lines or [] if ln.strip().startswith(("- ", "* "))]
    if not points:
        heading = language.key_points.capitalize()
        raise CourseError(Problem(name, f"the reading has no '## {heading}' list.", line=line,
                                  fix=f"end the reading with '## {heading}' and 3-6 '- ' "
                                  "bullets."))
    return points


def _steps(guide: str, duration: int, name: str, line: int, language: Language) -> list[Step]:
    section = _sections(guide).get(language.steps)
    if section is None:
        heading = language.steps.capitalize()
        raise CourseError(Problem(name, f"the facilitator guide has no '## {heading}' section.",
                                  line=line, fix="add '## Steps' with '### Check-in (15 min)' "
                                  "style headings."))
    steps = [Step(m["title"], int(m["min"]), optional=bool(m["optional"]))
             for ln in section if (m := _STEP.match(ln.strip()))]
    total = sum(s.minutes for s in steps)
    if total != duration:
        raise CourseError(Problem(name, f"the timed steps add up to {total} minutes, but "
                                  f"'duration' is {duration}.", line=line,
                                  fix="change the '(N min)' in the '###' step headings so they "
                                  "add up to the duration."))
    return steps
