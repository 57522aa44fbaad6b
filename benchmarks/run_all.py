"""Every speed and memory goal of the project, bulletin against Typst, in one run (issue #13's table).

    python benchmarks/run_all.py                 # the sample, a 200-article issue, batch -j 1/-j 2 over 50 issues
    python benchmarks/run_all.py --quick         # fewer runs and a smaller batch (a quick look, not the figures)

Prints bench_render.py's table for the sample and for a generated 200-article issue, bench_batch.py's table
for 50 copies of the sample at -j 1 and -j 2, and then one line per goal: the figure, the goal, met or not.
Ratios are bulletin / Typst (below 1: bulletin is faster or smaller), from the same run. The machine's
load is printed too: on a shared machine, CPU times (user + system) are the steadier comparison.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR))
from bench_batch import Row, format_rows, make_copies, make_large_issue_within_limit, run_child  # noqa: E402 (after the path they need)
from bench_render import EngineResult, compare_issue, format_report, rows_for  # noqa: E402
from common import ensure_dependencies, environment_line  # noqa: E402

REPO = BENCH_DIR.parent
SAMPLE_ISSUE = REPO / "issues" / "2018-0602.yaml"

# The goals of issue #13: bulletin / Typst at most this (times), or at least this (batch scaling), or MiB.
GOAL_WHOLE_PROCESS = 1.5
GOAL_WARM = 1.5
GOAL_LARGE = 2.0
GOAL_SCALING = 1.8
GOAL_SAMPLE_MIB = 150.0
GOAL_LARGE_MIB = 250.0
LARGE_ARTICLES = 200


def ratio(ours: float | None, peer: float | None) -> float | None:
    return ours / peer if ours and peer else None


def goal_line(label: str, value: float | None, goal: float, *, at_most: bool, unit: str = "×") -> str:
    if value is None:
        return f"{label:<58} {'—':>8}   goal {'≤' if at_most else '≥'} {goal:g}{unit}: not measured"
    met = value <= goal if at_most else value >= goal
    verdict = "met" if met else "NOT met"
    return f"{label:<58} {value:>7.2f}{unit}  goal {'≤' if at_most else '≥'} {goal:g}{unit}: {verdict}"


def render_goals(sample: tuple[EngineResult, EngineResult], large: tuple[EngineResult, EngineResult]) -> list[str]:
    (ours, peer), (big_ours, big_peer) = sample, large
    a, b = rows_for(ours), rows_for(peer)
    big_a, big_b = rows_for(big_ours), rows_for(big_peer)
    per_page = None
    if big_a["pages"] and big_b["pages"] and big_a["whole process: CPU user+sys (s)"]:
        per_page = ratio(
            big_a["whole process: CPU user+sys (s)"] / big_a["pages"],  # type: ignore[operator]
            (big_b["whole process: CPU user+sys (s)"] or 0) / big_b["pages"],  # type: ignore[operator]
        )
    pages = f"{big_a['pages'] or 0:.0f} pages"
    return [
        goal_line("sample, whole process, CPU: bulletin / Typst", ratio(
            a["whole process: CPU user+sys (s)"], b["whole process: CPU user+sys (s)"]), GOAL_WHOLE_PROCESS,
            at_most=True),
        goal_line("sample, whole process, empty user cache, CPU: bulletin / Typst", ratio(
            a["whole process, empty user cache: CPU (s)"], b["whole process, empty user cache: CPU (s)"]),
            GOAL_WHOLE_PROCESS, at_most=True),
        goal_line("sample, whole process, wall: bulletin / Typst", ratio(
            a["whole process: wall (s)"], b["whole process: wall (s)"]), GOAL_WHOLE_PROCESS, at_most=True),
        goal_line("sample, in process, warm, CPU: bulletin / Typst", ratio(
            a["in process: warm render CPU (s)"], b["in process: warm render CPU (s)"]), GOAL_WARM, at_most=True),
        goal_line("sample, in process, warm, wall: bulletin / Typst", ratio(
            a["in process: warm render (s)"], b["in process: warm render (s)"]), GOAL_WARM, at_most=True),
        goal_line(f"{LARGE_ARTICLES} articles, whole process, CPU per page: bulletin / Typst", per_page, GOAL_LARGE,
                  at_most=True),
        goal_line("sample, whole process, peak RSS (MiB)", a["whole process: peak RSS (MiB)"], GOAL_SAMPLE_MIB,
                  at_most=True, unit=" MiB"),
        goal_line(f"{LARGE_ARTICLES} articles ({pages}), whole process, peak RSS",
                  big_a["whole process: peak RSS (MiB)"], GOAL_LARGE_MIB, at_most=True, unit=" MiB"),
    ]


def batch_goals(rows: list[Row]) -> list[str]:
    ok = {(r.engine, r.jobs): r for r in rows if "error" not in r.data}
    one, two, peer_one = ok.get(("bulletin", 1)), ok.get(("bulletin", 2)), ok.get(("typst", 1))
    scaling = two.rate / one.rate if one and two else None
    against_typst = two.rate / peer_one.rate if two and peer_one else None
    return [
        goal_line("batch: bulletin -j 2 / bulletin -j 1, issues per second", scaling, GOAL_SCALING, at_most=False),
        goal_line("batch: bulletin -j 2 / Typst -j 1, issues per second", against_typst, 1.0, at_most=False),
    ]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="3 runs, 4 renders, 10 copies: a look, not the figures")
    args = parser.parse_args(argv)
    runs, renders, copies = (3, 4, 10) if args.quick else (5, 6, 50)

    ensure_dependencies()
    print(environment_line())
    print("goal lines: bulletin / Typst from this run (the tables' own ratio column is typst / bulletin)")
    with tempfile.TemporaryDirectory(prefix="bench-all-") as tmp:
        workdir = Path(tmp)
        sample = compare_issue(SAMPLE_ISSUE, runs, renders, workdir / "sample")
        print()
        print(format_report(f"bulletin vs Typst: {SAMPLE_ISSUE.relative_to(REPO)}", *sample, runs, renders))
        large_issue, note = make_large_issue_within_limit(LARGE_ARTICLES, workdir / "large" / "large.yaml")
        large = compare_issue(large_issue, max(1, runs - 2), 2, workdir / "large-out")
        print()
        title = f"bulletin vs Typst: generated issue of {LARGE_ARTICLES} articles ({note})"
        print(format_report(title, *large, max(1, runs - 2), 2))
        folder = make_copies(copies, workdir / "copies")
        rows = [
            Row(engine, jobs, run_child(engine, folder, workdir / f"batch-{engine}-{jobs}", jobs))
            for jobs in (1, 2)
            for engine in ("bulletin", "typst")
        ]
        print()
        print(format_rows(f"batch: {copies} copies of {SAMPLE_ISSUE.name}", rows))
    print()
    print("goals (issue #13)")
    for line in [*render_goals(sample, large), *batch_goals(rows)]:
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
