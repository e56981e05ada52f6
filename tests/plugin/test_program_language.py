"""The program's language is the site's main language (issue 23): a Spanish-first and an
English-first program in one project, built one after the other, each with its own language at
the root and the other in <code>/; one site address (mkdocs.yml's `site_url` when the program has
none) for the QR codes, canonical links and sitemap; the site works served under a sub-path."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pikepdf
import pytest
from pypdf import PdfReader

from tests.pdf.test_paperwork import _qr_codes
from tests.support.audit import broken_links
from tests.support.browser import serve_site
from tests.support.crawl import crawl

from ..conftest import REPO, Project, small_project

ENGLISH_FIRST = """\
program: English First IOP
weeks: 1
min_weeks: 1
language: en
translations: [es]
hours:
  minimum: 1
tracks:
  - id: session
    name: {en: Skills group, es: Grupo de habilidades}
    days: [Monday, Wednesday]
    session_minutes: 90
    modules: [coping-with-cravings, refusal-skills]
"""

SPANISH_FIRST = ENGLISH_FIRST.replace(
    "program: English First IOP", "program: {es: IOP Primero en Español, en: Spanish First IOP}"
).replace("language: en\ntranslations: [es]", "language: es\ntranslations: [en]")

ADDRESS = "https://example.org/iop/"
# What each language shows: Material's words, the crisis bar, a module title, the PDF footer.
WORDS = {
    "en": ("Skip to content", "In crisis?", "Coping with Cravings and Urges", "Need help now?"),
    "es": ("Saltar a contenido", "¿En crisis?", "Cómo afrontar las ganas fuertes de consumir",
           "¿Necesita ayuda ahora?"),
}
OTHER = {"en": "es", "es": "en"}
PROGRAMS = {"default": "en", "spanish": "es"}  # program -> its main language


@pytest.fixture(scope="module")
def two_programs(tmp_path_factory: pytest.TempPathFactory, pdf_cache: Path) -> Project:
    """A project with an English-first (default) and a Spanish-first program, `site_url` only
    in mkdocs.yml and `theme.language: en` there, each built with its PDFs into sites/NAME/."""
    project = small_project(tmp_path_factory.mktemp("two-programs"), pdf_cache, ENGLISH_FIRST)
    project.write("curriculum/spanish.yml", SPANISH_FIRST)
    project.replace("mkdocs.yml", "site_name:", f"site_url: {ADDRESS}\nsite_name:")
    project.replace("mkdocs.yml", "  custom_dir: templates/theme\n",
                    "  custom_dir: templates/theme\n  language: en\n")
    project.logs = {}
    for name in PROGRAMS:  # one after the other, as a repository with two programs does
        result = project.cli("build", "--program", name)
        assert result.exit_code == 0, result.output[-3000:]
        project.logs[name] = result.output
    return project


@pytest.mark.slow
@pytest.mark.parametrize("program", PROGRAMS)
def test_each_program_has_its_own_language_at_the_root(two_programs, program):
    main = PROGRAMS[program]
    other = OTHER[main]
    site = two_programs.root / "sites" / program
    for folder, language in (("", main), (f"{other}/", other)):
        home = (site / folder / "index.html").read_text(encoding="utf-8")
        assert f'<html lang="{language}"' in home, (program, folder)
        session = (site / folder / "week-01/session-1/index.html").read_text(encoding="utf-8")
        material, crisis, title, footer = WORDS[language]
        assert material in session and crisis in session and title in session
        assert WORDS[OTHER[language]][1] not in session
        index = (site / folder / "search/search_index.json").read_text(encoding="utf-8")
        assert f'"lang":["{language}"]' in index.replace(" ", "")
        handout = next((site / folder / "print/week-01/session-1").glob("handout-*.pdf"))
        with pikepdf.open(handout) as pdf:
            assert str(pdf.Root.Lang) == language
        text = " ".join(page.extract_text() for page in PdfReader(handout).pages)
        assert title.split()[0] in text and footer in text
        assert WORDS[OTHER[language]][3] not in text
    assert not (site / main).exists()  # the main language is at the root only
    assert broken_links(site, root_path="/iop/") == []


@pytest.mark.slow
def test_the_build_says_once_which_language_wins(two_programs):
    said = ("The program's language 'es' (curriculum/spanish.yml, 'language:') is the site's "
            "main language, not 'theme.language: en' of mkdocs.yml: 'es' is at the site's root, "
            "the program's other languages in <code>/.")
    assert two_programs.logs["spanish"].count(said) == 1
    assert "is the site's main language, not" not in two_programs.logs["default"]
    assert "Languages: 'es' here, 'en' in en/." in two_programs.logs["spanish"]
    # Every message names the program in its main language, the English build's too.
    assert "Course 'IOP Primero en Español'" in two_programs.logs["spanish"]
    assert "Spanish First IOP" not in two_programs.logs["spanish"].replace(
        "Setting 'site_name' to 'Spanish First IOP'", "")


@pytest.mark.slow
def test_messages_name_a_program_in_its_main_language(two_programs):
    check = two_programs.cli("check", "--program", "spanish")
    assert check.exit_code == 0, check.output
    assert "OK: 'IOP Primero en Español', 2 sessions over 1 weeks, 6 modules." in check.output
    assert "Reading level (es;" in check.output
    assert "Translation 'en': 2 of 2 modules translated." in check.output
    listed = two_programs.cli("list")
    assert re.search(r"^spanish +IOP Primero en Español \(1 weeks, 2 sessions\)$",
                     listed.output, re.M), listed.output
    review = two_programs.cli("review", "--program", "spanish", "-o",
                              two_programs.root / "sheets.pdf")
    assert "Clinical review of 'IOP Primero en Español'" in review.output


@pytest.mark.slow
@pytest.mark.parametrize("program", PROGRAMS)
def test_site_url_only_in_mkdocs_yml_gives_qr_codes_canonical_links_and_sitemap(
        two_programs, program, tmp_path):
    site = two_programs.root / "sites" / program
    other = OTHER[PROGRAMS[program]]
    for folder in ("", f"{other}/"):
        for number in (1, 2):
            slug = f"week-01/session-{number}"
            handout = next((site / folder / slug.replace("week", "print/week")).glob(
                "handout-*.pdf"))
            address = f"{ADDRESS}{folder}{slug}/"
            assert _qr_codes(handout, tmp_path) == [address]
            page = (site / folder / slug / "index.html").read_text(encoding="utf-8")
            assert f'<link rel="canonical" href="{address}">' in page
        sitemap = (site / folder / "sitemap.xml").read_text(encoding="utf-8")
        locations = re.findall(r"<loc>([^<]+)</loc>", sitemap)
        assert f"{ADDRESS}{folder}week-01/session-1/" in locations
        assert all(loc.startswith(f"{ADDRESS}{folder}") for loc in locations)
        assert not any(loc.startswith(f"{ADDRESS}{folder}{other}/") for loc in locations)


@pytest.mark.slow
def test_one_handout_command_uses_the_same_address(two_programs, tmp_path):
    out = tmp_path / "handout.pdf"
    result = two_programs.cli("handout", "--program", "spanish", "coping-with-cravings",
                              "-o", out)
    assert result.exit_code == 0, result.output
    assert _qr_codes(out, tmp_path) == [f"{ADDRESS}week-01/session-1/"]  # Spanish, at the root
    with pikepdf.open(out) as pdf:
        assert str(pdf.Root.Lang) == "es"


@pytest.mark.slow
def test_the_site_works_served_under_a_sub_path(two_programs, tmp_path):
    site = two_programs.root / "sites" / "spanish"
    shutil.copytree(site, tmp_path / "iop")
    spanish_404 = (site / "404.html").read_text(encoding="utf-8")
    assert 'href="/iop/" hreflang="es"' in spanish_404
    assert 'href="/iop/en/" hreflang="en"' in spanish_404
    english_404 = (site / "en/404.html").read_text(encoding="utf-8")
    assert 'href="/iop/" hreflang="es"' in english_404
    assert 'href="/iop/en/" hreflang="en"' in english_404
    assert 'href="/iop/en/assets/stylesheets/course.css"' in english_404
    with serve_site(tmp_path) as host:
        start = f"{host}iop/"
        missing = {f"{start}404.html": f"{start}no/such/page/",  # as a host serves 404.html
                   f"{start}en/404.html": f"{start}en/no/such/page/"}
        broken, pages = crawl(start, missing)
    assert broken == []
    built = {f"{start}{p.relative_to(site).as_posix()}".removesuffix("index.html")
             for p in site.rglob("*.html")}
    assert built <= pages, sorted(built - pages)[:5]


@pytest.mark.slow
def test_two_site_addresses_that_differ_give_one_message(small):
    small.write("curriculum/default.yml", ENGLISH_FIRST.replace(
        "language: en\n", "language: en\nsite_url: https://other.example.org/\n"))
    small.replace("mkdocs.yml", "site_name:", f"site_url: {ADDRESS}\nsite_name:")
    small.disable_pdfs()
    result = small.cli("build")
    assert result.exit_code != 0
    message = ("curriculum/default.yml:5: the program's 'site_url' is "
               "'https://other.example.org/', but mkdocs.yml:2 sets 'site_url: "
               "https://example.org/iop/'. The program's address is used for the QR codes on "
               "handouts, the canonical links and the sitemap. Fix: remove 'site_url' from "
               "mkdocs.yml, or make the two the same.")
    assert result.output.count(message) == 1, result.output[-3000:]


@pytest.mark.slow
def test_plain_mkdocs_build_with_the_program_variable(small):
    small.write("curriculum/spanish.yml", SPANISH_FIRST)
    small.disable_pdfs()
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1",  # this checkout's code, run from anywhere
           "SITE_BUILDER_PROGRAM": str(small.root / "curriculum/spanish.yml"),
           "PYTHONPATH": os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")])}
    done = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict"],
                          cwd=small.root, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-3000:]
    assert '<html lang="es"' in small.html("") and '<html lang="en"' in small.html("en")
    index = (small.site / "search/search_index.json").read_text(encoding="utf-8")
    assert '"lang":["es"]' in index.replace(" ", "")  # the search plugin reads it too
    assert "is the site's main language, not" not in done.stderr  # mkdocs.yml leaves it


def test_a_program_language_that_is_not_known(small):
    small.replace("curriculum/default.yml", "language: en", "language: fr")
    result = small.cli("check")
    assert result.exit_code != 0
    assert "Error: curriculum/default.yml:5: the language 'fr' is not known. Fix: use one of: " \
        "en, es, or add it to languages.yml (see 'Adding a language')." in result.output
