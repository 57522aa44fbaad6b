"""Images: opened and checked before rendering (bomb, pixel cap, truncation, damage), embedded at 300 dpi at most."""

from __future__ import annotations

import hashlib
import struct
import zlib
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader

from layout.cli import main
from layout.errors import SourceError
from layout.images import MAX_IMAGE_PIXELS, PRINT_DPI, ImageError, inspect_image, print_pixels
from layout.render import render_issue
from layout.theme import load_theme

from .test_render_cases import make_issue


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def claimed_png(path: Path, width: int, height: int) -> Path:
    """A PNG whose header claims width x height grey pixels, its data a few compressed rows: how a
    decompression bomb looks to whoever opens it (the real one inflates the same way, to gigabytes)."""
    rows = zlib.compress((b"\x00" + bytes(width)) * 4, 9)
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", header) + png_chunk(b"IDAT", rows)
                     + png_chunk(b"IEND", b""))  # fmt: skip
    return path


def photo(path: Path, size: tuple[int, int], **save: object) -> Path:
    """A picture with detail (a fractal), so compression cannot hide the pixel count."""
    Image.effect_mandelbrot(size, (-2.0, -1.5, 1.0, 1.5), 60).convert("RGB").save(path, **save)
    return path


def embedded_images(pdf: Path) -> list[tuple[int, int, str]]:
    """(width, height, last filter) of every image XObject in the PDF, page by page."""
    out = []
    for page in PdfReader(pdf).pages:
        xobjects = page["/Resources"].get("/XObject")
        for ref in (xobjects.get_object() if xobjects else {}).values():
            obj = ref.get_object()
            if obj.get("/Subtype") == "/Image":
                filters = obj.get("/Filter")
                last = filters[-1] if isinstance(filters, list) else filters
                out.append((int(obj["/Width"]), int(obj["/Height"]), str(last)))
    return out


# --- check: what is refused ------------------------------------------------------------------------------------


def test_a_decompression_bomb_is_refused_from_its_header(tmp_path: Path) -> None:
    bomb = claimed_png(tmp_path / "bomb.png", 30000, 30000)
    assert bomb.stat().st_size < 2000
    with pytest.raises(ImageError, match="megapixels"):
        inspect_image(bomb)


def test_the_pixel_cap_is_the_documented_one(tmp_path: Path) -> None:
    over = claimed_png(tmp_path / "over.png", 8000, MAX_IMAGE_PIXELS // 8000 + 1)
    with pytest.raises(ImageError) as caught:
        inspect_image(over)
    assert "8,000x5,001 pixels" in caught.value.message
    assert f"limit of {MAX_IMAGE_PIXELS // 1_000_000} megapixels" in caught.value.message
    fine = inspect_image(photo(tmp_path / "fine.png", (400, 300)))
    assert (fine.format, fine.width, fine.height) == ("PNG", 400, 300)


@pytest.mark.parametrize(("name", "damage"), [
    ("cut.png", lambda data: data[: len(data) // 2]),
    ("cut.jpg", lambda data: data[: len(data) // 2]),
    ("crc.png", lambda data: data[:120] + bytes([data[120] ^ 0xFF]) + data[121:]),
    ("no-end.png", lambda data: data[:-12]),
])  # fmt: skip
def test_truncated_or_damaged_files_are_refused(tmp_path: Path, name: str, damage: object) -> None:
    good = photo(tmp_path / f"good{Path(name).suffix}", (600, 400))
    bad = tmp_path / name
    bad.write_bytes(damage(good.read_bytes()))  # type: ignore[operator]
    inspect_image(good)
    with pytest.raises(ImageError, match="damaged or incomplete"):
        inspect_image(bad)


def test_content_decides_the_format_not_the_name(tmp_path: Path) -> None:
    gif = tmp_path / "logo.png"
    Image.new("RGB", (10, 10)).save(gif, "GIF")
    with pytest.raises(ImageError, match=r"not a PNG or JPEG file \(its content is a GIF"):
        inspect_image(gif)
    jpeg_named_png = photo(tmp_path / "photo.png", (60, 40), format="JPEG")
    assert inspect_image(jpeg_named_png).format == "JPEG"


def test_check_and_render_refuse_bad_images_with_their_positions(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    claimed_png(tmp_path / "bomb.png", 30000, 30000)
    claimed_png(tmp_path / "over.png", 8000, 5001)
    good = photo(tmp_path / "good.jpg", (600, 400)).read_bytes()
    (tmp_path / "cut.jpg").write_bytes(good[: len(good) // 2])
    names = ["bomb.png", "over.png", "cut.jpg"]
    source = make_issue(tmp_path, ["正文。", *({"image": {"path": name}} for name in names)])
    lines = source.read_text(encoding="utf-8").splitlines()
    where = {name: next(i for i, line in enumerate(lines, 1) if f"path: {name}" in line) for name in names}
    assert main(["check", str(source)]) == 2
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 3
    for name, line in zip(names, err, strict=True):
        col = lines[where[name] - 1].index(name) + 1
        assert line.startswith(f"{source}:{where[name]}:{col}: image '{name}' ")
    assert "30,000x30,000" in err[0] or "more pixels than the limit" in err[0]
    assert "8,000x5,001 pixels" in err[1]
    assert "damaged or incomplete JPEG" in err[2]
    assert main(["render", str(source), "-o", str(tmp_path / "out.pdf")]) == 2
    assert not (tmp_path / "out.pdf").exists()


def test_render_refuses_an_image_replaced_after_loading_with_its_position(tmp_path: Path) -> None:
    """The story opens the image again: a file swapped for a bomb between check and render is still refused."""
    from layout import story

    photo(tmp_path / "p.png", (50, 50))
    source = make_issue(tmp_path, ["正文。", {"image": {"path": "p.png"}}])
    claimed_png(tmp_path / "bomb.png", 30000, 30000)
    original = story.inspect_image
    swapped = {"done": False}

    def swap(path: Path) -> object:
        if not swapped["done"]:
            swapped["done"] = True
            (tmp_path / "bomb.png").replace(path)
        return original(path)

    story.inspect_image = swap  # type: ignore[assignment]
    try:
        with pytest.raises(SourceError) as caught:
            render_issue(source, tmp_path / "out.pdf")
    finally:
        story.inspect_image = original
    assert caught.value.diagnostics[0].pos is not None
    assert caught.value.diagnostics[0].pos.file.endswith("case.yaml")
    assert "megapixels" in caught.value.report()
    assert not (tmp_path / "out.pdf").exists()


# --- render: what is embedded --------------------------------------------------------------------------------


def test_images_are_embedded_at_300_dpi_of_their_printed_size(tmp_path: Path) -> None:
    photo(tmp_path / "big.png", (3000, 2000))
    photo(tmp_path / "big.jpg", (3000, 2000), quality=92)
    photo(tmp_path / "small.png", (120, 80))
    source = make_issue(tmp_path, ["正文。", {"image": {"path": "big.png"}},
                                    {"image": {"path": "big.jpg", "width": "50mm"}},
                                    {"image": {"path": "small.png"}}])  # fmt: skip
    result = render_issue(source, tmp_path / "out.pdf")
    text_width = load_theme("default").page.text_width
    full = print_pixels(text_width, text_width * 2000 / 3000)
    fifty = print_pixels(50 / 25.4 * 72, 50 / 25.4 * 72 * 2000 / 3000)
    embedded = sorted(embedded_images(result.path))
    assert embedded == sorted([
        (full[0], round(full[0] * 2000 / 3000), "/FlateDecode"),  # the PNG stays lossless
        (fifty[0], round(fifty[0] * 2000 / 3000), "/DCTDecode"),  # the JPEG stays a JPEG
        (120, 80, "/FlateDecode"),  # fewer pixels than 300 dpi needs: embedded as it is
    ])
    assert full[0] < 3000
    assert fifty[0] < 3000
    assert fifty[0] == pytest.approx(50 / 25.4 * PRINT_DPI, abs=1)
    assert result.bytes < (tmp_path / "big.png").stat().st_size + (tmp_path / "big.jpg").stat().st_size


def test_downsampled_output_is_deterministic(tmp_path: Path) -> None:
    photo(tmp_path / "big.png", (2600, 1800))
    photo(tmp_path / "big.jpg", (2600, 1800))
    source = make_issue(tmp_path, [{"image": {"path": "big.png"}}, {"image": {"path": "big.jpg", "width": "60mm"}}])
    digests = set()
    for name in ("a.pdf", "b.pdf"):
        render_issue(source, tmp_path / name)
        digests.add(hashlib.sha256((tmp_path / name).read_bytes()).hexdigest())
    assert len(digests) == 1
