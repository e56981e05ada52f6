"""The third clinical review: guidance for family members in every module of the default
program's family track, and the Spanish glossary rules that keep one word per term
(miembros, tribunal, libertad condicional, las benzos)."""

from __future__ import annotations

import shutil

import pytest
import yaml

from site_builder.checks import glossary_findings, glossary_rules
from site_builder.loading import load_module

from .conftest import REPO

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
