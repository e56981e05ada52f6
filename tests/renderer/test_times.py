"""Times that hold (issue 23): a program's `timezone:` puts a TZID and a VTIMEZONE in its
calendars, read by a second, independent parser (vobject, with dateutil's VTIMEZONE reader) at
the right local time on both sides of a daylight-saving change; the guide, handout, sign-in
sheet and progress notes of a track with a `start_time` show the time of day, in English and
Spanish; the guide's date line names the weekday once."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from site_builder.programs import load_program
from site_builder.renderer.calendars import calendar_files
from site_builder.renderer.pages import course_messages
from site_builder.renderer.paths import session_pdf
from site_builder.renderer.times import time_span

from ..conftest import Project, small_project

# Two Monday evening groups in New York, one week before and one after the change to daylight
# saving time (Sunday, March 14, 2027), in English and Spanish.
DAYLIGHT_PROGRAM = """\
program: Daylight Test IOP
weeks: 2
min_weeks: 1
language: en
translations: [es]
start_date: "2027-03-08"
timezone: America/New_York
hours:
  minimum: 1
tracks:
  - id: evening
    name: Evening group
    days: [Monday]
    session_minutes: 90
    start_time: "18:00"
    modules: [coping-with-cravings, refusal-skills]
"""
NEW_YORK = "America/New_York"
EN_TIME, ES_TIME = "6:00 – 7:30 PM", "18:00–19:30"  # as read from a PDF (spaces made plain)


@pytest.fixture(scope="module")
def daylight(tmp_path_factory: pytest.TempPathFactory, pdf_cache: Path) -> Project:
    """DAYLIGHT_PROGRAM built with its PDFs (read-only)."""
    project = small_project(tmp_path_factory.mktemp("daylight"), pdf_cache, DAYLIGHT_PROGRAM)
    project.build()
    return project


def _meetings(ics: bytes) -> list[dt.datetime]:
    """Each meeting's start as vobject reads it (its zone built from the file's VTIMEZONE)."""
    import vobject

    text = ics.decode("utf-8")
    assert text.count("BEGIN:VEVENT") == 2
    assert re.findall(r"^DTSTART;TZID=([^:]+):", text, re.M) == [NEW_YORK] * 2
    calendar = vobject.readOne(text)
    assert [tz.tzid.value for tz in calendar.vtimezone_list] == [NEW_YORK]
    starts = []
    for event in calendar.vevent_list:
        start = event.dtstart.value
        assert "tzical" in type(start.tzinfo).__name__  # from the VTIMEZONE, not a database
        assert event.duration.value == dt.timedelta(minutes=90)
        starts.append(start)
    return starts


def _utc(*when: tuple[int, int, int, int]) -> list[dt.datetime]:
    return [dt.datetime(y, m, d, h, tzinfo=dt.UTC) for y, m, d, h in when]


@pytest.mark.slow
def test_calendars_keep_each_meeting_at_its_local_time_across_the_spring_change(daylight):
    for folder in ("", "es/"):
        starts = _meetings((daylight.site / folder / "calendar/evening.ics").read_bytes())
        assert [(s.date(), s.time()) for s in starts] == [
            (dt.date(2027, 3, 8), dt.time(18)), (dt.date(2027, 3, 15), dt.time(18))]
        # 6 pm in New York: 23:00 UTC in winter time, 22:00 UTC once the clocks go forward.
        assert [s.astimezone(dt.UTC) for s in starts] == _utc((2027, 3, 8, 23), (2027, 3, 15, 22))


def test_calendars_keep_each_meeting_at_its_local_time_across_the_autumn_change(tmp_path,
                                                                               pdf_cache):
    # The clocks go back on Sunday, November 7, 2027.
    project = small_project(tmp_path, pdf_cache, DAYLIGHT_PROGRAM.replace(
        '"2027-03-08"', '"2027-11-01"'))
    course = load_program(project.root, "default")
    files = calendar_files(course, course_messages(project.root / "templates", course))
    starts = _meetings(files["calendar/evening.ics"])
    assert [(s.date(), s.time()) for s in starts] == [
        (dt.date(2027, 11, 1), dt.time(18)), (dt.date(2027, 11, 8), dt.time(18))]
    # 6 pm: 22:00 UTC in daylight time (UTC-4), 23:00 UTC once the clocks go back (UTC-5).
    assert [s.astimezone(dt.UTC) for s in starts] == _utc((2027, 11, 1, 22), (2027, 11, 8, 23))


def test_without_a_time_zone_the_times_float(tmp_path, pdf_cache):
    import icalendar

    project = small_project(tmp_path, pdf_cache, DAYLIGHT_PROGRAM.replace(
        f"timezone: {NEW_YORK}\n", ""))
    course = load_program(project.root, "default")
    ics = calendar_files(course, course_messages(project.root / "templates", course))[
        "calendar/evening.ics"]
    assert b"TZID" not in ics and b"VTIMEZONE" not in ics
    event = icalendar.Calendar.from_ical(ics).walk("VEVENT")[0]
    assert event.decoded("DTSTART") == dt.datetime(2027, 3, 8, 18)  # floating: no zone


def _pdf_text(path: Path) -> str:
    text = " ".join(page.extract_text() for page in PdfReader(path).pages)
    return re.sub(r"\s+", " ", text)


@pytest.mark.slow
@pytest.mark.parametrize("language, date, time", [
    ("en", "Monday, March 8, 2027", EN_TIME),
    ("es", "lunes, 8 de marzo de 2027", ES_TIME)])
def test_paperwork_shows_the_time_of_day(daylight, language, date, time):
    session = load_program(daylight.root, "default").sessions[0]
    folder = daylight.site / ("" if language == "en" else language)
    texts = {kind: _pdf_text(folder / session_pdf(session, kind))
             for kind in ("guide", "handout", "sign-in", "note")}
    for kind, text in texts.items():
        assert f"{date}, {time}" in text, (kind, text[:400])
    weekday = date.split(",")[0]
    assert texts["guide"].count(weekday) == 1, texts["guide"][:400]  # no "(Monday)" after it
    fields = PdfReader(folder / session_pdf(session, "note")).get_fields()
    times = [f.get("/V") for f in fields.values() if f.get("/FT") == "/Tx" and f.get("/V")]
    assert times == [time]  # filled in with the scheduled time, still a field to correct


@pytest.mark.slow
@pytest.mark.parametrize("folder, when", [
    ("", "Monday, March 8, 2027, 6:00\u2009–\u20097:30\u202fPM"),
    ("es/", "lunes, 8 de marzo de 2027, 18:00–19:30")])
def test_session_guide_and_note_pages_show_the_date_and_time(daylight, folder, when):
    for page in ("week-01/evening-1", "facilitator/week-01/evening-1",
                 "facilitator/notes/week-01/evening-1"):
        html = daylight.html(f"{folder}{page}")
        assert f"({when})" in html, page
    note = daylight.html(f"{folder}facilitator/notes/week-01/evening-1")
    assert f"<td>{when.split(', ')[-1]}</td>" in note  # the "Start and end time" row


@pytest.mark.parametrize("language, start, minutes, span", [
    ("en", dt.time(18), 90, "6:00\u2009–\u20097:30\u202fPM"),
    ("en", dt.time(11), 90, "11:00\u202fAM\u2009–\u200912:30\u202fPM"),
    ("es", dt.time(18), 90, "18:00–19:30"),
    ("es", dt.time(23, 30), 60, "23:30 – 0:30"),  # past midnight
    ("fr", dt.time(9), 45, "09:00\u2009–\u200909:45")])
def test_time_spans_are_written_on_each_language_s_clock(language, start, minutes, span):
    assert time_span(start, minutes, language) == span
