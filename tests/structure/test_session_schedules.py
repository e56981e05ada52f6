"""Real programs' schedules (issue 15): session lengths, track session numbers, services shown to
clients, the program's phone on every page and handout, the hours check, calendars and the
person-first lint in context. Each is tested on a small program built for real."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from site_builder.errors import CourseError
from site_builder.programs import load_program
from site_builder.structure.course import Step
from site_builder.structure.hours import format_hours, hours_report
from site_builder.structure.sessions import TooShort, fit_steps, scale_steps

from ..conftest import REPO, Project, small_project

# Three weeks from Monday 4 January 2027, a holiday on Wednesday the 6th. A 60-minute relapse
# prevention group numbered RP-01.. runs 90-minute modules (coping-with-cravings twice, the
# second time under the program's own title); a 90-minute family group; individual counseling
# that clients do not see; a weekly drug test that clients see and that does not count.
HARBOR = """\
program: Harbor Test IOP
weeks: 3
min_weeks: 1
language: en
start_date: "2027-01-04"
holidays: ["2027-01-06"]
contact:
  phone: "555-0199"
  meeting_place: Harbor Clinic, Room 4
hours:
  minimum: 2.5
  on_shortfall: warn
tracks:
  - id: rp
    name: Relapse prevention
    code: RP
    days: [Monday, Wednesday]
    session_minutes: 60
    start_time: "18:00"
    open_entry: true
    modules:
      - coping-with-cravings
      - refusal-skills
      - {module: coping-with-cravings, title: "Cravings, Part Two"}
  - id: family
    name: Family education
    days: [Thursday]
    session_minutes: 90
    schedule:
      - {week: 2, sessions: [stages-of-change]}
  - id: individual
    name: Individual counseling
    service: true
    days: [Tuesday]
    session_minutes: 50
  - id: testing
    name: Drug testing
    service: true
    visible: true
    counts_toward_hours: false
    days: [Friday]
    session_minutes: 15
"""


def _cli(project: Project, *args: object):
    """Run `site-builder ARGS -f mkdocs.yml` on the project; return the click result."""
    from click.testing import CliRunner

    from site_builder.cli import main

    # The env entry makes CliRunner restore the program variable that --program sets.
    return CliRunner().invoke(main, [*(str(a) for a in args), "-f", str(project.config)],
                              env={"SITE_BUILDER_PROGRAM": None})


def _no_pdfs(project: Project) -> None:
    """Build pages only (the course plugin's `pdfs: false`)."""
    text = project.read("mkdocs.yml")
    option = re.search(r"^([ \t]+)cache_dir:", text, re.M)
    project.write("mkdocs.yml", text.replace(option[0], f"{option[1]}pdfs: false\n{option[0]}", 1))


def _line(text: str, start: str) -> int:
    """The line number of the first line of `text` that starts with `start` (after spaces)."""
    return next(i for i, line in enumerate(text.splitlines(), 1)
                if line.strip().startswith(start))


SHORTFALL = ("1 week(s) are under the minimum of 2.5 contact hours: week 3 (50 min). Fix: add a "
             "group or service, or list the weeks under 'hours: exempt_weeks' (planned step-down "
             "weeks, for example).")


@pytest.fixture(scope="module")
def harbor(tmp_path_factory: pytest.TempPathFactory, pdf_cache: Path):
    """HARBOR built once with `site-builder build` (strict) and its PDFs: (project, output)."""
    project = small_project(tmp_path_factory.mktemp("harbor"), pdf_cache)
    project.write("curriculum/default.yml", HARBOR)
    result = _cli(project, "build")
    assert result.exit_code == 0, result.output
    return project, result.output


def _text(html: str) -> str:
    """The words of a page's article, as a reader sees them."""
    article = re.search(r"<article.*?</article>", html, re.S)[0]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", article)).replace("&#39;", "'")


def _pdf_text(path: Path) -> list[str]:
    return [page.extract_text() for page in PdfReader(path).pages]


# --- Session length ---------------------------------------------------------------------------

@pytest.mark.slow
def test_a_60_minute_track_runs_a_90_minute_module_in_60_minutes(harbor):
    project, output = harbor
    assert "squeezed" not in output and "stretched" not in output  # a third is within bounds
    page = project.html("facilitator/week-01/rp-1")
    text = _text(page)
    assert "60 minutes" in text and "90 minutes" not in text and "90 min" not in text
    rows = re.findall(r"<tr>\s*<td>([^<]+)</td>\s*<td>(\d+)</td>\s*</tr>", page)
    minutes = [int(m) for _, m in rows]
    assert len(minutes) == 6 and sum(minutes) == 60
    assert all(m >= 5 and m % 5 == 0 for m in minutes)
    headings = [int(m) for m in re.findall(r"<h3[^>]*>[^<]*\((\d+) min\)", page)]
    assert headings == minutes  # the guide's own step headings show the same minutes, in order
    print_dir = project.site / "print/week-01/rp-1"
    guide = "\n".join(_pdf_text(print_dir / "guide-RP-01.pdf"))
    assert "60 minutes" in guide and "90 min" not in guide
    assert sum(int(m) for m in re.findall(r"\((\d+) min\)", guide)) == 60
    assert re.search(r"Total\s*60\b", guide)
    for kind in ("handout", "sign-in"):
        text = "\n".join(_pdf_text(print_dir / f"{kind}-RP-01.pdf"))
        assert "60 minutes" in text and "90 minutes" not in text, kind
    family = _text(project.html("facilitator/week-02/family-1"))
    assert "90 minutes" in family  # a module run at its own length is unchanged
    assert "for 60 minutes" in _text(project.html("schedule"))


def test_steps_scale_to_fives_in_order_and_never_below_five():
    steps = [Step("Check-in", 15), Step("Topic", 20), Step("Topic 2", 15), Step("Practice", 10),
             Step("Practice 2", 20), Step("Summary", 10)]
    assert [s.minutes for s in scale_steps(steps, 60)] == [10, 15, 10, 5, 15, 5]
    assert [s.minutes for s in scale_steps(steps, 120)] == [20, 25, 20, 15, 25, 15]
    assert [s.minutes for s in scale_steps(steps, 30)] == [5] * 6
    assert [s.title for s in scale_steps(steps, 45)] == [s.title for s in steps]
    assert sum(s.minutes for s in scale_steps(steps, 47)) == 47  # odd minutes go to one step
    with pytest.raises(TooShort):
        scale_steps(steps, 25)


def test_optional_steps_are_left_out_first_and_a_variant_wins():
    steps = [Step("Check-in", 15), Step("Topic", 30), Step("Role play", 20, optional=True),
             Step("Practice", 15), Step("Summary", 10)]
    run, left = fit_steps(steps, 70, {})
    assert [s.title for s in left] == ["Role play"] and sum(s.minutes for s in run) == 70
    run, left = fit_steps(steps, 60, {})
    assert [s.title for s in left] == ["Role play"]
    assert [(s.title, s.minutes) for s in run] == [("Check-in", 15), ("Topic", 25),
                                                    ("Practice", 10), ("Summary", 10)]
    run, left = fit_steps(steps, 80, {})  # without the optional step the session is not filled
    assert left == [] and sum(s.minutes for s in run) == 80
    plan = {45: {"Check-in": 10, "Topic": 25, "Summary": 10}}
    run, left = fit_steps(steps, 45, plan)
    assert [(s.title, s.minutes) for s in run] == [("Check-in", 10), ("Topic", 25),
                                                    ("Summary", 10)]
    assert [s.title for s in left] == ["Role play", "Practice"]


VARIANT_MODULE_FRONT = ("tags: [coping, skills]\nvariants:\n  45:\n    Check-in: 10\n"
                        "    \"Topic: What cravings are and what sets them off\": 15\n"
                        "    \"Practice: Play the story and make a plan\": 10\n"
                        "    Summary and assignment: 10\n")


def _own_module(project: Project, front: str = "", optional: str = "") -> Path:
    """The program's own copy of coping-with-cravings with extra front matter, and one step
    marked optional."""
    text = (REPO / "modules/coping-with-cravings.md").read_text(encoding="utf-8")
    if front:  # the library's own plans make way for the test's
        text = re.sub(r"^variants:\n(?:  .*\n)+", "", text, count=1, flags=re.M)
    text = re.sub(r"^tags:.*\n", front or r"\g<0>", text, count=1, flags=re.M)
    if optional:
        text = re.sub(rf"^(### {re.escape(optional)} \(\d+ min)\)", r"\1, optional)", text,
                      count=1, flags=re.M)
    return project.write("curriculum/default/modules/coping-with-cravings.md", text)


def _program_with(minutes: int, modules: str = "[coping-with-cravings]") -> str:
    return HARBOR.replace("    session_minutes: 60\n", f"    session_minutes: {minutes}\n", 1) \
        .replace("""    modules:
      - coping-with-cravings
      - refusal-skills
      - {module: coping-with-cravings, title: "Cravings, Part Two"}
""", f"    modules: {modules}\n")


def test_a_module_variant_and_optional_steps_shape_the_guide(small):
    small.write("curriculum/default.yml", _program_with(45))
    _own_module(small, VARIANT_MODULE_FRONT)
    session = load_program(small.root, "default").sessions[0]
    assert session.minutes == 45 and [s.minutes for s in session.module.steps] == [10, 15, 10, 10]
    guide = session.module.guide
    assert "### Check-in (10 min)" in guide and "### Practice: Urge surfing" not in guide
    assert "urge-surfing practice" in guide  # the materials list is untouched
    assert [s.title for s in session.left_out] == ["Topic: The craving wave and coping skills",
                                                   "Practice: Urge surfing"]
    small.write("curriculum/default.yml", _program_with(75))
    _own_module(small, optional="Practice: Urge surfing")
    session = load_program(small.root, "default").sessions[0]
    assert [s.title for s in session.left_out] == ["Practice: Urge surfing"]
    assert sum(s.minutes for s in session.module.steps) == 75
    assert "### Practice: Urge surfing" not in session.module.guide


def test_a_bad_variant_names_the_module_file_and_line(small):
    small.write("curriculum/default.yml", _program_with(45))
    path = _own_module(small, VARIANT_MODULE_FRONT.replace("Check-in: 10", "Check in: 10"))
    with pytest.raises(CourseError) as e:
        load_program(small.root, "default")
    line = _line(path.read_text(), "Check in: 10")
    assert str(e.value).startswith(
        f"curriculum/default/modules/coping-with-cravings.md:{line}: the 45-minute plan under "
        "'variants' names the step 'Check in', which is not a timed step of this module. Fix: "
        "use the step titles of the '### ... (N min)' headings: 'Check-in', ")


def test_stretching_by_more_than_a_third_warns_and_too_short_fails(small):
    small.write("curriculum/default.yml", _program_with(45))
    result = _cli(small, "check")
    line = _line(_program_with(45), "session_minutes: 45")
    assert result.exit_code == 0, result.output
    assert (f"Warning: curriculum/default.yml:{line}: the track 'rp' has 45-minute sessions, but "
            "module 'coping-with-cravings' is written for 90 minutes: its steps are squeezed by "
            "more than a third. Fix: give the module a 45-minute plan under 'variants:'"
            ) in result.output
    small.write("curriculum/default.yml", _program_with(25))
    result = _cli(small, "check")
    assert result.exit_code != 0 and "Traceback" not in result.output
    assert ("the track 'rp' has 25-minute sessions, too short for the 6 timed steps of module "
            "'coping-with-cravings' (each step needs at least 5 minutes).") in result.output


# --- Session numbers --------------------------------------------------------------------------

@pytest.mark.slow
def test_track_numbers_and_program_titles_on_pages_and_paperwork(harbor):
    project, _ = harbor
    schedule = _text(project.html("schedule"))
    assert re.findall(r"\bRP-\d\d\b", schedule) == ["RP-01", "RP-02", "RP-03"]
    assert "Cravings, Part Two" in schedule
    assert re.search(r"<h1[^>]*>Cravings, Part Two", project.html("week-02/rp-2"))
    assert re.search(r"<h1[^>]*>Coping with Cravings and Urges", project.html("week-01/rp-1"))
    print_dir = project.site / "print"
    checklist = "\n".join(_pdf_text(print_dir / "progress-checklist.pdf"))
    for code in ("RP-01", "RP-02", "RP-03", "EN-03"):
        assert code in checklist
    assert "(module ER-02)" in checklist
    sign_in = "\n".join(_pdf_text(print_dir / "week-02/rp-2/sign-in-RP-03.pdf"))
    assert "Cravings, Part Two" in sign_in and "RP-03" in sign_in and "module ER-02" in sign_in
    handout = "\n".join(_pdf_text(print_dir / "week-02/rp-2/handout-RP-03.pdf"))
    assert "Client handout RP-03" in handout and "Cravings, Part Two" in handout
    path = _text(project.html("your-path/rp-week-02"))
    assert re.search(r"Saying No to Alcohol and Drugs RP-02 .* Cravings, Part Two RP-03 .* "
                     r"Coping with Cravings and Urges RP-01", path)


RP32 = """\
program: Numbered IOP
weeks: 8
min_weeks: 1
language: en
hours: {{minimum: 6}}
tracks:
  - id: rp
    name: Relapse prevention
    code: RP
    days: [Monday, Tuesday, Wednesday, Thursday]
    session_minutes: 90
    modules: [{modules}]
"""


@pytest.mark.slow
def test_rp_01_to_rp_32_with_reused_modules(small, pdf_cache):
    from site_builder.pdf.handouts import PrintSettings, form_font, plan_print_jobs

    ids = ["orientation-and-levels-of-care", "stages-of-change", "coping-with-cravings",
           "refusal-skills", "anger-cues-and-meter", "relapse-warning-signs"]
    small.write("curriculum/default.yml", RP32.format(modules=", ".join(
        ids[i % len(ids)] for i in range(32))))
    _no_pdfs(small)
    result = _cli(small, "build")
    assert result.exit_code == 0, result.output
    codes = [f"RP-{n:02d}" for n in range(1, 33)]
    assert re.findall(r"\bRP-\d\d\b", _text(small.html("schedule"))) == codes
    # The same module five times over: five sessions, five pages, five codes.
    course = load_program(small.root, "default")
    cravings = [s for s in course.sessions if s.module.id == "coping-with-cravings"]
    assert [s.code for s in cravings] == ["RP-03", "RP-09", "RP-15", "RP-21", "RP-27"]
    assert len({s.slug for s in cravings}) == 5 and {s.module_code for s in cravings} == {"ER-02"}
    for s in cravings[:2]:
        assert f"Handout {s.code} (module ER-02)" in _text(small.html(f"facilitator/{s.slug}"))
    jobs = {job.path: job.html for job in plan_print_jobs(
        course, small.root / "templates", PrintSettings(), form_font=form_font(pdf_cache))}
    checklist = jobs["print/progress-checklist.pdf"]
    assert re.findall(r"<td>(RP-\d\d)</td>", checklist) == codes
    assert "sign-in-RP-09.pdf" in " ".join(jobs) and "sign-in-RP-03.pdf" in " ".join(jobs)


def test_a_session_code_used_twice_is_an_error(small):
    program = HARBOR.replace("sessions: [stages-of-change]", "sessions: [relapse-warning-signs]")
    program = program.replace("      - refusal-skills\n", "      - refusal-skills\n"
                              "      - stages-of-change\n")
    small.write("curriculum/default.yml", program.replace("code: RP", "code: RP", 1))
    # relapse-warning-signs has the code RP-02 in the family track: the RP track's second session.
    with pytest.raises(CourseError) as e:
        load_program(small.root, "default")
    assert str(e.value) == (
        f"curriculum/default.yml:{_line(program, 'code: RP')}: the session code 'RP-02' is used "
        "by track 'rp' and by track 'family'. Fix: give the track 'rp' a 'code' that no module "
        "or other track uses.")


def test_program_titles_in_the_site_language(small):
    small.write("curriculum/default.yml", HARBOR.replace(
        'title: "Cravings, Part Two"', "title: {en: Cravings Again, es: Otra vez las ganas}"))
    from site_builder.pipeline import Options, load

    spanish = load(Options.for_project(small.root), small.root, "es")
    assert spanish.sessions[2].title == "Otra vez las ganas"
    assert load_program(small.root, "default").sessions[2].title == "Cravings Again"


# --- Services ---------------------------------------------------------------------------------

@pytest.mark.slow
def test_a_visible_service_that_does_not_count(harbor):
    project, _ = harbor
    schedule = _text(project.html("schedule"))
    assert "Other appointments" in schedule
    assert re.search(r"Drug testing : on Friday, 15 minutes\. Not counted in your weekly group "
                     r"hours\.", schedule)
    assert "Individual counseling" not in schedule  # a service the program does not show
    week = _text(project.html("week-01"))
    assert "Friday, Jan 8: Drug testing (15 minutes)" in week
    assert "Individual counseling" not in week
    glance = _text(project.html("at-a-glance"))
    assert "Drug testing Service (not counted in the hours)" in glance
    course = load_program(project.root, "default")
    assert all("testing" not in per_track for per_track in course.hours.values())
    assert course.hours[2] == {"rp": 2.0, "family": 1.5, "individual": 50 / 60}
    assert "2 4 h 20 min" not in glance and "4 h 20 min" in glance
    assert "50 min" in glance and "0.83" not in glance


# --- The program's phone ----------------------------------------------------------------------

@pytest.mark.slow
def test_the_phone_and_meeting_place_on_every_page_and_handout_page(harbor):
    project, _ = harbor
    pages = [p for p in project.site.rglob("index.html")]
    assert len(pages) > 15
    for page in pages:
        footer = page.read_text(encoding="utf-8").split('class="md-copyright crisis-footer"')[1]
        assert 'href="tel:5550199">555-0199</a>' in footer, page
        assert "Harbor Clinic, Room 4" in footer, page
    pdfs = sorted((project.site / "print").rglob("*.pdf"))
    assert len(pdfs) > 15
    for pdf in pdfs:
        for n, text in enumerate(_pdf_text(pdf), 1):
            assert "Harbor Test IOP: 555-0199 · Harbor Clinic, Room 4" in text, (pdf, n)


# --- Hours ------------------------------------------------------------------------------------

@pytest.mark.slow
def test_warn_builds_strict_and_check_reports_it(harbor):
    project, output = harbor
    line = _line(HARBOR, "minimum: 2.5")
    assert f"Hours: curriculum/default.yml:{line}: {SHORTFALL}" in output
    assert "Aborted" not in output and "Site built in" in output
    result = _cli(project, "check")
    assert result.exit_code == 0, result.output
    assert (f"Hours: warning (on_shortfall: warn): curriculum/default.yml:{line}: {SHORTFALL}"
            in result.output)


def test_fail_stops_check_and_build_naming_the_program_file_and_line(small):
    program = HARBOR.replace("on_shortfall: warn", "on_shortfall: fail")
    small.write("curriculum/default.yml", program)
    _no_pdfs(small)
    expected = f"curriculum/default.yml:{_line(program, 'on_shortfall')}: {SHORTFALL}"
    check = _cli(small, "check")
    assert check.exit_code != 0 and f"Error: {expected}" in check.output
    build = _cli(small, "build", "--no-strict")
    assert build.exit_code != 0 and f"Error: {expected}" in build.output
    assert "mkdocs.yml" not in build.output.split("Error:")[1]


def test_check_reports_hours_that_are_met(small):
    small.write("curriculum/default.yml", HARBOR.replace("minimum: 2.5", "minimum: 0.75"))
    result = _cli(small, "check")
    assert result.exit_code == 0, result.output
    assert "Hours: every week has at least 45 min of contact hours." in result.output


def test_hours_read_as_people_write_them():
    assert [format_hours(h) for h in (0.25, 50 / 60, 4.5, 10, 1.25, 0)] == [
        "15 min", "50 min", "4.5 h", "10 h", "1 h 15 min", "0 h"]
    assert format_hours(4.5, "es") == "4,5 h"


@pytest.mark.slow
def test_holidays_take_hours_away_and_are_labelled_holidays(harbor):
    project, _ = harbor
    report = hours_report(load_program(project.root, "default"))
    week1 = report.weeks[0]
    assert week1.holidays == (dt.date(2027, 1, 6),) and week1.lost == 1.0
    assert week1.holiday_short and not week1.short
    glance = _text(project.html("at-a-glance"))
    assert "No meetings on the holiday, Wednesday, January 6, 2027" in glance
    assert "1 h 50 min (holiday week)" in glance and "50 min (below minimum)" in glance
    assert "step-down" not in glance
    schedule = _text(project.html("schedule"))
    assert "meets on Monday and Wednesday, for 60 minutes" in schedule


def test_step_and_part_course_wording(small):
    program = HARBOR.replace("    days: [Monday, Wednesday]\n    session_minutes: 60", """\
    steps:
      - {weeks: 1, days: [Monday, Wednesday]}
      - {weeks: "2-3", days: [Monday, Tuesday, Wednesday]}
    session_minutes: 60""").replace("""    service: true
    days: [Tuesday]""", """    service: true
    visible: true
    steps:
      - {weeks: 1, days: [Tuesday]}
      - {weeks: 3, days: [Tuesday]}""")
    small.write("curriculum/default.yml", program)
    from site_builder.pipeline import Options, prepare

    course = load_program(small.root, "default")
    pages = prepare(course, Options.for_project(small.root), small.root).pages
    assert ("meets in week 1 on Monday and Wednesday; in weeks 2 to 3 on Monday, Tuesday, and "
            "Wednesday, for 60 minutes") in pages["schedule.md"]
    assert "**Individual counseling**: on Tuesday in weeks 1 and 3, 50 minutes." in \
        pages["schedule.md"]
    assert "weeks 1:" not in pages["at-a-glance.md"]


# --- Calendars --------------------------------------------------------------------------------

def _events(path: Path) -> list:
    import icalendar

    calendar = icalendar.Calendar.from_ical(path.read_bytes())
    assert calendar["VERSION"] == "2.0" and calendar["PRODID"]
    return list(calendar.walk("VEVENT"))


def _day(event) -> dt.date:
    start = event.decoded("DTSTART")
    return start.date() if isinstance(start, dt.datetime) else start


@pytest.mark.slow
def test_calendars_hold_every_meeting_on_its_date_and_none_on_a_holiday(harbor):
    project, _ = harbor
    folder = project.site / "calendar"
    assert sorted(p.name for p in folder.iterdir()) == [
        "family.ics", "rp-from-week-01.ics", "rp-from-week-02.ics", "rp.ics", "testing.ics"]
    course = load_program(project.root, "default")
    rp = _events(folder / "rp.ics")
    assert [_day(e) for e in rp] == [s.date for s in course.sessions if s.track_id == "rp"] == [
        dt.date(2027, 1, 4), dt.date(2027, 1, 11), dt.date(2027, 1, 13)]
    assert [str(e["SUMMARY"]) for e in rp] == [
        "Relapse prevention: Coping with Cravings and Urges",
        "Relapse prevention: Saying No to Alcohol and Drugs",
        "Relapse prevention: Cravings, Part Two"]
    assert rp[0].decoded("DTSTART") == dt.datetime(2027, 1, 4, 18, 0)
    assert rp[0].decoded("DURATION") == dt.timedelta(minutes=60)
    assert str(rp[0]["LOCATION"]) == "Harbor Clinic, Room 4"
    assert [_day(e) for e in _events(folder / "testing.ics")] == [
        dt.date(2027, 1, 8), dt.date(2027, 1, 15), dt.date(2027, 1, 22)]
    assert [_day(e) for e in _events(folder / "family.ics")] == [dt.date(2027, 1, 14)]
    # Joining in week 2: weeks 2-3, then week 1 of the next round (three weeks later).
    assert [_day(e) for e in _events(folder / "rp-from-week-02.ics")] == [
        dt.date(2027, 1, 11), dt.date(2027, 1, 13), dt.date(2027, 1, 25)]
    holidays = set(course.curriculum.holidays)
    for path in folder.iterdir():
        events = _events(path)
        assert events and not {_day(e) for e in events} & holidays, path
        assert len({str(e["UID"]) for e in events}) == len(events)
        for event in events:  # the program's schedule, nothing about a person
            assert set(event) <= {"UID", "DTSTAMP", "DTSTART", "DTEND", "DURATION", "TRANSP",
                                  "SUMMARY", "DESCRIPTION", "LOCATION"}
    assert 'href="../calendar/rp.ics"' in project.html("schedule")
    assert 'href="../calendar/testing.ics"' in project.html("schedule")
    assert 'href="../../calendar/rp-from-week-02.ics"' in project.html("your-path/rp-week-02")


def test_no_calendar_without_a_start_date(small):
    from site_builder.renderer.calendars import calendar_files
    from site_builder.renderer.pages import course_messages

    course = load_program(small.root, "default")
    assert calendar_files(course, course_messages(small.root / "templates", course)) == {}


# --- Person-first lint in context -------------------------------------------------------------

@pytest.mark.parametrize("sentence, found", [
    ("Anger can become a habit, and habits can change.", None),
    ("You can build a habit of calling a friend.", None),
    ("He sold his car to pay for his habit.", "his habit"),
    ("Her drug habit cost her the job.", "drug habit"),
    ("Using every day can turn into a habit.", "habit"),
])
def test_person_first_rules_match_phrases_in_context(small, sentence, found):
    text = (REPO / "modules/anger-cues-and-meter.md").read_text(encoding="utf-8")
    text = text.replace("## Key points", f"{sentence}\n\n## Key points", 1)
    path = small.write("modules/anger-cues-and-meter.md", text)
    result = _cli(small, "lint", path)
    if found is None:
        assert result.exit_code == 0 and result.output.rstrip().endswith("OK"), result.output
    else:
        line = _line(text, sentence)
        assert result.exit_code != 0
        assert (f"modules/anger-cues-and-meter.md:{line}: '{found}' is a stigmatizing term."
                in result.output)
        assert result.output.count("stigmatizing") == 1  # 'drug habit' is not found twice


# --- The example program ----------------------------------------------------------------------

def test_the_harbor_example_uses_every_feature():
    course = load_program(REPO, "harbor-iop")
    assert not course.warnings
    relapse = [s for s in course.sessions if s.track_id == "relapse"]
    assert [s.code for s in relapse] == [f"RP-{n:02d}" for n in range(1, 33)]
    assert relapse[-1].title == "Warning Signs, a Second Look" and \
        relapse[-1].module.id == relapse[9].module.id
    early = [s for s in course.sessions if s.track_id == "early"]
    assert {s.minutes for s in early} == {60} and all(
        sum(st.minutes for st in s.module.steps) == 60 for s in early)
    report = hours_report(course)
    assert not report.short_weeks and [w.week for w in report.weeks if w.holiday_short] == [11]
    assert "testing" not in course.hours[1]
