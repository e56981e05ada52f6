"""The worksheet markers become labelled fields."""

from __future__ import annotations

import markdown

from site_builder.worksheet import WorksheetExtension

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
