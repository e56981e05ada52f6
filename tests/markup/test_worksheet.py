"""The worksheet markers become labelled fields."""

from __future__ import annotations

import html as html_module
import re

import markdown

from site_builder.markup.worksheet import WorksheetExtension

SOURCE = """\
Intro line.

[[write 5: What will I do next time?]]
[[line: My sponsor's number]]
[[scale 1-10: How strong is the urge?]]

- [ ] Called a friend
- [ ] Went for a walk

| When | What I did |
|---|---|
| Example: Monday | Took a walk |
| [[blank]] | [[blank]] |

```
[[write: not a field inside code]]
```
"""


def _convert(prefix: str = "RP-02") -> str:
    md = markdown.Markdown(extensions=["tables", "fenced_code", WorksheetExtension(prefix=prefix)])
    return md.convert(SOURCE)


def test_markers_become_labelled_fields():
    html = _convert()
    assert '<label for="rp-02-f1">What will I do next time?</label>' in html
    assert 'rows="5"' in html and 'name="RP-02 01 What will I do next time?"' in html
    assert '<input type="text" id="rp-02-f2"' in html
    assert "<span>1</span>" in html and "<span>10</span>" in html and "<span>0</span>" not in html
    assert html.count('type="checkbox"') == 2
    assert '<label for="rp-02-f5">Went for a walk</label>' in html
    assert 'aria-label="When, row 2"' in html and 'aria-label="What I did, row 2"' in html
    assert "Example: Monday" in html
    assert "[[write: not a field inside code]]" in html


def test_field_ids_restart_for_each_document():
    md = markdown.Markdown(extensions=["tables", WorksheetExtension(prefix="X")])
    first = md.convert("[[write: A]]")
    md.reset()
    second = md.convert("[[write: A]]")
    assert first == second


def _fields(source: str, prefix: str = "RP-02") -> str:
    md = markdown.Markdown(extensions=["tables", "fenced_code", WorksheetExtension(prefix=prefix)])
    return md.convert(source)


def test_fields_are_numbered_in_document_order():
    html = _convert()
    ids = re.findall(r'id="(rp-02-f\d+)"', html)
    assert ids == [f"rp-02-f{n}" for n in range(1, 8)]
    names = [html_module.unescape(n) for n in re.findall(r'name="([^"]+)"', html)]
    assert names[:3] == ["RP-02 01 What will I do next time?", "RP-02 02 My sponsor's number",
                         "RP-02 03 How strong is the urge?"]
    assert names[-2:] == ["RP-02 06 When, row 2", "RP-02 07 What I did, row 2"]


def test_write_box_rows_stay_between_1_and_12():
    assert 'rows="12" style="--rows: 12"' in _fields("[[write 40: A long story]]")
    assert 'rows="1" style="--rows: 1"' in _fields("[[write 0: A short one]]")
    assert 'rows="3" style="--rows: 3"' in _fields("[[write: The default]]")


def test_scale_defaults_to_0_to_10_and_describes_its_range():
    html = _fields("[[scale: How sure am I?]]")
    numbers = re.findall(r"<span>(\d+)</span>", html)
    assert numbers == [str(n) for n in range(11)]
    assert 'aria-describedby="rp-02-f1-range"' in html
    assert '<span id="rp-02-f1-range" class="ws-range">(0 to 10)</span>' in html
    assert '<span class="ws-numbers" aria-hidden="true">' in html


def test_questions_are_escaped_and_names_shortened():
    html = _fields('[[line: Is 3 < 5 & "fine"?]]')
    assert '<label for="rp-02-f1">Is 3 &lt; 5 &amp; &quot;fine&quot;?</label>' in html
    assert 'title="Is 3 &lt; 5 &amp; &quot;fine&quot;?"' in html
    long = "Word. " * 30
    name = re.search(r'name="([^"]+)"', _fields(f"[[write: {long}]]"))[1]
    assert name == "RP-02 01 " + ("Word " * 12).strip()  # dots and spaces collapse, 60 chars


def test_id_prefix_comes_from_the_handout_code():
    assert 'id="ws-f1"' in _fields("[[line: Name]]", prefix="")
    assert 'id="am-05-f1"' in _fields("[[line: Name]]", prefix="AM-05")
    assert 'name="01 Name"' in _fields("[[line: Name]]", prefix="")


def test_checklists_group_consecutive_items():
    html = _fields("- [ ] One\n- [ ] Two\n\nText between.\n\n- [ ] Three\n")
    assert html.count('<ul class="ws-checklist">') == 2
    assert re.findall(r'<label for="rp-02-f\d">(\w+)</label>', html) == ["One", "Two", "Three"]
    assert "<p>Text between.</p>" in html


def test_markers_only_count_alone_on_their_line_and_outside_code():
    html = _fields("Write [[write: inline]] here.\n\n~~~\n[[line: in a fence]]\n~~~\n\n"
                   "[[blank]]\n")
    assert "<textarea" not in html and "<input" not in html
    assert "Write [[write: inline]] here." in html
    assert "[[line: in a fence]]" in html and "[[blank]]" in html


def test_only_cells_that_are_just_a_blank_become_fields():
    html = _fields("| When | Notes |\n|---|---|\n| [[blank]] | kept |\n| text | [[blank]] |\n"
                   "| [[blank]] later | x |\n")
    inputs = re.findall(r'<input aria-label="([^"]+)" id="([^"]+)"', html)
    assert inputs == [("When, row 1", "rp-02-f1"), ("Notes, row 2", "rp-02-f2")]
    assert "<td>kept</td>" in html and "<td>[[blank]] later</td>" in html
    assert '<table class="ws-table">' in html
