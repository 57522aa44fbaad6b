"""No traceback, ever: every command fed broken inputs answers in a line or two and an exit code; an unexpected
exception is one line that says what failed and where and asks for a bug report (the traceback with --debug)."""

from __future__ import annotations

import os
import shutil
import struct
import subprocess
import sys
import zlib
from pathlib import Path

import pytest

from layout.cli import main

ISSUES = Path(__file__).resolve().parent.parent / "issues"


@pytest.fixture(scope="module")
def broken(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A folder of inputs as careless or hostile users hand them over."""
    folder = tmp_path_factory.mktemp("broken")
    shutil.copy(ISSUES / "bulletin.yaml", folder / "bulletin.yaml")
    files = {
        "missing": folder / "nope.yaml",
        "folder": folder / "sub",
        "empty": folder / "empty.yaml",
        "binary": folder / "binary.yaml",
        "list": folder / "list.yaml",
        "utf16": folder / "utf16.yaml",
        "bidi": folder / "bidi.yaml",
        "bomb": folder / "bomb.yaml",
        "pdf-text": folder / "text.pdf",
        "pdf-cut": folder / "cut.pdf",
        "theme-garbage": folder / "theme.yaml",
        "publication-garbage": folder / "pub.yaml",
        "file": folder / "a-file",
        "pdf-half": folder / "half.pdf",
        "manifest-folder": folder / "out-manifest-is-a-folder",
    }
    files["folder"].mkdir()
    files["empty"].write_bytes(b"")
    files["binary"].write_bytes(bytes(range(256)) * 16)
    files["list"].write_text("- 1\n- 2\n", encoding="utf-8")
    files["utf16"].write_bytes("issue: {year: 2018}\n".encode("utf-16"))
    files["bidi"].write_text(
        'issue: {year: 2018, number: "01"}\nsections:\n  - title: 政\u202e策\n    articles:\n'
        "      - title: 标题\n        blocks: [正文。]\n", encoding="utf-8")  # fmt: skip
    header = b"IHDR" + struct.pack(">IIBBBBB", 30000, 30000, 8, 0, 0, 0, 0)  # 900 megapixels claimed
    crc = struct.pack(">I", zlib.crc32(header))
    (folder / "bomb.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\r" + header + crc)
    files["bomb"].write_text(
        'issue: {year: 2018, number: "01"}\nsections:\n  - title: 政策\n    articles:\n'
        "      - title: 标题\n        blocks: [{image: {path: bomb.png}}]\n", encoding="utf-8")  # fmt: skip
    files["pdf-text"].write_text("this is not a PDF\n", encoding="utf-8")
    files["pdf-cut"].write_bytes(b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n")
    files["theme-garbage"].write_text("parent: [1, 2\nmargins: {{{\n", encoding="utf-8")
    files["publication-garbage"].write_text(": : :\n\x00\n", encoding="utf-8")
    files["file"].write_text("in the way\n", encoding="utf-8")
    from reportlab.pdfgen.canvas import Canvas

    canvas = Canvas(str(folder / "whole.pdf"))
    canvas.drawString(72, 720, "page one")
    canvas.showPage()
    canvas.save()
    whole = (folder / "whole.pdf").read_bytes()
    files["pdf-half"].write_bytes(whole[: len(whole) // 2])
    (files["manifest-folder"] / ".bulletin-manifest.json").mkdir(parents=True)
    return files


def sweep(broken: dict[str, Path]) -> list[list[str]]:
    b = {key: str(path) for key, path in broken.items()}
    sources = [b[k] for k in ("missing", "folder", "empty", "binary", "list", "utf16", "bidi", "bomb")]
    runs = []
    for source in sources:
        runs += [["render", source, "-o", str(Path(b["file"]) / "x.pdf")], ["check", source], ["fonts", source]]
    runs += [
        ["render", str(ISSUES / "2018-0602.yaml"), "-o", str(Path(b["file"]) / "sub" / "x.pdf")],
        ["render", str(ISSUES / "2018-0602.yaml"), "--theme", b["theme-garbage"], "-o", b["folder"]],
        ["render", str(ISSUES / "2018-0602.yaml"), "--publication", b["publication-garbage"], "-o", b["folder"]],
        ["check", str(ISSUES / "2018-0602.yaml"), "--theme", b["binary"]],
        ["fonts", "--theme", b["theme-garbage"]],
        ["fonts", "--publication", b["publication-garbage"]],
        ["fonts", "--theme", "no-such-theme"],
        ["batch", b["missing"], "-o", b["folder"]],
        ["batch", b["bidi"], b["bomb"], "-o", b["file"]],
        ["batch", b["bidi"], "-o", b["folder"], "--theme", b["theme-garbage"]],
        ["batch", str(ISSUES), "-o", b["folder"], "--publication", b["publication-garbage"], "-j", "1"],
        ["batch", str(ISSUES / "2018-0602.yaml"), "-o", b["manifest-folder"], "-j", "1"],
    ]
    for source in (b["missing"], b["folder"], b["empty"], b["binary"], b["pdf-half"], b["pdf-text"]):
        runs += [["import", source, "-o", str(Path(b["folder"]) / "imported.yaml")],
                 ["new", "--from", source, "-o", str(Path(b["folder"]) / "next.yaml")]]  # fmt: skip
    runs += [
        ["import", str(ISSUES / "2018-0602.yaml"), "-o", str(Path(b["file"]) / "x.yaml")],
        ["new", "--from", str(ISSUES / "2018-0602.yaml"), "-o", str(Path(b["file"]) / "x.yaml")],
        ["new", "--from", str(ISSUES / "2018-0602.yaml"), "--date", "2018-02-30", "-o", b["folder"]],
        ["schema", "--write", b["file"]],
    ]
    for pdf in (b["missing"], b["folder"], b["pdf-text"], b["pdf-cut"], b["binary"], b["pdf-half"]):
        runs += [["snapshot", pdf], ["diff", pdf, b["pdf-cut"]], ["diff", b["pdf-text"], pdf, "--images", b["file"]]]
    return runs


def test_every_command_answers_broken_input_without_a_traceback(
    broken: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    failures = []
    for argv in sweep(broken):
        try:
            code = main(argv)
        except SystemExit as exc:  # argparse's own refusals
            code = exc.code if isinstance(exc.code, int) else 2
        except BaseException as exc:  # any escape is what this test looks for
            failures.append(f"{' '.join(argv)}: raised {type(exc).__name__}: {exc}")
            continue
        err = capsys.readouterr().err
        if "Traceback" in err or "internal error" in err or code not in (1, 2):
            failures.append(f"{' '.join(argv)}: exit {code}\n{err}")
    assert not failures, "\n".join(failures)


def test_an_unexpected_exception_is_one_line_asking_for_a_bug_report(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from layout.commands import check

    def explode(*args: object, **kwargs: object) -> object:
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(check, "check_source", explode)
    assert main(["check", str(ISSUES / "2018-0602.yaml")]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert err.startswith("bulletin check: internal error: ZeroDivisionError: division by zero (at ")
    assert "test_no_traceback.py:" in err
    assert "please report" in err
    assert "--debug" in err
    with pytest.raises(ZeroDivisionError):
        main(["--debug", "check", str(ISSUES / "2018-0602.yaml")])
    with pytest.raises(ZeroDivisionError):
        main(["check", "--debug", str(ISSUES / "2018-0602.yaml")])


def test_the_installed_command_shows_the_traceback_only_with_debug(tmp_path: Path) -> None:
    """In a real process: a fault no command expects (the images folder is a file) is one line and exit 1."""
    from reportlab.pdfgen.canvas import Canvas

    for name, words in (("old.pdf", "before"), ("new.pdf", "after")):
        canvas = Canvas(str(tmp_path / name), invariant=1)
        canvas.drawString(72, 720, words)
        canvas.save()
    (tmp_path / "in-the-way").write_text("a file\n", encoding="utf-8")
    command = [sys.executable, "-m", "layout", "diff", str(tmp_path / "old.pdf"), str(tmp_path / "new.pdf"),
               "--images", str(tmp_path / "in-the-way" / "images")]  # fmt: skip
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, env=env)
    assert (done.returncode, done.stderr.count("\n")) == (1, 1), done.stderr
    assert "Traceback" not in done.stderr
    assert "in-the-way" in done.stderr
    debug = subprocess.run([*command[:3], "--debug", *command[3:]], capture_output=True, text=True, timeout=120,
                           env=env)  # fmt: skip
    assert debug.returncode == 1
    assert "Traceback (most recent call last)" in debug.stderr
