"""Programs: the program files in curriculum/, their folders, scaffolding and the JSON Schema."""

from __future__ import annotations

import json
import re
from pathlib import Path

from site_builder.config.schema import Curriculum
from site_builder.errors import CourseError, Problem

PROGRAM_ENV = "SITE_BUILDER_PROGRAM"
_NOT_PROGRAMS = {"crisis-lines"}


def program_file(root: Path, name: str) -> Path:
    """Return the program file of a program name."""
    return root / "curriculum" / f"{name}.yml"


def list_programs(root: Path) -> list[str]:
    """Return the names of the programs in curriculum/ (the default first)."""
    names = sorted(p.stem for p in (root / "curriculum").glob("*.yml")
                   if p.stem.split(".")[0] not in _NOT_PROGRAMS)  # crisis-lines.es.yml too
    return sorted(names, key=lambda n: n != "default")


def load_program(root: Path, name: str):
    """Load a program by name with the library's modules and crisis lines."""
    from site_builder.pipeline import Options, load

    return load(Options.for_project(root, curriculum=str(program_file(root, name))), root)


def program_json_schema() -> str:
    """Return the JSON Schema of a program file."""
    schema = Curriculum.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "site-builder program file"
    return json.dumps(schema, indent=2, sort_keys=True) + "\n"


SCAFFOLD = """\
# yaml-language-server: $schema=program.schema.json
# A program made with 'site-builder new program {name}'. Build it with:
#   site-builder build --program {name}
# Every field is explained under "Customize your program" in the README.
program: {title}
weeks: 12
language: en
start_date: "{start}"          # the Monday of week 1 (quoted): puts dates on the schedule
# timezone: America/New_York   # where the groups meet: calendars keep their local time
holidays: []                   # dates with no group, e.g. ["2027-05-31"]
contact:
  phone: "555-0100"
  meeting_place: Room 2, Main Street Clinic
hours:
  minimum: 9                   # ASAM Level 2.1: 9 hours a week for adults, 6 for adolescents
  on_shortfall: warn           # or: fail
tracks:
  - id: group
    name: Skills group
    days: [Monday, Wednesday, Friday]
    session_minutes: 90
    open_entry: true           # new clients can join any week ("your path" pages)
    modules:                   # module ids, in order; one per meeting
{modules}
  - id: process
    name: Process group
    service: true              # counts for hours; has no module pages
    days: [Monday, Wednesday, Friday]
    session_minutes: 90
"""


def scaffold_program(root: Path, name: str) -> list[Path]:
    """Create a working program file and its folder; return what was created."""
    if not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", name):
        raise CourseError(Problem(name, "a program name uses lowercase letters, digits and "
                                  "hyphens.", fix="try a name like 'riverside-evening'."))
    path = program_file(root, name)
    if path.exists():
        raise CourseError(Problem(f"curriculum/{name}.yml", "the program already exists.",
                                  fix="choose another name or edit that file."))
    default = load_program(root, "default")
    ids = [s.module.id for s in default.sessions][:36]
    modules = "\n".join(f"      - {i}" for i in ids)
    import datetime as dt

    today = dt.date.today()
    start = today + dt.timedelta(days=7 - today.weekday())
    path.write_text(SCAFFOLD.format(name=name, title=name.replace("-", " ").title(),
                                    start=start.isoformat(), modules=modules), encoding="utf-8")
    folder = path.with_suffix("")
    created = [path]
    for sub, note in (("modules", "Put modules here: a file with the same id as a library module "
                       "replaces it for this program; a new id adds a module."),
                      ("templates", "Put templates here with the same name as one in templates/ "
                       "to replace it for this program.")):
        (folder / sub).mkdir(parents=True, exist_ok=True)
        (folder / sub / "README.txt").write_text(note + "\n", encoding="utf-8")
        created.append(folder / sub)
    schema_file = root / "curriculum" / "program.schema.json"
    schema_file.write_text(program_json_schema(), encoding="utf-8")
    return created
