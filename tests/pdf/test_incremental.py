"""One edit, one module's PDFs: the books are re-assembled from the session PDFs, not laid out
again, and stay tagged, bookmarked, numbered and linked."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pikepdf
import pytest
from pypdf import PdfReader

from site_builder.pdf.books import BOOK_LINK
from site_builder.pdf.handouts import PrintSettings, build_print_materials
from site_builder.structure.loading import load_course

from ..conftest import Project


def _course(project: Project, language: str = "en"):
    crisis = project.root / "curriculum" / "crisis-lines.yml"
    return load_course(project.root / "curriculum" / "default.yml", project.root / "modules",
                       crisis, root=project.root, language=language)


def _print(project: Project, cache: Path, out: Path):
    return build_print_materials(_course(project), project.root / "templates", out, cache,
                                 PrintSettings())


@pytest.fixture
def edited(built_small, pdf_cache, tmp_path):
    """The small project after one key point was added to one module: (project, report)."""
    project = Project(tmp_path / "p")
    shutil.copytree(built_small.root, project.root, ignore=shutil.ignore_patterns("site"))
    before = _print(project, pdf_cache / "pdf", tmp_path / "before")
    assert before.rendered == [], "the built project's PDFs should all be in the cache"
    project.replace("modules/coping-with-cravings.md", "## Key points\n",
                    "## Key points\n\n- A point added by the incremental test.\n")
    return project, _print(project, pdf_cache / "pdf", tmp_path / "after"), tmp_path / "after"


def test_one_edit_renders_only_that_modules_pdfs_and_reassembles_the_books(edited):
    project, report, _ = edited
    course = _course(project)
    session = next(s for s in course.sessions if s.module.id == "coping-with-cravings")
    own = {f"print/{session.slug}/{kind}-{session.code}.pdf"
           for kind in ("handout", "guide", "packet")}  # the packet is re-assembled
    rendered = set(report.rendered)
    assert f"print/{session.slug}/handout-{session.code}.pdf" in rendered
    assert "print/workbook.pdf" in rendered  # re-assembled with the new handout
    others = rendered - own - {"print/workbook.pdf", "print/binder.pdf"}
    assert others == set(), f"PDFs of other modules were laid out again: {sorted(others)}"
    assert len(report.cached) >= 3 * (len(course.sessions) - 1)


def _page_texts(path: Path) -> list[str]:
    return [page.extract_text() for page in PdfReader(path).pages]


@pytest.mark.parametrize("book, part", [("workbook", "handout"), ("binder", "guide")])
def test_books_stay_tagged_bookmarked_numbered_and_linked(edited, book, part):
    project, _, out = edited
    path = out / "print" / f"{book}.pdf"
    texts = _page_texts(path)
    total = len(texts)
    course = _course(project)
    firsts = list({s.module.id: s for s in reversed(course.sessions)}.values())[::-1]
    # Page N of M: the front's own footer, and the book's number on every part page.
    assert f"Page 1 of {total}" in texts[0].replace("\n", " ")
    stamped = [i for i, text in enumerate(texts, 1) if f"page {i} of {total}" in text]
    front = total - sum(len(PdfReader(out / f"print/{s.slug}/{part}-{s.code}.pdf").pages)
                        for s in firsts)
    assert stamped == list(range(front + 1, total + 1))
    with pikepdf.open(path) as pdf:
        # Tagged: one Document element, and every page's marked content in the parent tree.
        assert pdf.Root.MarkInfo.Marked
        root = pdf.Root.StructTreeRoot
        assert root.K[0].S == pikepdf.Name.Document
        nums = root.ParentTree.Nums
        keys = {int(nums[i]) for i in range(0, len(nums), 2)}
        for page in pdf.pages:
            assert int(page.obj.StructParents) in keys
        assert int(root.ParentTreeNextKey) > max(keys)
        # Bookmarks: the front, then one per part titled with its code, on the right page.
        with pdf.open_outline() as outline:
            titles = [str(item.title) for item in outline.root]
            starts = [pdf.pages.index(pikepdf.Page(item.destination[0]))
                      for item in outline.root[1:]]
        assert titles[1:] == [f"{s.code} · {s.module.meta.title}" for s in firsts]
        assert all(f"{s.code}" in texts[start] for s, start in zip(firsts, starts))
        # Contents links go to the first page of each part.
        links = [annot.Dest[0] for page in pdf.pages[:front]
                 for annot in page.obj.get("/Annots", []) if "/Dest" in annot]
        targets = [pdf.pages.index(pikepdf.Page(link)) for link in links]
        assert list(dict.fromkeys(targets)) == starts  # a link can be several boxes
        assert not any(BOOK_LINK in str(annot.get("/A", {}).get("/URI", ""))
                       for page in pdf.pages for annot in page.obj.get("/Annots", []))
        if book == "workbook":  # the handouts' form fields still work in the book
            names = [str(field.T) for field in pdf.Root.AcroForm.Fields]
            assert len(names) == len(set(names)) > 0
            assert any(re.match(r"ER-02 ", name) for name in names)
