"""checks/safety.py on its own: the allow-list on rendered HTML, addresses, the mapping of a
finding back to
its module line, and the one Markdown configuration that the site, the PDFs and the check share."""

from __future__ import annotations

import pytest
import yaml
from pypdf import PdfReader

from site_builder.checks.safety import Part, address_finding, check_parts, html_findings
from site_builder.markup.config import EXTENSIONS, render
from site_builder.pdf.handouts import module_html

from ..conftest import REPO, SMALL_SLUGS

TAG_FIX = ("use Markdown instead; the HTML tags a module can use are listed under 'Writing a "
           "module' in the README.")
ATTRIBUTE_FIX = "remove it: modules cannot run scripts or set styles."


def _messages(html: str) -> list[str]:
    return [f.message for f in html_findings(html)]


def _part(text: str, first: int = 10) -> Part:
    return Part(text, tuple(range(first, first + text.count("\n") + 1)))


def _problems(reading: str = "Fine.\n", worksheet: str = "Fine.\n", guide: str = "Fine.\n",
              points: tuple[str, ...] = ()) -> list[str]:
    """Check a module whose reading starts on line 10, worksheet on 100 and guide on 200."""
    return [str(p) for p in check_parts(
        "modules/m.md", reading=_part(reading), worksheet=_part(worksheet, 100),
        guide=_part(guide, 200), key_points=[_part(p, 50) for p in points], code="AB-01")]


# --- What Markdown and the worksheet write is allowed ------------------------------------------


def test_what_markdown_writes_is_allowed():
    text = ("## A heading\n\nSome *text*, **bold**, `code` and a [link](https://www.samhsa.gov/).\n\n"
            "Call <https://findtreatment.gov/> or write to <help@example.org>.\n\n"
            "| Left | Right |\n|:--|--:|\n| [[blank]] | 2 |\n\n!!! note\n    A note.\n\n"
            "[[write 4: What will I do?]]\n\n[[scale 0-10: How sure am I?]]\n\n"
            "- [ ] Call a friend\n"
            "\n1. First\n    - nested\n\n> A quote.\n\n```python\n<script>not run</script>\n```\n\n"
            "![A local picture](images/calm.png)\n\n<!-- a comment -->\n\n---\n")
    assert _messages(render(text, prefix="ER-02")) == []


# --- Tags, attributes and addresses ---------------------------------------------------------


@pytest.mark.parametrize("tag", ["script", "style", "iframe", "object", "embed", "link", "meta",
                                 "base", "svg", "math", "video", "audio", "source", "picture",
                                 "form", "button", "template", "noscript", "select", "xmp"])
def test_tags_that_run_or_load_are_refused(tag):
    void = tag in ("link", "meta", "base", "source", "embed")
    html = f"<{tag}>" if void else f"<{tag}></{tag}>"
    assert _messages(f"<p>x</p>{html}") == [f"the HTML tag <{tag}> is not allowed in a module."]


def test_what_is_inside_a_refused_tag_is_not_reported_again():
    assert _messages('<svg><image href="https://t.example/p.png"/></svg>') == [
        "the HTML tag <svg> is not allowed in a module."]


@pytest.mark.parametrize(("html", "message"), [
    ('<span onclick="go()">x</span>',
     "the attribute 'onclick' on <span> is not allowed in a module."),
    ('<p style="background:url(https://t.example/a.png)">x</p>',
     "the attribute 'style' on <p> is not allowed in a module."),
    ('<img src="a.png" srcset="https://t.example/a.png 2x" alt="">',
     "the attribute 'srcset' on <img> is not allowed in a module."),
    ('<a href="https://x.example/" ping="https://t.example/">x</a>',
     "the attribute 'ping' on <a> is not allowed in a module."),
    ('<table><tr><td style="background: red">x</td></tr></table>',
     "the value 'background: red' of the attribute 'style' "
     "on <td> is not allowed in a module."),
    ('<input type="image" src="https://t.example/a.png">',
     "the attribute 'src' on <input> is not allowed in a module."),
    ('<body onload="go()">', "the attribute 'onload' on <body> is not allowed in a module."),
])
def test_attributes_that_run_or_load_are_refused(html, message):
    assert message in _messages(html)


@pytest.mark.parametrize(("address", "loads", "message"), [
    ("https://t.example/p.png", True, "the image 'https://t.example/p.png' would be loaded from "
     "another website."),
    ("//t.example/p.png", True, "the image '//t.example/p.png' would be loaded from another "
     "website."),
    ("HTTPS://t.example/p.png", True, "the image 'HTTPS://t.example/p.png' would be loaded from "
     "another website."),
    (" https://t.example/p.png", True, "the image 'https://t.example/p.png' would be loaded from "
     "another website."),
    ("data:image/png;base64,AAAA", True, "the image 'data:image/png;base64,AAAA' is not a file in "
     "the project."),
    ("javascript:alert(1)", False, "the address 'javascript:alert(1)' runs code."),
    ("java\tscript:alert(1)", False, "the address 'java script:alert(1)' runs code."),
    ("VBScript:x", False, "the address 'VBScript:x' runs code."),
    ("file:///etc/passwd", False, "the link 'file:///etc/passwd' is not a web, email or phone "
     "address."),
    ("/etc/passwd", False, "the address '/etc/passwd' points outside the project folder."),
    ("\\\\t.example\\p.png", True, "the image '\\\\t.example\\p.png' would be loaded from another "
     "website."),
])
def test_addresses(address, loads, message):
    assert address_finding(address, loads=loads).message == message


@pytest.mark.parametrize("address", ["https://www.samhsa.gov/", "mailto:help@example.org",
                                     "tel:988", "sms:741741", "../other/", "#top", "page.md"])
def test_links_to_websites_and_pages_are_fine(address):
    assert address_finding(address, loads=False) is None


def test_an_address_hidden_in_entities_is_read_as_the_browser_reads_it():
    assert _messages('<a href="jav&#x61;script&colon;alert(1)">x</a>') == [
        "the address 'javascript:alert(1)' runs code."]


@pytest.mark.parametrize(("html", "message"), [
    ("<div>open", "the HTML tag <div> is not closed."),
    ("<table><tr><td>x", "the HTML tag <table> is not closed."),
    ("<textarea>x", "the HTML tag <textarea> is not closed."),
    ("<p>x</p><!-- open", "a comment ('<!--') is not closed."),
])
def test_a_part_closes_what_it_opens(html, message):
    assert _messages(html) == [message]


# --- Rendered Markdown, mapped back to module lines --------------------------------------------


REMOTE = ("the image 'https://t.example/p.png' would be loaded from another website. Fix: "
          "download the image into the project (for example docs/assets/) and link to that copy: "
          "the site makes no requests to other websites, so readers cannot be tracked.")


def test_raw_html_across_several_lines():
    assert _problems('Hello.\n\n<img\n  src="https://t.example/p.png"\n  alt="">\n') == [
        f"modules/m.md:13: {REMOTE}"]


def test_html_indented_in_a_list_item():
    assert _problems('- item\n\n    <img src="https://t.example/p.png">\n') == [
        f"modules/m.md:12: {REMOTE}"]


def test_a_reference_image_defined_in_another_part():
    # The client page renders the reading and the worksheet as one document.
    assert _problems(reading="See ![x][p].\n", worksheet="[p]: https://t.example/p.png\n") == [
        f"modules/m.md:100: {REMOTE}"]


def test_a_reference_image_in_the_alt_text_of_another():
    # In the printed worksheet '[p]' is not defined, so the raw <img> inside stays HTML.
    assert _problems(reading="[p]: a.png\n",
                     worksheet="![<img src=https://t.example/p.png>][p]\n") == [
        f"modules/m.md:100: {REMOTE}"]


def test_attribute_lists_are_checked():
    assert _problems(guide='A line.\n{: onclick="go()" }\n') == [
        f"modules/m.md:201: the attribute 'onclick' on <p> is not allowed in a module. Fix: "
        f"{ATTRIBUTE_FIX}"]


def test_key_points_are_checked_as_the_handout_prints_them():
    assert _problems(points=("Stay <script>x</script> safe.",)) == [
        f"modules/m.md:50: the HTML tag <script> is not allowed in a module. Fix: {TAG_FIX}"]


def test_autolinks_links_and_code_are_fine():
    assert _problems(reading="Call <https://www.samhsa.gov/>.\n\nUse `<script>` as text.\n",
                     worksheet="[SAMHSA](https://www.samhsa.gov/)\n\n```\n<iframe>\n```\n") == []


def test_text_nested_too_deeply_gives_a_message():
    assert _problems(reading="*" * 3000 + "x" + "*" * 3000 + "\n") == [
        "modules/m.md:10: the text is nested too deeply to be shown (many '>', '*', '[' or list "
        "levels in a row). Fix: write it as plain paragraphs and short lists."]


# --- One Markdown configuration --------------------------------------------------------------


def test_mkdocs_uses_the_libraries_markdown_configuration():
    config = yaml.load((REPO / "mkdocs.yml").read_text(), Loader=yaml.BaseLoader)
    assert config["markdown_extensions"] == ["site_builder.markup.config"]
    assert {"admonition", "md_in_html", "attr_list", "tables", "fenced_code"} <= set(EXTENSIONS)


def test_the_print_pipeline_renders_admonitions():
    html = module_html("!!! tip\n    Breathe out slowly.\n")
    assert '<div class="admonition tip">' in html and "!!!" not in html


@pytest.mark.slow
def test_a_module_with_an_autolink_and_an_admonition_builds(small):
    # Issue 14: the autolink was refused as a "forbidden tag", and an admonition printed as '!!!'.
    small.replace("modules/coping-with-cravings.md", "# Worksheet\n",
                  "# Worksheet\n\nHelp: <https://www.samhsa.gov/>\n\n!!! tip\n"
                  "    Breathe out slowly.\n\n")
    small.build()
    page = small.html(f"{SMALL_SLUGS['coping-with-cravings']}/")
    assert '<a href="https://www.samhsa.gov/">https://www.samhsa.gov/</a>' in page
    assert '<div class="admonition tip">' in page
    handout = next(small.site.glob(f"print/{SMALL_SLUGS['coping-with-cravings']}/handout-*.pdf"))
    text = "".join(page.extract_text() for page in PdfReader(handout).pages)
    assert "Breathe out slowly." in text and "!!!" not in text
    assert "https://www.samhsa.gov/" in text
