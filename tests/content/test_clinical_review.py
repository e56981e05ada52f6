"""The clinical review of the default course: the Spanish glossary rules, client tables a reader
can fill on paper, a safer order with a family track and open entry, and the five new topics."""

from __future__ import annotations

import re
import shutil

import pytest

from site_builder.checks.content import Limits, glossary_findings, glossary_rules, module_findings
from site_builder.programs import load_program
from site_builder.structure.loading import load_module

from ..conftest import REPO

NEW_MODULES = ("infectious-disease-and-harm-reduction", "know-your-substance-alcohol",
               "know-your-substance-cannabis", "know-your-substance-stimulants",
               "grief-and-loss", "twelve-step-and-mutual-help", "practical-needs-and-family-life",
               # the second clinical review's topics
               "know-your-substance-opioids-and-sedatives", "suicide-safety-planning",
               "gambling-and-betting-apps", "digital-safety-and-recovery",
               "chronic-pain-and-recovery", "womens-health-and-pregnancy")
LIMITS = Limits(max_grade=7, max_smog=9, min_ease=65)


@pytest.fixture(scope="module")
def course():
    return load_program(REPO, "default")


def _spanish_findings(tmp_path, text: str) -> list[str]:
    """Glossary findings for a Spanish module whose reading starts with `text`."""
    folder = tmp_path / "modules"
    folder.mkdir(exist_ok=True)
    shutil.copy(REPO / "modules" / "glossary.es.yml", folder)
    source = (REPO / "modules" / "coping-with-cravings.es.md").read_text(encoding="utf-8")
    path = folder / "coping-with-cravings.es.md"
    path.write_text(source.replace("# Lectura\n", f"# Lectura\n\n{text}\n", 1), encoding="utf-8")
    module = load_module(path, tmp_path)
    return [f.message for f in glossary_findings(module, path.name,
                                                  glossary_rules(module, tmp_path))]


@pytest.mark.parametrize("text, term", [
    ("Puede sentir antojos intensos fuertes en la noche.", "antojos intensos fuertes"),
    ("## La abstinencia: qué esperar", "La abstinencia"),
    ("Hable con sus pares del grupo.", "pares"),
    ("Apriete el émbolo con fuerza.", "émbolo"),
])
def test_spanish_glossary_rules_flag_the_wrong_term(tmp_path, text, term):
    messages = _spanish_findings(tmp_path, text)
    assert any(term in m.split("' goes")[0] for m in messages), messages


def test_spanish_glossary_rules_pass_the_right_term(tmp_path):
    assert _spanish_findings(tmp_path, "Las ganas fuertes de consumir pasan. Los síntomas de "
                                       "abstinencia también. Hable con sus compañeros en "
                                       "recuperación.") == []


def test_every_spanish_module_follows_the_glossary():
    findings = []
    for path in sorted((REPO / "modules").glob("*.es.md")):
        module = load_module(path, REPO)
        findings += glossary_findings(module, path.name, glossary_rules(module, REPO))
    assert [str(f) for f in findings] == []


def _table_widths(markdown: str) -> list[int]:
    return [line.strip().strip("|").count("|") + 1 for line in markdown.splitlines()
            if re.match(r"^\s*\|?\s*:?-{3,}", line)]


def test_no_client_table_is_wider_than_four_columns():
    wide = []
    for path in sorted((REPO / "modules").glob("*.md")):
        module = load_module(path, REPO)
        for part in (module.reading, module.worksheet):
            wide += [(path.name, n) for n in _table_widths(part) if n > 4]
    assert wide == []


def test_default_program_order_family_track_and_open_entry(course):
    weeks = {s.module.id: s.week for s in course.sessions if s.track_id == "session"}
    assert weeks["overdose-prevention"] <= 2
    assert weeks["medications-for-substance-use-disorders"] <= 2
    family = [s for s in course.sessions if s.track_id == "family"]
    assert {s.week for s in family} == set(range(1, 17))  # weekly, every week of the course
    assert "addiction-and-the-family" in {s.module.id for s in family}
    skills = next(t for t in course.tracks if t.id == "session")
    assert skills.open_entry
    hours = course.hours
    assert min(sum(h.values()) for h in hours.values()) >= 9
    used = {s.module.id for s in course.sessions}
    assert set(NEW_MODULES) <= used


@pytest.mark.parametrize("module_id", NEW_MODULES)
@pytest.mark.parametrize("suffix", [".md", ".es.md"])
def test_new_module_passes_the_gates(module_id, suffix):
    path = REPO / "modules" / f"{module_id}{suffix}"
    module = load_module(path, REPO)  # structure: front matter, parts, steps, key points
    assert sum(step.minutes for step in module.steps) == module.meta.duration
    assert 3 <= len(module.key_points) <= 6
    assert [str(f) for f in module_findings(module, root=REPO, limits=LIMITS)] == []
    assert "988" in module.reading + module.worksheet + module.guide
