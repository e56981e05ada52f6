"""The Spanish edition: every default module translated, a parallel build in site/es with a
language switch both ways, Spanish crisis lines, handouts and gates, fallback and coverage."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from site_builder.cli import main
from site_builder.programs import load_program
from site_builder.renderer.paths import COURSE_PDFS, SESSION_PDFS, course_pdf, session_pdf
from site_builder.structure.loading import load_module

from ..conftest import REPO, SMALL_MODULES

SWITCH = re.compile(r'<a href="([^"]+)" hreflang="(\w+)" lang="\w+" target="_self"')  # selector


def _run(*args):
    return CliRunner().invoke(main, [str(a) for a in args], env={"SITE_BUILDER_PROGRAM": None})


def test_every_default_module_has_a_spanish_version():
    course = load_program(REPO, "default")
    for session in course.sessions:
        english = session.module
        path = REPO / "modules" / f"{english.id}.es.md"
        assert path.is_file(), f"missing {path.name}"
        spanish = load_module(path, REPO)
        assert spanish.language == "es" and spanish.id == english.id
        assert spanish.meta.code == english.meta.code
        assert [s.minutes for s in spanish.steps] == [s.minutes for s in english.steps]
        assert spanish.worksheet.count("[[") >= english.worksheet.count("[[") * 0.6


def test_spanish_build_is_parallel_and_in_spanish(built_default):
    es = built_default.site / "es"
    home = (es / "index.html").read_text()
    assert '<html lang="es"' in home
    assert "Saltar a contenido" in home  # Material's own interface in Spanish
    assert '"lang":["es"]' in (es / "search/search_index.json").read_text().replace(" ", "")
    session = (es / "week-01/session-1/index.html").read_text()
    assert "marque 2 para español" in session and 'href="tel:988"' in session
    assert "Línea Nacional de Ayuda de SAMHSA" in session
    assert "todavía no está traducida" not in session


def test_switcher_links_resolve_both_ways(built_default):
    site = built_default.site
    english_pages = [p for p in site.rglob("*.html") if "es" not in p.relative_to(site).parts
                     and p.name != "404.html"]  # Material's 404 page has its own content block
    assert len(english_pages) > 100
    for page in english_pages:
        link, lang = [m for m in SWITCH.findall(page.read_text()) if m[1] != "en"][0]
        assert lang == "es"
        target = (page.parent / link).resolve()
        target = target / "index.html" if target.is_dir() else target
        assert target == (site / "es" / page.relative_to(site)).resolve(), page
        back, lang = [m for m in SWITCH.findall(target.read_text()) if m[1] != "es"][0]
        assert lang == "en"
        home = (target.parent / back).resolve()
        home = home / "index.html" if home.is_dir() else home
        assert home == page.resolve()


def test_spanish_print_materials(built_default, default_course):
    course = default_course
    es = built_default.site / "es"
    for kind in COURSE_PDFS:
        reader = PdfReader(es / course_pdf(kind))
        assert reader.trailer["/Root"]["/Lang"] == "es"
    for session in course.sessions[:6]:
        for kind in SESSION_PDFS:
            assert (es / session_pdf(session, kind)).is_file()
        reader = PdfReader(es / session_pdf(session, "handout"))
        text = " ".join(p.extract_text() for p in reader.pages)
        assert "Página 1 de" in text and "988" in text and "Puntos clave" in text
        assert len(reader.pages) <= 2, session.module.id
    signin = " ".join(p.extract_text() for p in
                      PdfReader(es / session_pdf(course.sessions[0], "sign-in")).pages)
    assert "Hoja de asistencia" in signin
    certificate = PdfReader(es / course_pdf("certificate")).pages[0].extract_text()
    assert "Certificado" in certificate


@pytest.mark.slow
def test_untranslated_module_falls_back_with_notice_and_warning(small):
    (small.root / "modules/refusal-skills.es.md").unlink()
    small.disable_pdfs()
    result = _run("build", "-f", small.config, "--no-strict")
    assert result.exit_code == 0, result.output
    assert "Module 'refusal-skills' has no 'es' translation" in result.output
    course = load_program(small.root, "default")
    session = next(s for s in course.sessions if s.module.id == "refusal-skills")
    page = (small.site / "es" / session.slug / "index.html").read_text()
    assert "Esta sesión todavía no está traducida al español" in page
    assert '<div lang="en">' in page
    check = _run("check", "-f", small.config)
    assert "Translation 'es': 5 of 6 modules translated. Missing: refusal-skills" in check.output


def test_spanish_lint_and_readability_gates_fail(small):
    path = "modules/stages-of-change.es.md"
    small.replace(path, "# Hoja de trabajo\n", "# Hoja de trabajo\n\nNo es un adicto.\n\n")
    result = _run("lint", "-f", small.config, small.root / path)
    assert result.exit_code != 0 and "'adicto' is a stigmatizing term" in result.output
    assert "persona con un trastorno por consumo de sustancias" in result.output
    hard = ("La neuroadaptación farmacodinámica consecuente a la exposición prolongada "
            "compromete significativamente la autorregulación prefrontal interindividual. ") * 60
    small.replace(path, "# Lectura\n", "# Lectura\n\n" + hard + "\n\n")
    result = _run("lint", "-f", small.config, small.root / path)
    assert "Fernández-Huerta" in result.output and "the limit is Fernández-Huerta 65" in \
        result.output


def test_a_program_can_add_a_language(small):
    small.write("languages.yml", "fr:\n  name: Français\n  parts: [Lecture, Fiche, Guide]\n"
                  "  key_points: Points clés\n  steps: Étapes\n"
                  "  avoid:\n    - {pattern: \"toxicomanes?\", use: personne qui consomme}\n")
    module = small.read("modules/stages-of-change.md")
    module = module.replace("# Reading", "# Lecture").replace("# Worksheet", "# Fiche").replace(
        "# Facilitator guide", "# Guide").replace("## Key points", "## Points clés").replace(
        "## Steps", "## Étapes")
    small.write("modules/stages-of-change.fr.md", module)
    result = _run("lint", "-f", small.config, small.root / "modules/stages-of-change.fr.md")
    assert result.exit_code == 0, result.output
    check = _run("check", "-f", small.config, "--language", "fr")
    assert check.exit_code == 0, check.output
    from site_builder.structure.loading import load_course

    french = load_course(small.root / "curriculum/default.yml", small.root / "modules",
                         small.root / "curriculum/crisis-lines.yml", root=small.root,
                         language="fr")
    assert french.modules["stages-of-change"].language == "fr"
    assert "stages-of-change" not in french.untranslated
    assert len(french.untranslated) == len(SMALL_MODULES) - 1
