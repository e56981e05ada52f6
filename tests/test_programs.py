"""Programs customize the library without Python: schedules, dates, hours, overrides, variables,
conditional content, 'your path', several programs from one library, scaffolding and schema."""

from __future__ import annotations

import json
import re

import pytest
from click.testing import CliRunner

from site_builder.cli import main
from site_builder.programs import load_program, program_json_schema

from .conftest import EXAMPLE_PROGRAMS, REPO


def _run(*args):
    # The env entry makes CliRunner restore the program variable that --program sets.
    result = CliRunner().invoke(main, [str(a) for a in args], env={"SITE_BUILDER_PROGRAM": None})
    assert "Traceback" not in result.output
    return result


def _page(project, program, page):
    site = project.root / "sites" / program if program != "default" else project.site
    return (site / page / "index.html").read_text(encoding="utf-8")


def test_list_names_the_example_programs():
    result = _run("list", "-f", REPO / "mkdocs.yml")
    assert result.exit_code == 0
    names = [line.split()[0] for line in result.output.splitlines()]
    assert names[:1] == ["default"] and {"evening-iop", "anger-management"} <= set(names)


def test_each_program_goes_to_its_own_folder(built_default, built_examples):
    assert (built_default.site / "index.html").exists()
    assert not (built_examples.site / "index.html").exists()  # building a program keeps site/
    for name in EXAMPLE_PROGRAMS:
        assert (built_examples.root / "sites" / name / "index.html").exists()


ONE_SESSION = """\
program: One Session
weeks: 1
min_weeks: 1
days: [Monday]
schedule:
  - {week: 1, sessions: [stages-of-change]}
"""


@pytest.mark.slow
def test_a_program_build_puts_its_pdfs_in_its_own_folder(small):
    small.write("curriculum/one.yml", ONE_SESSION)
    result = _run("build", "-f", small.config, "--program", "one")
    assert result.exit_code == 0, result.output
    site = small.root / "sites/one"
    assert (site / "print/workbook.pdf").exists()
    assert list(site.glob("print/week-01/session-1/handout-*.pdf"))
    assert not small.site.exists()


def test_default_program_schedule_and_hours(built_default, default_course):
    course = default_course
    skills = [s for s in course.sessions if s.track_id == "session"]
    assert len(skills) == 48 and course.curriculum.weeks == 16
    hours = {week: sum(h.values()) for week, h in course.hours.items()}
    # weeks 1-12 have the Thursday health-and-safety group (1.5 h) as well
    assert hours == {week: 13.0 if week <= 12 else 11.5 for week in range(1, 17)}
    glance = _page(built_default, "default", "at-a-glance")
    assert "<svg" in glance and "Scheduled contact hours per week" in glance
    assert "Week 16: 11.5 h." in glance and "(below minimum)" not in glance


def test_evening_dates_holiday_and_tracks(built_examples, tmp_path):
    course = load_program(built_examples.root, "evening-iop")
    evening = [s for s in course.sessions if s.track_id == "evening"]
    family = [s for s in course.sessions if s.track_id == "family"]
    assert str(evening[0].date) == "2027-01-04" and evening[0].day == "Monday"
    assert "2027-01-18" not in {str(s.date) for s in course.sessions}
    # The holiday moves the Monday session to Tuesday the 19th and the rest along.
    after = [s for s in evening if str(s.date) > "2027-01-14"]
    assert str(after[0].date) == "2027-01-19"
    assert {s.day for s in family} == {"Wednesday"} and len(family) == 12
    schedule = _page(built_examples, "evening-iop", "schedule")
    assert "The course starts on Monday, January 4, 2027." in schedule
    assert "Monday, January 18, 2027" in schedule and "Family education" in schedule
    hours = course.hours
    assert sum(hours[3].values()) == 7.5 and sum(hours[4].values()) == 10.5
    handout = tmp_path / "handout.pdf"  # the example sites are built without PDFs
    result = _run("handout", "-f", built_examples.config, "--program", "evening-iop",
                  evening[0].module.id, "-o", handout)
    assert result.exit_code == 0, result.output
    from pypdf import PdfReader

    text = PdfReader(handout).pages[0].extract_text()
    assert "Monday, January 4, 2027" in text and "555-0142" in text


def test_evening_overrides_variables_and_conditional_content(built_examples, built_default):
    orientation = _page(built_examples, "evening-iop", "week-01/evening-1")
    assert "Evenings at Riverside Evening IOP start at 6:00 pm." in orientation
    library = (REPO / "modules/orientation-and-levels-of-care.md").read_text()
    first_library_sentence = library.split("# Reading", 1)[1].strip().split(".")[0]
    assert first_library_sentence not in orientation
    assert "{{" not in orientation and "555-0142" in orientation
    default_orientation = _page(built_default, "default", "week-01/session-1")
    assert "Evenings at" not in default_orientation
    evening_mutual = next(p for p in (built_examples.root / "sites/evening-iop").rglob("*.html")
                          if "mutual-help" not in str(p) and "A meeting in our building" in
                          p.read_text() and "facilitator" not in str(p))
    assert evening_mutual
    assert not any("A meeting in our building" in p.read_text()
                   for p in built_default.site.rglob("*.html"))


def test_evening_branding(built_examples):
    site = built_examples.root / "sites/evening-iop"
    home = _page(built_examples, "evening-iop", "")
    assert "We meet in the evening so you can keep your job" in home  # its own home template
    assert (site / "assets/program-logo.svg").exists() and 'src="assets/program-logo.svg"' in home
    assert "#1b5e20" in (site / "assets/stylesheets/program.css").read_text()
    assert "Riverside mobile crisis team" in home and 'href="tel:988"' in home
    assert "Riverside walk-in clinic" in home


def test_your_path_for_a_mid_course_start(built_examples):
    course = load_program(built_examples.root, "evening-iop")
    page = _page(built_examples, "evening-iop", "your-path/evening-week-05")
    rows = re.findall(r"<tr>\s*<td>(\d+)</td>\s*<td>(\d+)(?: \(next round\))?</td>", page)
    weeks = [int(w) for _, w in rows]
    evening = [s for s in course.sessions if s.track_id == "evening"]
    assert len(rows) == len(evening)
    assert weeks[0] == 5 and weeks[-1] == 4 and weeks == sorted(weeks[: weeks.index(1)]) + \
        sorted(weeks[weeks.index(1):])
    assert "(next round)" in page and "Nothing about you is saved" in page


def test_anger_group_one_session_a_week_with_its_own_module(built_examples):
    course = load_program(built_examples.root, "anger-management")
    assert len(course.sessions) == 12
    assert {s.week for s in course.sessions} == set(range(1, 13))
    assert course.sessions[-1].module.id == "anger-review-and-next-steps"
    assert course.sessions[-1].module.meta.code == "AM-05"
    assert "anger-review-and-next-steps" not in {p.stem for p in (REPO / "modules").glob("*")}


SHORT = """\
program: Short Week Program
weeks: 12
hours:
  minimum: 9
  on_shortfall: {mode}
tracks:
  - id: session
    name: Group
    days: [Monday, Wednesday]
    session_minutes: 90
    modules: [stages-of-change, coping-with-cravings]
"""


@pytest.mark.slow
@pytest.mark.parametrize("mode", ["warn", "fail"])
def test_week_under_minimum_hours(small, mode):
    small.write("curriculum/short.yml", SHORT.format(mode=mode))
    small.disable_pdfs()
    result = _run("build", "-f", small.config, "--program", "short", "--no-strict")
    assert "under the minimum of 9 contact hours: week 1 (3 h)" in result.output
    if mode == "warn":
        assert result.exit_code == 0 and "Hours: curriculum/short.yml" in result.output
    else:
        assert result.exit_code != 0 and "curriculum/short.yml" in result.output


STEPS = """\
program: Step Down
weeks: 12
tracks:
  - id: session
    name: Group
    steps:
      - {{weeks: "1-4", days: [Monday, Tuesday, Wednesday, Thursday]}}
      - {{weeks: "5-8", days: [Monday, Wednesday, Friday]}}
      - {{weeks: "9-12", days: [Tuesday, Thursday]}}
    session_minutes: 90
    modules: [{modules}]
"""


def test_sessions_step_down(project):
    ids = sorted(p.stem for p in (REPO / "modules").glob("*.md") if "." not in p.stem)[:36]
    project.write("curriculum/steps.yml", STEPS.format(modules=", ".join(ids)))
    course = load_program(project.root, "steps")
    per_week = [sum(1 for s in course.sessions if s.week == w) for w in range(1, 13)]
    assert per_week == [4] * 4 + [3] * 4 + [2] * 4
    assert [sum(course.hours[w].values()) for w in (1, 5, 9)] == [6, 4.5, 3]


@pytest.mark.slow
def test_new_program_scaffold_checks(project):
    result = _run("new", "program", "riverside", "-f", project.config)
    assert result.exit_code == 0, result.output
    assert (project.root / "curriculum/riverside.yml").exists()
    assert (project.root / "curriculum/riverside/modules").is_dir()
    check = _run("check", "-f", project.config, "--program", "riverside")
    assert check.exit_code == 0, check.output
    assert "'Riverside', 36 sessions over 12 weeks" in check.output


def test_json_schema_is_exported_and_committed():
    schema = json.loads(program_json_schema())
    assert {"program", "weeks", "tracks", "contact", "hours"} <= set(schema["properties"])
    committed = (REPO / "curriculum/program.schema.json").read_text()
    assert committed == program_json_schema(), \
        "run: site-builder schema -o curriculum/program.schema.json"


def test_program_errors_name_file_line_and_field(small):
    small.write("curriculum/bad.yml", SHORT.format(mode="warn").replace(
        "hours:", "colors:\n  primary: \"#ffff00\"\nlogo: bad/logo.png\nhours:"))
    result = _run("check", "-f", small.config, "--program", "bad")
    assert result.exit_code != 0
    assert "curriculum/bad.yml:4: field 'colors.primary'" in result.output
    assert "contrast" in result.output
    small.write("curriculum/bad.yml", SHORT.format(mode="warn").replace(
        "hours:", "logo: bad/logo.png\nhours:"))
    result = _run("check", "-f", small.config, "--program", "bad")
    assert "curriculum/bad.yml:3: the logo file 'bad/logo.png' does not exist." in result.output
