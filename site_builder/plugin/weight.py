"""Lighter pages for phones on a data plan (issue 17): Material's templates leave pages full of
blank and indented lines, and its stylesheet styles many features this site never uses; both
are paid for on every first visit, before the page shows."""

from __future__ import annotations

import functools
import re
from pathlib import Path

# Elements whose whitespace is part of their content; everything else collapses as HTML does.
_KEPT = re.compile(r"<(pre|textarea|script|style)\b.*?</\1\s*>", re.S | re.I)
_BLANK_RUN = re.compile(r"[ \t\r]*\n[ \t\r\n]*")


def compact_html(html: str) -> str:
    """Return the page with each run of whitespace that holds a line break cut to one line
    break, outside <pre>, <textarea>, <script> and <style>: a browser shows it the same."""
    out, start = [], 0
    for kept in _KEPT.finditer(html):
        out.append(_BLANK_RUN.sub("\n", html[start:kept.start()]))
        out.append(kept.group(0))
        start = kept.end()
    out.append(_BLANK_RUN.sub("\n", html[start:]))
    return "".join(out)


# Parts of Material's stylesheet for features this site never turns on (content tabs, code
# highlighting and copy buttons, annotations and tooltips, the blog, tags, versions, a source
# repository, navigation tabs and path, consent, keys, critic, maths, diagrams, footnotes, task
# lists, grid cards). A rule goes when every one of its selectors names one of them.
_UNUSED = re.compile(
    r"\.(tabbed-|highlight|linenos|md-annotation|md-tooltip|md-post|md-tag|md-version|"
    r"md-source|md-social|md-tabs|md-consent|md-status|md-path|md-progress|md-clipboard|"
    r"md-code__|md-sponsorship|keys\b|critic|arithmatex|mermaid|footnote|task-list|grid\b)")


def trim_theme_css(css: str) -> str:
    """Return Material's stylesheet without the rules for features the site does not use."""
    import tinycss2

    rules = tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True)
    return "".join(_serialize(rule) for rule in _kept(rules))


def _kept(rules: list) -> list:
    import tinycss2

    kept = []
    for rule in rules:
        if rule.type == "qualified-rule":
            selectors = [s for s in tinycss2.serialize(rule.prelude).split(",")
                         if not _UNUSED.search(s)]
            if not selectors:
                continue
            rule.prelude = tinycss2.parse_component_value_list(",".join(selectors))
        elif rule.type == "at-rule" and rule.lower_at_keyword in ("media", "supports") \
                and rule.content is not None:
            inner = _kept(tinycss2.parse_rule_list(rule.content, skip_comments=True,
                                                   skip_whitespace=True))
            if not inner:
                continue
            rule.content = tinycss2.parse_component_value_list(
                "".join(_serialize(r) for r in inner))
        kept.append(rule)
    return kept


def _serialize(rule) -> str:
    import tinycss2

    return tinycss2.serialize([rule])


def trim_theme_stylesheets(site_dir: Path) -> None:
    """Trim Material's stylesheet in a built site (assets/stylesheets/main.*.min.css)."""
    for path in (site_dir / "assets" / "stylesheets").glob("main.*.min.css"):
        path.write_text(_trimmed(path.read_text(encoding="utf-8")), encoding="utf-8")
    for path in (site_dir / "assets" / "stylesheets").glob("main.*.min.css.map"):
        path.unlink()  # it maps the untrimmed file


@functools.lru_cache(maxsize=4)
def _trimmed(css: str) -> str:
    return trim_theme_css(css)
