"""The paperwork around a group (issue 16): progress notes, session packets, QR codes on handouts
and the program's clinical sign-off, read from real built PDFs and pages."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pikepdf
import pytest
from pypdf import PdfReader

from site_builder.errors import CourseError
from site_builder.programs import load_program
from site_builder.renderer.paths import PACKET, session_pdf
from site_builder.structure.notes import first_sentence, interventions

from ..conftest import REPO, Project, small_project

# Two sessions with dates, a site address and BIRP notes, in English and Spanish.
PAPERWORK_PROGRAM = """\
program: Paperwork Test IOP
weeks: 1
min_weeks: 1
language: en
translations: [es]
start_date: "2027-01-04"
site_url: https://recovery.example.org/iop
note_format: BIRP
hours:
  minimum: 1
tracks:
  - id: session
    name: Skills group
    days: [Monday, Wednesday]
    session_minutes: 90
    modules: [coping-with-cravings, refusal-skills]
"""


def _text(path: Path, first: int = 0, last: int | None = None) -> str:
    pages = PdfReader(path).pages[first:last]
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in pages))


def _qr_codes(pdf: Path, tmp_path: Path) -> list[str]:
    """Return what every QR code on page 1 of a PDF decodes to (zbarimg, from zbar-tools)."""
    if shutil.which("zbarimg") is None:
        pytest.fail("zbarimg is missing: install zbar-tools ('make test' does)")
    png = tmp_path / pdf.stem
    subprocess.run(["pdftoppm", "-png", "-r", "150", "-f", "1", "-l", "1", "-singlefile",
                    str(pdf), str(png)], check=True)
    found = subprocess.run(["zbarimg", "--quiet", "--raw", f"{png}.png"], capture_output=True,
                           text=True, check=False)
    assert found.returncode in (0, 4), found.stderr  # 4: no code found
    return found.stdout.split()


@pytest.fixture(scope="module")
def paperwork(tmp_path_factory, pdf_cache) -> Project:
    """PAPERWORK_PROGRAM built with its PDFs (read-only)."""
    project = small_project(tmp_path_factory.mktemp("paperwork"), pdf_cache, PAPERWORK_PROGRAM)
    project.build()
    return project


@pytest.fixture(scope="module")
def paperwork_course(paperwork):
    return load_program(paperwork.root, "default")


@pytest.mark.slow
def test_progress_note_holds_the_session_and_labelled_fields(paperwork, paperwork_course):
    session = paperwork_course.sessions[0]
    module = session.module
    note = paperwork.site / session_pdf(session, "note")
    text = _text(note)
    assert f"{module.meta.title} ({session.code})" in text
    assert "Group progress note (BIRP)" in text and "Paperwork Test IOP" in text
    assert "Skills group" in text and "Monday, January 4, 2027" in text and "90 minutes" in text
    for goal in module.meta.goals:
        assert goal in text
    for step in interventions(module):
        assert f"{step.title} ({step.minutes} min): {step.sentence}" in text
    for heading in ("Behavior", "Intervention", "Response", "Plan"):
        assert heading in text
    assert "Assessment" not in text and "clinical record" in text
    fields = PdfReader(note).get_fields()
    labels = {field.get("/TU") for field in fields.values()}
    assert {"Client name or ID", "Behavior", "Intervention", "Response", "Plan",
            "Attendance: Arrived late", "Participation: Active",
            "Facilitator (name and credentials)"} <= labels
    assert "Date" not in labels  # the session has a date: it is printed, not asked for
    assert all(name.startswith(f"{session.code} note: ") for name in fields)
    kinds = {field.get("/FT") for field in fields.values()}
    assert kinds == {"/Tx", "/Btn"}


@pytest.mark.slow
def test_note_in_spanish_and_without_dates(paperwork, paperwork_course, built_small):
    session = paperwork_course.sessions[1]
    text = _text(paperwork.site / "es" / session_pdf(session, "note"))
    assert "Nota de evolución del grupo (BIRP)" in text and "miércoles, 6 de enero de 2027" in text
    assert "Conducta" in text and "Respuesta" in text
    small = load_program(built_small.root, "default")
    note = built_small.site / session_pdf(small.sessions[0], "note")
    text = _text(note)
    assert "(DAP)" in text and "Data" in text and "Assessment" in text
    labels = {field.get("/TU") for field in PdfReader(note).get_fields().values()}
    assert {"Date", "Data", "Assessment", "Plan"} <= labels  # no dates: a field for the date


@pytest.mark.slow
def test_packet_holds_the_four_parts_in_order_with_bookmarks(paperwork, paperwork_course):
    session = paperwork_course.sessions[0]
    site = paperwork.site
    parts = [site / session_pdf(session, kind) for kind in PACKET]
    counts = [len(PdfReader(part).pages) for part in parts]
    packet = site / session_pdf(session, "packet")
    reader = PdfReader(packet)
    assert len(reader.pages) == sum(counts)
    assert reader.metadata.title == f"Session packet: {session.code} {session.module.meta.title}"
    first = 0
    for part, count in zip(parts, counts):  # each part's pages, as rendered, in order
        assert _text(packet, first, first + count) == _text(part)
        first += count
    with pikepdf.open(packet) as pdf:
        index = {page.objgen: i for i, page in enumerate(pdf.pages)}
        with pdf.open_outline() as outline:
            top = [(item.title, index[item.destination[0].objgen]) for item in outline.root]
        assert pdf.Root.MarkInfo.Marked and pdf.Root.Lang == "en"
        root = pdf.Root.StructTreeRoot  # tagged: one Document, every page in the parent tree
        assert root.K[0].S == pikepdf.Name.Document and len(root.K[0].K) == 4
        keys = {int(key) for key in root.ParentTree.Nums[::2]}
        assert all(int(page.obj.StructParents) in keys for page in pdf.pages)
        assert len(pdf.Root.AcroForm.Fields) == sum(
            len(PdfReader(p).get_fields() or {}) for p in parts)
    starts = [sum(counts[:i]) for i in range(4)]
    assert top == list(zip(["Facilitator guide", "Sign-in sheet", "Client handout",
                            "Progress note"], starts))
    es = PdfReader(site / "es" / session_pdf(session, "packet"))
    assert [item.title for item in es.outline if not isinstance(item, list)] == [
        "Guía para facilitadores", "Hoja de asistencia", "Hoja para el participante",
        "Nota de evolución"]


@pytest.mark.slow
def test_handout_qr_code_leads_to_its_session_page_in_its_language(paperwork,
                                                                    paperwork_course, tmp_path):
    for session in paperwork_course.sessions:
        for folder in ("", "es/"):
            handout = paperwork.site / folder / session_pdf(session, "handout")
            address = f"https://recovery.example.org/iop/{folder}{session.slug}/"
            assert _qr_codes(handout, tmp_path) == [address]
            printed = _text(handout, 0, 1).replace(" ", "")  # the address may wrap
            assert f":{address.removeprefix('https://')}" in printed
            assert (paperwork.site / folder / session.slug / "index.html").is_file()
    images = subprocess.run(["pdfimages", "-list", str(handout)], capture_output=True,
                            text=True, check=True).stdout.splitlines()
    assert len(images) == 2, "the QR code should be vector graphics, not an image"
    canonical = (paperwork.site / "es" / session.slug / "index.html").read_text()
    assert f'rel="canonical" href="https://recovery.example.org/iop/es/{session.slug}/"' in \
        canonical  # MkDocs' site_url comes from the program


@pytest.mark.slow
def test_no_site_url_no_qr_code(built_small, tmp_path):
    course = load_program(built_small.root, "default")
    handout = built_small.site / session_pdf(course.sessions[0], "handout")
    assert _qr_codes(handout, tmp_path) == []
    assert "Read it online" not in _text(handout)


@pytest.mark.slow
def test_facilitator_and_print_pages_link_the_note_and_packet(paperwork, paperwork_course):
    session = paperwork_course.sessions[0]
    guide = paperwork.html(f"facilitator/{session.slug}")
    for kind in ("note", "packet"):
        assert f'{session_pdf(session, kind)}"' in guide
    assert f'href="../../notes/{session.slug}/"' in guide
    assert "Not yet reviewed by this program." in guide
    listing = paperwork.html("print-materials")
    assert f'href="../{session_pdf(session, "packet")}"' in listing
    note = paperwork.html(f"facilitator/notes/{session.slug}")
    assert "Monday, January 4, 2027" in note and session.module.meta.goals[0] in note
    assert "Behavior" in note and "clinical record" in note
    # In the nav under "For facilitators", "Progress notes", beside the other sessions' notes.
    assert "Progress notes" in note and 'href="../session-2/"' in note


def test_interventions_take_the_first_sentence_of_each_timed_step():
    from site_builder.structure.loading import load_module

    module = load_module(REPO / "modules" / "orientation-and-levels-of-care.md", REPO)
    steps = interventions(module)
    assert [(s.title, s.minutes) for s in steps] == [(s.title, s.minutes) for s in module.steps]
    assert all(s.sentence[-1] in '.!?"' and len(s.sentence) > 15 for s in steps)
    assert first_sentence('Say **"no"** first. Then [leave](x.md).') == 'Say "no" first.'
    assert first_sentence("1. Ask each member. 2. Listen.") == "1. Ask each member."


# --- Clinical sign-off ------------------------------------------------------------------------

@pytest.fixture
def reviewed(small: Project) -> Project:
    """The small project (pages only) with one module reviewed, then edited."""
    small.disable_pdfs()
    result = small.cli("review", "--sign", "coping-with-cravings", "--by", "Dr. Ana Ruiz",
                       "--role", "Clinical director", "--date", "2026-03-02")
    assert result.exit_code == 0, result.output
    assert "Recorded the review of coping-with-cravings by Dr. Ana Ruiz" in result.output
    return small


@pytest.mark.slow
def test_review_edit_and_see_it_changed_since_review(reviewed, tmp_path):
    small = reviewed
    result = small.cli("review", "-o", tmp_path / "sheets.pdf")
    assert result.exit_code == 0, result.output
    assert "1 reviewed, 0 changed since review, 5 never reviewed" in result.output
    small.build()
    guide = small.html("facilitator/week-01/session-3")
    assert "Reviewed by Dr. Ana Ruiz (Clinical director) on Monday, March 2, 2026." in guide
    assert "Not yet reviewed by this program." in small.html("facilitator/week-01/session-1")
    assert "Revisado por Dr. Ana Ruiz (Clinical director) el lunes, 2 de marzo de 2026." in \
        small.html("es/facilitator/week-01/session-3")

    small.replace("modules/coping-with-cravings.md", "## Key points\n",
                  "## Key points\n\n- A point added after the review.\n")
    small.replace("modules/coping-with-cravings.es.md", "## Pasos", "## Pasos\n\nNota.")
    result = small.cli("review", "-o", tmp_path / "sheets.pdf")
    assert result.exit_code == 0, result.output
    assert "0 reviewed, 1 changed since review, 5 never reviewed" in result.output
    assert ("  - coping-with-cravings (ER-02): reviewed by Dr. Ana Ruiz (Clinical director) on "
            "2026-03-02; changed: reading (en), facilitator guide (es)") in result.output
    assert "Review sheets: " in result.output and "(6 pages, one per module)" in result.output
    sheets = PdfReader(tmp_path / "sheets.pdf")
    sheet = next(p.extract_text() for p in sheets.pages if "ER-02" in p.extract_text())
    assert "Changed since it was reviewed by Dr. Ana Ruiz" in sheet and "Signature" in sheet
    small.build()
    guide = small.html("facilitator/week-01/session-3")
    assert "Changed since it was reviewed by Dr. Ana Ruiz (Clinical director) on Monday, " \
           "March 2, 2026." in guide
    assert "Changed: reading (en), facilitator guide (es)." in guide

    small.replace("curriculum/default.yml", "language: en\n", "language: en\n"
                  "require_review: true\n")
    with pytest.raises(CourseError) as error:
        small.build()
    message = str(error.value)
    assert ("curriculum/default/reviews.yml:7: the module 'coping-with-cravings' (ER-02) changed "
            "since Dr. Ana Ruiz reviewed it on 2026-03-02 (reading (en), facilitator guide (es)), "
            "and this program requires review ('require_review: true'). Fix: have your clinical "
            "lead review it, then record the review: 'site-builder review --sign "
            "coping-with-cravings --by NAME --role ROLE'") in message
    assert ("curriculum/default.yml:6: the module 'orientation-and-levels-of-care' (EN-01) has "
            "not been reviewed by this program") in message
    result = small.cli("check")
    assert result.exit_code == 1 and "coping-with-cravings" in result.output
    assert "Traceback" not in result.output


@pytest.mark.slow
def test_require_review_passes_once_everything_is_signed(reviewed):
    small = reviewed
    course = load_program(small.root, "default")
    ids = sorted({s.module.id for s in course.sessions})
    result = small.cli("review", *(a for i in ids for a in ("--sign", i)), "--by", "R. Lee",
                       "--role", "Medical director")
    assert result.exit_code == 0, result.output
    small.replace("curriculum/default.yml", "language: en\n", "language: en\n"
                  "require_review: true\n")
    small.build()
    assert "Reviewed by R. Lee (Medical director)" in small.html("facilitator/week-02/session-3")
    result = small.cli("review")
    assert "6 reviewed, 0 changed since review, 0 never reviewed" in result.output
    assert "Review sheets" not in result.output


def test_bad_review_input_gets_one_clear_message(small):
    small.write("curriculum/default/reviews.yml", "modules:\n  coping-with-cravings:\n"
                "    reviewed_by: Dr. Ruiz\n    role: Lead\n    reviewed_on: 2026-13-02\n"
                "    fingerprint: abc\n")
    result = small.cli("review")
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "curriculum/default/reviews.yml:5:" in result.output
    assert ("curriculum/default/reviews.yml:6: field 'modules.coping-with-cravings.fingerprint':"
            " 'abc' is not a fingerprint that 'site-builder review' wrote. Fix: do not write "
            "fingerprints by hand") in result.output
    small.write("curriculum/default/reviews.yml", "# No reviews yet.\n")
    result = small.cli("review", "--sign", "no-such-module", "--by", "A", "--role", "B")
    assert "no session with the module 'no-such-module'" in result.output
    result = small.cli("review", "--sign", "refusal-skills")
    assert result.exit_code == 2 and "--sign needs --by NAME and --role ROLE" in result.output
    small.replace("curriculum/default.yml", "language: en\n",
                  "language: en\nsite_url: recovery.example.org\n")
    result = small.cli("check")
    assert result.exit_code == 1
    assert "curriculum/default.yml:6:" in result.output
    assert "'recovery.example.org' is not a web address" in result.output
