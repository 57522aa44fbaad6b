"""Benchmark `bulletin render` against the Typst peer: wall and CPU time, peak memory, pages, side by side."""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR))
from common import child_environment, ensure_dependencies, environment_line  # noqa: E402 (after the path it needs)

REPO = BENCH_DIR.parent
PEER = BENCH_DIR / "peer_typst.py"
SAMPLE_ISSUE = REPO / "issues" / "2018-0602.yaml"
PSUTIL_POLL = 0.005  # s between memory samples where os.wait4 is missing (not Linux/macOS)


# ---------------------------------------------------------------- one child process


@dataclass(frozen=True, slots=True)
class ProcessRun:
    """One finished child: wall and CPU seconds, peak resident memory, exit status, captured output."""

    wall: float
    cpu: float
    max_rss_mib: float
    returncode: int
    stdout: str
    stderr: str


def run_process(command: Sequence[str], cwd: Path = REPO, env: dict[str, str] | None = None) -> ProcessRun:
    """Run `command` to completion and measure it (rusage of exactly this child, via wait4); `env` adds to the
    environment."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        environment = {**child_environment(), **(env or {})}
        proc = subprocess.Popen(list(command), cwd=cwd, stdout=out, stderr=err, env=environment)
        if hasattr(os, "wait4"):
            _, status, usage = os.wait4(proc.pid, 0)
            wall = time.perf_counter() - started
            proc.returncode = os.waitstatus_to_exitcode(status)  # reaped here: tell Popen
            cpu = usage.ru_utime + usage.ru_stime
            # ru_maxrss is KiB on Linux, bytes on macOS.
            rss = usage.ru_maxrss / (1024 * 1024) if sys.platform == "darwin" else usage.ru_maxrss / 1024
        else:
            wall, cpu, rss = poll_process(proc, started)
        out.seek(0)
        err.seek(0)
        return ProcessRun(wall, cpu, rss, proc.returncode or 0, out.read().decode(errors="replace"),
                          err.read().decode(errors="replace"))  # fmt: skip


def poll_process(proc: subprocess.Popen[bytes], started: float) -> tuple[float, float, float]:
    """Fallback without wait4: sample the child's memory with psutil until it exits."""
    import psutil

    child = psutil.Process(proc.pid)
    peak, cpu = 0, 0.0
    while proc.poll() is None:
        try:
            with child.oneshot():
                peak = max(peak, child.memory_info().rss)
                times = child.cpu_times()
                cpu = times.user + times.system
        except psutil.Error:
            break
        time.sleep(PSUTIL_POLL)
    proc.wait()
    return time.perf_counter() - started, cpu, peak / (1024 * 1024)


# ---------------------------------------------------------------- commands


def bulletin_command(issue: Path, out: Path) -> list[str]:
    """`bulletin render ISSUE -o OUT`, through the real console script (a pyenv shim would add its own startup)."""
    script = Path(sysconfig.get_path("scripts")) / "bulletin"
    launcher = [str(script)] if script.is_file() else [sys.executable, "-m", "layout"]
    return [*launcher, "render", str(issue), "-o", str(out)]


def typst_command(issue: Path, out: Path) -> list[str]:
    return [sys.executable, str(PEER), str(issue), str(out)]


def worker_command(engine: str, issue: Path, out: Path, renders: int) -> list[str]:
    return [sys.executable, str(Path(__file__).resolve()), "--worker", engine, str(issue), str(out), str(renders)]


# ---------------------------------------------------------------- in-process workers (run in a child)


def time_calls(call: Callable[[], int], renders: int) -> dict[str, object]:
    """Call `call` `renders` times; the first call is cold (imports done, caches empty), the rest warm.

    Wall and CPU time of each call (the process's CPU: all of Typst's threads count in full).
    """
    times, cpu, pages = [], [], 0
    for _ in range(renders):
        started, started_cpu = time.perf_counter(), time.process_time()
        pages = call()
        times.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    return {"cold": times[0], "warm": times[1:], "warm_cpu": cpu[1:], "pages": pages}


def run_worker(engine: str, issue: Path, out: Path, renders: int) -> dict[str, object]:
    """Render `renders` times in this process and return the timings (printed as JSON by main)."""
    if engine == "bulletin":
        from layout.render import render_issue

        return time_calls(lambda: render_issue(issue, out).pages, renders)

    import typst

    sys.path.insert(0, str(BENCH_DIR))
    from peer_typst import TEMPLATE, build_compile_args, count_pdf_pages, find_publication

    args = build_compile_args(issue, find_publication(issue))

    if engine == "typst-incremental":
        # One Compiler reused with the same input: Typst memoizes layout across compiles, so this is an
        # incremental recompile of an unchanged document, not a new render. Reported apart, for reference.
        compiler = typst.Compiler(str(TEMPLATE), root=args["root"], font_paths=args["font_paths"],
                                  ignore_system_fonts=True, sys_inputs=args["sys_inputs"])  # fmt: skip
        return time_calls(lambda: len(compiler.compile()), renders)

    def compile_fresh() -> int:
        pdf = typst.compile(str(TEMPLATE), **args)
        out.write_bytes(pdf)
        return count_pdf_pages(pdf)

    return time_calls(compile_fresh, renders)


# ---------------------------------------------------------------- measurements


@dataclass
class EngineResult:
    """Everything measured for one engine; `error` says why a measurement is missing."""

    name: str
    process: list[ProcessRun] = field(default_factory=list)
    # bulletin only: whole-process runs each with an empty user cache (no remembered word boundaries, no converted
    # fonts; the bundled faces' records ship prebuilt): the first render of an issue on a fresh machine
    empty_cache: list[ProcessRun] = field(default_factory=list)
    worker: ProcessRun | None = None
    timings: dict[str, object] = field(default_factory=dict)
    pages: int | None = None
    error: str | None = None


def count_pages(pdf: Path) -> int | None:
    """Pages of an output PDF, counted the same way (pypdf) for both engines."""
    from pypdf import PdfReader

    return len(PdfReader(pdf).pages) if pdf.is_file() else None


def last_line(text: str) -> str:
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return lines[-1] if lines else "(no output)"


def measure_engine(name: str, command: list[str], out: Path, issue: Path, runs: int, renders: int) -> EngineResult:
    """Whole-process runs (after one untimed warm-up that fills the OS file cache), then the in-process worker."""
    result = EngineResult(name)
    warmup = run_process(command)
    if warmup.returncode != 0:
        result.error = f"{name} exited {warmup.returncode}: {last_line(warmup.stderr)}"
        return result
    result.process = [run_process(command) for _ in range(runs)]
    if name == "bulletin":
        for _ in range(runs):
            with tempfile.TemporaryDirectory() as empty:
                result.empty_cache.append(run_process(command, env={"BULLETIN_CACHE_DIR": empty}))
    result.pages = count_pages(out)
    worker = run_process(worker_command(name, issue, out.with_suffix(".worker.pdf"), renders))
    if worker.returncode != 0:
        result.error = f"{name} in-process worker exited {worker.returncode}: {last_line(worker.stderr)}"
        return result
    result.worker = worker
    result.timings = json.loads(last_line(worker.stdout))
    if name == "typst":
        # In its own process, so its memo cache does not count in the fresh renders' peak RSS.
        incremental = run_process(worker_command("typst-incremental", issue, out.with_suffix(".inc.pdf"), renders))
        if incremental.returncode == 0:
            result.timings["incremental"] = json.loads(last_line(incremental.stdout))["warm"]
    return result


# ---------------------------------------------------------------- report


def median(values: Sequence[float]) -> float | None:
    return statistics.median(values) if values else None


def rows_for(result: EngineResult) -> dict[str, float | None]:
    t = result.timings
    warm = t.get("warm") or []
    incremental = t.get("incremental") or []
    return {
        "pages": float(result.pages) if result.pages is not None else None,
        "whole process: wall (s)": median([r.wall for r in result.process]),
        "whole process: CPU user+sys (s)": median([r.cpu for r in result.process]),
        "whole process: peak RSS (MiB)": median([r.max_rss_mib for r in result.process]),
        # Typst keeps no cache between processes: its figure is its whole-process one
        "whole process, empty user cache: CPU (s)": median(
            [r.cpu for r in (result.empty_cache if result.name == "bulletin" else result.process)]
        ),
        "in process: first render (s)": t.get("cold"),  # type: ignore[dict-item]
        "in process: warm render (s)": median(warm),  # type: ignore[arg-type]
        "in process: warm render CPU (s)": median(t.get("warm_cpu") or []),  # type: ignore[arg-type]
        "in process: peak RSS (MiB)": result.worker.max_rss_mib if result.worker else None,
        "typst: incremental recompile (s)": median(incremental),  # type: ignore[arg-type]
    }


def format_value(value: float | None, label: str) -> str:
    if value is None:
        return "—"
    if label == "pages":
        return f"{value:.0f}"
    return f"{value:.1f}" if "MiB" in label else f"{value:.3f}"


def format_report(title: str, ours: EngineResult, peer: EngineResult, runs: int, renders: int) -> str:
    """The plain-text table: one row per measure, ratio = typst / bulletin (>1: bulletin is faster/smaller)."""
    a, b = rows_for(ours), rows_for(peer)
    width = max(len(k) for k in a) + 2
    lines = [
        title,
        f"whole process: median of {runs} runs after 1 warm-up; "
        f"in process: 1 cold + median of {renders - 1} warm renders",
        "",
        f"{'':<{width}}{'bulletin':>12}{'typst':>12}{'typst/bulletin':>16}",
    ]
    for label in a:
        if label.startswith("typst:") and b[label] is None:
            continue
        ratio = ""
        if label != "pages" and a[label] and b[label]:
            ratio = f"{b[label] / a[label]:.2f}"  # type: ignore[operator]
        ours_value, peer_value = format_value(a[label], label), format_value(b[label], label)
        lines.append(f"{label:<{width}}{ours_value:>12}{peer_value:>12}{ratio:>16}")
    for result in (ours, peer):
        if result.error:
            lines.append(f"note: {result.error}")
    if ours.pages and peer.pages and ours.pages != peer.pages:
        lines.append(f"note: page counts differ ({ours.pages} vs {peer.pages}): compare times per page too")
    return "\n".join(lines)


def busy_machine_warning() -> str | None:
    """A note when other processes keep the CPUs busy: wall times then include waiting for a CPU."""
    if not hasattr(os, "getloadavg"):
        return None
    load = os.getloadavg()[0]
    cpus = os.cpu_count() or 1
    if load < cpus / 2:
        return None
    return (f"note: load average {load:.1f} on {cpus} CPUs before starting; wall times include waiting "
            "for a CPU, CPU times are the steadier comparison")  # fmt: skip


def compare_issue(
    issue: Path, runs: int, renders: int, workdir: Path
) -> tuple[EngineResult, EngineResult]:
    """Both engines on one issue: (bulletin, typst)."""
    workdir.mkdir(parents=True, exist_ok=True)
    ours_pdf, peer_pdf = workdir / "bulletin.pdf", workdir / "typst.pdf"
    ours = measure_engine("bulletin", bulletin_command(issue, ours_pdf), ours_pdf, issue, runs, renders)
    peer = measure_engine("typst", typst_command(issue, peer_pdf), peer_pdf, issue, runs, renders)
    return ours, peer


def bench_issue(issue: Path, label: str, runs: int, renders: int, workdir: Path) -> str:
    ours, peer = compare_issue(issue, runs, renders, workdir)
    return format_report(f"bulletin vs Typst: {label}", ours, peer, runs, renders)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Compare `bulletin render` with the Typst peer template.")
    parser.add_argument("--runs", type=int, default=5, help="whole-process runs per engine (median; default 5)")
    parser.add_argument("--renders", type=int, default=6, help="renders in one process (1 cold + warm; default 6)")
    parser.add_argument("--issue", type=Path, default=SAMPLE_ISSUE, help="issue to render (default: the sample)")
    parser.add_argument("--large", type=int, metavar="N", help="also render a generated N-article issue")
    parser.add_argument("--worker", nargs=4, metavar=("ENGINE", "ISSUE", "OUT", "RENDERS"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.worker:
        engine, issue, out, renders = args.worker
        print(json.dumps(run_worker(engine, Path(issue), Path(out), int(renders))))
        return 0
    if args.renders < 2 or args.runs < 1:
        parser.error("--runs must be at least 1 and --renders at least 2")

    ensure_dependencies()
    sys.path.insert(0, str(BENCH_DIR))
    from peer_typst import make_large_issue

    print(environment_line())
    load_warning = busy_machine_warning()
    if load_warning:
        print(load_warning)
    with tempfile.TemporaryDirectory(prefix="bench-render-") as tmp:
        workdir = Path(tmp)
        issue = args.issue.resolve()
        print()
        print(bench_issue(issue, str(issue.relative_to(REPO) if issue.is_relative_to(REPO) else issue),
                          args.runs, args.renders, workdir))  # fmt: skip
        if args.large:
            large = make_large_issue(args.large, workdir / "large" / f"large-{args.large}.yaml")
            print()
            print(bench_issue(large, f"generated issue of {args.large} articles", args.runs, args.renders, workdir))
    return 0


if __name__ == "__main__":
    sys.exit(main())
