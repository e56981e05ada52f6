"""The one Markdown configuration of the course: the site, the PDFs and the safety check use it.

`mkdocs.yml` names this module under `markdown_extensions`, and `render` (the print pipeline and
`safety.py`) loads the same extensions, so a module renders the same way everywhere.
"""

from __future__ import annotations

import functools
import threading
from typing import Any

import markdown
from markdown import Extension

from site_builder.markup.worksheet import WorksheetExtension

# MkDocs always loads toc, tables and fenced_code; they are listed so the PDFs get them too.
EXTENSIONS: tuple[str, ...] = ("toc", "tables", "fenced_code", "attr_list", "md_in_html",
                               "admonition")
EXTENSION_CONFIGS: dict[str, dict[str, Any]] = {"toc": {"permalink": False}}

_LOCAL = threading.local()


class CourseMarkdownExtension(Extension):
    """Load every extension of the course's Markdown configuration."""

    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802 (Markdown API name)
        md.registerExtensions(list(EXTENSIONS), EXTENSION_CONFIGS)


def makeExtension(**kwargs: Any) -> CourseMarkdownExtension:  # noqa: N802 (Markdown API name)
    """Return the extension; MkDocs calls this for
    `markdown_extensions: [site_builder.markup.config]`."""
    return CourseMarkdownExtension(**kwargs)


def new_markdown(*, prefix: str = "") -> markdown.Markdown:
    """Return a Markdown converter with the course's extensions and worksheet fields."""
    return markdown.Markdown(extensions=[CourseMarkdownExtension(),
                                         WorksheetExtension(prefix=prefix)])


@functools.lru_cache(maxsize=4096)
def render(text: str, *, prefix: str = "") -> str:
    """Return the HTML of module Markdown, with worksheet fields named after `prefix`.

    Cached: the safety check and the PDFs render the same parts, and `serve` rebuilds often.
    """
    converters = getattr(_LOCAL, "converters", None)
    if converters is None:
        converters = _LOCAL.converters = {}
    md = converters.get(prefix)
    if md is None:
        md = converters[prefix] = new_markdown(prefix=prefix)
    return md.reset().convert(text)
