"""The language table: the library's languages plus one project's own, never another's."""

from __future__ import annotations

from site_builder.config.languages import LANGUAGES, language_of_file, register_project_languages

FRENCH = """\
fr:
  name: Français
  parts: [Lecture, Fiche de travail, Guide de l'animateur]
  key_points: Points clés
  steps: Étapes
"""


def test_a_projects_languages_do_not_carry_over_to_the_next(tmp_path):
    french, plain = tmp_path / "french", tmp_path / "plain"
    french.mkdir()
    plain.mkdir()
    (french / "languages.yml").write_text(FRENCH, encoding="utf-8")
    register_project_languages(french)
    assert "fr" in LANGUAGES and LANGUAGES["fr"].parts[0] == "Lecture"
    assert language_of_file("coping.fr") == "fr"
    register_project_languages(plain)
    assert "fr" not in LANGUAGES and {"en", "es"} <= set(LANGUAGES)
    assert language_of_file("coping.fr") == "en"  # not a language here: part of the name
