"""`bulletin batch`: discovery, fault isolation, incremental re-rendering, the volume, Dask, Ctrl-C."""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import shutil
import signal
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from pypdf import PdfReader, PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, Fit, NameObject, NumberObject, TextStringObject

from layout.batch import Outcome, Status, find_sources, plan_outputs
from layout.cli import main
from layout.commands.batch import ConsoleProgress
from layout.executors import BatchUsageError
from layout.manifest import MANIFEST_NAME
from layout.volume import VolumeIssue, compose_volume, order_issues

REPO = Path(__file__).parents[1]
SAMPLE = REPO / "issues" / "2018-0602.yaml"
PUBLICATION = REPO / "issues" / "bulletin.yaml"
THEME = "parent: default\ncolors:\n  masthead: [0, 1, 1, 0]\n"
BROKEN = """\
issue:
  year: 2019
  number: "0003"
sections:
  - title: 政策文件
    articles:
      - title: 损坏的一期
        blocks:
          - table:
              header: [序号, 内容]
              rows:
                - [1, 甲]
                - [2]
"""


def write_issue(path: Path, year: int, number: str, title: str, articles: int = 2) -> Path:
    """A small generated issue: one section, `articles` short articles of two paragraphs."""
    body = "的正文：为深入贯彻落实创新驱动发展战略，现将有关事项通知如下。"
    data = {
        "issue": {"year": year, "number": number},
        "sections": [{"title": "政策文件", "articles": [
            {"title": f"{title}（第{k}篇）", "blocks": [f"{title}第{k}篇第{p}段{body}" for p in (1, 2)]}
            for k in range(1, articles + 1)
        ]}],
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def make_archive(folder: Path) -> Path:
    """A publication folder with its own theme file (`parent: default`) and a few small issues."""
    folder.mkdir(parents=True, exist_ok=True)
    publication = PUBLICATION.read_text(encoding="utf-8").replace("theme: default", "theme: mytheme.yaml")
    (folder / "bulletin.yaml").write_text(publication, encoding="utf-8")
    (folder / "mytheme.yaml").write_text(THEME, encoding="utf-8")
    # File order (a, b, c) is not issue order: volume order is by year, then by number compared as a number.
    write_issue(folder / "a-late.yaml", 2019, "10", "关于征集科技创新合作项目的通知")
    write_issue(folder / "b-early.yaml", 2019, "9", "关于开展中小企业公共服务活动的通知")
    write_issue(folder / "c-old.yaml", 2018, "0700", "关于推动民营企业创新发展的通知", articles=1)
    return folder


def run_cli(capsys: pytest.CaptureFixture[str], *args: str | Path) -> tuple[int, str, str]:
    code = main(["batch", *map(str, args)])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def issue_lines(out: str, status: str = "rendered") -> list[str]:
    """The sources of the per-issue "rendered   SOURCE -> PDF …" lines (not the summary's rows)."""
    return [line.split()[1] for line in out.splitlines() if line.startswith(f"{status} ") and " -> " in line]


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@dataclass(frozen=True)
class FirstRun:
    folder: Path
    out: Path
    volume: Path
    code: int
    stdout: str
    stderr: str


@pytest.fixture(scope="module")
def first_run(tmp_path_factory: pytest.TempPathFactory) -> FirstRun:
    """The archive plus the sample and a broken issue, rendered once with -j 2 and --volume."""
    folder = make_archive(tmp_path_factory.mktemp("batch") / "archive")
    shutil.copy(SAMPLE, folder / "2018-0602.yaml")
    (folder / "broken.yaml").write_text(BROKEN, encoding="utf-8")
    out, volume = folder.parent / "out", folder.parent / "volume.pdf"
    capture = io.StringIO(), io.StringIO()
    stdout, stderr = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = capture
    try:
        code = main(["batch", str(folder), "-o", str(out), "-j", "2", "--volume", str(volume)])
    finally:
        sys.stdout, sys.stderr = stdout, stderr
    return FirstRun(folder, out, volume, code, capture[0].getvalue(), capture[1].getvalue())


# --- discovery ---------------------------------------------------------------------------------------------------


def test_discovery_finds_issues_and_skips_publication_and_other_yaml(tmp_path: Path) -> None:
    make_archive(tmp_path)
    write_issue(tmp_path / "sub" / "d.yml", 2020, "1", "通知")
    write_issue(tmp_path / ".hidden" / "e.yaml", 2020, "2", "通知")
    (tmp_path / "notes.yaml").write_text("title: 不是一期\nissues: []\n", encoding="utf-8")
    found = find_sources([str(tmp_path)])
    assert [p.relative_to(tmp_path).as_posix() for p in found] == ["a-late.yaml", "b-early.yaml", "c-old.yaml",
                                                                   "sub/d.yml"]
    # A glob and a folder naming the same files give each once; order stays sorted.
    again = find_sources([str(tmp_path / "*.yaml"), str(tmp_path / "sub")])
    assert [p.name for p in again] == ["a-late.yaml", "b-early.yaml", "c-old.yaml", "d.yml"]


def test_discovery_refuses_a_path_that_does_not_exist(tmp_path: Path) -> None:
    with pytest.raises(BatchUsageError, match="nowhere: no such file or folder"):
        find_sources([str(tmp_path / "nowhere")])


def test_sources_sharing_a_stem_keep_their_folders(tmp_path: Path) -> None:
    a, b = tmp_path / "2018" / "0602.yaml", tmp_path / "2019" / "0602.yaml"
    c = tmp_path / "2019" / "0701.yaml"
    outputs = plan_outputs([a, b, c], Path("out"))
    assert outputs == {a: Path("out/2018/0602.pdf"), b: Path("out/2019/0602.pdf"), c: Path("out/0701.pdf")}


def test_no_sources_or_bad_arguments_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "bulletin.yaml").write_text(PUBLICATION.read_text(encoding="utf-8"), encoding="utf-8")
    code, _, err = run_cli(capsys, tmp_path, "-o", tmp_path / "out")
    assert code == 2
    assert "no issue sources found" in err
    code, _, err = run_cli(capsys, tmp_path, "-j", "0")
    assert (code, "-j must be at least 1" in err) == (2, True)


# --- the first run: fault isolation and the volume ------------------------------------------------------------


def test_a_broken_issue_is_reported_with_its_position_and_the_rest_render(first_run: FirstRun) -> None:
    assert first_run.code == 1
    pdfs = sorted(p.name for p in first_run.out.glob("*.pdf"))
    assert pdfs == ["2018-0602.pdf", "a-late.pdf", "b-early.pdf", "c-old.pdf"]
    lines = BROKEN.splitlines()
    row = next(i for i, line in enumerate(lines) if line.strip() == "- [2]")
    where = f"{first_run.folder / 'broken.yaml'}:{row + 1}:{lines[row].index('[') + 1}: table row 2 has 1 cells"
    assert where in first_run.stderr
    summary = {line.split()[0]: line.split()[1:] for line in first_run.stdout.splitlines()
               if line.split()[:1] in (["rendered"], ["failed"], ["unchanged"]) and len(line.split()) == 4}
    assert summary["rendered"][0] == "4"
    assert summary["failed"][0] == "1"
    manifest = json.loads((first_run.out / MANIFEST_NAME).read_text(encoding="utf-8"))
    assert sorted(manifest["issues"]) == pdfs, "the manifest lists exactly the PDFs written"
    assert f"volume {first_run.volume}: 4 issues" in first_run.stdout
    assert "(1 failed issue left out)" in first_run.stdout


def test_the_volume_binds_the_issues_in_issue_order(first_run: FirstRun) -> None:
    volume = PdfReader(first_run.volume)
    order = ["2018-0602.pdf", "c-old.pdf", "b-early.pdf", "a-late.pdf"]  # 2018 0602, 2018 0700, 2019 9, 2019 10
    issues = [PdfReader(first_run.out / name) for name in order]
    assert len(volume.pages) == sum(len(r.pages) for r in issues)
    outline = volume.outline
    heads = [item for item in outline if not isinstance(item, list)]
    assert [h.title for h in heads] == [r.metadata.title for r in issues]
    offset = 0
    for place, (head, reader) in enumerate(zip(heads, issues, strict=True)):
        assert volume.get_destination_page_number(head) == offset
        children = outline[outline.index(head) + 1]
        expected = [(c.title, reader.get_destination_page_number(c) + offset)
                    for item in reader.outline if isinstance(item, list) for c in item]
        assert [(c.title, volume.get_destination_page_number(c)) for c in children] == expected
        for title, page in expected:
            text = re.sub(r"\s+", "", volume.pages[page].extract_text())
            assert re.sub(r"\s+", "", title)[:8] in text, f"issue {place}: {title} is not on volume page {page}"
        offset += len(reader.pages)


def test_links_in_the_volume_point_at_the_same_pages_shifted(first_run: FirstRun) -> None:
    volume = PdfReader(first_run.volume)
    offset = 0
    checked = 0
    for name in ["2018-0602.pdf", "c-old.pdf", "b-early.pdf", "a-late.pdf"]:
        reader = PdfReader(first_run.out / name)
        for index, page in enumerate(reader.pages):
            ours = [a.get_object() for a in page.get("/Annots") or []]
            theirs = [a.get_object() for a in volume.pages[offset + index].get("/Annots") or []]
            assert len(theirs) == len(ours)
            for mine, merged in zip(ours, theirs, strict=True):
                if "/Dest" not in mine:
                    assert merged["/A"] == mine["/A"]  # web links unchanged
                    continue
                target = reader.get_page_number(mine["/Dest"][0].get_object())
                assert volume.get_page_number(merged["/Dest"][0].get_object()) == offset + target
                assert list(merged["/Dest"][1:]) == list(mine["/Dest"][1:])
                checked += 1
        offset += len(reader.pages)
    assert checked >= 8, "the contents pages must have links to check"


# --- incremental runs ---------------------------------------------------------------------------------------------


def test_only_what_changed_is_rendered_again(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = make_archive(tmp_path / "archive")
    out, volume = tmp_path / "out", tmp_path / "volume.pdf"
    code, stdout, _ = run_cli(capsys, folder, "-o", out, "-j", "2", "--volume", volume)
    assert code == 0
    assert len(issue_lines(stdout)) == 3
    assert f"volume {volume}: 3 issues" in stdout
    before = {p.name: digest(p) for p in out.glob("*.pdf")}
    manifest = (out / MANIFEST_NAME).read_bytes()
    bound = digest(volume)

    code, stdout, _ = run_cli(capsys, folder, "-o", out, "-j", "2", "--volume", volume)
    assert code == 0
    assert issue_lines(stdout) == []
    assert len(issue_lines(stdout, "unchanged")) == 3
    assert "nothing to render" in stdout
    assert f"volume {volume}: unchanged" in stdout
    assert (out / MANIFEST_NAME).read_bytes() == manifest

    write_issue(folder / "b-early.yaml", 2019, "9", "关于开展中小企业公共服务活动的补充通知")
    code, stdout, _ = run_cli(capsys, folder, "-o", out, "-j", "2", "--volume", volume)
    assert issue_lines(stdout) == [str(folder / "b-early.yaml")]
    assert "b-early.yaml changed" in stdout
    assert digest(out / "b-early.pdf") != before["b-early.pdf"]
    assert digest(out / "a-late.pdf") == before["a-late.pdf"]
    assert f"volume {volume}: 3 issues" in stdout
    assert digest(volume) != bound

    (folder / "mytheme.yaml").write_text(THEME + "rules:\n  header: 1pt\n", encoding="utf-8")
    code, stdout, _ = run_cli(capsys, folder, "-o", out, "-j", "2")
    assert len(issue_lines(stdout)) == 3
    assert stdout.count("mytheme.yaml changed") == 3

    (out / "c-old.pdf").unlink()
    code, stdout, _ = run_cli(capsys, folder, "-o", out, "-j", "2")
    assert issue_lines(stdout) == [str(folder / "c-old.yaml")]
    assert "(output missing)" in stdout

    code, stdout, _ = run_cli(capsys, folder, "-o", out, "-j", "2", "--force")
    assert code == 0
    assert len(issue_lines(stdout)) == 3
    assert stdout.count("(forced)") == 3


# --- Dask -------------------------------------------------------------------------------------------------------


def test_dask_renders_the_same_bytes_as_the_local_pool(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from dask.distributed import LocalCluster

    folder = tmp_path / "archive"
    write_issue(folder / "one.yaml", 2019, "1", "关于征集科技创新合作项目的通知")
    write_issue(folder / "two.yaml", 2019, "2", "关于开展中小企业公共服务活动的通知", articles=1)
    shutil.copy(PUBLICATION, folder / "bulletin.yaml")
    code, _, _ = run_cli(capsys, folder, "-o", tmp_path / "local", "-j", "1")
    assert code == 0
    with LocalCluster(n_workers=1, threads_per_worker=1, processes=False, dashboard_address=None) as cluster:
        code, stdout, _ = run_cli(capsys, folder, "-o", tmp_path / "dask", "--scheduler", cluster.scheduler_address)
    assert code == 0
    assert len(issue_lines(stdout)) == 2
    for name in ("one.pdf", "two.pdf"):
        assert (tmp_path / "dask" / name).read_bytes() == (tmp_path / "local" / name).read_bytes()


# --- Ctrl-C -------------------------------------------------------------------------------------------------------


ISSUES_BEFORE_CTRL_C = 60


def test_ctrl_c_stops_cleanly(tmp_path: Path) -> None:
    folder = tmp_path / "archive"
    folder.mkdir()
    shutil.copy(PUBLICATION, folder / "bulletin.yaml")
    # Far more than can finish between the first "rendered" line and the signal, even on a loaded machine where
    # a warm worker renders several small issues before this test gets to send it.
    for k in range(ISSUES_BEFORE_CTRL_C):
        write_issue(folder / f"issue-{k:02d}.yaml", 2019, str(k + 1), "关于征集科技创新合作项目的通知", articles=3)
    out = tmp_path / "out"
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    # A shell's background job starts with Ctrl-C ignored, and children inherit that: give the batch the default.
    process = subprocess.Popen([sys.executable, "-m", "layout", "batch", str(folder), "-o", str(out), "-j", "1"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
                               preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    assert process.stdout is not None
    for line in process.stdout:
        if line.startswith("rendered "):
            break
    process.send_signal(signal.SIGINT)
    # A hang fails here (TimeoutExpired); how fast it stops is for benchmarks, not tests.
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 130, stderr
    assert "interrupted" in stderr
    pdfs = sorted(p.name for p in out.glob("*.pdf"))
    # The one reported as rendered is there; the others were never started: the run stopped part-way.
    assert pdfs, "the issue reported as rendered is missing"
    assert len(pdfs) < ISSUES_BEFORE_CTRL_C, "every issue rendered: the interrupt was ignored"
    assert not list(out.glob(".*.tmp")), "no half-written file is left behind"
    manifest = json.loads((out / MANIFEST_NAME).read_text(encoding="utf-8"))
    assert sorted(manifest["issues"]) == pdfs
    for name, record in manifest["issues"].items():
        assert record["pdf"] == digest(out / name)


# --- progress -----------------------------------------------------------------------------------------------------


def test_progress_on_a_terminal_is_one_updating_line() -> None:
    out, err = io.StringIO(), io.StringIO()
    progress = ConsoleProgress(out, err, tty=True)
    progress.start(total=3, to_render=2, workers=2)
    progress.update(Outcome(Path("a.yaml"), Path("out/a.pdf"), Status.RENDERED, "new", 3, 0.5))
    progress.update(Outcome(Path("b.yaml"), Path("out/b.pdf"), Status.FAILED, "new",
                            messages=("b.yaml:3:5: unknown block kind",)))
    progress.finish()
    text = out.getvalue()
    assert "\n" not in text.split("2 workers\n", 1)[1], "after the first line, updates rewrite the same line"
    assert "[1/2] 0 failed  ETA " in text
    assert "[2/2] 1 failed  ETA 0:00" in text
    assert err.getvalue() == "failed     b.yaml\n  b.yaml:3:5: unknown block kind\n"


# --- the volume's renaming of named destinations ------------------------------------------------------------------


def make_linked_pdf(path: Path, pages: int, target: int, *, action: bool) -> Path:
    """Blank pages; named destination "art" on page `target`; a link to it on page 0 (as /Dest or a GoTo action)."""
    writer = PdfWriter()
    for k in range(pages):
        writer.add_blank_page(200 + k, 300)
    writer.add_named_destination("art", target)
    link = DictionaryObject({
        NameObject("/Type"): NameObject("/Annot"), NameObject("/Subtype"): NameObject("/Link"),
        NameObject("/Rect"): ArrayObject([NumberObject(0), NumberObject(0), NumberObject(50), NumberObject(20)]),
    })
    if action:
        link[NameObject("/A")] = DictionaryObject({NameObject("/S"): NameObject("/GoTo"),
                                                   NameObject("/D"): TextStringObject("art")})
    else:
        link[NameObject("/Dest")] = TextStringObject("art")
    writer.add_annotation(0, link)
    section = writer.add_outline_item(title="栏目", page_number=0, fit=Fit.fit())
    writer.add_outline_item(title="文章", page_number=target, parent=section, fit=Fit.xyz(0, 100, 0))
    writer.write(path)
    return path


def test_named_destinations_are_renamed_per_issue_and_links_follow(tmp_path: Path) -> None:
    first = make_linked_pdf(tmp_path / "first.pdf", pages=3, target=1, action=False)
    second = make_linked_pdf(tmp_path / "second.pdf", pages=4, target=2, action=True)
    issues = [VolumeIssue(second, "第二期", 2019, "2"), VolumeIssue(first, "第一期", 2019, "1")]
    pdf, pages = compose_volume(issues, title="合订本")
    assert compose_volume(issues, title="合订本") == (pdf, pages), "the volume's bytes are reproducible"
    volume = PdfReader(io.BytesIO(pdf))
    assert pages == len(volume.pages) == 7
    names = {name: volume.get_destination_page_number(dest) for name, dest in volume.named_destinations.items()}
    assert names == {"1/art": 1, "2/art": 3 + 2}
    first_link = volume.pages[0]["/Annots"][0].get_object()
    second_link = volume.pages[3]["/Annots"][0].get_object()
    assert first_link["/Dest"] == "1/art"
    assert second_link["/A"]["/D"] == "2/art"
    heads = [item for item in volume.outline if not isinstance(item, list)]
    assert [(h.title, volume.get_destination_page_number(h)) for h in heads] == [("第一期", 0), ("第二期", 3)]
    articles = [(c.title, volume.get_destination_page_number(c)) for item in volume.outline
                if isinstance(item, list) for c in item]
    assert articles == [("文章", 1), ("文章", 5)]
    assert volume.page_labels == ["1-1", "1-2", "1-3", "2-1", "2-2", "2-3", "2-4"]


def test_issue_order_compares_numbers_as_numbers() -> None:
    issues = [VolumeIssue(Path(f"{n}.pdf"), n, year, n) for year, n in [(2019, "10"), (2018, "0700"), (2019, "9")]]
    assert [(i.year, i.number) for i in order_issues(issues)] == [(2018, "0700"), (2019, "9"), (2019, "10")]
