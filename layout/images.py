"""Image files: what `check` learns by opening them, and the print-ready copy a render embeds.

Every image a source names is opened far enough to know its format, pixel size and integrity before anything
is rendered: a file that is not a PNG or JPEG, one above the pixel cap (a decompression bomb is 109 KB on disk
and gigabytes in memory), or a truncated or damaged one is refused with the source position. An accepted image
is embedded at no more than `PRINT_DPI` at its printed size, so memory stays bounded and the PDF small.
"""

from __future__ import annotations

import io
import math
import struct
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from PIL import Image as PILImage
from PIL import ImageFile

from layout.caches import FileCache

# A bulletin prints on A4 at 300 dpi: a full text block is about 1,900 x 2,700 pixels, a full page 2,500 x 3,500.
# 40 megapixels is four times that and covers any camera; beyond it a file is a mistake or hostile.
MAX_IMAGE_PIXELS = 40_000_000
PRINT_DPI = 300  # an image is embedded at no more than this many pixels per inch at its printed size
DEFAULT_DPI = 96  # a PNG/JPEG without resolution metadata is taken to be a 96 dpi screen image
JPEG_QUALITY = 90  # a downsampled JPEG is stored as JPEG again (a photo as raw pixels would grow tenfold)

FORMATS = {b"\x89PNG\r\n\x1a\n": "PNG", b"\xff\xd8\xff": "JPEG"}
OTHER_FORMATS = {b"GIF8": "a GIF", b"%PDF": "a PDF", b"RIFF": "a WebP/RIFF file", b"<svg": "an SVG",
                 b"<?xm": "XML/SVG", b"II*\x00": "a TIFF", b"MM\x00*": "a TIFF", b"BM": "a BMP"}  # fmt: skip
# Modes ReportLab embeds as they are; any other (palette, 16-bit, 1-bit) is converted first.
EMBEDDABLE_MODES = frozenset({"L", "RGB", "RGBA", "CMYK"})


class ImageError(Exception):
    """An image file that cannot be used: the message says what is wrong, the hint what to do."""

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message, self.hint = message, hint


@dataclass(frozen=True, slots=True)
class ImageInfo:
    """What an image file is: its format, its size in pixels and its resolution (dots per inch)."""

    format: str  # "PNG" or "JPEG"
    width: int
    height: int
    dpi: float

    @property
    def pixels(self) -> int:
        return self.width * self.height

    def natural_width_pt(self) -> float:
        """The width it prints at when the source gives none: its pixels at its own resolution."""
        return self.width * 72.0 / self.dpi


def inspect_image(path: Path) -> ImageInfo:
    """Open `path` far enough to know its format, size and integrity; raises ImageError.

    The pixel cap is checked on the header, before any pixel is decoded. A PNG's chunks are checked
    (CRCs, nothing cut off) and its pixels decoded; a JPEG is decoded at an eighth of its size, which
    still reads every byte of its data, so a truncated file is found here and not in the middle of a render.
    """
    # render inspects in the loader, then sizes the image in the story: each file is opened once while unchanged
    path.stat()  # a file that cannot be read raises OSError here, as it did before the cache
    return _INFO.get_or_build(path.resolve(), lambda: (_inspect(str(path)), [path]))


_INFO: FileCache[Path, ImageInfo] = FileCache("image headers")


def _inspect(path: str) -> ImageInfo:
    with open(path, "rb") as fh:
        head = fh.read(24)
    kind = next((name for magic, name in FORMATS.items() if head.startswith(magic)), None)
    if kind is None:
        seen = next((name for magic, name in OTHER_FORMATS.items() if head.startswith(magic)), "not an image we know")
        raise ImageError(f"is not a PNG or JPEG file (its content is {seen})", "convert it to PNG or JPEG")
    if kind == "PNG" and head[12:16] == b"IHDR":  # the size is in the first chunk: refuse a bomb before Pillow
        _check_pixels(*struct.unpack(">II", head[16:24]))
    with _opened(path, kind) as img:
        info = ImageInfo(kind, img.width, img.height, _dpi(img))
    if info.width <= 0 or info.height <= 0:
        raise ImageError(f"is a {kind} of {info.width}x{info.height} pixels: it has no pixels")
    _check_pixels(info.width, info.height)
    try:
        if kind == "PNG":
            with _opened(path, kind) as img:
                img.verify()  # chunk CRCs and a complete file, without decoding
        with _opened(path, kind) as img:
            if kind == "JPEG":
                img.draft(img.mode, (max(1, img.width // 8), max(1, img.height // 8)))
            img.load()
    except ImageError:
        raise
    except (OSError, SyntaxError, ValueError, EOFError) as exc:
        raise ImageError(
            f"is a damaged or incomplete {kind} file ({_plain(exc)})", "export it again from the original"
        ) from None
    return info


def _check_pixels(width: int, height: int) -> None:
    if width * height > MAX_IMAGE_PIXELS:
        raise ImageError(
            f"is {width:,}x{height:,} pixels ({width * height / 1e6:.0f} megapixels), more than the limit "
            f"of {MAX_IMAGE_PIXELS / 1e6:.0f} megapixels",
            f"a printed page needs no more than {PRINT_DPI} dpi: scale it down before adding it",
        )


@contextmanager
def _opened(path: str, kind: str) -> Iterator[ImageFile.ImageFile]:
    """`PILImage.open` restricted to the one format the magic bytes named, its failures as ImageError."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", PILImage.DecompressionBombWarning)
        try:
            image = PILImage.open(path, formats=[kind])
        except (PILImage.DecompressionBombError, PILImage.DecompressionBombWarning):
            raise ImageError(
                f"has more pixels than the limit of {MAX_IMAGE_PIXELS / 1e6:.0f} megapixels",
                f"a printed page needs no more than {PRINT_DPI} dpi: scale it down before adding it",
            ) from None
        except (OSError, SyntaxError, ValueError, EOFError) as exc:
            raise ImageError(
                f"is a damaged or incomplete {kind} file ({_plain(exc, path)})", "export it again from the original"
            ) from None
    with image:
        yield image


def _plain(exc: BaseException, path: str = "") -> str:
    """Pillow's message, without the file's path (the source names it already) or a final full stop."""
    text = str(exc).strip() or type(exc).__name__
    if path:
        text = text.replace(f" {path!r}", "").replace(f" {path}", "")
    return text.rstrip(".")


def _dpi(img: PILImage.Image) -> float:
    """The horizontal resolution the file declares; DEFAULT_DPI when it declares none or nonsense."""
    value = img.info.get("dpi", (DEFAULT_DPI, DEFAULT_DPI))
    try:
        dpi = float(value[0])
    except (TypeError, ValueError, IndexError):
        return float(DEFAULT_DPI)
    return dpi if math.isfinite(dpi) and dpi >= 1 else float(DEFAULT_DPI)


def print_pixels(width_pt: float, height_pt: float) -> tuple[int, int]:
    """The most pixels worth embedding for an image printed at width x height points: PRINT_DPI at that size."""
    return max(1, math.ceil(width_pt / 72 * PRINT_DPI)), max(1, math.ceil(height_pt / 72 * PRINT_DPI))


def print_target(path: Path, width_pt: float, height_pt: float) -> tuple[int, int] | None:
    """The pixel size to embed `path` at when printed at width x height points, or None when the file itself has
    no more pixels than PRINT_DPI needs (it is then embedded as it is)."""
    info = inspect_image(path)
    target = print_pixels(width_pt, height_pt)
    return None if info.width <= target[0] and info.height <= target[1] else target


def downsampled(path: Path, target: tuple[int, int]) -> bytes:
    """The image at `path` reduced to fit `target` pixels, as PNG or JPEG bytes (deterministic: no timestamps)."""
    with PILImage.open(path, formats=["PNG", "JPEG"]) as original:
        kind = original.format
        original.draft(original.mode, target)  # JPEG: decode at 1/2, 1/4 or 1/8 scale, never below the target
        img: PILImage.Image = original
        if img.mode not in EMBEDDABLE_MODES:  # palette and 1-bit images would be resized without smoothing
            has_alpha = img.mode in ("LA", "PA") or (img.mode == "P" and "transparency" in img.info)
            img = img.convert("RGBA" if has_alpha else "RGB")
        img.thumbnail(target, PILImage.Resampling.LANCZOS)
        out = io.BytesIO()
        if kind == "JPEG" and img.mode in ("L", "RGB", "CMYK"):
            img.save(out, "JPEG", quality=JPEG_QUALITY, optimize=False)
        else:
            # Only ReportLab reads this copy, and it embeds the pixels, compressed its own way: the PDF's bytes do
            # not depend on how hard the PNG is compressed, so it is compressed fast (level 6 took seven times longer).
            img.save(out, "PNG", optimize=False, compress_level=1)
    return out.getvalue()
