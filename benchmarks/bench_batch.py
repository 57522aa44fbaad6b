"""Benchmark `bulletin batch` against a Typst batch: issues per second at -j 1 and -j 2, s/page, worker memory."""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR))
from common import child_environment, ensure_dependencies, environment_line  # noqa: E402 (after the path it needs)

REPO = BENCH_DIR.parent
SAMPLE_ISSUE = REPO / "issues" / "2018-0602.yaml"
SAMPLE_PUBLICATION = REPO / "issues" / "bulletin.yaml"
ENGINES = ("bulletin", "typst")


# ---------------------------------------------------------------- workloads


def make_copies(count: int, folder: Path) -> Path:
    """`count` copies of the sample issue (numbers 0001…) beside the sample's bulletin.yaml."""
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(SAMPLE_PUBLICATION, folder / "bulletin.yaml")
    text = SAMPLE_ISSUE.read_text(encoding="utf-8")
    if 'number: "0602"' not in text:
        raise SystemExit(f'{SAMPLE_ISSUE}: expected `number: "0602"` to rewrite')
    for k in range(1, count + 1):
        (folder / f"copy-{k:04d}.yaml").write_text(
            text.replace('number: "0602"', f'number: "{k:04d}"'), encoding="utf-8"
        )
    return folder


def make_large_issue_within_limit(n_articles: int, path: Path) -> tuple[Path, str]:
    """peer_typst.make_large_issue, with every article cut to its first k blocks if that is what it takes to keep
    the file under the loader's size limit (layout.yamlsrc.MAX_FILE_BYTES); returns the path and a note."""
    import yaml

    from layout.yamlsrc import MAX_FILE_BYTES

    sys.path.insert(0, str(BENCH_DIR))
    from peer_typst import make_large_issue

    make_large_issue(n_articles, path)
    size = path.stat().st_size
    if size <= MAX_FILE_BYTES:
        return path, f"{size:,} bytes"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    longest = max(len(a["blocks"]) for s in data["sections"] for a in s["articles"])
    for keep in range(longest - 1, 0, -1):
        for section in data["sections"]:
            for article in section["articles"]:
                del article["blocks"][keep:]
        path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=4096), encoding="utf-8")
        if path.stat().st_size <= MAX_FILE_BYTES:
            return path, (
                f"{path.stat().st_size:,} bytes: articles cut to their first {keep} blocks, as the full "
                f"file ({size:,} bytes) is over the loader's limit of {MAX_FILE_BYTES:,}"
            )
    raise SystemExit(f"cannot fit {n_articles} articles under {MAX_FILE_BYTES:,} bytes")


def issues_in(folder: Path) -> list[Path]:
    return sorted(p for p in folder.glob("*.yaml") if p.name != "bulletin.yaml")


# ---------------------------------------------------------------- one measurement, in a child process


def peak_rss_bytes() -> int:
    import resource

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak if sys.platform == "darwin" else peak * 1024  # Linux reports KiB


def typst_job(issue: str, publication: str, out: str) -> tuple[int, float, int, int]:
    """One Typst render in a pool worker: (pages, seconds, this worker's peak RSS, pid)."""
    sys.path.insert(0, str(BENCH_DIR))
    from peer_typst import typst_render

    started = time.perf_counter()
    pages = typst_render(Path(issue), Path(publication), Path(out))
    return pages, time.perf_counter() - started, peak_rss_bytes(), os.getpid()


def measure_typst(folder: Path, out: Path, jobs: int) -> dict[str, object]:
    """The same batch through the Typst peer: a process pool of `jobs` workers, one typst.compile per issue."""
    import multiprocessing

    issues = issues_in(folder)
    out.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    workers = min(jobs, len(issues))
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
        results = list(
            pool.map(
                typst_job,
                [str(i) for i in issues],
                [str(folder / "bulletin.yaml")] * len(issues),
                [str(out / f"{i.stem}.pdf") for i in issues],
            )
        )
    wall = time.perf_counter() - started
    peaks: dict[int, int] = {}
    for _, _, rss, pid in results:
        peaks[pid] = max(rss, peaks.get(pid, 0))
    return {
        "wall": wall,
        "issues": len(issues),
        "failed": 0,
        "pages": sum(r[0] for r in results),
        "worker_seconds": sum(r[1] for r in results),
        "peak_rss": sorted(peaks.values()),
        "workers": workers,
    }


def measure_bulletin(folder: Path, out: Path, jobs: int) -> dict[str, object]:
    """`bulletin batch FOLDER -o OUT -j JOBS --force` through its API (same code path as the command)."""
    from layout.batch import BatchOptions, Status, find_sources, render_batch

    started = time.perf_counter()
    report = render_batch(find_sources([str(folder)]), BatchOptions(out_dir=out, jobs=jobs, force=True))
    wall = time.perf_counter() - started
    rendered = [o for o in report.outcomes if o.status is Status.RENDERED]
    return {
        "wall": wall,
        "issues": len(rendered),
        "failed": report.failed,
        "pages": sum(o.pages for o in rendered),
        "worker_seconds": sum(o.seconds for o in rendered),
        "peak_rss": sorted(report.peak_rss.values()),
        "workers": report.workers,
    }


def run_child(engine: str, folder: Path, out: Path, jobs: int) -> dict[str, object]:
    """Measure in a fresh interpreter, so neither engine inherits the other's imports, caches or pools."""
    command = [sys.executable, str(Path(__file__).resolve()), "--child", engine, str(folder), str(out), str(jobs)]
    done = subprocess.run(command, capture_output=True, text=True, cwd=REPO, check=False, env=child_environment())
    if done.returncode != 0:
        lines = done.stderr.strip().splitlines() or ["(no output)"]
        return {"error": f"{engine} -j {jobs} exited {done.returncode}: {lines[-1]}"}
    return json.loads(done.stdout.strip().splitlines()[-1])


# ---------------------------------------------------------------- report


@dataclass(frozen=True, slots=True)
class Row:
    engine: str
    jobs: int
    data: dict[str, object]

    def get(self, key: str) -> float:
        return float(self.data[key])  # type: ignore[arg-type]

    @property
    def rate(self) -> float:
        return self.get("issues") / self.get("wall")


def format_rows(title: str, rows: list[Row]) -> str:
    header = (
        f"{'engine':<9}{'-j':>3}{'issues':>8}{'pages':>7}{'wall s':>9}{'issues/s':>10}{'wall s/page':>13}"
        f"{'render s/page':>15}{'peak RSS/worker MiB':>21}"
    )
    lines = [title, header]
    for row in rows:
        if "error" in row.data:
            lines.append(f"{row.engine:<9}{row.jobs:>3}  {row.data['error']}")
            continue
        pages = row.get("pages")
        if not pages:
            lines.append(f"{row.engine:<9}{row.jobs:>3}  no page rendered ({row.get('failed'):.0f} issues failed)")
            continue
        peaks = row.data["peak_rss"] or [0]
        peak = max(peaks) / 2**20  # type: ignore[type-var,operator]
        lines.append(
            f"{row.engine:<9}{row.jobs:>3}{row.get('issues'):>8.0f}{pages:>7.0f}{row.get('wall'):>9.2f}"
            f"{row.rate:>10.2f}{row.get('wall') / pages:>13.4f}{row.get('worker_seconds') / pages:>15.4f}"
            f"{peak:>21.0f}"
        )
        if row.get("failed"):
            lines.append(f"  note: {row.get('failed'):.0f} issues failed")
    ok = {(r.engine, r.jobs): r for r in rows if "error" not in r.data}
    for engine in ENGINES:
        one, two = ok.get((engine, 1)), ok.get((engine, 2))
        if one and two:
            lines.append(f"scaling {engine}: -j 2 / -j 1 = {two.rate / one.rate:.2f}× issues per second")
    for jobs in sorted({r.jobs for r in rows}):
        ours, peer = ok.get(("bulletin", jobs)), ok.get(("typst", jobs))
        if ours and peer:
            lines.append(
                f"-j {jobs}: typst / bulletin = {peer.rate / ours.rate:.2f}× issues per second "
                f"(above 1: Typst is faster); pages {ours.get('pages'):.0f} vs {peer.get('pages'):.0f}"
            )
    return "\n".join(lines)


def bench(title: str, folder: Path, workdir: Path, jobs: Sequence[int]) -> str:
    rows = [Row(engine, j, run_child(engine, folder, workdir / f"{engine}-{j}", j)) for j in jobs for engine in ENGINES]
    return format_rows(title, rows)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Benchmark `bulletin batch` against a Typst batch.")
    parser.add_argument("--copies", type=int, default=50, help="copies of the sample issue (default 50)")
    parser.add_argument("--articles", type=int, default=200, help="articles of the generated issue (default 200)")
    parser.add_argument("--jobs", default="1,2", help="worker counts to compare (default 1,2)")
    parser.add_argument("--child", nargs=4, metavar=("ENGINE", "FOLDER", "OUT", "JOBS"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        engine, folder, out, jobs = args.child
        measure = measure_bulletin if engine == "bulletin" else measure_typst
        print(json.dumps(measure(Path(folder), Path(out), int(jobs))))
        return 0

    ensure_dependencies()
    jobs = [int(j) for j in args.jobs.split(",")]
    print(environment_line())
    print(
        "wall: the whole batch in a fresh interpreter (pool start-up and font loading included, interpreter "
        "start-up not); render s/page: the workers' own per-issue seconds"
    )
    with tempfile.TemporaryDirectory(prefix="bench-batch-") as tmp:
        workdir = Path(tmp)
        copies = make_copies(args.copies, workdir / "copies")
        print()
        print(bench(f"{args.copies} copies of {SAMPLE_ISSUE.name}", copies, workdir / "out-copies", jobs))
        large, note = make_large_issue_within_limit(args.articles, workdir / "large" / f"large-{args.articles}.yaml")
        print()
        print(
            bench(
                f"one generated issue of {args.articles} articles ({note}); one issue: a second worker idles",
                large.parent,
                workdir / "out-large",
                jobs,
            )
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
