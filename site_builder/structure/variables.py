"""Program variables and conditional content inside modules ({{ phone }}, {% if program == ... %}).

Modules are untrusted, so they run in Jinja's sandbox with bounded arithmetic; anything that goes
wrong while filling them in becomes our message with the module's file and line. The filled-in
parts keep the file line of each of their lines, for the safety pass (checks/safety.py) that
runs over them afterwards (a value or an expression can produce HTML).
"""

from __future__ import annotations

import dataclasses
import re
import traceback
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jinja2

from site_builder.errors import CourseError, Problem
from site_builder.markup.escape import module_value
from site_builder.structure.budget import BoundedSandbox, OverBudget, budget, over_budget_message
from site_builder.structure.course import Part
from site_builder.utils.paths import display_name

if TYPE_CHECKING:
    from site_builder.config.schema import Curriculum
    from site_builder.structure.course import Module

MAX_ITEMS = 100_000  # the longest text or list an expression may make ('x' * n)
MAX_DIGITS = 10_000  # the largest number, in bits, an expression may make (10 ** n)
_MARK = "\x1f"  # marks each source line in a second render, to map output lines back to it
_HELP = ("use only the program's values, such as '{{ phone }}', and '{% if %}' tests (see "
         "'Variables in modules' in the README).")


class _Sandbox(BoundedSandbox):
    """Jinja's sandbox, with '*' and '**' bounded so an expression cannot fill the memory, and
    every loop, call and value counted against the module's budget (budget.py). A value
    prints as text: the characters that make HTML are escaped (escape.py)."""

    printed = staticmethod(module_value)

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        if operator == "**" and _big_power(left, right):
            raise jinja2.sandbox.SecurityError("the number would be too large")
        if operator == "*" and _big_product(left, right):
            raise jinja2.sandbox.SecurityError("the result would be too long")
        return super().call_binop(context, operator, left, right)


def _big_power(left: Any, right: Any) -> bool:
    numbers = all(isinstance(v, (int, float)) for v in (left, right))
    return numbers and abs(left) > 1 and abs(right) * max(abs(left), 2).bit_length() > MAX_DIGITS


def _big_product(left: Any, right: Any) -> bool:
    if isinstance(left, int) and isinstance(right, int):
        return left.bit_length() + right.bit_length() > MAX_DIGITS
    for sequence, count in ((left, right), (right, left)):
        if isinstance(count, int) and hasattr(sequence, "__len__"):
            return len(sequence) * count > MAX_ITEMS
    return False


_ENV = _Sandbox(undefined=jinja2.StrictUndefined, keep_trailing_newline=True, autoescape=False)


def module_variables(curriculum: Curriculum, program_id: str) -> dict[str, Any]:
    """Return the names a module may use: program name and id, contact details, own variables."""
    contact = {k: v for k, v in curriculum.contact.model_dump().items() if v}
    return {"program_name": curriculum.program, "program": program_id, **contact,
            **curriculum.variables}


def uses_variables(module: Module) -> bool:
    """Return whether the module has '{{ }}' or '{% %}' marks to fill in."""
    return any("{{" in text or "{%" in text
               for text in (module.reading, module.worksheet, module.guide))


def apply_variables(module: Module, curriculum: Curriculum, program_file: Path,
                    root: Path) -> Module:
    """Return the module with its variables filled in and conditional blocks resolved."""
    if not uses_variables(module):
        return module
    parts = {"reading": "client", "worksheet": "client", "guide": "facilitator"}
    names = module_variables(curriculum, program_file.stem)
    name = _name(module, root)
    audiences = {**parts, **{k: "client" for k in module.parts if k.startswith("key_point:")}}
    with budget():  # one budget for the whole module (budget.py)
        rendered = {key: _render(module.parts[key], {**names, "audience": audience}, name,
                                 names) for key, audience in audiences.items()}
    points = [rendered[k].text for k in sorted(rendered) if k.startswith("key_point:")]
    return dataclasses.replace(module, key_points=points, parts=rendered,
                               **{part: rendered[part].text for part in parts})


def _render(part: Part, context: dict[str, Any], name: str, names: dict[str, Any]) -> Part:
    """Fill in one part; return it with the file line of each of its lines."""
    try:
        text = _ENV.from_string(part.text).render(context)
    except jinja2.TemplateSyntaxError as e:
        message, fix = _syntax_message(e.message or "")
        raise CourseError(Problem(name, message, line=part.line((e.lineno or 1) - 1),
                                  fix=fix)) from None
    except Exception as e:  # noqa: BLE001 -- any failure in untrusted template code is the module's
        line = part.line(_template_line(e) - 1)
        message, fix = _runtime_message(e, names)
        raise CourseError(Problem(name, message, line=line, fix=fix)) from None
    return Part(text, _line_map(part, text, context))


def _syntax_message(jinja_message: str) -> tuple[str, str]:
    """Return what is wrong with the marks, in plain words, and the fix."""
    missing = re.search(r"looking for the following tags: '(\w+)'", jinja_message)
    unknown = re.search(r"unknown tag '(\w+)'", jinja_message)
    if missing:
        wanted = "endif" if "'endif'" in jinja_message else missing[1]
        what = f"'{{% {wanted} %}}' is missing where the block ends"
    elif unknown:
        what = f"'{{% {unknown[1]} %}}' has no opening tag, or modules cannot use it"
    elif "print statement" in jinja_message or "'}}'" in jinja_message:
        what = "a '{{' has no '}}'"
    else:
        what = "a mark is not written the way modules write them ('{{ name }}', '{% if ... %}')"
    return (f"the '{{{{ }}}}' or '{{% %}}' marks are not closed properly: {what}.",
            "check the braces on this line.")


def _runtime_message(error: Exception, names: dict[str, Any]) -> tuple[str, str]:
    available = "Available: " + ", ".join(sorted(names)) + "."
    if isinstance(error, OverBudget):
        return over_budget_message(error)
    if isinstance(error, jinja2.UndefinedError):
        undefined = re.fullmatch(r"'(\w+)' is undefined", str(error.message))
        which = f": '{undefined[1]}' is undefined" if undefined else ""
        return (f"the module uses a value the program does not set{which}.",
                f"add it to the program file under 'contact:' or 'variables:', or remove it. "
                f"{available}")
    if isinstance(error, jinja2.sandbox.SecurityError):
        inside = re.search(r"attribute '([^']+)'", str(error))
        what = f" ('{inside[1]}')" if inside else ""
        if "too large" in str(error) or "too long" in str(error):
            return (f"an expression on this line makes a value that is far too big{what}.", _HELP)
        return (f"an expression on this line reaches into the program's code{what}, which a "
                "module may not do.", _HELP)
    return "the '{{ }}' or '{% %}' expression on this line cannot be worked out.", _HELP


def _template_line(error: Exception) -> int:
    """Return the template line the error happened on (Jinja puts it in the traceback)."""
    frames = [f for f in traceback.extract_tb(error.__traceback__) if f.filename == "<template>"]
    return (frames[0].lineno or 1) if frames else 1


def _line_map(part: Part, text: str, context: dict[str, Any]) -> tuple[int, ...]:
    """Return the file line of each line of the filled-in text.

    The part is rendered again with a mark at the start of each line; each output line comes
    from the last mark before it. When the marks change the result, lines map one to one.
    """
    if text == part.text:
        return part.lines
    marked = "\n".join(f"{_MARK}{i}{_MARK}{line}" for i, line in enumerate(part.text.split("\n")))
    try:
        with budget():  # the same work again, with its own budget
            output = _ENV.from_string(marked).render(context)
    except Exception:  # noqa: BLE001 -- a mark inside a multi-line tag; fall back
        output = None
    if output is None or re.sub(f"{_MARK}\\d+{_MARK}", "", output) != text:
        return tuple(part.line(i) for i in range(text.count("\n") + 1))
    lines, current = [], 0
    for line in output.split("\n"):
        found = re.findall(f"{_MARK}(\\d+){_MARK}", line)
        current = int(found[0]) if found else current
        lines.append(part.line(current))
    return tuple(lines)


def _name(module: Module, root: Path) -> str:
    return display_name(module.path, root)  # never an absolute path of the machine
