"""QR codes that lead from a printed handout back to its session page on the site.

Only when the program says where its site is published (`site_url`): the code holds the address
of the session page in the handout's language, drawn by segno as an SVG (vector graphics in the
PDF, sharp at any printer's resolution). The short address is printed beside it for typing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import segno

if TYPE_CHECKING:
    from site_builder.structure.course import Session


@dataclass(frozen=True)
class PageCode:
    """A session page's address, its short form for print, and its QR code (an SVG data URI)."""

    address: str
    short: str
    image: str


def page_address(site_url: str, session: Session, *, directory_urls: bool = True) -> str:
    """Return the address of a session's client page under `site_url` (which ends in '/')."""
    return f"{site_url}{session.slug}/" if directory_urls else f"{site_url}{session.slug}.html"


def session_code(site_url: str | None, session: Session, *,
                 directory_urls: bool = True) -> PageCode | None:
    """Return the QR code of a session's page, or None when the program has no `site_url`."""
    if not site_url:
        return None
    address = page_address(site_url, session, directory_urls=directory_urls)
    code = segno.make(address, error="m", micro=False)
    short = address.split("://", 1)[-1].removeprefix("www.")
    return PageCode(address, short, code.svg_data_uri(omitsize=True, border=4, dark="#000",
                                                      light="#fff"))
