"""The course is read once: every module file is read from the disk once per version, however
many stages (variables, checks, reviews, pages, PDFs) use it, and `check`, `lint` and the build
report the same problems for the same input."""

from __future__ import annotations

import collections
from pathlib import Path

import pytest

from site_builder.structure import loading
from site_builder.structure.notes import interventions
from site_builder.utils import yaml as yaml_reader

from ..conftest import REPO


def test_each_module_file_is_read_once_per_build(small, monkeypatch):
    small.disable_pdfs()
    reads: collections.Counter[str] = collections.Counter()
    modules = (small.root / "modules").resolve()
    for method in ("read_text", "read_bytes"):
        original = getattr(Path, method)

        def counting(self, *args, _original=original, **kwargs):
            if self.resolve().parent == modules and self.suffix == ".md":
                reads[self.name] += 1
            return _original(self, *args, **kwargs)

        monkeypatch.setattr(Path, method, counting)
    monkeypatch.setattr(yaml_reader, "_READ", {})
    monkeypatch.setattr(loading, "_READ", {})
    small.replace("curriculum/default.yml", "program: Small Test IOP",
                  "program: Small Test IOP\nrequire_review: false")  # reviews read nothing extra
    small.build()
    assert reads and set(reads.values()) == {1}, reads
    assert len(reads) == 12  # six modules, each in English and Spanish


def test_check_lint_and_build_report_the_same_problem(small):
    small.disable_pdfs()
    small.replace("modules/coping-with-cravings.md", "Cravings are normal, and they pass.",
                  "Cravings are normal for an addict, and they pass.")
    expected = ("modules/coping-with-cravings.md:60: 'addict' is a stigmatizing term. Fix: say "
                "'person with a substance use disorder' instead (or, for someone's own words, "
                "put them in a blockquote that starts with '> Quote:' or '> Cita:').")
    check = small.cli("check")
    lint = small.cli("lint", small.root / "modules/coping-with-cravings.md")
    build = small.cli("build", "--no-strict")
    for result in (check, lint):
        assert expected in result.output, result.output
    assert expected in build.output or expected in (build.stderr if build.stderr_bytes else "")


@pytest.mark.parametrize("heading", ["### Practice: Urge surfing (10 min, optional)",
                                     "### Practice: Urge surfing (10 minutos)"])
def test_progress_notes_keep_optional_and_spanish_minute_steps(tmp_path, heading):
    text = (REPO / "modules/coping-with-cravings.md").read_text(encoding="utf-8")
    path = tmp_path / "modules" / "coping-with-cravings.md"
    path.parent.mkdir()
    path.write_text(text.replace("### Practice: Urge surfing (10 min)", heading), encoding="utf-8")
    steps = [i.title for i in interventions(loading.load_module(path, tmp_path))]
    assert "Practice: Urge surfing" in steps
