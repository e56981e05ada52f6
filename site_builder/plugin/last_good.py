"""Under `serve`, a course that stops loading (a broken module, a module over its budget) leaves
the last good site on show: the error is printed, and the build goes on from the course of the
last good build, so every page is unchanged and MkDocs keeps answering requests (a failed
rebuild would hold every request until the next good one).

The message goes to stderr in MkDocs' own format rather than through its log: in strict mode an
ERROR or WARNING record would stop this build too.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

from site_builder.plugin import live

if TYPE_CHECKING:
    from site_builder.errors import CourseError
    from site_builder.pipeline import Site
    from site_builder.structure.course import Course

_GOOD: dict[Any, tuple[Course, Site]] = {}  # (mkdocs.yml, language) -> the last good course


def keep(key: Any, course: Course, site: Site) -> None:
    """Remember a course that loaded and rendered, under serve."""
    if live.serving:
        _GOOD[key] = (course, site)


def last_good(key: Any, error: CourseError) -> tuple[Course, Site] | None:
    """Under serve, print the error and return the last good course and site, if there is one."""
    if not live.serving or key not in _GOOD:
        return None
    lines = str(error).splitlines()
    sys.stderr.write("".join(f"ERROR    -  {line}\n" for line in lines))
    sys.stderr.write("INFO     -  The site shows its last good version until this is fixed.\n")
    sys.stderr.flush()
    return _GOOD[key]
