"""Course books (the client workbook, the facilitator binder) assembled from PDFs already rendered.

A book is a front part (cover, contents) rendered on its own, followed by the session PDFs it
holds, exactly as they were rendered for the session: nothing is laid out twice, so after a
one-module edit only that module's handout is rendered again and the book is re-assembled.

The assembled book keeps what makes its parts accessible: one structure tree (each part's
elements under one `Document`, the parent tree renumbered), the parts' form fields, and
bookmarks (one per part, with the part's own bookmarks under it). Each part page also carries
the book's "page N of M" in its top margin, drawn as an artifact from a small numbers PDF that
WeasyPrint renders (so its font is embedded like every other font).

Links in the front part to book pages are written `BOOK_LINK` + page number by the template; they
become links to that page of the book.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass
from typing import Any

import pikepdf
from pikepdf import Array, Dictionary, Name, OutlineItem

BOOK_LINK = "https://book.invalid/page/"


@dataclass(frozen=True)
class Part:
    """One part of a book: its PDF and the title of its bookmark."""

    pdf: bytes
    title: str


def page_count(pdf: bytes) -> int:
    """Return the number of pages of a PDF."""
    with pikepdf.open(io.BytesIO(pdf)) as document:
        return len(document.pages)


def assemble(front: bytes | None, parts: list[Part], numbers: bytes | None, *,
             title: str) -> bytes:
    """Return the book: `front`, then every part. `numbers` has one page per book page; its pages
    after the front are drawn on the parts' pages. With no `front` (a session packet), the book
    starts with the first part, under its own bookmark."""
    book = pikepdf.open(io.BytesIO(front if front is not None else parts[0].pdf))
    front_pages = len(book.pages) if front is not None else 0
    tree = _StructureTree(book)
    outline = _outline_entries(book, book, 0)
    if front is None:
        outline, parts = [(parts[0].title, 0, outline)], parts[1:]
    for part in parts:
        source = pikepdf.open(io.BytesIO(part.pdf))
        first = len(book.pages)
        with warnings.catch_warnings():  # the fields are carried over by _add_fields
            warnings.simplefilter("ignore", pikepdf.PageCopyWarning)
            book.pages.extend(source.pages)
        tree.add(source, [book.pages[i] for i in range(first, len(book.pages))])
        _add_fields(book, source)
        outline.append((part.title, first, _outline_entries(source, book, first)))
    tree.finish()
    _resolve_links(book)
    if numbers is not None:
        _stamp(book, pikepdf.open(io.BytesIO(numbers)), start=front_pages)
    _write_outline(book, outline)
    book.docinfo[Name.Title] = pikepdf.String(title)
    out = io.BytesIO()
    book.save(out, deterministic_id=True)
    return out.getvalue()


def _copy(book: pikepdf.Pdf, obj: Any) -> Any:
    """Copy an object of another PDF into `book` (indirect objects once, through qpdf's map)."""
    if isinstance(obj, pikepdf.Object) and obj.is_indirect:
        return book.copy_foreign(obj)
    if isinstance(obj, Array):
        return Array([_copy(book, item) for item in obj])
    if isinstance(obj, Dictionary):
        return Dictionary({key: _copy(book, value) for key, value in obj.items()})
    return obj


def _numbers(tree: Dictionary) -> list[tuple[int, Any]]:
    """Return the (key, value) pairs of a number tree, in order."""
    pairs: list[tuple[int, Any]] = []
    nums = tree.get("/Nums")
    if nums is not None:
        pairs += [(int(nums[i]), nums[i + 1]) for i in range(0, len(nums), 2)]
    for kid in tree.get("/Kids", []):
        pairs += _numbers(kid)
    return pairs


def _as_list(obj: Any) -> list[Any]:
    if obj is None:
        return []
    return list(obj) if isinstance(obj, Array) else [obj]


class _StructureTree:
    """The book's structure tree: one Document element holding each part's elements."""

    def __init__(self, book: pikepdf.Pdf) -> None:
        self.book = book
        if "/StructTreeRoot" not in book.Root:
            book.Root.StructTreeRoot = book.make_indirect(
                Dictionary(Type=Name.StructTreeRoot, K=Array(),
                           ParentTree=Dictionary(Nums=Array())))
        self.root = book.Root.StructTreeRoot
        self.document = book.make_indirect(Dictionary(Type=Name.StructElem, S=Name.Document,
                                                      P=self.root, K=Array()))
        self.nums = _numbers(self.root.get("/ParentTree", Dictionary()))
        self._adopt(_as_list(self.root.get("/K")))
        self.next_key = max((key for key, _ in self.nums), default=-1) + 1

    def _adopt(self, elements: list[Any]) -> None:
        for element in elements:
            if isinstance(element, Dictionary):
                if element.get("/S") == Name.Document:
                    element.S = Name.Part
                element.P = self.document
            self.document.K.append(element)

    def add(self, source: pikepdf.Pdf, pages: list[pikepdf.Page]) -> None:
        """Add a part's elements and renumber its pages' and annotations' parent-tree keys."""
        root = source.Root.get("/StructTreeRoot")
        if root is None:
            return
        offset = self.next_key
        self._adopt([_copy(self.book, element) for element in _as_list(root.get("/K"))])
        pairs = _numbers(root.get("/ParentTree", Dictionary()))
        self.nums += [(key + offset, _copy(self.book, value)) for key, value in pairs]
        for page in pages:
            if "/StructParents" in page.obj:
                page.obj.StructParents = int(page.obj.StructParents) + offset
            for annotation in page.obj.get("/Annots", []):
                if "/StructParent" in annotation:
                    annotation.StructParent = int(annotation.StructParent) + offset
        self.next_key = offset + max((key for key, _ in pairs), default=-1) + 1

    def finish(self) -> None:
        flat = Array()
        for key, value in sorted(self.nums, key=lambda pair: pair[0]):
            flat.append(key)
            flat.append(value)
        self.root.K = Array([self.document])
        self.root.ParentTree = self.book.make_indirect(Dictionary(Nums=flat))
        self.root.ParentTreeNextKey = self.next_key


def _add_fields(book: pikepdf.Pdf, source: pikepdf.Pdf) -> None:
    """Add a part's form fields (its widgets came with its pages) and their fonts."""
    form = source.Root.get("/AcroForm")
    if form is None or not form.get("/Fields"):
        return
    if "/AcroForm" not in book.Root:
        copied = Dictionary({key: _copy(book, value) for key, value in form.items()
                             if key != "/Fields"})
        copied.Fields = Array()
        book.Root.AcroForm = book.make_indirect(copied)
    target = book.Root.AcroForm
    for field in form.Fields:
        target.Fields.append(_copy(book, field))
    fonts = form.get("/DR", Dictionary()).get("/Font", Dictionary())
    if "/DR" not in target:
        target.DR = Dictionary()
    if "/Font" not in target.DR:
        target.DR.Font = Dictionary()
    for name, font in fonts.items():
        if name not in target.DR.Font:
            target.DR.Font[name] = _copy(book, font)


def _outline_entries(source: pikepdf.Pdf, book: pikepdf.Pdf, first: int) -> list[tuple]:
    """Return (title, book page index, children) for the bookmarks of `source`."""
    index = {page.objgen: i for i, page in enumerate(source.pages)}

    def walk(items) -> list[tuple]:
        entries = []
        for item in items:
            destination = item.destination
            page = None
            if isinstance(destination, Array) and len(destination):
                page = index.get(destination[0].objgen)
            entries.append((str(item.title), first + (page or 0), walk(item.children)))
        return entries

    with source.open_outline() as outline:
        return walk(outline.root)


def _write_outline(book: pikepdf.Pdf, entries: list[tuple]) -> None:
    def item(title: str, page: int, children: list[tuple]) -> OutlineItem:
        node = OutlineItem(title, page)
        node.children.extend(item(*child) for child in children)
        return node

    with book.open_outline() as outline:
        outline.root[:] = [item(*entry) for entry in entries]


def _resolve_links(book: pikepdf.Pdf) -> None:
    """Turn the front part's `BOOK_LINK` addresses into links to pages of the book."""
    for page in book.pages:
        for annotation in page.obj.get("/Annots", []):
            action = annotation.get("/A")
            uri = str(action.get("/URI", "")) if action is not None else ""
            if uri.startswith(BOOK_LINK):
                target = int(uri.removeprefix(BOOK_LINK)) - 1
                if 0 <= target < len(book.pages):
                    del annotation.A
                    annotation.Dest = Array([book.pages[target].obj, Name.Fit])


def _stamp(book: pikepdf.Pdf, numbers: pikepdf.Pdf, *, start: int) -> None:
    """Draw page `i` of `numbers` on page `i` of the book, from `start` on, as an artifact."""
    for i in range(start, min(len(book.pages), len(numbers.pages))):
        form = numbers.make_indirect(numbers.pages[i].as_form_xobject())
        page = book.pages[i]
        # A name per page: the pages of a part can share one resources dictionary.
        name = page.add_resource(book.copy_foreign(form), Name.XObject, Name(f"/BookPage{i}"))
        page.contents_add(book.make_stream(b"q\n"), prepend=True)
        page.contents_add(book.make_stream(
            b"Q\n/Artifact BMC q " + bytes(name) + b" Do Q EMC\n"))
