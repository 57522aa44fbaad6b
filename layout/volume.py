"""Archive volumes: merge rendered issue PDFs into one, with an issue → article outline and working internal links."""

from __future__ import annotations

import hashlib
import io
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from pypdf import PdfReader, PdfWriter
from pypdf.constants import PageLabelStyle
from pypdf.generic import (
    ArrayObject,
    ByteStringObject,
    Destination,
    DictionaryObject,
    Fit,
    IndirectObject,
    NameObject,
    NullObject,
    PdfObject,
    TextStringObject,
)

from layout import __version__
from layout.fileio import write_atomically

# Annotation keys never copied as they are: /P and /Parent point at objects of the source file (its page,
# its form fields), /Dest and /A are rewritten to point into the volume, /StructParent into a tree we drop.
ANNOT_REWRITTEN_KEYS = ("/P", "/Parent", "/Popup", "/Dest", "/A", "/StructParent")
_DIGITS = re.compile(r"(\d+)")


@dataclass(frozen=True, slots=True)
class VolumeIssue:
    """One rendered issue to bind into a volume; `title` heads its outline entry ("快讯 (2018) 0602 期")."""

    pdf: Path
    title: str
    year: int
    number: str


@dataclass(frozen=True, slots=True)
class VolumeResult:
    path: Path
    issues: int
    pages: int
    bytes: int


def issue_order_key(issue: VolumeIssue) -> tuple[int, tuple[tuple[int, str], ...], str]:
    """Year, then the issue number compared numerically where it is digits ("602" before "0610"), then the file."""
    number = tuple((int(part), part) if part.isdigit() else (-1, part) for part in _DIGITS.split(issue.number) if part)
    return issue.year, number, issue.pdf.as_posix()


def order_issues(issues: Sequence[VolumeIssue]) -> list[VolumeIssue]:
    """The issues in volume order: by year, then by number."""
    return sorted(issues, key=issue_order_key)


def volume_key(issues: Sequence[VolumeIssue], title: str) -> str:
    """A digest of what a volume is made from: the issues' PDFs (by content) and titles in volume order, its title.

    Equal keys mean an existing volume can be kept as it is.
    """
    digest = hashlib.sha256(json.dumps([__version__, title]).encode())
    for issue in order_issues(issues):
        digest.update(json.dumps([issue.title, issue.year, issue.number]).encode())
        digest.update(hashlib.sha256(issue.pdf.read_bytes()).digest())
    return digest.hexdigest()


def build_volume(issues: Sequence[VolumeIssue], output: Path, *, title: str | None = None,
                 pdfa: bool = False) -> VolumeResult:
    """Merge `issues` (in volume order) into `output`, written atomically; returns what was written.
    With `pdfa`, the volume is PDF/A-2b like its issues."""
    pdf, pages = compose_volume(issues, title=title or output.stem)
    if pdfa:
        from layout.pdfa import make_pdfa

        pdf = make_pdfa(pdf)
    write_atomically(output, pdf)
    return VolumeResult(output, len(issues), pages, len(pdf))


def compose_volume(issues: Sequence[VolumeIssue], *, title: str) -> tuple[bytes, int]:
    """The merged PDF and its page count. Every issue keeps its pages, links and named destinations.

    The outline has two levels: each issue's title (at its first page), and under it the issue's own
    level-1 outline entries (its articles) at their pages. Named destinations are renamed
    "<k>/<name>" (k = the issue's place in the volume) so that two issues' names cannot clash.
    """
    writer = PdfWriter()
    for place, issue in enumerate(order_issues(issues), start=1):
        _append_issue(writer, PdfReader(issue.pdf), issue, prefix=f"{place}/")
    writer.add_metadata({"/Title": title, "/Creator": f"bulletin {__version__}",
                         "/Producer": f"bulletin {__version__} (pypdf)"})
    writer.page_mode = "/UseOutlines"
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue(), len(writer.pages)


def _append_issue(writer: PdfWriter, reader: PdfReader, issue: VolumeIssue, *, prefix: str) -> None:
    base = len(writer.pages)
    # Annotations are copied by hand below: cloned with the page, a link's /Dest would drag a second,
    # orphaned copy of its target page into the volume.
    for page in reader.pages:
        writer.add_page(page, excluded_keys=("/Annots",))
    pages = _PageMap(reader, writer, base)
    for name, dest in reader.named_destinations.items():
        target = pages.from_destination(dest)
        if target is not None:
            writer.add_named_destination_object(Destination(prefix + str(name), target, _fit_of(dest)))
    for index, page in enumerate(reader.pages):
        annots = _copy_annotations(writer, page.get("/Annots"), pages, prefix, writer.pages[base + index])
        if annots:
            writer.pages[base + index][NameObject("/Annots")] = annots
    number = issue.number
    writer.set_page_label(base, len(writer.pages) - 1, style=PageLabelStyle.DECIMAL, prefix=f"{number}-", start=1)
    head = writer.add_outline_item(title=issue.title, page_number=base, fit=Fit.fit(), is_open=False)
    for entry in _article_entries(reader.outline):
        target = pages.from_destination(entry)
        if target is not None:
            writer.add_outline_item(title=str(entry.title), page_number=target, parent=head, fit=_fit_of(entry))


def _article_entries(outline: Sequence[object]) -> list[Destination]:
    """The level-1 entries of an outline (pypdf nests children in a list after their parent), in order."""
    entries: list[Destination] = []
    for item in outline:
        if isinstance(item, list):
            entries.extend(child for child in item if isinstance(child, Destination))
    return entries


def _fit_of(dest: Destination) -> Fit:
    """The view of a destination (/XYZ left top zoom, /Fit, …) without its page."""
    args = [None if isinstance(arg, NullObject) else arg for arg in dest.dest_array[2:]]
    return Fit(str(dest.typ), tuple(args))


class _PageMap:
    """Maps a page of the issue being appended (object, reference or index) to its copy in the volume."""

    def __init__(self, reader: PdfReader, writer: PdfWriter, base: int) -> None:
        self.writer = writer
        self.base = base
        self.count = len(reader.pages)
        self.by_object = {page.indirect_reference.idnum: i for i, page in enumerate(reader.pages)
                          if page.indirect_reference is not None}

    def index(self, page: object) -> int | None:
        """The source page index of a destination's page entry, or None if it is not one of the issue's pages."""
        if isinstance(page, IndirectObject):
            return self.by_object.get(page.idnum)
        if isinstance(page, int) and 0 <= page < self.count:  # a page number, as remote-style destinations give
            return int(page)
        return None

    def target(self, page: object) -> IndirectObject | None:
        index = self.index(page)
        return None if index is None else self.writer.pages[self.base + index].indirect_reference

    def from_destination(self, dest: Destination) -> IndirectObject | None:
        return self.target(dest.raw_get("/Page"))


def _copy_annotations(
    writer: PdfWriter, annots: PdfObject | None, pages: _PageMap, prefix: str, page: DictionaryObject
) -> ArrayObject:
    """The page's annotations for the volume: internal link targets remapped, named ones renamed with `prefix`."""
    out = ArrayObject()
    if annots is None:
        return out
    array = annots.get_object()
    if not isinstance(array, ArrayObject):
        return out
    for ref in array:
        annot = ref.get_object()
        if not isinstance(annot, DictionaryObject):
            continue
        copy = annot.clone(writer, force_duplicate=True, ignore_fields=ANNOT_REWRITTEN_KEYS)
        copy[NameObject("/P")] = page.indirect_reference
        if "/Dest" in annot:
            dest = _remap_dest(annot["/Dest"], pages, prefix)
            if dest is None:
                continue  # a target outside this issue cannot be honoured: drop the dead link
            copy[NameObject("/Dest")] = dest
        elif "/A" in annot:
            action = annot["/A"].get_object()
            if isinstance(action, DictionaryObject) and action.get("/S") == "/GoTo":
                dest = _remap_dest(action.get("/D"), pages, prefix)
                if dest is None:
                    continue
                new_action = action.clone(writer, force_duplicate=True, ignore_fields=("/D", "/Next"))
                new_action[NameObject("/D")] = dest
                copy[NameObject("/A")] = new_action
            elif action is not None:  # URI and other actions do not point into the file
                copy[NameObject("/A")] = action.clone(writer, force_duplicate=True, ignore_fields=("/Next",))
        out.append(copy.indirect_reference if copy.indirect_reference is not None else copy)
    return out


def _remap_dest(dest: PdfObject | None, pages: _PageMap, prefix: str) -> PdfObject | None:
    """An explicit destination moved to the volume's page, or a named one renamed; None if it cannot be kept."""
    if dest is None:
        return None
    dest = dest.get_object()
    if isinstance(dest, NameObject | TextStringObject | ByteStringObject | str):
        name = dest.decode("latin-1") if isinstance(dest, bytes) else str(dest)
        return TextStringObject(prefix + name)
    if isinstance(dest, ArrayObject) and dest:
        target = pages.target(dest[0])
        if target is None:
            return None
        return ArrayObject([target, *dest[1:]])  # the view (/XYZ left top zoom, …) is kept as it was
    return None
