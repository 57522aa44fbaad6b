"""`bulletin watch`: one edit gives exactly one warm re-render, a broken edit keeps the last good PDF, Ctrl-C
stops it. How fast the warm render is lives in benchmarks/bench_watch.py, not here."""

from __future__ import annotations

import os
import queue
import shutil
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from layout.render import render_issue
from layout.watch import IssueWatcher, WatchRender, watch_issue

REPO = Path(__file__).parents[1]
SAMPLE = REPO / "issues" / "2018-0602.yaml"
PUBLICATION = REPO / "issues" / "bulletin.yaml"
WAIT = 120  # s; a hang fails here, how long a render takes is for benchmarks
QUIET = 2.0  # s without a further render after an edit: it gave exactly one


def save(path: Path, text: str) -> None:
    """Save the way many editors do: write a new file beside it, then rename it over the old one."""
    tmp = path.with_name(f".{path.name}.swp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


class Running:
    """A watch on a thread; every render it reports lands in `renders`."""

    def __init__(self, watcher: IssueWatcher) -> None:
        self.renders: queue.Queue[WatchRender] = queue.Queue()
        self.stop = threading.Event()
        self.thread = threading.Thread(target=watch_issue, args=(watcher, self.report, self.stop), daemon=True)

    def report(self, render: WatchRender, changed: set[Path]) -> None:
        self.renders.put(render)

    def next(self) -> WatchRender:
        return self.renders.get(timeout=WAIT)

    def assert_quiet(self) -> None:
        with pytest.raises(queue.Empty):
            self.renders.get(timeout=QUIET)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    shutil.copy(PUBLICATION, tmp_path / "bulletin.yaml")
    shutil.copy(SAMPLE, tmp_path / "issue.yaml")
    return tmp_path


@pytest.fixture
def running(folder: Path) -> Iterator[tuple[Running, IssueWatcher]]:
    watcher = IssueWatcher(folder / "issue.yaml", folder / "out" / "issue.pdf")
    run = Running(watcher)
    run.thread.start()
    yield run, watcher
    run.stop.set()
    run.thread.join(timeout=WAIT)
    assert not run.thread.is_alive(), "the watch did not stop"


def test_an_edit_renders_once_warm_and_a_broken_edit_keeps_the_last_good_pdf(
    folder: Path, running: tuple[Running, IssueWatcher]
) -> None:
    run, watcher = running
    issue, pdf = folder / "issue.yaml", folder / "out" / "issue.pdf"
    first = run.next()
    assert first.ok, [d.format() for d in first.diagnostics]
    assert first.output == pdf
    assert first.composed == first.compositions > 100  # cold: everything composed

    text = issue.read_text(encoding="utf-8")
    paragraph = "为深入贯彻党的十九大精神"
    assert paragraph in text
    save(issue, text.replace(paragraph, paragraph + "甲", 1))
    second = run.next()
    assert second.ok, [d.format() for d in second.diagnostics]
    run.assert_quiet()  # one edit, one render
    assert watcher.renders == 2
    # Warm: only the edited paragraph (and what its new length moves) is composed again.
    assert 1 <= second.composed <= 5 < second.compositions
    edited = pdf.read_bytes()
    cold = render_issue(issue, folder / "cold.pdf")
    assert cold.path.read_bytes() == edited  # warm and cold renders give the same bytes

    save(issue, text.replace("issue:\n", "issue:\n   x\n", 1))
    broken = run.next()
    assert not broken.ok
    assert broken.diagnostics[0].format().startswith(f"{issue}:")
    assert pdf.read_bytes() == edited  # the last good PDF stays
    assert not [p for p in pdf.parent.iterdir() if p.name != pdf.name]  # no temporary file left behind

    save(issue, text)
    assert run.next().ok
    run.assert_quiet()


def test_a_publication_change_renders_again(folder: Path, running: tuple[Running, IssueWatcher]) -> None:
    run, _ = running
    assert run.next().ok
    publication = folder / "bulletin.yaml"
    save(publication, publication.read_text(encoding="utf-8").replace("快讯", "周报", 1))
    assert run.next().ok
    run.assert_quiet()


def test_ctrl_c_stops_the_watch(folder: Path) -> None:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    # A shell's background job starts with Ctrl-C ignored, and children inherit that: give the watch the default.
    process = subprocess.Popen([sys.executable, "-m", "layout", "watch", "issue.yaml", "-o", "issue.pdf"],
                               cwd=folder, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
                               preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    assert process.stdout is not None
    lines = []
    for line in process.stdout:
        lines.append(line)
        if "issue.pdf" in line:
            break
    assert "20 pages" in lines[-1], lines
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=WAIT)
    assert process.returncode == 0, err
    assert out.strip().endswith("stopped")
    assert "Traceback" not in err
    assert (folder / "issue.pdf").is_file()
