"""The PDFs: every session's handout, guide and sign-in sheet, and the course-level PDFs."""

from __future__ import annotations

import dataclasses
import re
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

from site_builder.errors import CourseError
from site_builder.pdf.handouts import PrintSettings, build_print_materials
from site_builder.renderer.paths import COURSE_PDFS, SESSION_PDFS, course_pdf, session_pdf
from site_builder.structure.loading import load_course

LETTER = (612, 792)
A4 = (595, 842)


def _course(project, *module_ids: str):
    """Load the project's course; with module ids, keep only their sessions (fewer PDFs)."""
    course = load_course(project.root / "curriculum/default.yml", project.root / "modules",
                         project.root / "curriculum/crisis-lines.yml", root=project.root)
    if not module_ids:
        return course
    sessions = [s for s in course.sessions if s.module.id in module_ids]
    assert len(sessions) == len(module_ids)
    return dataclasses.replace(course, sessions=sessions)


def _size(reader: PdfReader) -> tuple[int, int]:
    box = reader.pages[0].mediabox
    return round(float(box.width)), round(float(box.height))


def _text(reader: PdfReader) -> str:
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))


def _fonts_embedded(reader: PdfReader) -> bool:
    for page in reader.pages:
        fonts = page.get("/Resources", {}).get("/Font", {})
        for font in fonts.values():
            font = font.get_object()
            descriptors = [font.get("/FontDescriptor")]
            descriptors += [d.get_object().get("/FontDescriptor")
                            for d in font.get("/DescendantFonts", [])]
            descriptor = next((d.get_object() for d in descriptors if d is not None), None)
            if descriptor is None or not any(k in descriptor for k in
                                             ("/FontFile", "/FontFile2", "/FontFile3")):
                return False
    return True


def test_every_pdf_exists_tagged_letter_titled_embedded(built_default, default_course):
    paths = [course_pdf(k) for k in COURSE_PDFS]
    paths += [session_pdf(s, k) for s in default_course.sessions for k in SESSION_PDFS]
    assert len(paths) == 4 + len(SESSION_PDFS) * len(default_course.sessions)
    for path in paths:
        reader = PdfReader(built_default.site / path)
        root = reader.trailer["/Root"]
        expected = LETTER if "certificate" not in path else LETTER[::-1]
        assert _size(reader) == expected, path
        assert root["/MarkInfo"]["/Marked"] and "/StructTreeRoot" in root, path
        assert reader.metadata.title, path
        assert root.get("/Lang") == "en", path
        assert _fonts_embedded(reader), path


def test_pdfinfo_and_pdffonts_agree(built_default, default_course):
    path = built_default.site / session_pdf(default_course.sessions[0], "handout")
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True).stdout
    assert "Tagged:          yes" in info and "letter" in info
    assert "Form:            AcroForm" in info
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True).stdout
    rows = fonts.splitlines()[2:]
    assert rows and all(row.split()[-5] == "yes" for row in rows), fonts


def test_client_handout_content(built_default, default_course):
    for session in default_course.sessions:
        reader = PdfReader(built_default.site / session_pdf(session, "handout"))
        text = _text(reader)
        module = session.module
        assert module.meta.code in text and module.meta.title in text
        assert f"Week {session.week}, {session.track.name} {session.index_in_week}" in text
        assert "988" in text and "1-800-662-4357" in text and "911" in text
        assert f"Page 1 of {len(reader.pages)}" in text
        assert "Date:" in text and "Key points" in text
        assert module.meta.sources[0].publisher.split()[0] in text
        assert 1 <= len(reader.pages) <= 2, f"{module.id}: {len(reader.pages)} pages"


def test_handout_fields_are_named_by_their_question(built_default, default_course):
    for session in default_course.sessions[:5]:
        reader = PdfReader(built_default.site / session_pdf(session, "handout"))
        fields = reader.get_fields()
        assert len(fields) >= 3, session.module.id
        for name, field in fields.items():
            human = field.get("/TU")
            assert human and not re.fullmatch(r"(field|unknown)[-_ ]?\d+.*", human), name
            assert len(human) > 6


def test_guide_steps_add_up_and_name_the_handout(built_default, default_course):
    session = default_course.sessions[3]
    text = _text(PdfReader(built_default.site / session_pdf(session, "guide")))
    for step in session.module.steps:
        assert step.title in text
    assert f"Total {session.module.meta.duration}" in text
    assert f"goes with handout {session.code}" in text
    assert "Special considerations" in text


def test_sign_in_sheet_has_blank_lines_and_no_client_data(built_default, default_course):
    session = default_course.sessions[0]
    reader = PdfReader(built_default.site / session_pdf(session, "sign-in"))
    text = _text(reader)
    assert len(reader.pages) == 1
    assert session.module.meta.title in text and "Facilitator" in text and "Date" in text
    assert "12" in text and "Signature" in text


def test_course_pdfs(built_default, default_course):
    workbook = PdfReader(built_default.site / course_pdf("workbook"))
    text = _text(workbook)
    titles = [s.module.meta.title for s in default_course.sessions]
    assert "Client workbook" in text and "Contents" in text
    positions = [text.index(t, text.index("Contents")) for t in dict.fromkeys(titles)]
    assert positions == sorted(positions)
    binder = _text(PdfReader(built_default.site / course_pdf("binder")))
    assert "Facilitator binder" in binder and "Schedule" in binder and "Timed steps" in binder
    checklist = _text(PdfReader(built_default.site / course_pdf("progress-checklist")))
    assert "Date completed" in checklist and "Facilitator initials" in checklist
    for s in default_course.sessions:
        assert s.code in checklist
    certificate = _text(PdfReader(built_default.site / course_pdf("certificate")))
    assert "Certificate of Completion" in certificate


def test_site_links_to_the_pdfs(built_default, default_course):
    session = default_course.sessions[1]
    client = built_default.html(session.slug)
    assert f'href="../../{session_pdf(session, "handout")}"' in client
    guide = built_default.html(f"facilitator/{session.slug}")
    assert f'{session_pdf(session, "guide")}"' in guide
    listing = built_default.html("print-materials")
    for s in default_course.sessions:
        for kind in SESSION_PDFS:
            assert f'href="../{session_pdf(s, kind)}"' in listing


@pytest.mark.slow
def test_a4_and_large_print_settings(small, tmp_path):
    small.replace("curriculum/default.yml", "language: en",
                  "language: en\npaper: a4\nlarge_print: true")
    course = _course(small, "orientation-and-levels-of-care", "stages-of-change")
    out = tmp_path / "out"
    settings = PrintSettings(paper="a4", large_print=True)
    build_print_materials(course, small.root / "templates", out, tmp_path / "cache",
                          settings, workers=2)
    reader = PdfReader(out / session_pdf(course.sessions[1], "handout"))
    assert _size(reader) == A4
    sizes = []
    reader.pages[0].extract_text(visitor_text=lambda t, cm, tm, font, size: sizes.append(
        size * tm[0]) if t.strip() else None)
    assert max(sizes) >= 16 and sorted(sizes)[len(sizes) // 2] >= 16


@pytest.mark.slow
def test_cache_skips_unchanged_and_rerenders_edited(small, tmp_path):
    cache, out = tmp_path / "cache", tmp_path / "out"
    modules = ("coping-with-cravings", "refusal-skills")
    course = _course(small, *modules)
    first = build_print_materials(course, small.root / "templates", out, cache,
                                  PrintSettings(), workers=2)
    assert len(first.rendered) == len(first.sizes) and not first.cached
    again = build_print_materials(course, small.root / "templates", out, cache,
                                  PrintSettings(), workers=2)
    assert not again.rendered and len(again.cached) == len(first.sizes)
    small.replace("modules/refusal-skills.md", "## Key points\n", "## Key points\n\n- @new@\n")
    edited = build_print_materials(_course(small, *modules), small.root / "templates", out,
                                   cache, PrintSettings(), workers=2)
    changed = {Path(p).name for p in edited.rendered}
    assert changed == {"handout-ER-05.pdf", "workbook.pdf", "packet-ER-05.pdf"}, changed
    refusal = next(s for s in course.sessions if s.module.id == "refusal-skills")
    assert "@new@" in _text(PdfReader(out / session_pdf(refusal, "handout")))


def test_remote_image_fails_with_a_clear_message(small, tmp_path):
    # Modules cannot hold remote images (test_bad_input); a print template is the other way in.
    small.replace("templates/print/_handout_body.html.j2", "<h2>",
                  '<img src="https://example.com/photo.png" alt="A photo"><h2>')
    with pytest.raises(CourseError) as error:
        build_print_materials(_course(small, "orientation-and-levels-of-care"),
                              small.root / "templates", tmp_path / "out", tmp_path / "cache",
                              PrintSettings(), workers=2)
    message = str(error.value)
    assert "handout-EN-01.pdf" in message and "https://example.com/photo.png" in message
    assert "Fix:" in message
