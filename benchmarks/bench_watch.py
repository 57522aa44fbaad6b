"""Benchmark `bulletin watch`: the time from saving a one-character edit to the new PDF being written.

Beside it, in the same run: a cold `bulletin render` of the same issue (a whole process, what an editor
without `watch` waits for), and the Typst peer in the same watch loop. The Typst command-line tool and its
`typst watch` are not on PyPI (only the `typst` binding is), so the peer is the binding's `typst.Compiler`
kept alive behind the same watchfiles loop that `bulletin watch` uses: Typst's own incremental
recompilation (its memoized layout), which is what `typst watch` runs, on the same edit.

Each watcher runs in its own child process on a copy of the issue and its publication. An edit is saved the
way editors save (a new file renamed over the old one), alternately adding and removing one character in a
paragraph; the time runs from just before the save until the output PDF has been replaced (polled every
millisecond). Medians of --edits edits, after one untimed edit.

    python benchmarks/bench_watch.py [--edits 7] [--issue issues/2018-0602.yaml]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR))
from common import child_environment, ensure_dependencies, environment_line  # noqa: E402 (after the path it needs)

REPO = BENCH_DIR.parent
SAMPLE_ISSUE = REPO / "issues" / "2018-0602.yaml"
WAIT = 120.0  # s before a watcher that wrote nothing counts as failed
POLL = 0.001  # s between looks at the output


def bulletin_launcher() -> list[str]:
    script = Path(sysconfig.get_path("scripts")) / "bulletin"
    return [str(script)] if script.is_file() else [sys.executable, "-m", "layout"]


def copy_sources(issue: Path, folder: Path) -> Path:
    """The issue and its publication (if in the issue's folder) copied into `folder`; returns the copy."""
    folder.mkdir(parents=True)
    publication = issue.parent / "bulletin.yaml"
    if publication.is_file():
        shutil.copy(publication, folder / "bulletin.yaml")
    return Path(shutil.copy(issue, folder / issue.name))


def save(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.swp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def output_stamp(pdf: Path) -> tuple[int, int] | None:
    try:
        stat = pdf.stat()
    except OSError:
        return None
    return stat.st_ino, stat.st_mtime_ns


def wait_for_new(pdf: Path, before: tuple[int, int] | None, process: subprocess.Popen[bytes]) -> float:
    """Seconds until `pdf` differs from `before` (a new file renamed in place)."""
    started = time.perf_counter()
    while output_stamp(pdf) == before or output_stamp(pdf) is None:
        if process.poll() is not None:
            raise RuntimeError(f"the watcher exited with {process.returncode}")
        if time.perf_counter() - started > WAIT:
            raise TimeoutError(f"no new {pdf.name} within {WAIT:.0f} s")
        time.sleep(POLL)
    return time.perf_counter() - started


def edit_latencies(command: list[str], issue: Path, pdf: Path, edits: int) -> list[float]:
    """Start a watcher, then time `edits` one-character edits of `issue` from save to new `pdf`."""
    text = issue.read_text(encoding="utf-8")
    marker = "。"
    if marker not in text:
        raise ValueError(f"{issue} has no 。 to edit next to")
    variants = [text.replace(marker, marker + "甲", 1), text]
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(command, cwd=issue.parent, stdout=log, stderr=subprocess.STDOUT,
                                   env=child_environment())
        try:
            wait_for_new(pdf, None, process)  # the first, cold render
            times = []
            for k in range(edits + 1):
                time.sleep(0.3)  # let the watcher settle; an editor's saves are seconds apart
                before = output_stamp(pdf)
                started = time.perf_counter()
                save(issue, variants[k % 2])
                wait_for_new(pdf, before, process)
                times.append(time.perf_counter() - started)
            return times[1:]  # the first edit warms what the first render did not use
        except (RuntimeError, TimeoutError):
            log.seek(0)
            sys.stderr.write(log.read().decode(errors="replace"))
            raise
        finally:
            process.terminate()
            process.wait(timeout=30)


def cold_render(issue: Path, out: Path, runs: int) -> list[float]:
    """Wall times of whole `bulletin render` processes (one untimed run first fills the OS file cache)."""
    times = []
    for k in range(runs + 1):
        started = time.perf_counter()
        subprocess.run([*bulletin_launcher(), "render", str(issue), "-o", str(out)], check=True,
                       stdout=subprocess.DEVNULL, env=child_environment())
        if k:
            times.append(time.perf_counter() - started)
    return times


def typst_watch(issue: Path, out: Path) -> int:
    """The peer watcher (run as a child): one typst.Compiler, recompiling on every change of the sources."""
    import typst
    import watchfiles
    from peer_typst import TEMPLATE, build_compile_args, find_publication

    args = build_compile_args(issue, find_publication(issue))
    compiler = typst.Compiler(str(TEMPLATE), root=args["root"], font_paths=args["font_paths"],
                              ignore_system_fonts=True, sys_inputs=args["sys_inputs"])  # fmt: skip
    sources = {issue.resolve(), *(p.resolve() for p in issue.parent.glob("bulletin.yaml"))}

    def write() -> None:
        pdf = compiler.compile()
        tmp = out.with_name(f".{out.name}.tmp")
        tmp.write_bytes(pdf)
        os.replace(tmp, out)

    write()
    for _ in watchfiles.watch(issue.parent, watch_filter=lambda _, path: Path(path).resolve() in sources, step=50,
                              recursive=False):
        write()
    return 0


def describe(times: Sequence[float]) -> str:
    return f"{statistics.median(times):6.3f} s  (min {min(times):.3f}, max {max(times):.3f}, n={len(times)})"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Time from a one-character edit to the new PDF, bulletin "
                                                 "watch beside a cold render and a warm Typst compiler.")
    parser.add_argument("--edits", type=int, default=7, help="timed edits per watcher (median; default 7)")
    parser.add_argument("--runs", type=int, default=3, help="cold whole-process renders (median; default 3)")
    parser.add_argument("--issue", type=Path, default=SAMPLE_ISSUE, help="issue to edit (default: the sample)")
    parser.add_argument("--typst-worker", nargs=2, metavar=("ISSUE", "OUT"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.typst_worker:
        return typst_watch(Path(args.typst_worker[0]), Path(args.typst_worker[1]))

    ensure_dependencies()
    print(environment_line())
    with tempfile.TemporaryDirectory(prefix="bench-watch-") as tmp:
        work = Path(tmp)
        ours_issue = copy_sources(args.issue.resolve(), work / "bulletin")
        peer_issue = copy_sources(args.issue.resolve(), work / "typst")
        cold = cold_render(ours_issue, work / "cold.pdf", args.runs)
        ours = edit_latencies([*bulletin_launcher(), "watch", ours_issue.name, "-o", "watch.pdf"], ours_issue,
                              ours_issue.parent / "watch.pdf", args.edits)
        peer = edit_latencies([sys.executable, str(Path(__file__).resolve()), "--typst-worker", peer_issue.name,
                               "typst.pdf"], peer_issue, peer_issue.parent / "typst.pdf", args.edits)
    print()
    print(f"issue: {args.issue}")
    print(f"bulletin render, cold (whole process)      {describe(cold)}")
    print(f"bulletin watch, save -> new PDF            {describe(ours)}")
    print(f"Typst compiler kept warm, save -> new PDF  {describe(peer)}")
    print()
    print(f"watch / cold render: {statistics.median(ours) / statistics.median(cold):.2f}; "
          f"bulletin watch / Typst warm: {statistics.median(ours) / statistics.median(peer):.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
