"""Paths as the author knows them, and links that lead out of the project.

A message names a file relative to the project folder, never by an absolute path of the
machine that builds (the build log of a shared server, a CI log). A module or a program folder
comes from strangers, so a symbolic link in it that points outside the project is refused: a
build would otherwise read (and publish, or print into a PDF) a file of the builder's machine.
"""

from __future__ import annotations

import os
from pathlib import Path

from site_builder.errors import CourseError, Problem


def display_name(path: Path, root: Path) -> str:
    """Return `path` relative to the project folder `root` as the author wrote it (a link by
    its own name, not its target); a path outside the project by its file name only."""
    for candidate, base in ((Path(os.path.abspath(path)), Path(os.path.abspath(root))),
                            (path.resolve(), root.resolve())):
        try:
            return candidate.relative_to(base).as_posix()
        except ValueError:
            continue
    return path.name


def inside(path: Path, root: Path) -> bool:
    """Return whether `path`, with every link followed, is inside the project folder."""
    return path.resolve().is_relative_to(root.resolve())


def outside_links(folder: Path, root: Path) -> list[Problem]:
    """Return a Problem for each link in `folder` that leads out of the project (or out of the
    folder, when mkdocs.yml puts the folder elsewhere); a linked folder is named once."""
    if not folder.is_dir():
        return []
    found = []
    for current, folders, files in os.walk(folder):  # links to folders are not followed
        for name in sorted([*folders, *files]):
            path = Path(current) / name
            if path.is_symlink() and not (inside(path, root) or inside(path, folder)):
                found.append(path)
    return [Problem(display_name(path, root), "this is a link to a file or folder outside the "
                    "project, and a build reads only the project's own files.",
                    fix="copy what it points to into the project instead of linking to it.")
            for path in found]


def refuse_links_out(root: Path, *, folders: tuple[Path, ...], files: tuple[Path, ...]) -> None:
    """Raise CourseError naming every link out of the project among the course's files: in the
    folders (modules, templates, the program's folder) and the program and crisis-line files."""
    problems = [p for folder in folders for p in outside_links(folder, root)]
    problems += [Problem(display_name(path, root), "this is a link to a file outside the project, "
                         "and a build reads only the project's own files.",
                         fix="copy the file into the project instead of linking to it.")
                 for path in files if path.is_symlink() and not inside(path, root)]
    if problems:
        raise CourseError(problems)
