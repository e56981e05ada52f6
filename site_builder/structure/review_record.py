"""Writing `reviews.yml` so that no record is lost (issue 24).

A review is added, never written over: the module's entry keeps its latest review at the top
(what `site-builder review` and `require_review` read) and every review before it under
`earlier:`, newest first, so the file answers an auditor's "who approved which version, when".
The file is edited as YAML that keeps its own comments and layout (ruamel.yaml's round trip) and
written atomically (`atomic_write`): a crash while signing leaves the previous record whole.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import DoubleQuotedScalarString

from site_builder.utils.files import atomic_write

Review = Any  # a `reviews.Review` (not imported: reviews.py imports this module)

_FIELDS = ("reviewed_by", "role", "reviewed_on", "fingerprint", "parts")


def _yaml() -> YAML:
    yaml = YAML()  # round trip: comments, quotes and order are kept
    yaml.preserve_quotes = True
    yaml.width = 100
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.representer.ignore_aliases = lambda *_: True  # a date signed twice is written twice
    return yaml


def _fields(review: Review) -> CommentedMap:
    """A review as YAML: text quoted, each language's part digests on one line."""
    entry = CommentedMap()
    entry["reviewed_by"] = DoubleQuotedScalarString(review.reviewed_by)
    entry["role"] = DoubleQuotedScalarString(review.role)
    entry["reviewed_on"] = review.reviewed_on
    entry["fingerprint"] = DoubleQuotedScalarString(review.fingerprint)
    parts = CommentedMap()
    for language, digests in review.parts.items():
        line = CommentedMap((part, DoubleQuotedScalarString(d)) for part, d in digests.items())
        line.fa.set_flow_style()
        parts[language] = line
    entry["parts"] = parts
    return entry


def _add(entry: CommentedMap, review: Review) -> None:
    """Put the module's current review under `earlier:` (newest first), the new one on top."""
    earlier = entry.get("earlier")
    if not isinstance(earlier, list):
        earlier = entry["earlier"] = CommentedSeq()
    earlier.insert(0, CommentedMap((key, entry[key]) for key in _FIELDS if key in entry))
    for key, value in _fields(review).items():
        entry[key] = value
    entry.move_to_end("earlier")


def record_reviews(path: Path, reviews: dict[str, Review], header: str) -> None:
    """Add the reviews (module id -> review) to the reviews file at `path` (made with `header`
    if there is none), keeping every earlier review and the file's comments."""
    yaml = _yaml()
    text = path.read_text(encoding="utf-8") if path.is_file() else header
    data = yaml.load(text)
    if not isinstance(data, CommentedMap):  # nothing but comments so far
        data = yaml.load(text.rstrip("\n") + "\nmodules: {}\n")
    modules = data.get("modules")
    if not isinstance(modules, CommentedMap):
        modules = data["modules"] = CommentedMap()
    for module_id, review in reviews.items():
        if module_id in modules and isinstance(modules[module_id], CommentedMap):
            _add(modules[module_id], review)
        else:
            place = sum(1 for key in modules if str(key) < module_id)  # in id order
            modules.insert(place, module_id, _fields(review))
    out = io.StringIO()
    yaml.dump(data, out)
    atomic_write(path, out.getvalue())
