"""QR codes on handouts: the session page's address under the site's address, as an SVG."""

from __future__ import annotations

import base64
import urllib.parse
from types import SimpleNamespace

from site_builder.pdf.qr import page_address, session_code

SESSION = SimpleNamespace(slug="week-01/session-2")


def test_the_address_follows_the_url_style():
    assert page_address("https://iop.example/", SESSION) == \
        "https://iop.example/week-01/session-2/"
    assert page_address("https://iop.example/es/", SESSION, directory_urls=False) == \
        "https://iop.example/es/week-01/session-2.html"


def test_no_site_address_no_code():
    assert session_code(None, SESSION) is None and session_code("", SESSION) is None


def test_the_code_is_a_vector_image_with_a_short_address_beside_it():
    code = session_code("https://www.iop.example/", SESSION)
    assert code.address == "https://www.iop.example/week-01/session-2/"
    assert code.short == "iop.example/week-01/session-2/"
    assert code.image.startswith("data:image/svg+xml")
    svg = code.image.split(",", 1)[1]
    text = (base64.b64decode(svg).decode() if ";base64" in code.image.split(",", 1)[0]
            else urllib.parse.unquote(svg))
    assert "<svg" in text and "<path" in text
