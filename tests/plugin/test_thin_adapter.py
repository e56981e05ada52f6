"""The MkDocs plugin is a thin adapter: every hook is short, and the one module that reaches into
MkDocs internals (plugin/internals.py) is the only place that does, with a test that fails if
MkDocs (or ProperDocs) changes under it."""

from __future__ import annotations

import ast
import logging
from pathlib import Path

import pytest

from site_builder.plugin import internals

PACKAGE = Path(__file__).resolve().parents[2] / "site_builder"


def _code_lines(source: list[str], function: ast.FunctionDef) -> int:
    body = function.body
    if isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        body = body[1:]  # the docstring
    if not body:
        return 0
    lines = source[body[0].lineno - 1:body[-1].end_lineno]
    return sum(1 for line in lines if line.strip() and not line.strip().startswith("#"))


def test_every_hook_is_at_most_20_code_lines():
    source = (PACKAGE / "plugin/plugin.py").read_text(encoding="utf-8")
    tree = ast.parse(source)
    plugin = next(n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == "CoursePlugin")
    hooks = {f.name: _code_lines(source.splitlines(), f) for f in plugin.body
             if isinstance(f, ast.FunctionDef) and f.name.startswith("on_")}
    assert len(hooks) >= 8 and all(n <= 20 for n in hooks.values()), hooks


@pytest.mark.parametrize("word", ["plugin_cache", "Theme.get_env", "list_templates =",
                                  "CountHandler"])
def test_mkdocs_internals_are_reached_only_in_internals_py(word):
    users = [p.relative_to(PACKAGE).as_posix() for p in PACKAGE.rglob("*.py")
             if word in p.read_text(encoding="utf-8") and p.name != "internals.py"]
    assert users == []


def test_the_internals_we_use_are_still_there():
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.theme import Theme

    assert isinstance(MkDocsConfig.plugins.plugin_cache, dict)
    with internals.own_plugins():
        assert MkDocsConfig.plugins.plugin_cache == {}
    assert callable(Theme.get_env)


def test_the_theme_lists_its_files_once(tmp_path):
    from mkdocs.theme import Theme

    original = Theme.get_env
    try:
        internals.list_theme_files_once(None)
        theme = Theme(name="material")
        env = theme.get_env()
        first = env.loader.list_templates()
        assert "main.html" in first and env.loader.list_templates() == first
    finally:
        Theme.get_env = original


class _Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def test_hours_under_the_minimum_with_warn_are_info_not_a_warning(small):
    small.disable_pdfs()
    small.replace("curriculum/default.yml", "  minimum: 3\n", "  minimum: 40\n")
    seen, mkdocs_log = _Records(), logging.getLogger("mkdocs")
    level, mkdocs_log.level = mkdocs_log.level, logging.INFO
    mkdocs_log.addHandler(seen)
    try:
        small.build()  # strict: an INFO line does not stop it
    finally:
        mkdocs_log.removeHandler(seen)
        mkdocs_log.level = level
    hours = [r for r in seen.records if "Hours: " in r.getMessage()]
    assert hours and all(r.levelno == logging.INFO for r in hours)
    assert "under the minimum of 40 contact hours" in hours[0].getMessage()
