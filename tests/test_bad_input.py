"""Each bad input gives one clear message in our words (file, line, what is wrong, a fix), a
non-zero exit, no traceback, and leaves the site already built untouched.

Every case runs against a copy of the small project (`built_small`) and compares the whole message.
`{line:TEXT}` in an expected message is the line of the first edited file that holds TEXT
(`{line+1:TEXT}` the line after it).
"""

from __future__ import annotations

import re
import shutil

import pytest

from site_builder.config.schema import Track

from .conftest import Project, site_digest

MODULE = "modules/refusal-skills.md"
CURRICULUM = "curriculum/default.yml"
DAYS = "    days: [Monday, Wednesday, Friday]\n"
REMOTE_FIX = ("download the image into the project (for example docs/assets/) and link to that "
              "copy: the site makes no requests to other websites, so readers cannot be tracked.")
TAG_FIX = ("use Markdown instead; the HTML tags a module can use are listed under 'Writing a "
           "module' in the README.")
DATE_FIX = 'write the date as "YYYY-MM-DD" in quotes, such as "2027-01-04".'
TEMPLATE_FIX = ("check the spelling of the variable, or see 'Templates' in the README for the "
                "names a template can use.")
DAY_NAMES = "Monday, Tuesday, Wednesday, Thursday, Friday, Saturday, Sunday"
WORKSHEET = "# Worksheet\n"


def _in_worksheet(text: str) -> tuple[str, str, str, str]:
    """An edit that puts `text` at the top of the refusal-skills worksheet."""
    return ("replace", MODULE, WORKSHEET, f"{WORKSHEET}\n{text}\n")


def _bomb() -> str:
    lines = ["a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 10)]
    return "\n".join(lines) + "\n"


CASES: dict[str, tuple[tuple, str]] = {
    # --- program files ---------------------------------------------------------------------
    "unknown module id": (
        (("replace", CURRICULUM, "      - refusal-skills\n", "      - refusal-skill\n"),),
        "curriculum/default.yml:{line:- refusal-skill}: track 'session' lists module "
        "'refusal-skill', but no file in modules/ has 'id: refusal-skill'. "
        "Fix: did you mean 'refusal-skills'?"),
    "malformed curriculum YAML": (
        (("replace", CURRICULUM, "days: [Monday, Wednesday, Friday]",
          "days: [Monday, Wednesday, Friday"),),
        "curriculum/default.yml:{line:session_minutes}: the YAML cannot be read: a list in '[ ]' "
        "is not closed properly. Fix: end the list with ']' and put a comma between its items."),
    "unknown field": (
        (("replace", CURRICULUM, "session_minutes: 90", "session_minute: 90"),),
        "curriculum/default.yml:{line:session_minute: 90}: unknown field "
        "'tracks.session_minute'. Fix: did you mean 'session_minutes'? The allowed fields are: "
        f"{', '.join(Track.model_fields)}."),
    "course too long": (
        (("replace", CURRICULUM, "weeks: 2\n", "weeks: 20\n"),),
        "curriculum/default.yml:{line:weeks: 20}: the course has 20 weeks, but 1 to 16 weeks are "
        "supported. Fix: set 'weeks' to a number from 1 to 16, or set 'min_weeks' and "
        "'max_weeks' for your program."),
    "session referring to nothing": (
        (("replace", CURRICULUM, "      - refusal-skills\n", "      -\n"),),
        "curriculum/default.yml:{line:      -\n}: field 'tracks.modules' has an empty item. "
        "Fix: write a value after the '-', or remove the line."),
    "invalid day": (
        (("replace", CURRICULUM, "days: [Monday, Wednesday, Friday]",
          "days: [Monday, Wensday, Friday]"),),
        "curriculum/default.yml:{line:Wensday}: field 'tracks.days' lists 'Wensday', which is "
        f"not a day of the week. Fix: did you mean 'Wednesday'? Otherwise use one of: {DAY_NAMES} "
        "(in any case; the Spanish names lunes to domingo work too)."),
    "track with days and steps": (
        (("replace", CURRICULUM, DAYS, DAYS + "    steps: [{weeks: \"1-2\", days: [Monday]}]\n"),),
        "curriculum/default.yml:{line:steps:}: the track 'session' has both 'days' and 'steps'. "
        "Fix: keep 'days' when it meets on the same days every week, or 'steps' when its days "
        "change; remove the other."),
    "service with modules": (
        (("write", CURRICULUM, None),),
        "curriculum/default.yml:{line:    modules: [stages-of-change]}: the track 'process' is a "
        "service ('service: true'), so it has no 'modules' or 'schedule'. Fix: remove them, or "
        "remove 'service: true' to make it a group."),
    "track beyond the course": (
        (("replace", CURRICULUM, "    name: Skills group\n",
          "    name: Skills group\n    end_week: 20\n"),),
        "curriculum/default.yml:{line:end_week: 20}: track 'session' runs from week 1 to week "
        "20, outside the course's 2 weeks. Fix: set 'start_week' and 'end_week' within 1 and "
        "'weeks'."),
    "more modules than meetings": (
        (("replace", CURRICULUM, DAYS, "    days: [Monday, Wednesday]\n"),),
        "curriculum/default.yml:{line:    modules:}: track 'session' has 6 modules but only 4 "
        "meetings (holidays skipped). Fix: remove modules, add meeting days, or extend "
        "'end_week'."),
    "impossible date": (
        (("replace", CURRICULUM, "language: en", "language: en\nstart_date: \"2027-02-30\""),),
        "curriculum/default.yml:{line:start_date}: field 'start_date' is '2027-02-30', which is "
        f"not a date on the calendar. Fix: {DATE_FIX}"),
    "unreadable colour": (
        (("replace", CURRICULUM, "language: en", "language: en\ncolors:\n  primary: \"#ffee00\""),),
        "curriculum/default.yml:{line:primary}: field 'colors.primary': white text on '#ffee00' "
        "has a contrast of only 1.2:1, too low to read. Fix: use a darker colour: white text "
        "needs a contrast of at least 4.5:1."),
    "misspelt time zone": (
        (("replace", CURRICULUM, "language: en", "language: en\ntimezone: America/NewYork"),),
        "curriculum/default.yml:{line:timezone}: field 'timezone': 'America/NewYork' is not a "
        "time zone name. Fix: did you mean 'America/New_York'? Otherwise write the place's name "
        "from the time zone database (IANA), such as 'America/New_York', 'America/Chicago', "
        "'America/Los_Angeles' or 'Europe/Madrid'."),
    "a path for a time zone": (
        (("replace", CURRICULUM, "language: en", "language: en\ntimezone: ../../etc/passwd"),),
        "curriculum/default.yml:{line:timezone}: field 'timezone': '../../etc/passwd' is not a "
        "time zone name. Fix: write the place's name from the time zone database (IANA), such "
        "as 'America/New_York', 'America/Chicago', 'America/Los_Angeles' or 'Europe/Madrid'."),
    "missing logo file": (
        (("replace", CURRICULUM, "language: en", "language: en\nlogo: default/logo.png"),),
        "curriculum/default.yml:{line:logo:}: the logo file 'default/logo.png' does not exist. "
        "Fix: put the image next to the program file, or fix the path."),
    "tab indentation": (
        (("replace", CURRICULUM, "  minimum: 3", "\tminimum: 3"),),
        "curriculum/default.yml:{line:minimum: 3}: the YAML cannot be read: a tab is used where "
        "YAML needs spaces. Fix: indent with spaces, not tabs."),
    "duplicate key": (
        (("replace", CURRICULUM, "language: en", "language: en\nweeks: 2  # again"),),
        "curriculum/default.yml:{line:# again}: the key 'weeks' appears twice. Fix: keep one of "
        "them."),
    "empty program file": (
        (("write", CURRICULUM, "\n"),),
        "curriculum/default.yml: the file is empty. Fix: add its content or delete it."),
    "list instead of a mapping": (
        (("write", CURRICULUM, "- program\n- weeks\n"),),
        "curriculum/default.yml:1: expected a YAML mapping of 'key: value' lines at the top "
        "level. Fix: start each line with a field name and a colon, such as 'program: My IOP'."),
    "alias expansion bomb": (
        (("replace", CURRICULUM, "language: en\n", "language: en\n" + _bomb()),),
        "curriculum/default.yml:{line:a4: &a4}: the aliases ('*name') here expand to more than "
        "50,000 values. Fix: write the values out, or use fewer aliases: each alias copies "
        "everything under its anchor ('&name')."),
    "20,000-deep nesting": (
        (("replace", CURRICULUM, "language: en\n",
          "language: en\nnotes: " + "[" * 20_000 + "]" * 20_000 + "\n"),),
        "curriculum/default.yml:{line:notes: }: the YAML is nested more than 50 levels deep. "
        "Fix: a program or module needs only a few levels: check the brackets and the "
        "indentation."),
    # --- the messages a program director meets (issue 14) -------------------------------------
    "two tracks with the same id": (
        (("write", CURRICULUM, None),),
        "curriculum/default.yml:{line:  - id: session\n    name: Process}: two tracks have the "
        "id 'session'. Fix: give each track its own id, such as 'session-2'."),
    "a track with neither days nor steps": (
        (("replace", CURRICULUM, DAYS, ""),),
        "curriculum/default.yml:{line:- id: session}: the track 'session' has no meeting days. "
        "Fix: add 'days:' with the days it meets, such as 'days: [Monday, Wednesday]', or "
        "'steps:' when its days change over the course."),
    "a date written 01/04/2027": (
        (("replace", CURRICULUM, "language: en", "language: en\nstart_date: 01/04/2027"),),
        "curriculum/default.yml:{line:start_date}: field 'start_date' is '01/04/2027', which is "
        f"not a date written as \"YYYY-MM-DD\". Fix: {DATE_FIX}"),
    "an unquoted impossible date": (
        (("replace", CURRICULUM, "language: en", "language: en\nstart_date: 2027-13-01"),),
        "curriculum/default.yml:{line:start_date}: field 'start_date' is '2027-13-01', which is "
        f"not a date on the calendar. Fix: {DATE_FIX}"),
    "a word for a number": (
        (("replace", CURRICULUM, "session_minutes: 90", "session_minutes: ninety"),),
        "curriculum/default.yml:{line:ninety}: field 'tracks.session_minutes' must be a whole "
        "number, but it is 'ninety'. Fix: write a whole number, such as 12, without quotes or "
        "words."),
    "a day that is not a day": (
        (("replace", CURRICULUM, "days: [Monday, Wednesday, Friday]",
          "days: [lunes, Miércoles, Funday]"),),
        "curriculum/default.yml:{line:Funday}: field 'tracks.days' lists 'Funday', which is not "
        f"a day of the week. Fix: did you mean 'Sunday'? Otherwise use one of: {DAY_NAMES} (in "
        "any case; the Spanish names lunes to domingo work too)."),
    # --- module front matter -----------------------------------------------------------------
    "duplicate module id": (
        (("write", "modules/copy-of-cravings.md", None),),
        "modules/copy-of-cravings.md:2: the module id 'coping-with-cravings' is already used by "
        "'modules/coping-with-cravings.md'. Fix: give each module its own id."),
    "malformed front matter": (
        (("replace", MODULE, "duration: 90", "duration: 90\n  bad: [indent"),),
        "modules/refusal-skills.md:{line:  bad: [indent}: the YAML cannot be read: there is a "
        "': ' where YAML does not expect one. Fix: put quotes around text that contains a colon "
        "(': ')."),
    "missing field": (
        (("replace", "modules/stages-of-change.md", "\nphase: engagement", ""),),
        "modules/stages-of-change.md:2: the required field 'phase' is missing. Fix: add "
        "'phase:' with a value."),
    "wrongly typed field": (
        (("replace", "modules/anger-cues-and-meter.md", "duration: 90", "duration: ninety"),),
        "modules/anger-cues-and-meter.md:{line:duration: ninety}: field 'duration' must be a "
        "whole number, but it is 'ninety'. Fix: write a whole number, such as 12, without quotes "
        "or words."),
    "a phase that does not exist": (
        (("replace", MODULE, "phase: early-recovery", "phase: early"),),
        "modules/refusal-skills.md:{line:phase: early}: field 'phase' is 'early', which is not "
        "one of the allowed values. Fix: use one of: engagement, early-recovery, "
        "relapse-prevention, maintenance."),
    "non-UTF-8 module": (
        (("write", MODULE, None),),
        "modules/refusal-skills.md:{line:Off\ufffdrs}: the file is not UTF-8 text (byte 0xe9 "
        "cannot be read). Fix: save the file as UTF-8 in your editor ('Save with encoding: "
        "UTF-8')."),
    "very large module": (
        (("write", MODULE, None),),
        "modules/refusal-skills.md: the file is too large (2.2 MB); the limit is 2 MB. Fix: split "
        "it into smaller files, or check that it is the right file."),
    "no front matter": (
        (("write", MODULE, "# Reading\n\nHello.\n"),),
        "modules/refusal-skills.md:1: the module has no front matter. Fix: start the file with a "
        "'---' line, the YAML fields, and another '---' line (see 'Writing a module' in the "
        "README)."),
    "front matter not closed": (
        (("write", MODULE, "---\nid: refusal-skills\n# Reading\n"),),
        "modules/refusal-skills.md:1: the front matter is not closed. Fix: end the front matter "
        "with a line of three dashes '---'."),
    "bad handout code": (
        (("replace", MODULE, "code: ER-05", "code: er5"),),
        "modules/refusal-skills.md:{line:code: er5}: field 'code' is 'er5', but a handout code "
        "is 2-4 capital letters, a hyphen and 2 digits. Fix: use 2-4 capital letters, a hyphen "
        "and 2 digits, such as 'RP-05'."),
    "duplicate handout code": (
        (("replace", MODULE, "code: ER-05", "code: ER-02"),),
        "modules/refusal-skills.md:2: the handout code 'ER-02' is already used by module "
        "'coping-with-cravings'. Fix: give each module its own code."),
    "alias bomb in front matter": (
        (("replace", MODULE, "duration: 90\n", "duration: 90\n" + _bomb()),),
        "modules/refusal-skills.md:{line:a4: &a4}: the aliases ('*name') here expand to more "
        "than 50,000 values. Fix: write the values out, or use fewer aliases: each alias copies "
        "everything under its anchor ('&name')."),
    "a title that loads an image": (
        (("replace", MODULE, "title: Saying No to Alcohol and Drugs",
          "title: Saying No ![x](https://t.example/p.png)"),),
        "modules/refusal-skills.md:{line:title:}: the image 'https://t.example/p.png' would be "
        f"loaded from another website. Fix: {REMOTE_FIX}"),
    # --- module bodies -----------------------------------------------------------------------
    "steps do not add up": (
        (("replace", MODULE, "(15 min)", "(25 min)"),),
        "modules/refusal-skills.md:{line+1:# Facilitator guide}: the timed steps add up to "
        "100 minutes, but "
        "'duration' is 90. Fix: change the '(N min)' in the '###' step headings so they add up "
        "to the duration."),
    "missing part": (
        (("replace", "modules/coping-with-cravings.md", "# Worksheet", "## Worksheet"),),
        "modules/coping-with-cravings.md: the part '# Worksheet' is missing. Fix: add a line "
        "'# Worksheet' followed by its text."),
    "text before the reading": (
        (("replace", MODULE, "# Reading\n", "Hello there.\n\n# Reading\n"),),
        "modules/refusal-skills.md:{line:Hello there.}: there is text before '# Reading'. Fix: "
        "start the body with the line '# Reading'."),
    "unknown part": (
        (("replace", MODULE, WORKSHEET, "# Notes\n\nx\n\n" + WORKSHEET),),
        "modules/refusal-skills.md:{line:# Notes}: unknown part '# Notes'. Fix: use '# Reading', "
        "'# Worksheet' and '# Facilitator guide'; use '##' for headings inside a part."),
    "no key points": (
        (("replace", MODULE, "## Key points", "## Summary"),),
        "modules/refusal-skills.md:{line+1:# Reading}: the reading has no '## Key points' list. "
        "Fix: end the reading with '## Key points' and 3-6 '- ' bullets."),
    "script tag": (
        (_in_worksheet("<script>alert(1)</script>"),),
        f"modules/refusal-skills.md:{{line:<script>}}: the HTML tag <script> is not allowed in a "
        f"module. Fix: {TAG_FIX}"),
    "event handler": (
        (_in_worksheet('<span onclick="go()">Hi</span>'),),
        "modules/refusal-skills.md:{line:onclick}: the attribute 'onclick' on <span> is not "
        "allowed in a module. Fix: remove it: modules cannot run scripts or set styles."),
    "remote image in a module": (
        (_in_worksheet("![A photo](https://example.com/a.png)"),),
        "modules/refusal-skills.md:{line:example.com}: the image 'https://example.com/a.png' "
        f"would be loaded from another website. Fix: {REMOTE_FIX}"),
    "remote stylesheet in a module": (
        (_in_worksheet('<link rel="stylesheet" href="https://cdn.example.com/a.css">'),),
        "modules/refusal-skills.md:{line:cdn.example.com}: the HTML tag <link> is not allowed in "
        f"a module. Fix: {TAG_FIX}"),
    "path outside the project": (
        (_in_worksheet("![x](../../../../../etc/passwd)"),),
        "modules/refusal-skills.md:{line:etc/passwd}: the address '../../../../../etc/passwd' "
        "points outside the project folder. Fix: use a path inside the project, relative to the "
        "page."),
    "javascript link": (
        (_in_worksheet("[Click](javascript:alert(1))"),),
        "modules/refusal-skills.md:{line:javascript}: the address 'javascript:alert(1)' runs "
        "code. Fix: link to a page or a file instead."),
    "a style that loads an image": (
        (_in_worksheet("Look here.\n{: style=\"background: url(https://t.example/p.png)\" }"),),
        "modules/refusal-skills.md:{line:background}: the attribute 'style' on <p> is not "
        "allowed in a module. Fix: remove it: modules cannot run scripts or set styles."),
    "an element left open": (
        (_in_worksheet("<details>\n<summary>More</summary>"),),
        "modules/refusal-skills.md:{line:<details>}: the HTML tag <details> is not closed. Fix: "
        "add '</details>' where it ends, in the same part of the module."),
    # --- the bypasses of the old line-by-line check (issue 14) --------------------------------
    "raw HTML across several lines": (
        (_in_worksheet('<img\n  src="https://t.example/pixel.png"\n  alt="">'),),
        "modules/refusal-skills.md:{line:pixel.png}: the image 'https://t.example/pixel.png' "
        f"would be loaded from another website. Fix: {REMOTE_FIX}"),
    "HTML indented in a list item": (
        (_in_worksheet('- A list item\n\n    <img src="https://t.example/pixel.png">'),),
        "modules/refusal-skills.md:{line:pixel.png}: the image 'https://t.example/pixel.png' "
        f"would be loaded from another website. Fix: {REMOTE_FIX}"),
    "a reference-style image defined elsewhere": (
        (_in_worksheet("A picture: ![pixel][p]"),
         ("replace", MODULE, "# Facilitator guide\n",
          "[p]: https://t.example/pixel.png\n\n# Facilitator guide\n")),
        "modules/refusal-skills.md:{line:[p]: https}: the image 'https://t.example/pixel.png' "
        f"would be loaded from another website. Fix: {REMOTE_FIX}"),
    # A script built from Jinja pieces ('<scr' ~ 'ipt>') prints as text: test_untrusted.py.
    # --- templates and program values in modules ----------------------------------------------
    "undefined module variable": (
        (_in_worksheet("Call {{ sponsor_phone }} today."),),
        "modules/refusal-skills.md:{line:sponsor_phone}: the module uses a value the program does "
        "not set: 'sponsor_phone' is undefined. Fix: add it to the program file under 'contact:' "
        "or 'variables:', or remove it. Available: program, program_name."),
    "sandbox violation in a module": (
        (_in_worksheet("{{ program_name.__class__.__mro__ }}"),),
        "modules/refusal-skills.md:{line:__class__}: an expression on this line reaches into the "
        "program's code ('__class__'), which a module may not do. Fix: use only the program's "
        "values, such as '{{ phone }}', and '{% if %}' tests (see 'Variables in modules' in the "
        "README)."),
    "a second translation of a module": (
        (("write", "modules/no-a-las-ofertas.es.md", None),),
        "modules/no-a-las-ofertas.es.md:2: the module 'refusal-skills' is already translated by "
        "'modules/refusal-skills.es.md'. Fix: keep one translation of each module: move what you "
        "need into 'modules/refusal-skills.es.md' and delete this file."),
    "undefined template variable": (
        (("append", "templates/week.md.j2", "{{ weeek }}\n"),),
        "templates/week.md.j2:{line:weeek}: the template uses an undefined value: 'weeek' is "
        f"undefined. Fix: {TEMPLATE_FIX}"),
    "template syntax error": (
        (("append", "templates/session.md.j2", "{{ module.reading }\n"),),
        "templates/session.md.j2:{line:{{ module.reading }\n}: template syntax error: unexpected "
        "'}'. Fix: check the '{{ }}' and '{% %}' tags on this line."),
    "missing included template": (
        (("append", "templates/home.md.j2", "{% include \"nope.md.j2\" %}\n"),),
        "templates/nope.md.j2: the template does not exist. Fix: restore it from the library or "
        "fix its name."),
    "undefined variable in a print template": (
        (("append", "templates/print/_handout_body.html.j2", "{{ nope }}\n"),),
        "templates/print/_handout_body.html.j2:{line:nope}: the template uses an undefined "
        f"value: 'nope' is undefined. Fix: {TEMPLATE_FIX}"),
}

# The cases that need more than one edit spelled out, or whole files made from the project.
TWO_TRACKS = """\
program: Small Test IOP
weeks: 2
min_weeks: 1
language: en
translations: [es]
hours: {minimum: 3}
tracks:
  - id: session
    name: Skills group
    days: [Monday, Wednesday, Friday]
    modules: [orientation-and-levels-of-care, stages-of-change, coping-with-cravings,
              refusal-skills, anger-cues-and-meter, relapse-warning-signs]
  - id: session
    name: Process group
    service: true
    days: [Tuesday]
"""


def _whole_file(project: Project, name: str, path: str) -> str | bytes:
    if name == "duplicate module id":
        return project.read("modules/coping-with-cravings.md").replace("code: ER-02",
                                                                        "code: ER-99")
    if name == "very large module":
        return project.read(path) + "\nx" * 1_100_000
    if name == "non-UTF-8 module":
        return project.read(path).encode().replace(b"# Reading", b"# Reading\n\nOff\xe9rs", 1)
    if name == "two tracks with the same id":
        return TWO_TRACKS
    if name == "service with modules":
        return TWO_TRACKS.replace("  - id: session\n    name: Process", "  - id: process\n"
                                  "    name: Process").replace(
            "    service: true\n", "    service: true\n    modules: [stages-of-change]\n")
    if name == "a second translation of a module":
        return project.read("modules/refusal-skills.es.md")
    raise AssertionError(name)


def _apply(project: Project, name: str, edit: tuple) -> None:
    kind, path, *rest = edit
    if kind == "replace":
        project.replace(path, *rest)
    elif kind == "append":
        project.write(path, project.read(path) + rest[0])
    else:
        project.write(path, rest[0] if rest[0] is not None else _whole_file(project, name, path))


def _expected(project: Project, edits: tuple, text: str) -> str:
    """Fill '{line:TEXT}' with the line where TEXT starts in the first edited file ('{line+1:'
    the line after it)."""
    content = project.root.joinpath(edits[0][1]).read_bytes().decode("utf-8", "replace")

    def line(match: re.Match[str]) -> str:
        return str(content[: content.index(match[2])].count("\n") + 1 + int(match[1] or 0))

    return re.sub(r"\{line(\+1)?:(.+?)\}(?=:)", line, text, flags=re.S)


def _copy(built: Project, root) -> Project:
    shutil.copytree(built.root, root / "p")
    return Project(root / "p")


def _assert_refused(result, expected: str) -> None:
    output = result.output
    assert result.exit_code == 1, output
    assert "Traceback" not in output
    assert result.exception is None or isinstance(result.exception, SystemExit), output
    assert output.count("Error: ") == 1, output
    assert output[output.index("Error: "):] == f"Error: {expected}\n"


@pytest.mark.parametrize("name", CASES)
def test_bad_input_is_reported_and_site_kept(built_small, tmp_path, name):
    project = _copy(built_small, tmp_path)
    edits, expected = CASES[name]
    before = site_digest(project.site)
    for edit in edits:
        _apply(project, name, edit)
    _assert_refused(project.cli("build"), _expected(project, edits, expected))
    assert site_digest(project.site) == before
    assert not list(project.root.glob(".site-*")), "staging folder left behind"
    check = project.cli("check")
    assert check.exit_code != 0 and "Traceback" not in check.output


BYPASSES = ("raw HTML across several lines", "HTML indented in a list item",
            "a reference-style image defined elsewhere", "remote image in a module")


@pytest.mark.parametrize("name", BYPASSES)
def test_bypasses_are_refused_without_pdfs_too(built_small, tmp_path, name):
    project = _copy(built_small, tmp_path)
    project.disable_pdfs()
    edits, expected = CASES[name]
    for edit in edits:
        _apply(project, name, edit)
    _assert_refused(project.cli("build"), _expected(project, edits, expected))


@pytest.mark.parametrize("days", ["[monday, wednesday, FRIDAY]",
                                  "[Lunes, miércoles, Viernes]", "[lunes, miercoles, VIERNES]"])
def test_lowercase_and_spanish_day_names_work(small, days):
    from site_builder.programs import load_program

    small.replace(CURRICULUM, "days: [Monday, Wednesday, Friday]", f"days: {days}")
    course = load_program(small.root, "default")
    assert [s.day for s in course.sessions[:3]] == ["Monday", "Wednesday", "Friday"]
