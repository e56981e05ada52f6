"""The third clinical review: guidance for family members in every module of the default
program's family track, and the Spanish glossary rules that keep one word per term
(miembros, tribunal, libertad condicional, las benzos)."""

from __future__ import annotations

import shutil

import pytest
import yaml

try:  # the package layout on main (checks/content, structure/loading)
    from site_builder.checks.content import glossary_findings, glossary_rules
    from site_builder.structure.loading import load_module
except ImportError:  # the flat layout this branch started from
    from site_builder.checks import glossary_findings, glossary_rules
    from site_builder.loading import load_module

from ..conftest import REPO

GUIDE_HEADINGS = {"en": "# Facilitator guide", "es": "# Guía para facilitadores"}
FAMILY_LABELS = {"en": "**Family members.**", "es": "**Familiares.**"}


def _family_modules() -> list[str]:
    """Every module of a track of the default program whose id or name says family."""
    program = yaml.safe_load((REPO / "curriculum" / "default.yml").read_text(encoding="utf-8"))
    found: list[str] = []
    for track in program["tracks"]:
        names = track.get("name", {})
        words = [str(track.get("id", ""))]
        words += list(names.values()) if isinstance(names, dict) else [str(names)]
        if any("family" in w.lower() or "familia" in w.lower() for w in words):
            for module_id in track.get("modules", []):
                if module_id not in found:
                    found.append(module_id)
    return found


def _guide(module_id: str, language: str) -> str:
    suffix = ".md" if language == "en" else f".{language}.md"
    text = (REPO / "modules" / f"{module_id}{suffix}").read_text(encoding="utf-8")
    heading = GUIDE_HEADINGS[language]
    lines = text.splitlines()
    assert heading in lines, f"{module_id}{suffix} has no '{heading}' part"
    return "\n".join(lines[lines.index(heading):])


def test_the_default_program_has_a_family_track():
    assert "overdose-prevention" in _family_modules()
    assert "medications-for-substance-use-disorders" in _family_modules()


@pytest.mark.parametrize("module_id", _family_modules())
@pytest.mark.parametrize("language", ["en", "es"])
def test_family_track_guides_have_guidance_for_family_members(module_id, language):
    guide = _guide(module_id, language)
    label = FAMILY_LABELS[language]
    assert f"- {label}" in guide, f"{module_id} ({language}): no '{label}' bullet in the guide"
    bullet = next(line for line in guide.splitlines() if line.startswith(f"- {label}"))
    assert "42 CFR" in bullet  # consent comes first


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
    ("El alcohol, los benzos y las pastillas para dormir también.", "los benzos"),
    ('Mezclar opioides con unos "benzos" puede matar.', 'unos "benzos'),
    ("Pida a cada integrante que diga su nombre.", "integrante"),
    ("Los integrantes completan la Actividad 1.", "integrantes"),
    ("Los participantes completan la Actividad 1.", "participantes"),
    ("Pida a cada participante su nombre de pila.", "participante"),
    ("Tiene una cita en la corte el lunes.", "la corte"),
    ("Faltar ante la corte puede causar una orden de arresto.", "la corte"),
    ("Algunas cortes piden ver el plan.", "Algunas cortes"),
    ("Pregunte qué ofrece su corte de drogas.", "corte de drogas"),
    ("Anote cada fecha de corte en un calendario.", "fecha de corte"),
    ("Los miembros en libertad a prueba pueden temer llamar al 911.", "libertad a prueba"),
    ("La libertad condicional (probation) es una condena en la comunidad.",
     "libertad condicional (probation)"),
])
def test_spanish_glossary_rules_flag_the_wrong_term(tmp_path, text, term):
    messages = _spanish_findings(tmp_path, text)
    assert any(term.lower() in m.split("' goes")[0].lower() for m in messages), messages


def test_spanish_glossary_rules_pass_the_course_words(tmp_path):
    text = ("Las benzos y unas benzos. Pida a cada miembro que lea la hoja para el participante. "
            "Tiene una cita en el tribunal y pregunte por el tribunal de drogas. Está en libertad "
            "condicional. Corte el contacto con sus proveedores. Un corte de servicios o un corte "
            "de golpe no es un tribunal. La sangre puede pasar por cortes o llagas.")
    assert _spanish_findings(tmp_path, text) == []
