"""The one place that reaches into MkDocs where it has no public way (MkDocs 1.6.1 is frozen, and
ProperDocs keeps these internals as they are). tests/plugin/test_internals.py fails if either
engine changes what is used here.

- `own_plugins()`: MkDocs keeps the plugins that have `on_startup` (this one, Material's search)
  from one `load_config` to the next (`config_options.Plugins.plugin_cache`). A nested build of
  another language needs plugins of its own, or it would take over the outer build's state.
- `list_theme_files_once()`: under serve, MkDocs lists and filters every file of the theme
  (thousands of icons) on each rebuild of each language; do it once per version of the theme
  folders instead.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path


@contextlib.contextmanager
def own_plugins(plugins: dict | None = None) -> Iterator[None]:
    """Within the block, `load_config` uses `plugins` (a cache of its own: empty, or the one a
    previous rebuild of the same language filled under serve) instead of the outer build's
    cached plugin objects; the outer cache is put back afterwards."""
    from mkdocs.config.defaults import MkDocsConfig

    option = MkDocsConfig.plugins
    kept, option.plugin_cache = option.plugin_cache, plugins if plugins is not None else {}
    try:
        yield
    finally:
        option.plugin_cache = kept


def list_theme_files_once(compiled) -> None:
    """Wrap `Theme.get_env` so its loader lists (and MkDocs filters) the theme's templates once
    per version of the theme folders, and its templates are compiled once (`compiled`, a
    bytecode cache)."""
    from mkdocs.theme import Theme

    original = Theme.get_env
    if getattr(original, "listed_once", False):
        return
    listed: dict[tuple, list[str]] = {}

    def get_env(theme):
        env = original(theme)
        key = tuple((folder, _mtime(folder)) for folder in theme.dirs)
        plain = env.loader.list_templates

        def list_templates():
            if key not in listed:
                listed[key] = plain()
            return list(listed[key])

        env.loader.list_templates = list_templates
        env.list_templates = _filtered_once(env.list_templates, key)
        env.bytecode_cache = compiled  # also for the search plugin's look-ups
        return env

    get_env.listed_once = True
    Theme.get_env = get_env


_FILTERED: dict[tuple, list[str]] = {}


def _filtered_once(list_templates, key: tuple):
    """MkDocs filters the theme's files (the static ones it copies) on every build of every
    language: filter them once per version of the theme folders. The filter only depends on
    the theme (its static templates) and MkDocs' Markdown extensions."""
    def filtered(extensions=None, filter_func=None):
        memo = (key, tuple(extensions or ()), getattr(filter_func, "__code__", filter_func))
        if memo not in _FILTERED:
            _FILTERED[memo] = list_templates(extensions=extensions, filter_func=filter_func)
        return list(_FILTERED[memo])

    return filtered


def _mtime(folder: str) -> int:
    try:
        return Path(folder).stat().st_mtime_ns
    except OSError:
        return 0
