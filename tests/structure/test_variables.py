"""Program variables and conditional content in modules, on their own: the names a module may use,
what each audience sees, and the exact message for a value the program does not set."""

from __future__ import annotations

from pathlib import Path

import pytest

from site_builder.config.messages import validate
from site_builder.config.schema import Curriculum
from site_builder.errors import CourseError
from site_builder.structure.loading import load_module
from site_builder.structure.variables import apply_variables, module_variables
from site_builder.utils.yaml import parse_yaml

PROGRAM = """\
program: Riverside Evening IOP
weeks: 12
contact:
  phone: "555-0142"
  meeting_place: Room 2, Main Street Clinic
variables:
  group_room: Room 2B
days: [Monday]
schedule:
  - {week: 1, sessions: [test-module]}
"""

MODULE = """\
---
id: test-module
code: TM-01
title: A Test Module
summary: A module that uses the program's variables and conditional content.
phase: engagement
group_type: test
duration: 30
goals:
  - Find the group room.
sources:
  - title: A public manual
    publisher: SAMHSA
    year: 2020
---

# Reading

Call {{ phone }} if you will be late.

{% if program == "evening" %}Evenings start at 6 pm.{% endif %}

## Key points

- We meet in {{ group_room }}.
- Call {{ program_name }} at {{ phone }}.
- Come as you are.

# Worksheet

## Activity 1: My plan

{% if audience == "facilitator" %}Only facilitators read this.{% endif %}

[[write: How will I get to {{ meeting_place }}?]]

# Facilitator guide

## Steps

### Check-in (10 min)
Meet in {{ group_room }}.{% if audience == "facilitator" %} Bring the sign-in sheet.{% endif %}

### Practice (20 min)
Practice the plan.
"""


def _curriculum(text: str = PROGRAM) -> Curriculum:
    data, lines = parse_yaml(text, "curriculum/evening.yml")
    return validate(Curriculum, data, lines, "curriculum/evening.yml")


def _module(tmp_path: Path, text: str = MODULE):
    path = tmp_path / "modules" / "test-module.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return load_module(path, tmp_path)


def _apply(tmp_path: Path, module, program: str = "evening"):
    return apply_variables(module, _curriculum(), tmp_path / "curriculum" / f"{program}.yml",
                           tmp_path)


def test_names_a_module_may_use():
    assert module_variables(_curriculum(), "evening") == {
        "program_name": "Riverside Evening IOP", "program": "evening", "phone": "555-0142",
        "meeting_place": "Room 2, Main Street Clinic", "group_room": "Room 2B"}


def test_values_fill_every_part_and_the_key_points(tmp_path):
    module = _apply(tmp_path, _module(tmp_path))
    assert "Call 555-0142 if you will be late." in module.reading
    assert module.key_points[:2] == ["We meet in Room 2B.",
                                     "Call Riverside Evening IOP at 555-0142."]
    assert "[[write: How will I get to Room 2, Main Street Clinic?]]" in module.worksheet
    assert "Meet in Room 2B." in module.guide
    assert "{{" not in module.reading + module.worksheet + module.guide


def test_conditional_content_by_program_and_audience(tmp_path):
    module = _module(tmp_path)
    evening = _apply(tmp_path, module, "evening")
    other = _apply(tmp_path, module, "daytime")
    assert "Evenings start at 6 pm." in evening.reading
    assert "Evenings start at" not in other.reading
    assert "Only facilitators read this." not in evening.worksheet  # the worksheet is for clients
    assert "Bring the sign-in sheet." in evening.guide


def test_a_module_without_marks_is_returned_as_is(tmp_path):
    plain = MODULE
    for mark in ("{{ phone }}", "{{ group_room }}", "{{ program_name }}", "{{ meeting_place }}"):
        plain = plain.replace(mark, "x")
    plain = plain.replace('{% if program == "evening" %}', "").replace(
        '{% if audience == "facilitator" %}', "").replace("{% endif %}", "")
    module = _module(tmp_path, plain)
    assert _apply(tmp_path, module) is module


def test_a_value_the_program_does_not_set(tmp_path):
    module = _module(tmp_path, MODULE.replace("{{ group_room }}.\n- Call", "{{ room }}.\n- Call"))
    line = MODULE.splitlines().index("- We meet in {{ group_room }}.") + 1
    with pytest.raises(CourseError) as error:
        _apply(tmp_path, module)
    assert str(error.value) == (
        f"modules/test-module.md:{line}: the module uses a value the program does not set: "
        "'room' is undefined. Fix: add it to the program file under 'contact:' or "
        "'variables:', or remove it. Available: group_room, meeting_place, phone, program, "
        "program_name.")


def test_marks_that_are_not_closed(tmp_path):
    module = _module(tmp_path, MODULE.replace("Call {{ phone }} if", "Call {{ phone if"))
    line = MODULE.splitlines().index("Call {{ phone }} if you will be late.") + 1
    with pytest.raises(CourseError) as error:
        _apply(tmp_path, module)
    message = str(error.value)
    assert message.startswith(f"modules/test-module.md:{line}: the '{{{{ }}}}' or '{{% %}}' "
                              "marks are not closed properly: ")
    assert message.endswith(" Fix: check the braces on this line.")


def test_unsafe_template_code_gives_a_message(tmp_path):
    module = _module(tmp_path, MODULE.replace("{{ phone }} if", "{{ phone.__class__ }} if"))
    line = MODULE.splitlines().index("Call {{ phone }} if you will be late.") + 1
    with pytest.raises(CourseError) as error:
        _apply(tmp_path, module)
    assert str(error.value) == (
        f"modules/test-module.md:{line}: an expression on this line reaches into the program's "
        "code ('__class__'), which a module may not do. Fix: use only the program's values, "
        "such as '{{ phone }}', and '{% if %}' tests (see 'Variables in modules' in the README).")
