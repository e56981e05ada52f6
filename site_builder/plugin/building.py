"""Build a whole site with MkDocs into a temporary folder and swap it in only when everything
worked."""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

from mkdocs.commands.build import build as mkdocs_build
from mkdocs.config import load_config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import Abort, MkDocsException, PluginError

from site_builder.errors import CourseError, Problem
from site_builder.pdf.handouts import collected_print_runs
from site_builder.utils.failures import unexpected


class CourseBuildError(PluginError):
    """The course plugin's PluginError: the author's problems, raised again as CourseError."""


def load_mkdocs_config(config_file: Path, **overrides) -> MkDocsConfig:
    """Return the validated MkDocs config; raise CourseError naming the file on a bad config."""
    try:
        with _project_paths(config_file.parent):
            return load_config(str(config_file), **overrides)
    except MkDocsException as e:  # its paths as the author knows them, not the machine's
        message = str(e).strip().replace(f"{config_file.parent}{os.sep}", "")
        raise CourseError(Problem(config_file.name, message)) from None
    except OSError as e:
        raise CourseError(Problem(config_file.name, f"cannot be read ({e.strerror}).",
                                  fix="check that the file exists and that you may read "
                                  "it.")) from None


def build_site(config_file: Path, *, site_dir: Path | None = None, strict: bool = True) -> Path:
    """Build the site of `config_file`; return the site folder. The old site stays whole on
    failure."""
    config_file = config_file.resolve()
    config = load_mkdocs_config(config_file, strict=strict)
    target = Path(site_dir or config.site_dir).resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    _remove_stale_staging(target)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}-building-{os.getpid()}-",
                                    dir=target.parent))
    try:
        with collected_print_runs() as runs:
            _build_one(config_file, staging, strict)  # every language: the plugin builds them
            for run, site_dir in runs:
                run.wait(site_dir)
        _swap_in(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return target


def _build_one(config_file: Path, site_dir: Path, strict: bool) -> MkDocsConfig:
    """Run one MkDocs build into `site_dir`; raise CourseError with the author's message."""
    config = load_mkdocs_config(config_file, strict=strict, site_dir=str(site_dir))
    with _errors_raised_once():
        try:
            mkdocs_build(config)
        except Abort as e:
            plugin = config.plugins.get("course")
            if plugin is not None and getattr(plugin, "error", None):
                raise plugin.error from None
            raise CourseError(Problem(config_file.name, f"the build stopped: {e}",
                                      fix="fix the errors or warnings listed above (from MkDocs "
                                      "or another plugin).")) from None
        except Exception as e:  # noqa: BLE001 (a Markdown extension, another plugin, a bug)
            raise CourseError(unexpected(e, config_file.name, "the build stopped")) from None
    return config


def _remove_stale_staging(target: Path) -> None:
    """Delete the staging folders of builds that were killed (their process is gone)."""
    for folder in target.parent.glob(f".{target.name}-building-*"):
        pid = folder.name.split("-building-", 1)[1].split("-", 1)[0]
        if pid.isdigit() and not _alive(int(pid)):
            shutil.rmtree(folder, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _swap_in(staging: Path, target: Path) -> None:
    """Replace `target` with `staging` using renames, so readers never see half a site."""
    old = None
    if target.exists():
        old = target.with_name(f".{target.name}-old-{os.getpid()}")
        shutil.rmtree(old, ignore_errors=True)
        target.rename(old)
    staging.rename(target)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


class _RelativePaths(logging.Filter):
    """MkDocs' messages about the config name the project's files by absolute paths: shorten
    them to the project-relative names the author knows."""

    def __init__(self, root: Path) -> None:
        super().__init__()
        self.prefix = f"{root}{os.sep}"

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if self.prefix in message:
            record.msg, record.args = message.replace(self.prefix, ""), ()
        return True


@contextlib.contextmanager
def _project_paths(root: Path) -> Iterator[None]:
    logger = logging.getLogger("mkdocs.config")
    relative = _RelativePaths(root)
    logger.addFilter(relative)
    try:
        yield
    finally:
        logger.removeFilter(relative)


class _DropErrors(logging.Filter):
    """Drop MkDocs' ERROR line for the course plugin's own error (raised with its fix instead);
    keep every other: another plugin's error is the only explanation of its BuildError."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno < logging.ERROR or not isinstance(sys.exc_info()[1],
                                                                 CourseBuildError)


@contextlib.contextmanager
def _errors_raised_once() -> Iterator[None]:
    """Silence MkDocs' own ERROR log line for a build error: we raise it with its fix instead."""
    logger = logging.getLogger("mkdocs.commands.build")
    dropper = _DropErrors()
    logger.addFilter(dropper)
    try:
        yield
    finally:
        logger.removeFilter(dropper)
