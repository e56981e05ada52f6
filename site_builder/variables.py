"""Program variables and conditional content inside modules ({{ phone }}, {% if program == ... %})."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jinja2
from jinja2.sandbox import SandboxedEnvironment

from .errors import CourseError, Problem

if TYPE_CHECKING:
    from .course import Module
    from .schema import Curriculum

_ENV = SandboxedEnvironment(undefined=jinja2.StrictUndefined, keep_trailing_newline=True,
                            autoescape=False)


def module_variables(curriculum: Curriculum, program_id: str) -> dict[str, Any]:
    """Return the names a module may use: program name and id, contact details, own variables."""
    contact = {k: v for k, v in curriculum.contact.model_dump().items() if v}
    return {"program_name": curriculum.program, "program": program_id, **contact,
            **curriculum.variables}


def apply_variables(module: Module, curriculum: Curriculum, program_file: Path,
                    root: Path) -> Module:
    """Return the module with its variables filled in and conditional blocks resolved."""
    parts = {"reading": "client", "worksheet": "client", "guide": "facilitator"}
    if not any("{{" in getattr(module, p) or "{%" in getattr(module, p) for p in parts):
        return module
    names = module_variables(curriculum, program_file.stem)
    rendered = {}
    for part, audience in parts.items():
        text = getattr(module, part)
        try:
            rendered[part] = _ENV.from_string(text).render({**names, "audience": audience})
        except jinja2.TemplateSyntaxError as e:
            raise CourseError(_problem(module, root, text, e.lineno, f"the '{{{{ }}}}' or "
                                       f"'{{% %}}' marks are not closed properly: {e.message}.",
                                       "check the braces on this line.")) from None
        except jinja2.UndefinedError as e:
            raise CourseError(_problem(module, root, text, _undefined_line(text, e), f"the "
                                       f"module uses a value the program does not set: "
                                       f"{e.message}.", "add it to the program file under "
                                       "'contact:' or 'variables:', or remove it. Available: "
                                       + ", ".join(sorted(names)) + ".")) from None
    points = [_ENV.from_string(p).render({**names, "audience": "client"})
              for p in module.key_points]
    return dataclasses.replace(module, key_points=points, **rendered)


def _undefined_line(text: str, error: jinja2.UndefinedError) -> int | None:
    name = str(error.message).split("'")[1] if "'" in str(error.message) else ""
    for number, line in enumerate(text.splitlines(), 1):
        if name and name in line and "{" in line:
            return number
    return None


def _problem(module: Module, root: Path, text: str, line: int | None, message: str,
             fix: str) -> Problem:
    try:
        name = module.path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        name = str(module.path)
    source = module.path.read_text(encoding="utf-8").splitlines()
    first = text.splitlines()[0] if text.strip() else ""
    start = next((i for i, ln in enumerate(source) if ln == first), None)
    absolute = start + line if (start is not None and line) else None
    return Problem(name, message, line=absolute, fix=fix)
