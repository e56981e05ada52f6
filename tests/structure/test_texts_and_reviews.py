"""Program texts per language, and the review fingerprint of a module's files."""

from __future__ import annotations

from site_builder.structure.reviews import fingerprint
from site_builder.structure.texts import localize_lines, main_text

from ..conftest import REPO


def test_main_text_is_the_programs_own_language():
    assert main_text({"en": "Skills", "es": "Habilidades"}, "es") == "Habilidades"
    assert main_text({"es": "Habilidades"}, "en") == "Habilidades"  # the only one there is
    assert main_text("Skills", "es") == "Skills"


def test_a_crisis_line_without_this_language_falls_back_with_a_warning():
    from site_builder.config.schema import CrisisLine

    line = CrisisLine.model_validate({"name": {"en": "Crisis line", "es": "Línea de crisis"},
                                      "contact": "Call or text 988",
                                      "note": {"en": "Call or text"}})
    [found], warnings = localize_lines([line], "es", "en", {("crisis_lines", 0, "note"): 7},
                                       "curriculum/crisis-lines.yml")
    assert found.name == "Línea de crisis" and found.note == "Call or text"
    assert [str(w) for w in warnings] == [
        "curriculum/crisis-lines.yml:7: 'crisis_lines.0.note' has no 'es' text, so the 'en' "
        "text 'Call or text' is shown on the 'es' pages. Fix: add 'es: ...' to it (or write "
        "one text for every language)."]


def test_a_review_fingerprint_ignores_line_endings_and_names_the_changed_part(tmp_path):
    source = (REPO / "modules/coping-with-cravings.md").read_text(encoding="utf-8")
    path = tmp_path / "coping-with-cravings.md"
    path.write_text(source, encoding="utf-8")
    before = fingerprint({"en": path}, tmp_path)
    path.write_bytes(source.replace("\n", "\r\n").encode())
    assert fingerprint({"en": path}, tmp_path) == before
    path.write_text(source.replace("Cravings are normal, and they pass.",
                                  "Cravings are common, and they pass.", 1),
                    encoding="utf-8")
    after = fingerprint({"en": path}, tmp_path)
    assert after.value != before.value
    changed = [part for part in after.parts["en"] if after.parts["en"][part]
               != before.parts["en"][part]]
    assert changed == ["reading"]
