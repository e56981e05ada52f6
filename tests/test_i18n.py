"""Interface words: one template set, gettext catalogs per language (English is the source),
plurals, Babel dates and day names, English fallback, and catalog errors with file and line."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import jinja2
import pytest

from site_builder import i18n
from site_builder.errors import CourseError

from .conftest import REPO

TEMPLATES = REPO / "templates"


def _env(language: str, *roots: Path) -> jinja2.Environment:
    env = jinja2.Environment(undefined=jinja2.StrictUndefined)
    i18n.install(env, i18n.load_messages(language, [*roots, TEMPLATES], REPO))
    return env


def test_spanish_words_and_plurals():
    env = _env("es")
    week = env.from_string('{{ _("Week %(n)s", n=3) }}')
    assert week.render() == "Semana 3"
    plural = env.from_string('{{ ngettext("This week you have %(num)s session.", '
                             '"This week you have %(num)s sessions.", n) }}')
    assert plural.render(n=1) == "Esta semana tiene 1 sesión."
    assert plural.render(n=3) == "Esta semana tiene 3 sesiones."
    english = _env("en").from_string('{{ ngettext("This week you have %(num)s session.", '
                                     '"This week you have %(num)s sessions.", n) }}')
    assert english.render(n=1) == "This week you have 1 session."
    assert english.render(n=2) == "This week you have 2 sessions."


def test_dates_and_day_names_come_from_babel():
    day = dt.date(2027, 1, 4)
    assert i18n.long_date(day, "en") == "Monday, January 4, 2027"
    assert i18n.long_date(day, "es") == "lunes, 4 de enero de 2027"
    assert i18n.short_date(day, "en") == "Jan 4" and i18n.short_date(day, "es") == "4 ene"
    assert i18n.day_name("Wednesday", "es") == "miércoles"
    assert i18n.day_name("Wednesday", "fr") == "mercredi"
    assert i18n.number(7.5, "es") == "7,5" and i18n.number(10, "en") == "10"


def test_missing_words_fall_back_to_english_and_are_listed(tmp_path):
    (tmp_path / "locales").mkdir()
    (tmp_path / "locales/fr.po").write_text(
        'msgid ""\nmsgstr ""\n"Language: fr\\n"\n\nmsgid "Week %(n)s"\nmsgstr "Semaine %(n)s"\n',
        encoding="utf-8")
    messages = i18n.load_messages("fr", [tmp_path], tmp_path)
    env = jinja2.Environment()
    i18n.install(env, messages)
    assert env.from_string('{{ _("Week %(n)s", n=2) }} · {{ _("Home") }}').render() == \
        "Semaine 2 · Home"
    assert messages.missing([(None, "Week %(n)s"), (None, "Home")]) == ["Home"]


def test_a_program_catalog_changes_words(tmp_path):
    (tmp_path / "locales").mkdir()
    (tmp_path / "locales/es.po").write_text(
        'msgid ""\nmsgstr ""\n"Language: es\\n"\n\nmsgid "Home"\nmsgstr "Portada"\n',
        encoding="utf-8")
    env = _env("es", tmp_path)
    assert env.from_string('{{ _("Home") }} · {{ _("Schedule") }}').render() == \
        "Portada · Horario"


@pytest.mark.parametrize("entry, expected", [
    ('msgid "Week %(n)s"\nmsgstr "Semaine %(semaine)s"\n', "uses %(semaine)s"),
    ('msgid "Week %(n)s"\nmsgstr "Semaine %(n)s à 100 %"\n', "cannot be filled in"),
    ('msgid "Week %(n)s"\nmsgstrr "Semaine"\n', "cannot be read"),
])
def test_a_broken_catalog_names_its_file_and_line(tmp_path, entry, expected):
    (tmp_path / "locales").mkdir()
    (tmp_path / "locales/fr.po").write_text(
        'msgid ""\nmsgstr ""\n"Language: fr\\n"\n\n' + entry, encoding="utf-8")
    with pytest.raises(CourseError) as caught:
        i18n.load_messages("fr", [tmp_path], tmp_path)
    problem = caught.value.problems[0]
    assert problem.file == "locales/fr.po" and problem.line in (5, 6)
    assert expected in problem.message and problem.fix


def test_catalogs_are_up_to_date_and_spanish_is_complete():
    from babel.messages.pofile import read_po

    found = i18n.extract([TEMPLATES], REPO)
    with (TEMPLATES / "locales/messages.pot").open("rb") as f:
        pot = {(m.context, m.id[0] if isinstance(m.id, tuple) else m.id) for m in read_po(f)
               if m.id}
    assert set(found) == pot, "run 'site-builder messages' to bring the catalogs up to date"
    spanish = i18n.load_messages("es", [TEMPLATES], REPO)
    assert spanish.missing(found) == []


def test_one_template_set_for_every_language():
    assert not (TEMPLATES / "es").exists()
    names = [p.relative_to(TEMPLATES).as_posix() for p in TEMPLATES.rglob("*.j2")]
    assert len(names) == len({name.rsplit("/", 1)[-1] for name in names}) > 15
