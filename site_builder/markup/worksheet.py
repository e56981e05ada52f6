"""A Markdown extension that turns worksheet markers into labelled write-in fields.

`[[write: Q]]`, `[[write 5: Q]]`, `[[line: Q]]`, `[[scale 0-10: Q]]`, `- [ ] item` and `[[blank]]`
table cells become form fields with the question as their label. The same HTML serves the site
(labelled fields, nothing stored) and the PDF handouts (WeasyPrint turns them into form fields).
"""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as etree

from markdown import Extension
from markdown.preprocessors import Preprocessor
from markdown.treeprocessors import Treeprocessor

from site_builder.markup.text import fenced

_FIELD = re.compile(
    r"^\s*\[\[(?P<kind>write|line|scale)(?:\s+(?P<arg>[0-9]+(?:-[0-9]+)?))?\s*:\s*(?P<q>[^\]]+?)\s*\]\]\s*$"
)
_CHECK = re.compile(r"^\s*[-*] \[ \]\s+(?P<item>.+)$")
BLANK = "[[blank]]"


class _Fields:
    """Numbers the fields of one document so ids and PDF field names are unique."""

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix
        self.count = 0

    def next(self, question: str) -> tuple[str, str]:
        """Return (html id, PDF field name) for the next field."""
        self.count += 1
        slug = re.sub(r"[^a-z0-9]+", "-", self.prefix.lower()).strip("-") or "ws"
        label = re.sub(r"[.\s]+", " ", question).strip()[:60]
        return f"{slug}-f{self.count}", f"{self.prefix} {self.count:02d} {label}".strip()


class _MarkerPreprocessor(Preprocessor):
    def __init__(self, md, fields: _Fields) -> None:
        super().__init__(md)
        self.fields = fields

    def run(self, lines: list[str]) -> list[str]:
        out: list[str] = []
        checks: list[str] = []
        short: list[str] = []  # one-line fields in a row: printed two to a line (issue 17)
        for line, fence in fenced([*lines, ""]):
            check = None if fence else _CHECK.match(line)
            if check:
                checks.append(check["item"])
                continue
            if checks:
                out += ["", self._stash(self._checklist(checks)), ""]
                checks = []
            field = None if fence else _FIELD.match(line)
            if field and field["kind"] == "line":
                short.append(self._field(field))
                continue
            if short and not line.strip():
                continue
            if short:
                out += ["", self._stash(_side_by_side(short)), ""]
                short = []
            out += ["", self._stash(self._field(field)), ""] if field else [line]
        if short:
            out += ["", self._stash(_side_by_side(short)), ""]
        return out[:-1]

    def _stash(self, markup: str) -> str:
        return self.md.htmlStash.store(markup)

    def _field(self, m: re.Match[str]) -> str:
        question = html.escape(m["q"])
        fid, name = self.fields.next(m["q"])
        attrs = f'id="{fid}" name="{html.escape(name)}" title="{question}"'
        label = f'<label for="{fid}">{question}</label>'
        if m["kind"] == "write":
            rows = min(max(int(m["arg"] or 3), 1), 12)
            return (f'<div class="ws-field ws-write">{label}'
                    f'<textarea {attrs} rows="{rows}" style="--rows: {rows}"></textarea></div>')
        if m["kind"] == "line":
            return f'<div class="ws-field ws-line">{label}<input type="text" {attrs}></div>'
        low, _, high = (m["arg"] or "0-10").partition("-")
        numbers = "".join(f"<span>{n}</span>" for n in range(int(low), int(high or 10) + 1))
        return (f'<div class="ws-field ws-scale">{label}'
                f'<div class="ws-scale-row">'
                f'<span class="ws-numbers" aria-hidden="true">{numbers}</span>'
                f'<input type="text" inputmode="numeric" {attrs} size="3"'
                f' aria-describedby="{fid}-range"><span id="{fid}-range" class="ws-range">'
                f'({low} to {high or 10})</span></div></div>')

    def _checklist(self, items: list[str]) -> str:
        lis = []
        for item in items:
            fid, name = self.fields.next(item)
            text = html.escape(item)
            lis.append(f'<li><input type="checkbox" id="{fid}" name="{html.escape(name)}"'
                       f' title="{text}"><label for="{fid}">{text}</label></li>')
        return f'<ul class="ws-checklist">{"".join(lis)}</ul>'


def _side_by_side(fields: list[str]) -> str:
    """Return one-line fields that follow each other as one group (two to a line on paper)."""
    if len(fields) == 1:
        return fields[0]
    return f'<div class="ws-lines">{"".join(fields)}</div>'


class _BlankCellTreeprocessor(Treeprocessor):
    def __init__(self, md, fields: _Fields) -> None:
        super().__init__(md)
        self.fields = fields

    def run(self, root: etree.Element) -> None:
        for table in root.iter("table"):
            headers = [(th.text or "").strip() for th in table.iter("th")]
            body = table.find("tbody")
            if body is None or table.get("class"):  # a template's own table (the schedule grid)
                continue
            table.set("class", "ws-table")
            for r, tr in enumerate(body.findall("tr"), 1):
                for c, td in enumerate(tr.findall("td")):
                    if (td.text or "").strip() == BLANK and not len(td):
                        column = headers[c] if c < len(headers) else f"Column {c + 1}"
                        question = f"{column}, row {r}"
                        fid, name = self.fields.next(question)
                        td.text = None
                        etree.SubElement(td, "input", {"type": "text", "id": fid, "name": name,
                                                       "title": question,
                                                       "aria-label": question})


class WorksheetExtension(Extension):
    """Register the worksheet markers; `prefix` starts every field name (e.g. the handout code)."""

    def __init__(self, **kwargs) -> None:
        self.config = {"prefix": ["", "Text that starts every PDF field name"]}
        super().__init__(**kwargs)

    def extendMarkdown(self, md) -> None:  # noqa: N802 (Markdown API name)
        fields = _Fields(self.getConfig("prefix"))
        md.registerExtension(self)
        self._fields = fields
        md.preprocessors.register(_MarkerPreprocessor(md, fields), "worksheet_markers", 25)
        md.treeprocessors.register(_BlankCellTreeprocessor(md, fields), "worksheet_blanks", 5)

    def reset(self) -> None:
        self._fields.count = 0


def makeExtension(**kwargs) -> WorksheetExtension:  # noqa: N802 (Markdown API name)
    return WorksheetExtension(**kwargs)
