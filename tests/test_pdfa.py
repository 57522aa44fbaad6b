"""`--pdfa`: each PDF/A-2b requirement of issue #14, checked on the output by reading it back (pikepdf, fontTools),
and qpdf's own structural check. No full validator (veraPDF) is installable here; the README lists the clauses
(ISO 19005-2) these checks cover."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pikepdf
import pytest
from fontTools.ttLib import TTFont
from PIL import ImageCms

from layout.cli import main
from layout.render import render_issue

ISSUES = Path(__file__).resolve().parent.parent / "issues"
CASES = Path(__file__).resolve().parent / "cases" / "snapshots"
NS = {"rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#", "dc": "http://purl.org/dc/elements/1.1/",
      "xmp": "http://ns.adobe.com/xap/1.0/", "pdf": "http://ns.adobe.com/pdf/1.3/",
      "pdfaid": "http://www.aiim.org/pdfa/ns/id/"}
FORBIDDEN_ANNOTS = {"/Sound", "/Movie", "/Screen", "/3D", "/FileAttachment", "/RichMedia"}
FORBIDDEN_ACTIONS = {"/Launch", "/Sound", "/Movie", "/ResetForm", "/ImportData", "/JavaScript", "/Hide",
                     "/SetOCGState", "/Rendition", "/Trans", "/GoTo3DView"}


def pdfa_problems(data: bytes) -> list[str]:
    """Every PDF/A-2b requirement this project checks, as a list of what is wrong (empty: all met)."""
    problems: list[str] = []
    # 6.1.2 header: %PDF-1.n, then a comment of at least four bytes above 127
    if not re.match(rb"%PDF-1\.[0-7]\r?\n%[\x80-\xff]{4}", data):
        problems.append("6.1.2 file header")
    with pikepdf.open(io.BytesIO(data)) as pdf:
        # 6.1.3 trailer: an /ID, no /Encrypt
        if "/ID" not in pdf.trailer or pdf.is_encrypted or "/Encrypt" in pdf.trailer:
            problems.append("6.1.3 trailer /ID or encryption")
        # 6.1.7 no stream refers to an external file
        for obj in pdf.objects:
            if isinstance(obj, pikepdf.Stream) and any(k in obj for k in ("/F", "/FFilter", "/FDecodeParms")):
                problems.append("6.1.7 external stream content")
        # 6.2.3 exactly one PDF/A output intent, with an embedded ICC profile of the colour space it says
        intents = [i for i in pdf.Root.get("/OutputIntents", []) if i.get("/S") == "/GTS_PDFA1"]
        if len(intents) != 1 or "/DestOutputProfile" not in intents[0]:
            problems.append("6.2.3 output intent")
            return problems
        profile_stream = intents[0].DestOutputProfile
        icc = ImageCms.ImageCmsProfile(io.BytesIO(profile_stream.read_bytes())).profile
        if icc.xcolor_space.strip() != "CMYK" or int(profile_stream.N) != 4 or icc.version >= 5:
            problems.append("6.2.3 output profile is not a CMYK ICC v2/v4 profile with N 4")
        # 6.2.4.3 device colour: DeviceRGB only where a DefaultRGB (ICC based) is set; CMYK and gray match the intent
        for number, page in enumerate(pdf.pages, 1):
            spaces = page.obj.get("/Resources", {}).get("/ColorSpace", {})
            default_rgb = "/DefaultRGB" in spaces and spaces.DefaultRGB[0] == "/ICCBased"
            rgb = any(str(i.operator) in ("rg", "RG") for i in pikepdf.parse_content_stream(page, "rg RG"))
            images = page.obj.get("/Resources", {}).get("/XObject", {})
            rgb |= any(str(x.get("/ColorSpace", "")) == "/DeviceRGB" for x in images.values())
            if rgb and not default_rgb:
                problems.append(f"6.2.4.3 page {number} paints DeviceRGB under a CMYK intent")
            # 6.2.11.4 fonts embedded; ToUnicode on every font (what text extraction and search need)
            for name, font in page.obj.get("/Resources", {}).get("/Font", {}).items():
                fonts = [font, *font.get("/DescendantFonts", [])]
                descriptors = [f.FontDescriptor for f in fonts if "/FontDescriptor" in f]
                if not any(any(k in d for k in ("/FontFile", "/FontFile2", "/FontFile3")) for d in descriptors):
                    problems.append(f"6.2.11.4 page {number} font {name} not embedded")
                if "/ToUnicode" not in font:
                    problems.append(f"6.2.11.7 page {number} font {name} has no ToUnicode map")
                # 6.2.11.6 a symbolic TrueType font: no /Encoding, one cmap subtable or a (3,0) one
                if font.get("/Subtype") == "/TrueType" and int(font.FontDescriptor.Flags) & 4:
                    cmap = TTFont(io.BytesIO(font.FontDescriptor.FontFile2.read_bytes()))["cmap"].tables
                    if "/Encoding" in font or not (len(cmap) == 1 or any(
                            (t.platformID, t.platEncID) == (3, 0) for t in cmap)):
                        problems.append(f"6.2.11.6 page {number} font {name} symbolic TrueType encoding")
            # 6.3.2 annotations printable, not hidden; no forbidden annotation types; 6.5.1 no forbidden actions
            for annot in page.obj.get("/Annots", []):
                flags = int(annot.get("/F", 0))
                if not flags & 4 or flags & (1 | 2 | 32) or annot.get("/Subtype") in FORBIDDEN_ANNOTS:
                    problems.append(f"6.3.2 page {number} annotation flags {flags} / {annot.get('/Subtype')}")
                action = annot.get("/A")
                if "/AA" in annot or (action is not None and action.get("/S") in FORBIDDEN_ACTIONS):
                    problems.append(f"6.5.1 page {number} forbidden action")
            if "/AA" in page.obj:
                problems.append(f"6.5.1 page {number} additional actions")
        # 6.6.1 / 6.8: no JavaScript, no embedded files, no document-level additional actions
        names = pdf.Root.get("/Names", {})
        if "/JavaScript" in names or "/EmbeddedFiles" in names or "/AA" in pdf.Root:
            problems.append("6.6.1/6.8 JavaScript, embedded files or catalog actions")
        # 6.6.2 XMP metadata in the catalog, not filtered; 6.6.4 the PDF/A identification schema
        if "/Metadata" not in pdf.Root or "/Filter" in pdf.Root.Metadata:
            problems.append("6.6.2 no (or a filtered) metadata stream")
            return problems
        rdf = ET.fromstring(pdf.Root.Metadata.read_bytes())
        part, conformance = rdf.findtext(".//pdfaid:part", namespaces=NS), rdf.findtext(".//pdfaid:conformance",
                                                                                          namespaces=NS)
        if (part, conformance) != ("2", "B"):
            problems.append(f"6.6.4 identification part {part} conformance {conformance}")
        # 6.6.3 the document information dictionary and the XMP say the same
        info = pdf.docinfo
        pairs = {"/Title": ".//dc:title//rdf:li", "/Author": ".//dc:creator//rdf:li",
                 "/Subject": ".//dc:description//rdf:li", "/Creator": ".//xmp:CreatorTool",
                 "/Producer": ".//pdf:Producer", "/Keywords": ".//pdf:Keywords"}
        for key, path in pairs.items():
            if key in info and str(info[key]) != (rdf.findtext(path, namespaces=NS) or ""):
                problems.append(f"6.6.3 {key} differs between the information dictionary and the XMP")
        for key, path in {"/CreationDate": ".//xmp:CreateDate", "/ModDate": ".//xmp:ModifyDate"}.items():
            if key in info:
                xmp = rdf.findtext(path, namespaces=NS) or ""
                digits = re.sub(r"\D", "", str(info[key]))[:14]
                if re.sub(r"\D", "", xmp)[:14] != digits:
                    problems.append(f"6.6.3 {key} differs between the information dictionary and the XMP")
        if "/Trapped" in info and str(info.Trapped) not in ("/True", "/False"):
            problems.append("6.6.3 /Trapped")
    return problems


def qpdf_check(path: Path) -> None:
    """`qpdf --check` when the tool is installed (.ci/run installs it); otherwise the same checks through qpdf's
    library, which pikepdf wraps."""
    if shutil.which("qpdf"):
        run = subprocess.run(["qpdf", "--check", str(path)], capture_output=True, text=True, check=False)
        assert run.returncode == 0, run.stdout + run.stderr
        assert "No syntax or stream encoding errors found" in run.stdout
    else:
        with pikepdf.open(path) as pdf:
            assert pdf.check() == []


@pytest.fixture(scope="module")
def sample_pdfa(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("pdfa") / "sample.pdf"
    assert main(["render", str(ISSUES / "2018-0602.yaml"), "-o", str(out), "--pdfa"]) == 0
    return out


def test_sample_is_pdfa(sample_pdfa: Path) -> None:
    assert pdfa_problems(sample_pdfa.read_bytes()) == []
    qpdf_check(sample_pdfa)


def test_an_rgb_picture_gets_an_icc_based_default(tmp_path: Path) -> None:
    out = render_issue(CASES / "block-image.yaml", tmp_path / "image.pdf", pdfa=True).path
    assert pdfa_problems(out.read_bytes()) == []
    with pikepdf.open(out) as pdf:
        assert any("/DefaultRGB" in p.obj.Resources.get("/ColorSpace", {}) for p in pdf.pages)
    qpdf_check(out)


def test_the_checks_can_fail(tmp_path: Path) -> None:
    plain = render_issue(CASES / "block-image.yaml", tmp_path / "plain.pdf").path.read_bytes()
    problems = pdfa_problems(plain)
    assert problems == ["6.2.3 output intent"]
    # a PDF/A whose annotation was hidden and whose XMP title was changed afterwards fails on exactly those
    pdfa = render_issue(ISSUES / "2018-0602.yaml", tmp_path / "a.pdf", pdfa=True).path
    with pikepdf.open(pdfa, allow_overwriting_input=True) as pdf:
        pdf.pages[1].obj.Annots[0].F = 2
        with pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as meta:
            meta["dc:title"] = "别的标题"
        pdf.save(pdfa)
    assert sorted(p.split(" ")[0] for p in pdfa_problems(pdfa.read_bytes())) == ["6.3.2", "6.6.3"]


def test_pdfa_output_is_deterministic(sample_pdfa: Path, tmp_path: Path) -> None:
    again = tmp_path / "again.pdf"
    assert main(["render", str(ISSUES / "2018-0602.yaml"), "-o", str(again), "--pdfa"]) == 0
    assert again.read_bytes() == sample_pdfa.read_bytes()


def test_pdfa_keeps_the_text(sample_pdfa: Path, tmp_path: Path) -> None:
    # the archival copy reads back like the ordinary one: same pages, same text
    import pdfplumber

    plain = render_issue(ISSUES / "2018-0602.yaml", tmp_path / "plain.pdf").path
    with pdfplumber.open(plain) as a, pdfplumber.open(sample_pdfa) as b:
        assert len(a.pages) == len(b.pages)
        assert [p.extract_text() for p in a.pages] == [p.extract_text() for p in b.pages]


def test_batch_writes_pdfa_issues_and_volume(tmp_path: Path) -> None:
    issues = tmp_path / "issues"
    issues.mkdir()
    for name in ("bulletin.yaml", "block-table.yaml", "block-image.yaml", "qr.png"):
        shutil.copy(CASES / name, issues / name)
    out, volume = tmp_path / "out", tmp_path / "volume.pdf"
    assert main(["batch", str(issues), "-o", str(out), "-j", "1", "--pdfa", "--volume", str(volume)]) == 0
    for pdf in [*sorted(out.glob("*.pdf")), volume]:
        assert pdfa_problems(pdf.read_bytes()) == [], pdf.name
        qpdf_check(pdf)
    assert len(list(out.glob("*.pdf"))) == 2
    # --pdfa is part of what decides a PDF: a plain batch afterwards renders again
    assert main(["batch", str(issues), "-o", str(out), "-j", "1"]) == 0
    assert pdfa_problems((out / "block-table.pdf").read_bytes()) == ["6.2.3 output intent"]
