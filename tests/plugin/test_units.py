"""The plugin layer's own pieces on their own: option defaults declared once, light pages, the
serve state kept between rebuilds."""

from __future__ import annotations

import dataclasses
import json

from mkdocs.config.config_options import Deprecated

from site_builder import pipeline
from site_builder.checks.content import Limits
from site_builder.plugin import live
from site_builder.plugin.plugin import CoursePluginConfig
from site_builder.plugin.weight import compact_html, trim_theme_css


def test_option_defaults_are_declared_once_and_agree():
    options = pipeline.Options()
    plugin = {name: option.default for name, option in CoursePluginConfig._schema
              if not isinstance(option, Deprecated)}
    assert plugin == dataclasses.asdict(options)
    limits = Limits()
    assert (limits.max_grade, limits.max_smog, limits.min_ease) == (
        options.max_grade, options.max_smog, options.min_ease) == (7, 9, 65)


def test_compact_html_keeps_what_whitespace_means():
    html = ("<div>\n\n    <p>a</p>\n   \n</div><pre>x\n\n  y</pre>"
            "<textarea>\n\n1</textarea><script>a\n\n b</script>")
    assert compact_html(html) == ("<div>\n<p>a</p>\n</div><pre>x\n\n  y</pre>"
                                  "<textarea>\n\n1</textarea><script>a\n\n b</script>")


def test_trim_theme_css_drops_only_rules_for_unused_features():
    css = (".md-typeset p{margin:0}.tabbed-set{display:flex}.md-tag,.md-typeset a{color:red}"
           "@media print{.md-clipboard{display:none}}@media screen{.md-header{top:0}}")
    assert trim_theme_css(css) == (".md-typeset p{margin:0}.md-typeset a{color:red}"
                                   "@media screen{.md-header{top:0}}")


def test_serve_keeps_each_languages_pages_apart(monkeypatch, tmp_path):
    monkeypatch.setattr(live, "serving", True)
    monkeypatch.setattr(live, "dirty", True)
    monkeypatch.setattr(live, "_kept", {})

    class Page:
        def __init__(self, uri: str, content: bytes) -> None:
            self.src_uri, self.content_bytes, self.changed = uri, content, None

    pages = [Page("a.md", b"one"), Page("b.md", b"two")]
    assert live.mark_changed(pages, "shared", "en") == 2  # nothing built yet
    (tmp_path / "search").mkdir()
    index = tmp_path / "search" / "search_index.json"
    index.write_text(json.dumps({"docs": [{"location": "a/"}, {"location": "b/"}]}))
    live.remember(pages, "shared", tmp_path, "en")
    pages[1].content_bytes = b"changed"
    assert live.mark_changed(pages, "shared", "en") == 1 and pages[1].changed
    assert live.mark_changed(pages, "shared", "es") == 2  # Spanish keeps its own record
    index.write_text(json.dumps({"docs": [{"location": "b/"}]}))  # a dirty rebuild of b only
    live.remember(pages, "shared", tmp_path, "en")
    merged = json.loads(index.read_text())["docs"]
    assert sorted(d["location"] for d in merged) == ["a/", "b/"]
