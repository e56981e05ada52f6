"""yamlfile.py on its own: bounded YAML (aliases, nesting, size), PyYAML's errors and the schema's
errors in our words, and the line each message points at."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from site_builder.config.messages import validate
from site_builder.config.schema import Curriculum, ModuleMeta
from site_builder.errors import CourseError
from site_builder.utils.yaml import MAX_DEPTH, parse_yaml, read_text

NAME = "curriculum/x.yml"
PROGRAM = """\
program: X
weeks: 12
language: en
tracks:
  - id: session
    name: Skills group
    days: [Monday, Wednesday, Friday]
    modules: [a, b]
"""


def _error(text: str, model=Curriculum) -> str:
    with pytest.raises(CourseError) as error:
        data, lines = parse_yaml(text, NAME)
        validate(model, data, lines, NAME)
    for problem in error.value.problems:  # our words: the file, what is wrong, and a fix
        assert problem.file == NAME and problem.message.endswith(".") and problem.fix, problem
    return str(error.value)


def _program(old: str, new: str) -> str:
    assert old in PROGRAM
    return PROGRAM.replace(old, new, 1)


def _bomb(levels: int = 9) -> str:
    lines = ["a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, levels + 1)]
    return "\n".join(lines) + "\n"


# --- Bounds -----------------------------------------------------------------------------------


def test_an_alias_bomb_stops_at_the_alias_that_grows_too_big():
    assert _error(_bomb()) == (
        f"{NAME}:5: the aliases ('*name') here expand to more than 50,000 values. Fix: write the "
        "values out, or use fewer aliases: each alias copies everything under its anchor "
        "('&name').")


def test_a_few_aliases_are_fine():
    data, _ = parse_yaml("days: &d [Monday, Friday]\nother: *d\n", NAME)
    assert data == {"days": ["Monday", "Friday"], "other": ["Monday", "Friday"]}


@pytest.mark.parametrize("text", ["a: " + "[" * 20_000 + "]" * 20_000,
                                  "a: " + "{b: " * 20_000 + "1" + "}" * 20_000,
                                  "- " * 20_000 + "x"])
def test_deep_nesting_stops_with_our_message(text):
    assert _error(text) == (
        f"{NAME}:1: the YAML is nested more than {MAX_DEPTH} levels deep. Fix: a program or "
        "module needs only a few levels: check the brackets and the indentation.")


def test_aliases_that_chain_deeper_than_the_bound():
    text = "a0: &a0 [x]\n" + "".join(f"a{i}: &a{i} [*a{i - 1}]\n" for i in range(1, 300))
    assert _error(text).startswith(f"{NAME}:{MAX_DEPTH}: the aliases ('*name') here nest the YAML "
                                   f"more than {MAX_DEPTH} levels deep.")


def test_an_alias_inside_its_own_anchor():
    assert _error("a: &a [1, *a]\n") == (
        f"{NAME}:1: an alias ('*name') here points at a value that holds the alias itself. Fix: "
        "point the alias at a value defined above it, outside its own anchor ('&name').")


@pytest.mark.parametrize("text", [_bomb(12), "a: " + "[" * 20_000 + "]" * 20_000])
def test_bombs_stay_small_and_fast_in_a_process_of_their_own(tmp_path, text):
    path = tmp_path / "program.yml"
    path.write_text(text, encoding="utf-8")
    script = textwrap.dedent(f"""
        import resource, time
        from pathlib import Path
        from site_builder.errors import CourseError
        from site_builder.utils.yaml import parse_yaml, read_text
        start = time.perf_counter()
        try:
            parse_yaml(read_text(Path({str(path)!r}), "program.yml"), "program.yml")
        except CourseError as e:
            print(e)
        print(time.perf_counter() - start)
        # The peak of this process's own memory (ru_maxrss would count the forking parent's).
        status = Path("/proc/self/status").read_text()
        print(int(status.split("VmHWM:")[1].split()[0]) // 1024)
    """)
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 0, result.stderr
    message, seconds, megabytes = result.stdout.strip().splitlines()
    assert message.startswith("program.yml:") and "Fix:" in message
    assert float(seconds) < 3 and int(megabytes) < 300


def test_a_file_over_the_size_limit(tmp_path):
    path = tmp_path / "big.yml"
    path.write_text("a: " + "x" * 2_100_000, encoding="utf-8")
    with pytest.raises(CourseError, match=r"^big.yml: the file is too large \(2.1 MB\)"):
        read_text(path, "big.yml")


# --- PyYAML's errors in our words -------------------------------------------------------------


@pytest.mark.parametrize(("text", "message"), [
    ("a:\n\tb: 1\n", f"{NAME}:2: the YAML cannot be read: a tab is used where YAML needs spaces. "
     "Fix: indent with spaces, not tabs."),
    ("program: a: b\n", f"{NAME}:1: the YAML cannot be read: there is a ': ' where YAML does "
     "not expect one. Fix: put quotes around text that contains a colon (': ')."),
    ('program: "abc\n', f"{NAME}:2: the YAML cannot be read: a quote is not closed. Fix: end the "
     "quoted text with the same quote it starts with."),
    ("a: *x\n", f"{NAME}:1: the YAML cannot be read: an alias ('*name') points at an anchor "
     "('&name') that is not defined above it. Fix: define the anchor first, or put the value "
     "in quotes if it starts with '*'."),
    ("a: !!python/object:os.system x\n", f"{NAME}:1: the YAML cannot be read: it uses a tag "
     "('!name') that the course does not read. Fix: remove the '!' and what follows it, or put "
     "the value in quotes."),
    ("a: 1\n---\nb: 2\n", f"{NAME}:2: the YAML cannot be read: the file holds more than one "
     "YAML document (a second '---' line). Fix: remove the extra '---' line."),
    ("a: b\x00c\n", f"{NAME}:1: the YAML cannot be read: it holds the invisible control "
     "character U+0000. Fix: retype the line, or delete the character in an editor that shows "
     "hidden characters."),
    ("weeks: " + "9" * 5000 + "\n", f"{NAME}:1: the YAML cannot be read: a value cannot be read "
     "as the number or date it looks like. Fix: put the value in quotes."),
    ("? [a]\n: b\n", f"{NAME}:1: the YAML cannot be read: a key is a list or a group. Fix: use "
     "plain text as keys."),
])
def test_yaml_errors_in_our_words(text, message):
    assert _error(text) == message


def test_dates_stay_text_until_the_schema_reads_them():
    data, _ = parse_yaml("start_date: 2027-01-04\n", NAME)
    assert data == {"start_date": "2027-01-04"}


def test_a_duplicate_key_points_at_its_second_line():
    assert _error("weeks: 12\nprogram: X\nweeks: 13\n") == (
        f"{NAME}:3: the key 'weeks' appears twice. Fix: keep one of them.")


# --- Schema errors in our words ---------------------------------------------------------------


DAYS = "Monday, Tuesday, Wednesday, Thursday, Friday, Saturday, Sunday"


@pytest.mark.parametrize(("old", "new", "message"), [
    ("days: [Monday, Wednesday, Friday]", "days: [Monday, Wensday]",
     f"{NAME}:7: field 'tracks.days' lists 'Wensday', which is not a day of the week. Fix: did "
     f"you mean 'Wednesday'? Otherwise use one of: {DAYS} (in any case; the Spanish names lunes "
     "to domingo work too)."),
    ("days: [Monday, Wednesday, Friday]", "days: [Monday, lunes]",
     f"{NAME}:7: 'Monday' is listed twice in 'days'. Fix: list each meeting day once."),
    ("    days: [Monday, Wednesday, Friday]\n", "",
     f"{NAME}:5: the track 'session' has no meeting days. Fix: add 'days:' with the days it "
     "meets, such as 'days: [Monday, Wednesday]', or 'steps:' when its days change over the "
     "course."),
    ("    modules: [a, b]\n", "",
     f"{NAME}:5: the track 'session' has no sessions. Fix: add 'modules:' (module ids in order) "
     "or 'schedule:' (modules by week), or 'service: true' for a service such as individual "
     "counseling."),
    ("weeks: 12", "weeks: twelve",
     f"{NAME}:2: field 'weeks' must be a whole number, but it is 'twelve'. Fix: write a whole "
     "number, such as 12, without quotes or words."),
    ("weeks: 12", "weeks: 0",
     f"{NAME}:2: field 'weeks' is 0, but it must be at least 1. Fix: use a number of 1 or more."),
    ("language: en", "language: en\nlarge_print: maybe",
     f"{NAME}:4: field 'large_print' must be true or false, but it is 'maybe'. Fix: write true "
     "or false."),
    ("language: en", "language: en\npaper: A5",
     f"{NAME}:4: field 'paper' is 'A5', which is not one of the allowed values. Fix: use one of: "
     "letter, a4."),
    ("language: en", "language: en\nstart_date: 01/04/2027",
     f'{NAME}:4: field \'start_date\' is \'01/04/2027\', which is not a date written as '
     '"YYYY-MM-DD". Fix: write the date as "YYYY-MM-DD" in quotes, such as "2027-01-04".'),
    ("language: en", "language: en\nholidays: [2027-01-18, 2027-13-01]",
     f"{NAME}:4: field 'holidays' lists '2027-13-01', which is not a date on the calendar. Fix: "
     'write the date as "YYYY-MM-DD" in quotes, such as "2027-01-04".'),
    ("language: en", "language: en\nstart_date: 0",
     f'{NAME}:4: field \'start_date\' is 0, which is not a date written as "YYYY-MM-DD". Fix: '
     'write the date as "YYYY-MM-DD" in quotes, such as "2027-01-04".'),
    ("language: en", "language: en\ncrisis_lines: [{name: A, contact: B, tel: 555-0111}]",
     f"{NAME}:4: field 'crisis_lines.tel' is '555-0111', but a phone number here is written in "
     "digits only. Fix: write 3-15 digits without spaces or dashes, such as '5550142' (a '+' "
     "may start it)."),
    ("language: en", "language: en\nvariables: {Group-Room: 2B}",
     f"{NAME}:4: the name 'Group-Room' in 'variables' can use only lowercase letters, digits "
     "and '_', starting with a letter. Fix: rename it, such as 'group_room'."),
    ("modules: [a, b]", "modules: a",
     f"{NAME}:8: field 'tracks.modules' must be a list, but it is 'a'. Fix: write one '- item' "
     "per line under 'modules:', or '[first, second]' on one line."),
    ("name: Skills group", "name: ''", f"{NAME}:6: field 'tracks.name' is empty. Fix: write the "
     "text after 'name:'."),
    ("    days: [Monday, Wednesday, Friday]\n",
     "    steps: [{weeks: 1-4, days: [Monday]}, {weeks: soon, days: [Friday]}]\n",
     f"{NAME}:7: field 'tracks.steps.weeks' is 'soon', but it must be a week or a range of "
     'weeks. Fix: write a week such as 3, or a range such as "1-4".'),
    ("tracks:", "trucks:", f"{NAME}:4: unknown field 'trucks'. Fix: did you mean 'tracks'? The "
     f"allowed fields are: {', '.join(Curriculum.model_fields)}."),
])
def test_schema_errors_in_our_words(old, new, message):
    assert _error(_program(old, new)) == message


def test_two_tracks_with_the_same_id_point_at_the_second():
    text = PROGRAM + "  - id: session\n    name: Process\n    service: true\n    days: [Monday]\n"
    assert _error(text) == (f"{NAME}:9: two tracks have the id 'session'. Fix: give each track "
                            "its own id, such as 'session-2'.")


@pytest.mark.parametrize("days", ["[monday, WEDNESDAY, friday]", "[Lunes, miércoles, VIERNES]",
                                  "[lunes, Miercoles, viernes]"])
def test_day_names_in_any_case_and_in_spanish(days):
    data, lines = parse_yaml(_program("[Monday, Wednesday, Friday]", days), NAME)
    assert validate(Curriculum, data, lines, NAME).tracks[0].days == ["Monday", "Wednesday",
                                                                      "Friday"]


def test_every_module_error_has_a_line_and_a_fix():
    text = "id: Bad Id\ncode: x\ntitle: ''\nsummary: short\nphase: p\nduration: 5\ngoals: []\n"
    message = _error(text, ModuleMeta)
    problems = message.splitlines()[1:]
    assert len(problems) == 9, message
    assert all(p.startswith(f"  - {NAME}:") and " Fix: " in p for p in problems), message
