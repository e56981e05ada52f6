"""One build, one site, every language: plain `mkdocs build --strict` makes the main language at
the root and each translation in <code>/, linked page to page by Material's language selector;
one template set serves every language (a program's own templates too); a third language needs
a catalog, modules and a languages.yml entry, and no template."""

from __future__ import annotations

import html
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from site_builder.pipeline import Options, load
from site_builder.plugin.editions import Edition
from tests.support.audit import broken_links

from ..conftest import REPO, Project, small_project

HOME_OVERRIDE = """\
---
title: {{ program.program }}
---
# {{ program.program }}

Override home page ({{ language }}): [{{ _("Schedule") }}](schedule.md) · {{ _("Local resources") }}
"""

PROGRAM_TEXTS = (
    ("program: Small Test IOP", "program: {en: Small Test IOP, es: IOP de prueba}"),
    ("    name: Skills group", "    name: {en: Skills group, es: Grupo de habilidades}"),
)


def _pages_only(project: Project) -> None:
    """Build the pages without the PDFs (`pdfs: false`): every language reads mkdocs.yml."""
    project.replace("mkdocs.yml", "      cache_dir:", "      pdfs: false\n      cache_dir:")


def _cli(project: Project, *args: object):
    """Run `site-builder ARGS -f mkdocs.yml`; return the click result."""
    from site_builder.cli import main

    return CliRunner().invoke(main, [*(str(a) for a in args), "-f", str(project.config)],
                              env={"SITE_BUILDER_PROGRAM": None})


def _mkdocs_build(project: Project) -> subprocess.CompletedProcess:
    """Run plain `mkdocs build --strict` in the project, as a new user would."""
    env = {k: v for k, v in os.environ.items() if k != "SITE_BUILDER_PROGRAM"}
    env["NO_MKDOCS_2_WARNING"] = "1"
    return subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict"],
                          cwd=project.root, env=env, capture_output=True, text=True)


@pytest.fixture(scope="module")
def bilingual(tmp_path_factory: pytest.TempPathFactory, pdf_cache: Path) -> Project:
    """The small project with its own home page template and texts in both languages, built
    (pages only) by plain `mkdocs build --strict`."""
    project = small_project(tmp_path_factory.mktemp("bilingual"), pdf_cache)
    _pages_only(project)
    project.write("curriculum/default/templates/home.md.j2", HOME_OVERRIDE)
    for old, new in PROGRAM_TEXTS:
        project.replace("curriculum/default.yml", old, new)
    result = _mkdocs_build(project)
    assert result.returncode == 0, result.stderr[-3000:]
    project.log = result.stderr
    return project


def _pages(site: Path, spanish: bool) -> list[Path]:
    return [p for p in site.rglob("*.html") if p.name != "404.html"
            and (p.relative_to(site).parts[0] == "es") == spanish]


def _visible_text(page: Path) -> str:
    text = page.read_text(encoding="utf-8")
    text = re.sub(r"<(script|style|svg)\b.*?</\1>", " ", text, flags=re.S)
    # A module's sources keep their own titles ("... A Clinical Research Guide ...").
    text = re.sub(r'<h2 id="(sources|fuentes)".*?</ul>', " ", text, flags=re.S)
    titles = " ".join(re.findall(r'(?:title|aria-label|alt)="([^"]*)"', text))
    return html.unescape(re.sub(r"<[^>]+>", " ", text) + " " + titles)


def test_plain_mkdocs_build_makes_every_language_with_no_broken_link(bilingual):
    site = bilingual.site
    assert "Building the 'es' pages into es/." in bilingual.log
    assert '<html lang="en"' in (site / "index.html").read_text()
    assert '<html lang="es"' in (site / "es/index.html").read_text()
    english = (site / "search/search_index.json").read_text().replace(" ", "")
    spanish = (site / "es/search/search_index.json").read_text().replace(" ", "")
    assert '"lang":["en"]' in english and '"lang":["es"]' in spanish
    assert "Horario" not in english and '"title":"Schedule"' not in spanish
    assert broken_links(site) == []


def test_every_page_links_to_the_same_page_in_the_other_language(bilingual):
    site = bilingual.site
    english = _pages(site, spanish=False)
    assert len(english) > 15
    for page in english:
        text = page.read_text(encoding="utf-8")
        link = re.search(r'<a href="([^"]+)" hreflang="es" lang="es" target="_self"', text)[1]
        target = (page.parent / link).resolve() / "index.html"
        assert target == (site / "es" / page.relative_to(site)).resolve(), page
        back = re.search(r'<a href="([^"]+)" hreflang="en" lang="en" target="_self"',
                         target.read_text(encoding="utf-8"))[1]
        assert (target.parent / back).resolve() / "index.html" == page.resolve()


def _fragments(message: str) -> list[str]:
    """The literal pieces of a catalog string that a page would show."""
    pieces = re.split(r"%\(\w+\)s|\*\*|\[|\]\([^)]*\)|[():;,.?¿!]", message.replace("%%", "%"))
    return [p.strip() for p in pieces if len(p.strip()) >= 4 and re.search(r"[A-Za-zÁ-ú]", p)]


def test_no_page_shows_words_of_the_other_language(bilingual):
    from babel.messages.pofile import read_po

    with (REPO / "templates/locales/es.po").open("rb") as f:
        catalog = [m for m in read_po(f) if m.id]
    english, spanish = set(), set()
    for m in catalog:
        ids = m.id if isinstance(m.id, tuple) else (m.id,)
        strings = m.string if isinstance(m.string, tuple) else (m.string,)
        if set(ids) & set(strings):
            continue  # the same in both languages ("Total", "No")
        english |= {f for i in ids for f in _fragments(i)}
        spanish |= {f for s in strings for f in _fragments(s)}
    same = english & spanish  # "SMOG", "Fernández-Huerta"
    same |= {"note", "Note"}  # also Spanish: notar ("cuando note una señal", "Note cómo...")
    english, spanish = english - same, spanish - same
    found = []
    for pages, words in ((_pages(bilingual.site, spanish=True), english),
                         (_pages(bilingual.site, spanish=False), spanish)):
        pattern = re.compile(r"(?<!\w)(?:%s)(?!\w)" % "|".join(
            re.escape(w) for w in sorted(words, key=len, reverse=True)))
        for page in pages:
            found += [f"{page.relative_to(bilingual.site)}: {m[0]!r}"
                      for m in pattern.finditer(_visible_text(page))]
    assert not found, found[:10]


def test_a_program_template_and_texts_reach_every_language(bilingual):
    english = bilingual.html("")
    spanish = bilingual.html("es")
    assert "Override home page (en): " in english and ">Schedule</a>" in english
    assert "Override home page (es): " in spanish and ">Horario</a>" in spanish
    assert "Recursos locales" in spanish
    assert "<title>IOP de prueba - IOP de prueba</title>" in spanish
    assert "<title>Small Test IOP - Small Test IOP</title>" in english
    assert "Grupo de habilidades" in bilingual.html("es/at-a-glance")
    assert "Skills group" not in bilingual.html("es/at-a-glance")


def test_a_program_text_missing_in_a_language_falls_back_with_a_warning(small):
    small.replace("curriculum/default.yml", "  on_shortfall: warn\n",
                  "  on_shortfall: warn\nlocal_resources:\n  - name: Walk-in clinic\n"
                  "    contact: 555-0190\n    note: {en: Open until 8 pm}\n")
    options = Options.for_project(small.root)
    english = load(options, small.root, "en")
    assert english.warnings == [] and english.curriculum.local_resources[0].note == \
        "Open until 8 pm"
    spanish = load(options, small.root, "es")
    assert spanish.curriculum.local_resources[0].note == "Open until 8 pm"
    warning = str(spanish.warnings[0])
    program = small.read("curriculum/default.yml").splitlines()
    line = program.index("    note: {en: Open until 8 pm}")
    assert warning.startswith(f"curriculum/default.yml:{line + 1}: 'local_resources.0.note' has "
                              "no 'es' text, so the 'en' text 'Open until 8 pm' is shown"), warning


def test_a_template_error_names_the_file_and_line_of_the_template(small):
    small.write("curriculum/default/templates/week.md.j2",
                (REPO / "templates/week.md.j2").read_text().replace(
                    "{% if sessions -%}", "{% if language == 'es' %}{{ semana }}{% endif %}"
                    "{% if sessions -%}", 1))
    result = _cli(small, "build")
    assert result.exit_code != 0
    assert "curriculum/default/templates/week.md.j2:7: the template uses an undefined value: " \
        "'semana' is undefined." in result.output, result.output


FRENCH_CATALOG = """\
msgid ""
msgstr ""
"Language: fr\\n"
"Plural-Forms: nplurals=2; plural=(n > 1);\\n"

msgid "Week %(n)s"
msgstr "Semaine %(n)s"

msgid "Home"
msgstr "Accueil"

msgid "This week you have %(num)s session."
msgid_plural "This week you have %(num)s sessions."
msgstr[0] "Cette semaine, vous avez %(num)s séance."
msgstr[1] "Cette semaine, vous avez %(num)s séances."

msgid "Need help now?"
msgstr "Besoin d'aide maintenant ?"
"""


def _to_french(module: str) -> str:
    for english, french in (("# Reading", "# Lecture"), ("# Worksheet", "# Fiche"),
                            ("# Facilitator guide", "# Guide"), ("## Key points", "## Points clés"),
                            ("## Steps", "## Étapes")):
        module = module.replace(english, french)
    return module


def test_a_third_language_needs_no_template(small):
    templates_before = {p.relative_to(small.root): p.read_bytes()
                        for p in (small.root / "templates").rglob("*") if p.is_file()}
    small.write("languages.yml", "fr:\n  name: Français\n  parts: [Lecture, Fiche, Guide]\n"
                "  key_points: Points clés\n  steps: Étapes\n")
    small.write("templates/locales/fr.po", FRENCH_CATALOG)
    for module in ("stages-of-change", "coping-with-cravings"):
        small.write(f"modules/{module}.fr.md", _to_french(small.read(f"modules/{module}.md")))
    small.replace("curriculum/default.yml", "translations: [es]", "translations: [es, fr]")
    _pages_only(small)
    result = _cli(small, "build", "--no-strict")
    assert result.exit_code == 0, result.output
    changed = {p for p in (small.root / "templates").rglob("*") if p.is_file()
               and p.suffix in (".j2", ".html")
               and templates_before.get(p.relative_to(small.root)) != p.read_bytes()}
    assert changed == set()
    assert (small.site / "fr").is_dir(), result.output
    week = small.html("fr/week-01")
    assert '<html lang="fr"' in week and "Semaine 1" in week
    assert "Cette semaine, vous avez 3 séances." in week and "Lundi" in week
    assert "Besoin d&#39;aide maintenant ?" in week or "Besoin d'aide maintenant ?" in week
    assert "Accueil" in week
    assert "Schedule" in week  # no French word for it in the catalog: English, with a warning
    assert "interface string(s) have no 'fr' translation in templates/locales/fr.po and " \
        "are shown in English" in result.output
    assert "Module 'refusal-skills' has no 'fr' translation" in result.output
    session = small.html("fr/week-01/session-2")  # stages-of-change, translated
    assert "This page is not translated yet" not in session
    assert 'hreflang="es"' in session and 'hreflang="en"' in session
    assert (small.site / "es/week-01/index.html").is_file()
    assert broken_links(small.site) == []


def test_editions_link_languages_from_their_folders():
    main = Edition("en", ("en", "es", "fr"))
    assert main.others == ("es", "fr")
    assert [(a["lang"], a["link"], a["root"]) for a in main.alternate()] == [
        ("en", "", ""), ("es", "es/", "es/"), ("fr", "fr/", "fr/")]
    french = Edition("fr", ("en", "es", "fr"))
    assert french.others == ()
    assert [a["link"] for a in french.alternate()] == ["../", "../es/", ""]
    assert [a["name"] for a in french.alternate()] == ["English", "Español", "Français"]
    assert Edition("en", ("en",)).alternate() == []
