"""Batch hygiene: no process outlives a killed batch, a manifest that cannot be written is a clear failure, two
batches on one folder keep every record, a retried worker is reported, killed renders leave no temp file behind."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import pytest

from layout.batch import BatchOptions, render_batch
from layout.cli import main
from layout.executors import JobResult, RenderJob, run_local
from layout.fileio import write_atomically
from layout.manifest import MANIFEST_NAME, IssueRecord, load_manifest

from test_batch import PUBLICATION, write_issue  # isort: skip

REPO = Path(__file__).resolve().parents[1]
ENV = {**os.environ, "PYTHONPATH": str(REPO), "PYTHONUNBUFFERED": "1"}


def archive(folder: Path, count: int, first: int = 1, articles: int = 2) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(PUBLICATION, folder / "bulletin.yaml")
    for k in range(first, first + count):
        write_issue(folder / f"issue-{k:02d}.yaml", 2019, str(k), "关于征集科技创新合作项目的通知", articles=articles)
    return folder


# --- parent death ---------------------------------------------------------------------------------------------


def session_processes(sid: int) -> list[str]:
    """`pid command` of every live process in session `sid` (Linux /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()  # after "pid (comm) "
        state, session = fields[0], int(fields[3])
        if session == sid and state != "Z":
            found.append(f"{entry.name} {cmdline.strip()}")
    return found


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
@pytest.mark.parametrize("how", [signal.SIGKILL, signal.SIGTERM])
def test_no_process_outlives_a_killed_batch(tmp_path: Path, how: signal.Signals) -> None:
    folder = archive(tmp_path / "archive", 8, articles=3)
    process = subprocess.Popen([sys.executable, "-m", "layout", "batch", str(folder), "-o", str(tmp_path / "out"),
                                "-j", "2"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=ENV,
                               start_new_session=True)  # fmt: skip
    assert process.stdout is not None
    for line in process.stdout:  # the pool is up once the first issue is done
        if line.startswith("rendered "):
            break
    assert len(session_processes(process.pid)) >= 3, "the parent, its forkserver and workers"
    process.send_signal(how)
    process.wait(timeout=60)
    deadline = time.monotonic() + 10  # the issue's bound: nothing of the batch left 10 s after the kill
    while session_processes(process.pid) and time.monotonic() < deadline:
        time.sleep(0.2)
    left = session_processes(process.pid)
    for line in left:  # do not leave them behind for the next test either
        os.kill(int(line.split()[0]), signal.SIGKILL)
    assert not left, f"still running 10 s after the batch was killed: {left}"


# --- the manifest ----------------------------------------------------------------------------------------------


def record(n: int) -> IssueRecord:
    return IssueRecord(source=f"/x/{n}.yaml", settings={}, inputs={}, pdf="0" * 64, pages=n, year=2019,
                       number=str(n), title="t", masthead="快讯")  # fmt: skip


def test_two_writers_of_one_manifest_keep_each_others_records(tmp_path: Path) -> None:
    first, _ = load_manifest(tmp_path)
    second, _ = load_manifest(tmp_path)  # both read it before either wrote
    first.set("a.pdf", record(1))
    second.set("b.pdf", record(2))
    first.save()
    second.save()
    merged, warning = load_manifest(tmp_path)
    assert warning is None
    assert sorted(merged.records) == ["a.pdf", "b.pdf"]
    # forgetting is merged too: a record one writer drops is dropped, the other's stays
    first.forget("a.pdf")
    first.save()
    assert sorted(load_manifest(tmp_path)[0].records) == ["b.pdf"]


def test_concurrent_batches_on_one_folder_lose_no_record(tmp_path: Path) -> None:
    left = archive(tmp_path / "left", 3, first=1)
    right = archive(tmp_path / "right", 3, first=11)
    out = tmp_path / "out"
    runs = [subprocess.Popen([sys.executable, "-m", "layout", "batch", str(folder), "-o", str(out), "-j", "1"],
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=ENV)
            for folder in (left, right)]  # fmt: skip
    for run in runs:
        _, err = run.communicate(timeout=300)
        assert run.returncode == 0, err
    manifest = json.loads((out / MANIFEST_NAME).read_text(encoding="utf-8"))
    assert sorted(manifest["issues"]) == sorted(p.name for p in out.glob("*.pdf"))
    assert len(manifest["issues"]) == 6


@pytest.mark.parametrize("obstacle", ["folder", "read-only"])
def test_a_manifest_that_cannot_be_written_is_one_clear_failure(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], obstacle: str
) -> None:
    folder = archive(tmp_path / "archive", 2)
    out = tmp_path / "out"
    out.mkdir()
    if obstacle == "folder":
        (out / MANIFEST_NAME).mkdir()  # a folder where the manifest goes
    else:
        (out / f"{MANIFEST_NAME}.lock").mkdir()  # nothing can take the lock
    code = main(["batch", str(folder), "-o", str(out), "-j", "1"])
    captured = capsys.readouterr()
    assert code == 1
    assert "Traceback" not in captured.err
    problem = [line for line in captured.err.splitlines() if "cannot write the manifest" in line]
    assert len(problem) == 1
    assert str(out / MANIFEST_NAME) in problem[0]
    assert "the PDFs written are kept" in problem[0]
    assert sorted(p.name for p in out.glob("*.pdf")) == ["issue-01.pdf", "issue-02.pdf"]


# --- a worker that died ----------------------------------------------------------------------------------------


def die_once(job: RenderJob) -> JobResult:
    """A worker function that kills its process the first time it sees a job whose marker file exists."""
    marker = job.source.with_suffix(".die")
    if marker.exists():
        marker.unlink()
        os._exit(3)
    return JobResult(job.source, error="rendered by die_once", pid=os.getpid())


def test_a_job_whose_worker_died_is_retried_and_says_so(tmp_path: Path) -> None:
    jobs = [RenderJob(tmp_path / f"{n}.yaml", tmp_path / f"{n}.pdf") for n in range(3)]
    (tmp_path / "1.die").touch()
    results = {r.source.name: r for r in run_local(jobs, 1, (), work=die_once)}
    assert sorted(results) == ["0.yaml", "1.yaml", "2.yaml"]
    assert results["1.yaml"].retried == 1
    assert results["1.yaml"].error == "rendered by die_once"


def test_the_summary_reports_retried_issues(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from layout import batch
    from layout.commands.batch import format_summary

    folder = archive(tmp_path / "archive", 2)
    real = batch.run_local

    def one_retried(jobs: list[RenderJob], workers: int, refs: tuple[str, ...]) -> object:
        for result in real(jobs, workers, refs):
            yield replace(result, retried=1) if result.source.name == "issue-01.yaml" else result

    monkeypatch.setattr(batch, "run_local", one_retried)
    sources = sorted(folder.glob("issue-*.yaml"))
    report = render_batch(sources, BatchOptions(out_dir=tmp_path / "out", jobs=1))
    summary = format_summary(report)
    assert "retried" in summary
    assert "issue-01.yaml" in summary.split("retried", 1)[1]
    assert "issue-02.yaml" not in summary.split("retried", 1)[1]


# --- temp files of killed renders --------------------------------------------------------------------------------


def test_stale_temp_files_of_dead_writers_are_cleaned_on_the_next_write(tmp_path: Path) -> None:
    target = tmp_path / "issue.pdf"
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    dead_pid = int(dead.stdout)
    stale = tmp_path / f".issue.pdf.{dead_pid}.abc123.tmp"
    live = tmp_path / f".issue.pdf.{os.getppid()}.def456.tmp"  # a writer still running (our parent)
    foreign = tmp_path / ".issue.pdf.notes.tmp"  # not of our naming: left alone
    for path in (stale, live, foreign):
        path.write_bytes(b"%PDF-half")
    write_atomically(target, b"%PDF-1.4 whole")
    assert target.read_bytes() == b"%PDF-1.4 whole"
    assert not stale.exists()
    assert live.exists()
    assert foreign.exists()
    assert [p.name for p in tmp_path.glob(f".issue.pdf.{os.getpid()}.*.tmp")] == []
