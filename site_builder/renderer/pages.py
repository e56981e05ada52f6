"""Turn a loaded Course into Markdown pages and a nav through the Jinja templates."""

from __future__ import annotations

import functools
import posixpath
import re
import traceback
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jinja2
import jinja2.bccache

from site_builder.checks.content import Limits
from site_builder.errors import CourseError, Problem
from site_builder.i18n import (
    Messages,
    day_name,
    install,
    load_messages,
    long_date,
    number,
    short_date,
)
from site_builder.markup.escape import attribute_text, css_string, plain_text
from site_builder.markup.text import shift_headings
from site_builder.renderer.paths import (  # noqa: F401
    COURSE_PDFS,
    FACILITATOR_DIR,
    SESSION_PDFS,
    calendar_path,
    course_pdf,
    facilitator_page,
    path_page,
    session_page,
    session_pdf,
    week_page,
)
from site_builder.renderer.times import meeting_time, meeting_when
from site_builder.structure.client_path import (
    ApartMeeting,
    PathStep,
    apart_meetings,
    client_path,
)
from site_builder.structure.hours import format_hours, hours_report
from site_builder.structure.notes import interventions
from site_builder.structure.reviews import review_status

if TYPE_CHECKING:
    from site_builder.config.schema import Track
    from site_builder.structure.course import Course, Session



def template_roots(templates_dir: Path, course: Course | None = None) -> list[Path]:
    """Return the template folders, first match wins: the program's own, then the library's."""
    roots = [templates_dir]
    if course is not None and course.program_dir and (course.program_dir / "templates").is_dir():
        roots.insert(0, course.program_dir / "templates")
    return roots


def course_messages(templates_dir: Path, course: Course | None = None) -> Messages:
    """Return the interface words of the course's language (see i18n.py)."""
    language = course.language if course is not None else "en"
    root = course.root if course is not None else None
    return load_messages(language, template_roots(templates_dir, course), root)


class MemoryBytecodeCache(jinja2.BytecodeCache):
    """Compiled templates kept in memory, by name and source checksum: a second build in the same
    process (the other language, or `serve` after an edit) does not compile them again."""

    def __init__(self) -> None:
        self.buckets: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        if bucket.key in self.buckets:
            bucket.bytecode_from_string(self.buckets[bucket.key])

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self.buckets[bucket.key] = bucket.bytecode_to_string()


COMPILED = MemoryBytecodeCache()


def make_environment(templates_dir: Path, course: Course | None = None) -> jinja2.Environment:
    """Return the Jinja environment for course templates: strict about undefined names, with
    the interface words of the course's language (`_`, `ngettext`, `{% trans %}`).

    A program's own `templates/` folder comes first, so its files replace the library's by name
    in every language.
    """
    language = course.language if course is not None else "en"
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(template_roots(templates_dir, course)),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        autoescape=False,
        bytecode_cache=COMPILED,
    )
    env.site_builder_root = course.root if course is not None else None  # for error messages
    messages = course_messages(templates_dir, course)
    install(env, messages)
    env.filters["shift_headings"] = shift_headings
    env.filters["rel"] = _relative_link
    env.filters["longdate"] = lambda d: long_date(d, language)
    env.filters["shortdate"] = lambda d: short_date(d, language)
    env.filters["dayname"] = lambda day: day_name(day, language)
    env.filters["when"] = lambda session: meeting_when(session, language)  # date (and time)
    env.filters["meetingtime"] = lambda session, plain=False: meeting_time(  # '6:00 – 7:30 PM'
        session, language, plain=plain)
    env.filters["hours"] = env.filters["number"] = lambda n: number(n, language)
    env.filters["duration"] = lambda hours: format_hours(hours, language)  # '50 min', '4.5 h'
    env.filters["andlist"] = lambda items: and_list(list(items), language)  # 'A, B and C'
    env.filters["meets"] = lambda track: meeting_days(track, messages, weeks=course.curriculum
                                                      .weeks if course is not None else None)
    env.globals["language"] = language
    env.filters["interventions"] = interventions  # a progress note's steps, a sentence each
    env.filters["text"], env.filters["css"] = plain_text, css_string  # program texts (escape.py)
    env.filters["quoted"] = attribute_text  # inside quotes: front matter, an HTML attribute
    env.filters["tel"] = lambda phone: re.sub(r"[^0-9+]", "", str(phone))  # digits to dial
    return env


def and_list(items: list[str], language: str) -> str:
    """Return items joined as the language writes a list ('Monday and Tuesday')."""
    from babel.lists import format_list

    from site_builder.i18n import _babel_locale

    return format_list([str(i) for i in items], locale=_babel_locale(language)) if items else ""


def meeting_days(track: Track, messages: Messages, *, weeks: int | None = None) -> str:
    """Return when a track meets, in words: 'on Monday and Wednesday'; 'in weeks 1 to 4 on
    Monday, Tuesday and Thursday; in week 5 on Friday'; with its weeks when it runs for part of
    the course ('in weeks 2 to 4')."""
    language = messages.language

    def days(names: list[str]) -> str:
        from site_builder.structure.scheduling import DAY_ORDER

        return and_list([day_name(d, language) for d in sorted(names, key=DAY_ORDER.index)],
                        language)

    def in_weeks(first: int, last: int, names: list[str]) -> str:
        if first == last:
            return messages.gettext("in week %(week)s on %(days)s") % {
                "week": first, "days": days(names)}
        return messages.gettext("in weeks %(first)s to %(last)s on %(days)s") % {
            "first": first, "last": last, "days": days(names)}

    if track.steps and len({tuple(sorted(s.days)) for s in track.steps}) == 1 and \
            len(track.steps) > 1:  # the same days in a few weeks: 'on Friday in weeks 1, 4 and 8'
        return messages.gettext("on %(days)s in weeks %(weeks)s") % {
            "days": days(track.steps[0].days),
            "weeks": and_list([str(s.weeks) for s in track.steps], language)}
    if track.steps:
        return "; ".join(in_weeks(*step.week_range, step.days) for step in track.steps)
    last = track.end_week or weeks or track.start_week
    if track.start_week > 1 or (track.end_week and track.end_week != weeks):
        return in_weeks(track.start_week, last, track.days or [])
    return messages.gettext("on %(days)s") % {"days": days(track.days or [])}


@jinja2.pass_context
def _relative_link(context: jinja2.runtime.Context, target: str) -> str:
    """Return the link from the page being rendered to another page path."""
    return _relpath(target, posixpath.dirname(context["page"]) or ".")


@functools.lru_cache(maxsize=65536)
def _relpath(target: str, folder: str) -> str:
    return posixpath.relpath(target, folder)


def note_page(session: Session) -> str:
    """Return the path of a session's progress-note page (linked from its guide, not in the nav)."""
    return f"{FACILITATOR_DIR}/notes/{session.slug}.md"


def render_pages(
    course: Course, templates_dir: Path, *, facilitator_pages: bool = True,
    extra: dict[str, Any] | None = None,
) -> dict[str, str]:
    """Return {page path: Markdown} for every page of the course site."""
    env = make_environment(templates_dir, course)
    context = {"course": course, "program": course.curriculum,
               "facilitator_pages": facilitator_pages, "limits": Limits(), "pdfs": True,
               "page_of": _page_links(course), "hours": course.hours,
               "hours_report": hours_report(course), "chart": hours_chart(course),
               "multi_track": len(course.group_tracks) > 1,
               "reviews": review_status(course) if facilitator_pages else {},
               "apart": _apart(course), **(extra or {})}
    jobs: list[tuple[str, str, dict[str, Any]]] = [
        ("index.md", "home.md.j2", {}), ("schedule.md", "schedule.md.j2", {})]
    jobs += [(week_page(w), "week.md.j2", {"week": w, "sessions": ss}) for w, ss in course.weeks]
    for session in course.sessions:
        ctx = {"session": session, "module": session.module}
        jobs.append((session_page(session), "session.md.j2", ctx))
        if facilitator_pages:
            jobs.append((facilitator_page(session), "facilitator.md.j2", ctx))
            jobs.append((note_page(session), "note.md.j2", ctx))
    if facilitator_pages:
        jobs.append((f"{FACILITATOR_DIR}/index.md", "facilitators.md.j2", {}))
    jobs.append(("print-materials.md", "print.md.j2", {}))
    jobs.append(("at-a-glance.md", "glance.md.j2", {}))
    for track in course.group_tracks:
        if track.open_entry:
            for week in _track_weeks(course, track):
                jobs.append((path_page(track, week), "path.md.j2",
                             {"track": track, "start_week": week,
                              "path": your_path(course, track, week)}))
    pages = {path: _render(env, template, {**context, **ctx, "page": path})
             for path, template, ctx in jobs}
    messages = course_messages(templates_dir, course)
    for session in course.sessions:  # a module without a translation stays in English
        if session.module.language != course.language:
            for path in (session_page(session), facilitator_page(session)):
                if path in pages:
                    pages[path] = _mark_untranslated(pages[path], messages)
    return pages


def _mark_untranslated(markdown: str, messages: Messages) -> str:
    """Put a visible notice under the title and mark the English text as English."""
    head, sep, body = markdown.partition("\n# ")
    title, _, rest = body.partition("\n")
    notice = messages.gettext("This page is not translated yet. Here it is in English.")
    return (f"{head}{sep}{title}\n\n!!! note \"{notice}\"\n\n"
            f"<div lang=\"en\" markdown>\n{rest}\n</div>\n")


def _page_links(course: Course) -> dict[str, Any]:
    return {
        "session": {s.number: session_page(s) for s in course.sessions},
        "facilitator": {s.number: facilitator_page(s) for s in course.sessions},
        "note": {s.number: note_page(s) for s in course.sessions},
        "week": {w: week_page(w) for w, _ in course.weeks},
        "pdf": {s.number: {k: session_pdf(s, k) for k in (*SESSION_PDFS, "packet")}
                for s in course.sessions},
        "course_pdf": {k: course_pdf(k) for k in COURSE_PDFS},
        "print": "print-materials.md",
        "glance": "at-a-glance.md",
        "path": {(t.id, w): path_page(t, w) for t in course.group_tracks if t.open_entry
                 for w in _track_weeks(course, t)},
        "calendar": _calendar_links(course),
    }


def _calendar_links(course: Course) -> dict[Any, str]:
    """The .ics calendars (calendars.py): by track id, and by (track id, start week) for the
    "your path" calendars of an open-entry track; none without a start date."""
    if course.curriculum.start_date is None:
        return {}
    links: dict[Any, str] = {t.id: calendar_path(t.id) for t in course.tracks
                             if not t.service or t.visible}
    links.update({(t.id, w): calendar_path(t.id, w) for t in course.group_tracks
                  if t.open_entry for w in _track_weeks(course, t)})
    return links


def _apart(course: Course) -> dict[str, list[ApartMeeting]]:
    """The meetings each open-entry track holds apart from its group (newcomer and final
    sessions), by track id."""
    return {t.id: apart_meetings(course, t, _track_weeks(course, t)) for t in course.group_tracks
            if t.open_entry and (t.newcomer_sessions or t.final_sessions)}


def _track_weeks(course: Course, track: Track) -> list[int]:
    return sorted({s.week for s in course.sessions if s.track_id == track.id})


def your_path(course: Course, track: Track, start_week: int) -> list[PathStep]:
    """Return the meetings of a client joining in `start_week`, in order: their newcomer
    sessions, the rotation, their final sessions (structure/client_path.py)."""
    return client_path(course, track, start_week)


def session_label(session: Session, multi_track: bool, messages: Messages) -> str:
    """Return the nav title of a session."""
    values = {"n": session.index_in_week, "title": session.module.meta.title,
              "track": session.track.name if session.track else ""}
    if multi_track and session.track:
        return "%(track)s %(n)s: %(title)s" % values
    return messages.gettext("Session %(n)s: %(title)s") % values


def hours_chart(course: Course) -> dict[str, Any]:
    """Return the geometry of the weekly-hours bar chart (drawn as SVG by the template)."""
    report = {w.week: w for w in hours_report(course).weeks}
    weeks = sorted(report)
    totals = [round(report[w].hours, 2) for w in weeks]
    minimum = course.curriculum.hours.minimum
    top = max([*totals, minimum, 1]) * 1.15
    width, height, left, bottom = 640, 260, 40, 30
    bar = (width - left - 10) / max(len(weeks), 1)
    scale = (height - bottom - 10) / top
    bars = [{"week": w, "hours": t, "x": round(left + i * bar + bar * 0.15, 1),
             "w": round(bar * 0.7, 1), "y": round(height - bottom - t * scale, 1),
             "h": round(t * scale, 1), "short": report[w].short,
             "holiday": report[w].holiday_short} for i, (w, t) in enumerate(zip(weeks, totals))]
    ticks = [{"value": v, "y": round(height - bottom - v * scale, 1)}
             for v in range(0, int(top) + 1, 3)]
    return {"width": width, "height": height, "left": left, "bottom": bottom, "bars": bars,
            "ticks": ticks, "min_y": round(height - bottom - minimum * scale, 1),
            "minimum": minimum, "base": height - bottom}


def build_nav(course: Course, templates_dir: Path, *,
              facilitator_pages: bool = True) -> list[Any]:
    """Return an MkDocs nav that follows the curriculum order, in the course's language."""
    multi = len(course.group_tracks) > 1
    t = course_messages(templates_dir, course)
    nav: list[Any] = [{t.gettext("Home"): "index.md"}, {t.gettext("Schedule"): "schedule.md"},
                      {t.gettext("Program at a glance"): "at-a-glance.md"},
                      {t.gettext("Print materials"): "print-materials.md"}]
    paths = [{t.gettext("%(track)s: starting in week %(week)s") % {"track": tr.name, "week": w}:
              path_page(tr, w)}
             for tr in course.group_tracks if tr.open_entry for w in _track_weeks(course, tr)]
    if paths:
        nav.append({t.gettext("Your path"): paths})
    for week, sessions in course.weeks:
        items: list[Any] = [week_page(week)]
        items += [{session_label(s, multi, t): session_page(s)} for s in sessions]
        nav.append({t.gettext("Week %(n)s") % {"n": week}: items})
    if facilitator_pages:
        guides: list[Any] = [f"{FACILITATOR_DIR}/index.md"]
        notes: list[Any] = []
        for s in course.sessions:
            values = {"week": s.week, "n": s.index_in_week, "title": s.module.meta.title,
                      "track": s.track.name if s.track else ""}
            label = (t.gettext("Week %(week)s, %(track)s %(n)s: %(title)s") if multi and s.track
                     else t.gettext("Week %(week)s, session %(n)s: %(title)s")) % values
            guides.append({label: facilitator_page(s)})
            notes.append({label: note_page(s)})
        guides.append({t.gettext("Progress notes"): notes})
        nav.append({t.gettext("For facilitators"): guides})
    return nav


def render_template(env: jinja2.Environment, template: str, context: dict[str, Any]) -> str:
    """Render one template; raise CourseError naming the template file and line on failure."""
    return _render(env, template, context)


def _render(env: jinja2.Environment, template: str, context: dict[str, Any]) -> str:
    try:
        return env.get_template(template).render(context)
    except jinja2.TemplateNotFound as e:
        folders = " or ".join(_display(env, Path(p)) for p in env.loader.searchpath)
        raise CourseError(Problem(f"{folders}/{e.name}", "the template does not exist.",
                                  fix="restore it from the library or fix its name.")) from None
    except jinja2.TemplateSyntaxError as e:
        name = _display(env, Path(e.filename)) if e.filename else _source(env, e.name or template)
        raise CourseError(Problem(name, f"template syntax error: {e.message}.", line=e.lineno,
                                  fix="check the '{{ }}' and '{% %}' tags on this line.")) from None
    except jinja2.UndefinedError as e:
        name, line = _template_frame(env, e, template)
        raise CourseError(Problem(name, f"the template uses an undefined value: {e.message}.",
                                  line=line, fix="check the spelling of the variable, or see "
                                  "'Templates' in the README for the names a template can use."))\
            from None
    except (TypeError, ValueError, KeyError, AttributeError, IndexError) as e:
        name, line = _template_frame(env, e, template)
        raise CourseError(Problem(name, f"the template cannot be rendered: {type(e).__name__}: "
                                  f"{e}.", line=line, fix="check the values and filters used on "
                                  "this line.")) from None


def _display(env: jinja2.Environment, path: Path) -> str:
    """Return a template path relative to the project folder (as the author knows it)."""
    root = getattr(env, "site_builder_root", None)
    if root is not None:
        try:
            return path.resolve().relative_to(Path(root).resolve()).as_posix()
        except ValueError:
            pass
    return path.name  # never an absolute path of the machine


def _source(env: jinja2.Environment, name: str) -> str:
    """Return the file a template name comes from (the first folder that has it)."""
    for folder in env.loader.searchpath:
        if (Path(folder) / name).is_file():
            return _display(env, Path(folder) / name)
    return name


def _template_frame(env: jinja2.Environment, error: BaseException,
                    default: str) -> tuple[str, int | None]:
    """Return the template file (relative to the project) and line where a render error
    happened: the innermost template frame."""
    found: tuple[str, int | None] = (_source(env, default), None)
    folders = [Path(p).resolve() for p in env.loader.searchpath]
    for frame, lineno in traceback.walk_tb(error.__traceback__):
        filename = Path(frame.f_code.co_filename)
        if filename.is_absolute() and any(filename.resolve().is_relative_to(f) for f in folders):
            found = (_display(env, filename), lineno)
    return found
