"""Program texts are text: how a name, a place or a note is written into each kind of output.

Program files (and the crisis-line file) are shared between programs, so their texts are
untrusted like modules. Wherever one lands it must read as the same characters and never become
markup:

- `plain_text`: Markdown text on a page. What Markdown or HTML would read as markup (`<`, `*`,
  `[`, `{`, `|`, `#`, a reference such as `&amp;`, a list marker at the start) becomes a
  character reference, which both show as the character; line breaks become spaces.
- `attribute_text`: the same, with quotes too: inside a quoted HTML attribute or a quoted
  front-matter value of a page (Material prints a page's title and description as HTML).
- `css_string`: inside a quoted CSS string (the PDFs' running footer).
- `module_value`: a program value filled into a module with `{{ }}`, which may stand in text or
  in a Markdown link (`[Call us](tel:{{ phone }})`, `<{{ website }}>`): what HTML reads as markup
  becomes a reference, and Markdown's marks get Markdown's own backslash, which Markdown removes
  again inside a link's address (an `_` inside a word, as in an email address, is left alone:
  Markdown does not read it). The filled-in module is then checked by the module allow-list.
- `html_label`: a text MkDocs and Material print as HTML (the site name, nav titles), escaped once
  and marked as such, so Material's own `| e` leaves it alone.

JSON (the web app manifest, the search index) and iCalendar files are written by their
libraries, which escape for their formats.
"""

from __future__ import annotations

import re
from typing import Any

from markupsafe import Markup, escape

_REFERENCE = re.compile(r"&(?=#?[0-9A-Za-z]+;)")  # an '&' that starts '&amp;' or '&#60;'
_MARKDOWN = re.compile(r"[\\`*_{}\[\]|#!<>]|" + _REFERENCE.pattern)
_LEADING = re.compile(r"^(\d+)([.)])|^[-+=]")  # a list marker or an underline, at the start
_MARKUP = {"<": "&lt;", ">": "&gt;", "&": "&amp;", '"': "&#34;", "'": "&#39;"}


def _reference(match: re.Match[str]) -> str:
    mark = match[0]
    return _MARKUP.get(mark) or f"&#{ord(mark)};"


def plain_text(value: Any) -> str:
    """Return a program text for Markdown text on a page: shown as written, never markup."""
    text = _MARKDOWN.sub(_reference, " ".join(str(value).split()))
    return _LEADING.sub(lambda m: f"{m[1]}&#{ord(m[2])};" if m[1] else _reference(m), text)


def attribute_text(value: Any) -> str:
    """Return a program text for a quoted attribute or front-matter value of a page."""
    return plain_text(value).replace('"', "&#34;").replace("'", "&#39;")


def css_string(value: Any) -> str:
    """Return a text for inside a double-quoted CSS string (every mark as a CSS escape)."""
    return "".join(c if c.isalnum() or c == " " else f"\\{ord(c):x} "
                   for c in " ".join(str(value).split()))


_HTML = re.compile(r"[<>\"']")
_MODULE_MARKS = re.compile(r"[\\`*{}\[\]()|!#]|(?<!\w)_|_(?!\w)|^[-+]|(?<=^\d)[.)]|"
                           r"(?<=^\d\d)[.)]|(?<=^\d\d\d)[.)]")


def module_value(value: Any) -> str:
    """Return a value printed into a module by '{{ }}': shown as written, never markup."""
    text = _MODULE_MARKS.sub(lambda m: "\\" + m[0], _REFERENCE.sub("&amp;", str(value)))
    return _HTML.sub(_reference, text)


def html_label(value: Any) -> Markup:
    """Return a text for MkDocs and Material to print as HTML (escaped once, marked safe)."""
    return escape(" ".join(str(value).split()))


def html_nav(nav: Any) -> Any:
    """Return an MkDocs nav with every title as an `html_label`."""
    if isinstance(nav, list):
        return [html_nav(item) for item in nav]
    if isinstance(nav, dict):
        return {html_label(title): html_nav(target) for title, target in nav.items()}
    return nav
