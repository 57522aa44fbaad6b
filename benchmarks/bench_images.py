"""Memory of big images: peak RSS of `bulletin render` against the Typst peer on one-image issues.

    python benchmarks/bench_images.py [--runs 3]

Four issues, each one article holding one image at the text block's width:

- a 12000 x 12000 PNG (144 megapixels, 13 MiB on disk): above bulletin's pixel cap, so `bulletin render`
  refuses it with its position (exit 2) before decoding a pixel; Typst decodes and embeds it;
- a 6000 x 6000 PNG and a 6000 x 6000 JPEG (36 megapixels, under the cap): bulletin decodes the JPEG at a
  reduced scale and embeds both at 300 dpi of their printed size; Typst embeds them as they are;
- the sample issue without images, for the baseline of both engines.

Printed per engine: wall seconds, peak RSS (MiB) of the whole process (os.wait4), the exit status and the PDF's
size, then bulletin's peak over Typst's. Before the bounded-memory rendering, bulletin took 1.6-2 GB on the
12000 x 12000 PNG (it passed the whole image to ReportLab).
"""

from __future__ import annotations

import argparse
import multiprocessing
import shutil
import statistics
import sys
import tempfile
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR))
from bench_render import ProcessRun, bulletin_command, run_process, typst_command  # noqa: E402
from common import ensure_dependencies, environment_line  # noqa: E402

REPO = BENCH_DIR.parent
SAMPLE = REPO / "issues"


def write_images(folder: Path) -> dict[str, Path]:
    """The test pictures, made in a child process: a forked child inherits its parent's peak RSS, so this
    process must stay small for the measured children's figures to be their own."""
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
        return pool.submit(make_images, folder).result()


def make_images(folder: Path) -> dict[str, Path]:
    """Smooth gradients with detail, so neither engine can compress them to nothing."""
    from PIL import Image

    images: dict[str, Path] = {}
    huge = Image.radial_gradient("L").resize((12000, 12000))
    images["png-12000"] = folder / "huge.png"
    huge.save(images["png-12000"], compress_level=1)
    del huge
    base = Image.effect_mandelbrot((6000, 6000), (-2.0, -1.5, 1.0, 1.5), 40).convert("RGB")
    images["png-6000"] = folder / "big.png"
    base.save(images["png-6000"], compress_level=1)
    images["jpeg-6000"] = folder / "big.jpg"
    base.save(images["jpeg-6000"], quality=90)
    return images


def write_issue(folder: Path, image: Path | None, name: str) -> Path:
    blocks = ["图片如下。"] + ([f"image: {{path: {image.name}}}"] if image else [])
    body = "\n".join(f"          - {b}" for b in blocks)
    path = folder / f"{name}.yaml"
    path.write_text(
        'issue: {year: 2018, number: "0999"}\n'
        "sections:\n"
        "  - title: 项目申报\n"
        "    articles:\n"
        "      - title: 图片\n"
        "        blocks:\n"
        f"{body}\n",
        encoding="utf-8",
    )
    return path


def measure(command: list[str], runs: int) -> tuple[float, float, int]:
    """Median wall seconds and peak RSS (MiB) over `runs` (after one warm-up), and the exit status."""
    run_process(command)
    done: list[ProcessRun] = [run_process(command) for _ in range(runs)]
    return (statistics.median(r.wall for r in done), statistics.median(r.max_rss_mib for r in done),
            done[-1].returncode)  # fmt: skip


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    ensure_dependencies()
    print(environment_line())
    with tempfile.TemporaryDirectory(prefix="bench-images-") as tmp:
        folder = Path(tmp)
        shutil.copy(SAMPLE / "bulletin.yaml", folder / "bulletin.yaml")
        images = write_images(folder)
        cases = {"no image": write_issue(folder, None, "plain")}
        cases.update({label: write_issue(folder, path, label) for label, path in images.items()})
        header = f"{'issue':<12} {'engine':<9} {'wall s':>7} {'peak MiB':>9} {'exit':>5} {'PDF MiB':>8}"
        print(header)
        print("-" * len(header))
        for label, issue in cases.items():
            peaks = {}
            for engine, command in (("bulletin", bulletin_command), ("typst", typst_command)):
                out = folder / f"{label}-{engine}.pdf"
                out.unlink(missing_ok=True)
                wall, peak, status = measure(command(issue, out), args.runs)
                size = f"{out.stat().st_size / 2**20:.2f}" if out.exists() else "-"
                peaks[engine] = peak
                print(f"{label:<12} {engine:<9} {wall:>7.2f} {peak:>9.0f} {status:>5} {size:>8}")
            print(f"{'':<12} bulletin/typst peak memory: {peaks['bulletin'] / peaks['typst']:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
