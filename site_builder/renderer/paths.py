"""Where each page and PDF of a course lives in the built site: every site path is made here.

A language other than the site's main one is the same tree under `<code>/` (editions.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from site_builder.config.schema import Track
    from site_builder.structure.course import Course, Session

FACILITATOR_DIR = "facilitator"


def session_page(session: Session) -> str:
    """Return the path of a session's client page."""
    return f"{session.slug}.md"


def facilitator_page(session: Session) -> str:
    """Return the path of a session's facilitator guide page."""
    return f"{FACILITATOR_DIR}/{session.slug}.md"


def week_page(week: int) -> str:
    """Return the path of a week's page."""
    return f"week-{week:02d}/index.md"


def path_page(track: Track, week: int) -> str:
    """Return the page of 'your path' for a client joining an open-entry track in `week`."""
    return f"your-path/{track.id}-week-{week:02d}.md"


PRINT_DIR = "print"
COURSE_PDFS = {
    "workbook": ("workbook.html.j2", "Client workbook"),
    "binder": ("binder.html.j2", "Facilitator binder"),
    "progress-checklist": ("checklist.html.j2", "Progress checklist"),
    "certificate": ("certificate.html.j2", "Certificate of completion"),
}

# The books and the session PDF each of their parts is.
BOOKS = {"workbook": "handout", "binder": "guide"}

SESSION_PDFS = {
    "handout": ("handout.html.j2", "Client handout"),
    "guide": ("guide.html.j2", "Facilitator guide"),
    "sign-in": ("signin.html.j2", "Sign-in sheet"),
    "note": ("note.html.j2", "Progress note"),
}

# A session's packet for the facilitator: these session PDFs, in this order, in one PDF.
PACKET = ("guide", "sign-in", "handout", "note")


def session_pdf(session: Session, kind: str) -> str:
    """Return the site path of one of a session's PDFs ('handout', 'guide', 'packet', ...)."""
    return f"{PRINT_DIR}/{session.slug}/{kind}-{session.code}.pdf"


def course_pdf(kind: str) -> str:
    """Return the site path of a course-level PDF ('workbook', 'binder', ...)."""
    return f"{PRINT_DIR}/{kind}.pdf"


def all_pdf_paths(course: Course) -> list[str]:
    """Return the site paths of every PDF a build makes."""
    paths = [course_pdf(k) for k in COURSE_PDFS]
    paths += [session_pdf(s, k) for s in course.sessions for k in (*SESSION_PDFS, "packet")]
    return paths


CALENDAR_DIR = "calendar"


def calendar_path(track_id: str, start_week: int | None = None) -> str:
    """Return the site path of a track's .ics calendar, or of its "your path" calendar for a
    client who starts in `start_week`."""
    if start_week is None:
        return f"{CALENDAR_DIR}/{track_id}.ics"
    return f"{CALENDAR_DIR}/{track_id}-from-week-{start_week:02d}.ics"
