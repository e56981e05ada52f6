"""One build, one site: every language of a program in one site folder.

The site's main language (the program's `language:`, which also sets MkDocs' `theme.language`)
is at the root; each other language of the program (its `translations:`) is a full build of its
own in `<code>/` beside it,
with its own search index, interface words, crisis lines and PDFs. Material's language selector
(`extra.alternate`) links each page to the same page in the other languages. A build that makes
only one language (such as `serve --language es`) links to no other language.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass

from site_builder.config.languages import LANGUAGES


@dataclass(frozen=True)
class Edition:
    """One language of a site, and every language built with it (the main one first)."""

    language: str
    languages: tuple[str, ...]
    root: str = "/"
    """The URL path of the site's root on its host ('/', or '/iop/' from `site_url`): pages
    served at any address (404.html) link from it."""

    @property
    def is_main(self) -> bool:
        return self.language == self.languages[0]

    @property
    def others(self) -> tuple[str, ...]:
        """The languages a main build makes beside itself."""
        return self.languages[1:] if self.is_main else ()

    def folder(self, language: str) -> str:
        """Return where a language's pages are, from the site root ('' or 'es/')."""
        return "" if language == self.languages[0] else f"{language}/"

    def alternate(self) -> list[dict[str, str]]:
        """Return Material's `extra.alternate`: each language, linked from this one's root
        (`link`), its folder from the site root (`root`) and its home from the host's root
        (`home`, for pages served at any address such as 404.html)."""
        if len(self.languages) < 2:
            return []
        here = self.folder(self.language) or "."
        return [{"name": language_name(code), "lang": code, "root": self.folder(code),
                 "home": self.home(code),
                 "link": "" if code == self.language else
                 posixpath.relpath(self.folder(code) or ".", here) + "/"}
                for code in self.languages]

    def home(self, language: str) -> str:
        """Return the URL path of a language's home page on the host ('/iop/es/')."""
        return self.root.rstrip("/") + "/" + self.folder(language)


def site_languages(curriculum, main: str) -> tuple[str, ...]:
    """Return the languages of a program's site: `main` (the build's main language, normally
    the program's own) first, then the program's own language and its translations."""
    return tuple(dict.fromkeys([main, curriculum.language, *curriculum.translations]))


def language_name(code: str) -> str:
    """Return a language's name in that language ('Español')."""
    if code in LANGUAGES:
        return LANGUAGES[code].name
    from babel import Locale, UnknownLocaleError

    try:
        return Locale.parse(code).get_display_name(code).capitalize()
    except (ValueError, UnknownLocaleError):
        return code
