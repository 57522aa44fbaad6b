"""PDF/A-2b, the archival profile: a rendered PDF made self-describing and device independent, with pikepdf.

What is added or changed (ISO 19005-2 clauses in brackets):
- XMP metadata in the catalog, from the document information dictionary, so the two agree [6.6.2, 6.6.3],
  with the PDF/A identification schema pdfaid:part 2, conformance B [6.6.4];
- an output intent (GTS_PDFA1) whose destination profile is a CMYK print profile shipped in layout/icc/
  [6.2.3]: the theme's colours are CMYK, so DeviceCMYK is consistent with it;
- a DefaultRGB colour space (sRGB, ICC based) on every page that uses DeviceRGB, e.g. an RGB picture, so
  that no device-dependent RGB remains under a CMYK intent [6.2.4.3];
- every annotation printable and none hidden [6.3.2];
- no encryption [6.1.3], no JavaScript or forbidden actions [6.5.1, 6.6.1], no embedded files [6.8];
- a file identifier derived from the content, so the output stays byte-identical from run to run [6.1.3].
Fonts are already embedded as subsets with ToUnicode maps by the renderer; `check_pdfa` verifies that too.
"""

from __future__ import annotations

import io
from importlib import resources

import pikepdf

ICC_DIR = resources.files("layout") / "icc"
CMYK_PROFILE = "bulletin-FOGRA39L-cmyk.icc"
RGB_PROFILE = "sRGB.icc"
OUTPUT_CONDITION = "FOGRA39 (ISO 12647-2:2004/Amd 1, offset, coated paper)"
REGISTRY = "http://www.color.org"
FORBIDDEN_ACTIONS = {"/Launch", "/Sound", "/Movie", "/ResetForm", "/ImportData", "/JavaScript", "/Hide",
                     "/SetOCGState", "/Rendition", "/Trans", "/GoTo3DView"}
PRINT_FLAG, HIDDEN_FLAGS = 4, 1 | 2 | 32  # annotation flags: Print; Invisible, Hidden, NoView


def icc_profile(name: str) -> bytes:
    return (ICC_DIR / name).read_bytes()


def make_pdfa(pdf: bytes) -> bytes:
    """The same document as PDF/A-2b. Deterministic: the same input gives the same bytes."""
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        add_output_intent(doc)
        strip_forbidden(doc)
        add_default_rgb(doc)
        for page in doc.pages:
            for annot in page.get("/Annots", []):
                flags = int(annot.get("/F", 0))
                annot.F = (flags | PRINT_FLAG) & ~HIDDEN_FLAGS
        write_metadata(doc)
        out = io.BytesIO()
        doc.save(out, deterministic_id=True, fix_metadata_version=False)
        return out.getvalue()


def add_output_intent(doc: pikepdf.Pdf) -> None:
    profile = doc.make_stream(icc_profile(CMYK_PROFILE), N=4)
    intent = pikepdf.Dictionary(
        Type=pikepdf.Name.OutputIntent, S=pikepdf.Name.GTS_PDFA1, OutputConditionIdentifier=OUTPUT_CONDITION,
        OutputCondition=OUTPUT_CONDITION, RegistryName=REGISTRY, Info="bulletin CMYK (FOGRA39L)",
        DestOutputProfile=profile)
    doc.Root.OutputIntents = pikepdf.Array([doc.make_indirect(intent)])


def strip_forbidden(doc: pikepdf.Pdf) -> None:
    """JavaScript, launch actions and embedded files have no place in an archive."""
    root = doc.Root
    if "/Names" in root:
        for key in ("/JavaScript", "/EmbeddedFiles"):
            if key in root.Names:
                del root.Names[key]
    if "/AA" in root:
        del root["/AA"]
    if _is_forbidden(root.get("/OpenAction")):
        del root["/OpenAction"]
    for page in doc.pages:
        if "/AA" in page:
            del page["/AA"]
        for annot in page.get("/Annots", []):
            if "/AA" in annot:
                del annot["/AA"]
            if _is_forbidden(annot.get("/A")):
                del annot["/A"]


def _is_forbidden(action: object) -> bool:
    return isinstance(action, pikepdf.Dictionary) and str(action.get("/S", "")) in FORBIDDEN_ACTIONS


def uses_device_rgb(page: pikepdf.Page) -> bool:
    """Does the page paint in DeviceRGB: an rg/RG operator, or an image XObject in DeviceRGB?"""
    for instruction in pikepdf.parse_content_stream(page, "rg RG cs CS"):
        if not isinstance(instruction, pikepdf.ContentStreamInstruction):
            continue
        operator, operands = str(instruction.operator), instruction.operands
        if operator in ("rg", "RG") or (operands and str(operands[0]) == "/DeviceRGB"):
            return True
    resources_ = page.obj.get("/Resources")
    xobjects = resources_.get("/XObject") if isinstance(resources_, pikepdf.Dictionary) else None
    if not isinstance(xobjects, pikepdf.Dictionary):
        return False
    return any(str(x.get("/ColorSpace", "")) == "/DeviceRGB" for x in xobjects.values())


def add_default_rgb(doc: pikepdf.Pdf) -> None:
    srgb: pikepdf.Object | None = None
    for page in doc.pages:
        if not uses_device_rgb(page):
            continue
        if srgb is None:
            srgb = doc.make_indirect(pikepdf.Array([pikepdf.Name.ICCBased,
                                                    doc.make_stream(icc_profile(RGB_PROFILE), N=3)]))
        if "/Resources" not in page.obj:
            page.obj.Resources = pikepdf.Dictionary()
        if "/ColorSpace" not in page.obj.Resources:
            page.obj.Resources.ColorSpace = pikepdf.Dictionary()
        page.obj.Resources.ColorSpace.DefaultRGB = srgb


def write_metadata(doc: pikepdf.Pdf) -> None:
    """XMP from the document information dictionary, with the PDF/A identification; no editing date added."""
    info = doc.docinfo
    if "/Trapped" in info:
        del info["/Trapped"]  # not in the XMP pikepdf writes; dropped so the two stay the same
    with doc.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as meta:
        meta.load_from_docinfo(info, delete_missing=True)
        meta["pdfaid:part"] = "2"
        meta["pdfaid:conformance"] = "B"
