"""The program's language is the site's main language.

`language:` in the program file decides the language at the site's root and MkDocs'
`theme.language` of every build of that program (`site-builder build --program`, plain
`mkdocs build` with SITE_BUILDER_PROGRAM, `site-builder serve`); the program's `translations:`
are built into `<code>/` beside it (editions.py). One `mkdocs.yml` then serves a Spanish-first
and an English-first program alike. When mkdocs.yml sets another `theme.language`, the build
says once which one wins (it is information, not a warning: nothing is wrong).

This runs before every other plugin's `on_config` (the search plugin reads `theme.language` in
its own), so it only reads the program file; a program file that cannot be read is reported by
the course plugin's `on_config` with every other problem.
"""

from __future__ import annotations

from pathlib import Path

from mkdocs.plugins import get_plugin_logger

from site_builder import pipeline
from site_builder.errors import CourseError
from site_builder.plugin.written import written

log = get_plugin_logger(__name__)
_SAID: set[tuple[str, str, str]] = set()


def choose(config, options, edition, preview: str | None = None) -> str | None:
    """Set `theme.language` of a build to its language; return it (None when the program file
    cannot be read). `edition` is set for another language's build; `preview` is the one
    language `site-builder serve --language` shows."""
    if edition is not None:
        config.theme["language"] = edition.language
        return edition.language
    root = Path(config.config_file_path).parent
    try:
        language = preview or pipeline.main_language(options, root)
    except CourseError:
        return None
    written = theme_language(config)
    if written and written != language and not preview:
        _say_once(config, written, language, options)
    config.theme["language"] = language
    return language


def theme_language(config) -> str | None:
    """Return `theme.language` as mkdocs.yml writes it (None when it leaves it to the theme)."""
    theme = written(config).get("theme")
    return str(theme["language"]) if isinstance(theme, dict) and theme.get("language") else None


def _say_once(config, written: str, language: str, options) -> None:
    name = Path(config.config_file_path).name
    program = Path(options.curriculum).resolve()
    root = Path(config.config_file_path).resolve().parent
    program = program.relative_to(root).as_posix() if program.is_relative_to(root) else \
        program.name
    key = (str(config.config_file_path), written, language)
    if key in _SAID:
        return
    _SAID.add(key)
    log.info("The program's language '%s' (%s, 'language:') is the site's main language, not "
             "'theme.language: %s' of %s: '%s' is at the site's root, the program's other "
             "languages in <code>/.", language, program, written, name, language)
