"""Turn a loaded Course into Markdown pages and a nav through the Jinja templates."""

from __future__ import annotations

import posixpath
import re
import traceback
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jinja2

from .errors import CourseError, Problem
from .paths import COURSE_PDFS, SESSION_PDFS, course_pdf, session_pdf

if TYPE_CHECKING:
    from .course import Course, Session

FACILITATOR_DIR = "facilitator"


def make_environment(templates_dir: Path) -> jinja2.Environment:
    """Return the Jinja environment for course templates: strict about undefined names."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(templates_dir),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        autoescape=False,
    )
    env.filters["shift_headings"] = shift_headings
    env.filters["rel"] = _relative_link
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
    env = make_environment(templates_dir)
    context = {"course": course, "program": course.curriculum, "facilitator_pages":
               facilitator_pages, "page_of": _page_links(course), **(extra or {})}
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
    return {path: _render(env, template, {**context, **ctx, "page": path})
            for path, template, ctx in jobs}


def _page_links(course: Course) -> dict[str, Any]:
    return {
        "session": {s.number: session_page(s) for s in course.sessions},
        "facilitator": {s.number: facilitator_page(s) for s in course.sessions},
        "week": {w: week_page(w) for w, _ in course.weeks},
        "pdf": {s.number: {k: session_pdf(s, k) for k in SESSION_PDFS} for s in course.sessions},
        "course_pdf": {k: course_pdf(k) for k in COURSE_PDFS},
        "print": "print-materials.md",
    }


def build_nav(course: Course, *, facilitator_pages: bool = True) -> list[Any]:
    """Return an MkDocs nav that follows the curriculum order."""
    nav: list[Any] = [{"Home": "index.md"}, {"Schedule": "schedule.md"},
                      {"Print materials": "print-materials.md"}]
    for week, sessions in course.weeks:
        items: list[Any] = [week_page(week)]
        items += [{f"Session {s.index_in_week}: {s.module.meta.title}": session_page(s)}
                  for s in sessions]
        nav.append({f"Week {week}": items})
    if facilitator_pages:
        guides: list[Any] = [f"{FACILITATOR_DIR}/index.md"]
        guides += [{f"Week {s.week}, session {s.index_in_week}: {s.module.meta.title}":
                    facilitator_page(s)} for s in course.sessions]
        nav.append({"For facilitators": guides})
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
