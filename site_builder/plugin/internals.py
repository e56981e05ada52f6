"""The one place that reaches into MkDocs where it has no public way (MkDocs 1.6.1 is frozen, and
ProperDocs keeps these internals as they are). tests/plugin/test_internals.py fails if either
engine changes what is used here.

- `own_plugins()`: MkDocs keeps the plugins that have `on_startup` (this one, Material's search)
  from one `load_config` to the next (`config_options.Plugins.plugin_cache`). A nested build of
  another language needs plugins of its own, or it would take over the outer build's state.
- `list_theme_files_once()`: under serve, MkDocs lists every file of the theme (thousands of
  icons) on each rebuild; list them once per version of the theme folders instead.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path


@contextlib.contextmanager
def own_plugins() -> Iterator[None]:
    """Within the block, `load_config` makes new plugin objects instead of reusing the cached
    ones; the cache is put back afterwards."""
    from mkdocs.config.defaults import MkDocsConfig

    option = MkDocsConfig.plugins
    kept, option.plugin_cache = option.plugin_cache, {}
    try:
        yield
    finally:
        option.plugin_cache = kept


def list_theme_files_once() -> None:
    """Wrap `Theme.get_env` so its loader lists the theme's templates once per folder version."""
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
        return env

    get_env.listed_once = True
    Theme.get_env = get_env


def _mtime(folder: str) -> int:
    try:
        return Path(folder).stat().st_mtime_ns
    except OSError:
        return 0
