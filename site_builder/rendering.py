"""Turn a loaded Course into Markdown pages and a nav through the Jinja templates."""

from __future__ import annotations

import posixpath
import re
import traceback
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jinja2

from .errors import CourseError, Problem
from .languages import LANGUAGES, day_name, long_date, short_date
from .paths import COURSE_PDFS, SESSION_PDFS, course_pdf, session_pdf

if TYPE_CHECKING:
    from .course import Course, Session
    from .schema import Track

FACILITATOR_DIR = "facilitator"


def make_environment(templates_dir: Path, course: Course | None = None) -> jinja2.Environment:
    """Return the Jinja environment for course templates: strict about undefined names.

    A program's own `templates/` folder comes first, so its files replace the library's by name.
    """
    language = course.language if course is not None else "en"
    roots = [templates_dir]
    if course is not None and course.program_dir and (course.program_dir / "templates").is_dir():
        roots.insert(0, course.program_dir / "templates")
    # Each folder's language subfolder (templates/es/) comes before it.
    paths = [p for root in roots for p in ([root / language] if language != "en" else []) + [root]
             if p.is_dir()]
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(paths),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        autoescape=False,
    )
    env.filters["shift_headings"] = shift_headings
    env.filters["rel"] = _relative_link
    env.filters["longdate"] = lambda d: long_date(d, language)
    env.filters["shortdate"] = lambda d: short_date(d, language)
    env.filters["dayname"] = lambda day: day_name(day, language)
    env.filters["hours"] = lambda h: f"{h:g}"
    return env


@jinja2.pass_context
def _relative_link(context: jinja2.runtime.Context, target: str) -> str:
    """Return the link from the page being rendered to another page path."""
    return posixpath.relpath(target, posixpath.dirname(context["page"]) or ".")


def shift_headings(markdown: str, by: int = 1) -> str:
    """Return the Markdown with every ATX heading moved down `by` levels (## → ###)."""
    out, fence = [], False
    for line in markdown.splitlines():
        if line.lstrip().startswith(("```", "~~~")):
            fence = not fence
        if not fence and re.match(r"^#{1,5}\s", line):
            line = "#" * by + line
        out.append(line)
    return "\n".join(out) + "\n"


def session_page(session: Session) -> str:
    """Return the path of a session's client page."""
    return f"{session.slug}.md"


def facilitator_page(session: Session) -> str:
    """Return the path of a session's facilitator guide page."""
    return f"{FACILITATOR_DIR}/{session.slug}.md"


def week_page(week: int) -> str:
    return f"week-{week:02d}/index.md"


def render_pages(
    course: Course, templates_dir: Path, *, facilitator_pages: bool = True,
    extra: dict[str, Any] | None = None,
) -> dict[str, str]:
    """Return {page path: Markdown} for every page of the course site."""
    env = make_environment(templates_dir, course)
    context = {"course": course, "program": course.curriculum, "facilitator_pages":
               facilitator_pages, "page_of": _page_links(course), "hours": course.hours(),
               "chart": hours_chart(course), "multi_track": len(course.group_tracks) > 1,
               "pdfs": True, **(extra or {})}
    jobs: list[tuple[str, str, dict[str, Any]]] = [
        ("index.md", "home.md.j2", {}), ("schedule.md", "schedule.md.j2", {})]
    jobs += [(week_page(w), "week.md.j2", {"week": w, "sessions": ss}) for w, ss in course.weeks]
    for session in course.sessions:
        ctx = {"session": session, "module": session.module}
        jobs.append((session_page(session), "session.md.j2", ctx))
        if facilitator_pages:
            jobs.append((facilitator_page(session), "facilitator.md.j2", ctx))
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
    for session in course.sessions:  # a module without a translation stays in English
        if session.module.language != course.language:
            for path in (session_page(session), facilitator_page(session)):
                if path in pages:
                    pages[path] = _mark_untranslated(pages[path], course.language)
    return pages


def _mark_untranslated(markdown: str, language: str) -> str:
    """Put a visible notice under the title and mark the English text as English."""
    head, sep, body = markdown.partition("\n# ")
    title, _, rest = body.partition("\n")
    notice = LANGUAGES[language].word("untranslated")
    return (f"{head}{sep}{title}\n\n!!! note \"{notice}\"\n\n"
            f"<div lang=\"en\" markdown>\n{rest}\n</div>\n")


def _page_links(course: Course) -> dict[str, Any]:
    return {
        "session": {s.number: session_page(s) for s in course.sessions},
        "facilitator": {s.number: facilitator_page(s) for s in course.sessions},
        "week": {w: week_page(w) for w, _ in course.weeks},
        "pdf": {s.number: {k: session_pdf(s, k) for k in SESSION_PDFS} for s in course.sessions},
        "course_pdf": {k: course_pdf(k) for k in COURSE_PDFS},
        "print": "print-materials.md",
        "glance": "at-a-glance.md",
        "path": {(t.id, w): path_page(t, w) for t in course.group_tracks if t.open_entry
                 for w in _track_weeks(course, t)},
    }


def path_page(track: Track, week: int) -> str:
    """Return the page of 'your path' for a client joining an open-entry track in `week`."""
    return f"your-path/{track.id}-week-{week:02d}.md"


def _track_weeks(course: Course, track: Track) -> list[int]:
    return sorted({s.week for s in course.sessions if s.track_id == track.id})


def your_path(course: Course, track: Track, start_week: int) -> list[Session]:
    """Return the track's sessions in the order a client joining in `start_week` meets them."""
    sessions = [s for s in course.sessions if s.track_id == track.id]
    later = [s for s in sessions if s.week >= start_week]
    return later + [s for s in sessions if s.week < start_week]


def session_label(session: Session, multi_track: bool, language: str = "en") -> str:
    """Return the nav title of a session."""
    word = LANGUAGES[language].word("session")
    prefix = session.track.name if multi_track and session.track else word
    return f"{prefix} {session.index_in_week}: {session.module.meta.title}"


def hours_chart(course: Course) -> dict[str, Any]:
    """Return the geometry of the weekly-hours bar chart (drawn as SVG by the template)."""
    hours = course.hours()
    weeks = sorted(hours)
    totals = [round(sum(hours[w].values()), 2) for w in weeks]
    minimum = course.curriculum.hours.minimum
    top = max([*totals, minimum, 1]) * 1.15
    width, height, left, bottom = 640, 260, 40, 30
    bar = (width - left - 10) / max(len(weeks), 1)
    scale = (height - bottom - 10) / top
    bars = [{"week": w, "hours": t, "x": round(left + i * bar + bar * 0.15, 1),
             "w": round(bar * 0.7, 1), "y": round(height - bottom - t * scale, 1),
             "h": round(t * scale, 1), "short": t < minimum and w not in
             course.curriculum.hours.exempt_weeks} for i, (w, t) in enumerate(zip(weeks, totals))]
    ticks = [{"value": v, "y": round(height - bottom - v * scale, 1)}
             for v in range(0, int(top) + 1, 3)]
    return {"width": width, "height": height, "left": left, "bottom": bottom, "bars": bars,
            "ticks": ticks, "min_y": round(height - bottom - minimum * scale, 1),
            "minimum": minimum, "base": height - bottom}


def build_nav(course: Course, *, facilitator_pages: bool = True) -> list[Any]:
    """Return an MkDocs nav that follows the curriculum order."""
    multi, lang = len(course.group_tracks) > 1, course.language
    t = LANGUAGES[lang].words if lang in LANGUAGES else LANGUAGES["en"].words
    nav: list[Any] = [{t["home"]: "index.md"}, {t["schedule"]: "schedule.md"},
                      {t["glance"]: "at-a-glance.md"}, {t["print"]: "print-materials.md"}]
    paths = [{t["path_item"].format(track=tr.name, week=w): path_page(tr, w)}
             for tr in course.group_tracks if tr.open_entry for w in _track_weeks(course, tr)]
    if paths:
        nav.append({t["path"]: paths})
    for week, sessions in course.weeks:
        items: list[Any] = [week_page(week)]
        items += [{session_label(s, multi, lang): session_page(s)} for s in sessions]
        nav.append({f"{t['week']} {week}": items})
    if facilitator_pages:
        guides: list[Any] = [f"{FACILITATOR_DIR}/index.md"]
        for s in course.sessions:
            label = session_label(s, multi, lang)
            guides.append({f"{t['week']} {s.week}, {label[0].lower()}{label[1:]}":
                           facilitator_page(s)})
        nav.append({t["facilitators"]: guides})
    return nav



def render_template(env: jinja2.Environment, template: str, context: dict[str, Any]) -> str:
    """Render one template; raise CourseError naming the template file and line on failure."""
    return _render(env, template, context)


def _render(env: jinja2.Environment, template: str, context: dict[str, Any]) -> str:
    try:
        return env.get_template(template).render(context)
    except jinja2.TemplateNotFound as e:
        raise CourseError(Problem(f"templates/{e.name}", "the template does not exist.",
                                  fix="restore it from the library or fix its name.")) from None
    except jinja2.TemplateSyntaxError as e:
        raise CourseError(Problem(f"templates/{e.name or template}", f"template syntax error: "
                                  f"{e.message}.", line=e.lineno,
                                  fix="check the '{{ }}' and '{% %}' tags on this line.")) from None
    except jinja2.UndefinedError as e:
        name, line = _template_frame(e, template)
        raise CourseError(Problem(f"templates/{name}", f"the template uses an undefined value: "
                                  f"{e.message}.", line=line,
                                  fix="check the spelling of the variable, or see 'Templates' in "
                                  "the README for the names a template can use.")) from None


def _template_frame(error: BaseException, default: str) -> tuple[str, int | None]:
    """Return the template file and line where a render error happened."""
    found = (default, None)
    for frame, lineno in traceback.walk_tb(error.__traceback__):
        filename = frame.f_code.co_filename
        if filename.endswith(".j2") or "templates" in Path(filename).parts:
            found = (Path(filename).name, lineno)
    return found
