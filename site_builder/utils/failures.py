"""An error that is nobody's input mistake (a bug in site-builder, another plugin, a crashed
worker), reported in our words without hiding where it happened.

The message names the exception and the innermost line of site-builder's own code it passed
through (a path inside the package, never an absolute path of the machine); the whole traceback
goes to the debug log, which `-v` shows.
"""

from __future__ import annotations

import logging
import traceback
from pathlib import Path

from site_builder.errors import Problem

_PACKAGE = Path(__file__).resolve().parent.parent
log = logging.getLogger("mkdocs.site_builder.failures")  # printed by the mkdocs handler with -v


def where(error: BaseException) -> str | None:
    """Return where the error happened: its innermost line ('books.py:88', by file name only),
    and the innermost line of site-builder's own code it came through, if that is another
    ('site_builder/pdf/books.py:88')."""
    frames = traceback.extract_tb(error.__traceback__)
    if not frames:
        return None
    ours = [f for f in frames if _ours(f.filename)]
    last = frames[-1]
    if ours and ours[-1] is last:
        return _shown(last)
    place = f"{Path(last.filename).name}:{last.lineno}"
    return f"{place} (from {_shown(ours[-1])})" if ours else place


def _ours(filename: str) -> bool:
    path = Path(filename)
    return path.is_absolute() and path.resolve().is_relative_to(_PACKAGE)


def _shown(frame: traceback.FrameSummary) -> str:
    relative = Path(frame.filename).resolve().relative_to(_PACKAGE.parent).as_posix()
    return f"{relative}:{frame.lineno}"


def unexpected(error: BaseException, file: str, what: str) -> Problem:
    """Return the Problem for an unexpected error while doing `what` ('the PDFs could not be
    made'), and log its traceback at DEBUG."""
    log.debug("Traceback of the error below:\n%s", "".join(
        traceback.format_exception(type(error), error, error.__traceback__)))
    text = f"{type(error).__name__}: {error}".rstrip(": ")
    place = where(error)
    at = f" at {place}" if place else ""
    return Problem(file, f"{what}: an unexpected error ({text}){at}.",
                   fix="this is not a mistake in the course: run the command again with '-v' "
                   "to see the whole traceback, and report it to site-builder's maintainers with "
                   "that output.")
