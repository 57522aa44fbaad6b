"""The docs hold on a fresh machine: every file they name exists in the repository, every `bulletin` command
they show exists (and every full command line parses), the numbers about the sample are true, and every
example message in the source format's error table is one that `bulletin check` really prints."""

from __future__ import annotations

import io
import re
import shlex
import struct
import zlib
from pathlib import Path

import pytest
from PIL import Image

from layout.check import check_source
from layout.cli import build_parser, main
from layout.errors import Diagnostic

REPO = Path(__file__).resolve().parents[1]
DOCS = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md")), REPO / "benchmarks" / "README.md",
        REPO / "fonts" / "README.md"]
SAMPLE = REPO / "issues" / "2018-0602.yaml"

TOKEN = re.compile(r"`([^`\n]+)`")
LINK = re.compile(r"\]\(([^)\s]+)\)")
PATH_WORD = re.compile(r"^[\w.\-/]+$")
CHECKED_SUFFIXES = (".md", ".py", ".txt", ".ttf", ".otf", ".typ", ".json", ".png", ".toml")
# Paths the docs name that are made by running something, not kept in the repository.
GENERATED = ("out/", "fonts/cache/", "issues/2018-0609.yaml")


def doc_id(path: Path) -> str:
    return str(path.relative_to(REPO))


def named_paths(text: str) -> set[str]:
    """Repository paths a doc names: link targets, and `code` words that are paths (placeholders left out)."""
    found = {m.group(1) for m in LINK.finditer(text) if not m.group(1).startswith(("http://", "https://", "#"))}
    for m in TOKEN.finditer(text):
        for word in m.group(1).split():
            if not PATH_WORD.match(word) or word.startswith(("/", "../", ".")) or word in ("OS/2",):
                continue
            if "/" in word or word.endswith(CHECKED_SUFFIXES):
                found.add(word)
    return found


@pytest.mark.parametrize("doc", DOCS, ids=doc_id)
def test_every_file_a_doc_names_exists(doc: Path) -> None:
    missing = []
    for name in sorted(named_paths(doc.read_text(encoding="utf-8"))):
        if name.startswith(GENERATED) or re.search(r"[A-Z]{3,}|<|\*", name):  # generated, or a placeholder
            continue
        if "/" in name:
            exists = any((base / name).exists() for base in (REPO, doc.parent, REPO / "layout"))
        else:  # a bare file name: somewhere in the repository
            exists = any(REPO.glob(f"**/{name}"))
        if not exists:
            missing.append(name)
    assert not missing, f"{doc_id(doc)} names files the repository does not have: {missing}"


def test_the_set_up_commands_are_what_ci_runs() -> None:
    """The README's set-up: a venv first, then the two commands; CI runs the test command verbatim."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    setup = readme.partition("## Set up")[2].partition("\n## ")[0]
    commands = [line for block in re.findall(r"```sh\n(.*?)```", setup, re.S) for line in block.splitlines()
                if line and not line.startswith("#")]
    assert commands == ["python3 -m venv .venv && . .venv/bin/activate", "pip install -e . && bulletin render",
                        "pip install -e '.[test]' && python -m pytest -q"]
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert commands[2] in ci


def shown_commands(text: str) -> list[str]:
    """`bulletin …` command lines in code blocks, without comments, pipes and redirections."""
    lines = []
    for language, block in re.findall(r"```(\w*)\n(.*?)```", text, re.S):
        if language not in ("", "sh", "bash", "console", "shell"):
            continue
        for line in block.splitlines():
            for part in re.split(r"&&|;|\bdo\b", line):
                part = part.strip()
                if part.startswith("bulletin "):
                    lines.append(re.split(r"\s+#|\s\||\s>", part)[0].strip())
    return lines


def subcommands() -> set[str]:
    parser = build_parser()
    action = next(a for a in parser._actions if a.dest == "command")
    return set(action.choices or ())


@pytest.mark.parametrize("doc", DOCS, ids=doc_id)
def test_every_command_a_doc_shows_exists(doc: Path) -> None:
    text = doc.read_text(encoding="utf-8")
    known = subcommands()
    for word in re.findall(r"`bulletin ([a-z][\w-]*|--[a-z]+)", text):
        assert word in known or word in ("--help", "--version"), f"{doc_id(doc)}: no command 'bulletin {word}'"
    for line in shown_commands(text):
        words = shlex.split(line.replace("[", "").replace("]", "").replace("...", ""))
        build_parser().parse_args(words[1:])  # exits (fails the test) when the line does not parse


def test_the_documented_render_line_is_the_real_one(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    documented = re.search(r"`(out/2018-0602\.pdf  \d+ pages  [\d.]+ s)`", readme)
    assert documented, "the README shows what bulletin render prints"
    (tmp_path / "issues").mkdir()
    for name in ("2018-0602.yaml", "bulletin.yaml"):
        (tmp_path / "issues" / name).write_bytes((REPO / "issues" / name).read_bytes())
    monkeypatch.chdir(tmp_path)
    assert main(["render"]) == 0
    real = capsys.readouterr().out.strip()
    assert re.sub(r"[\d.]+ s$", "T s", real) == re.sub(r"[\d.]+ s$", "T s", documented.group(1))
    pages = re.search(r"(\d+) pages", real)
    assert pages
    for doc in DOCS:  # every "N-page sample" / "sample … (N pages)" agrees
        text = doc.read_text(encoding="utf-8")
        claims = r"(\d+)-page sample|sample issue \((\d+) pages\)|out/2018-0602\.pdf, (\d+) pages"
        for claim in re.findall(claims, text):
            assert pages.group(1) in claim, f"{doc_id(doc)} says {claim}, the sample renders {pages.group(1)} pages"


# --- the error table of docs/source-format.md ----------------------------------------------------------------
PUBLICATION = "publisher: 北京关键要素科技有限公司\nmasthead: 快讯\ncontact:\n  phone: '62227852'\nfooter: [页脚]\n"
ISSUE = ('issue:\n  year: 2018\n  number: "0602"\nsections:\n  - title: 政策文件\n    articles:\n'
         "      - title: 通知\n        blocks:\n{blocks}")
BLOCK = "          - {}\n"
# Inputs that give the documented messages: (file name, text or bytes), with the sample publication beside it.
ISSUES: list[tuple[str, str | bytes]] = [
    ("gbk.yaml", ISSUE.format(blocks=BLOCK.format("政策")).encode("gbk")),
    ("tabs.yaml", ISSUE.format(blocks=BLOCK.format("关于\t通知")).replace("  year", "\tyear")),
    ("control.yaml", ISSUE.format(blocks=BLOCK.format("甲\x07乙"))),
    ("escape.yaml", ISSUE.format(blocks=BLOCK.format('"甲\\x07乙"'))),
    ("indent-more.yaml", 'issue:\n  year: 2018\n   number: "0602"\n'),
    ("indent-less.yaml", 'issue:\n  year: 2018\n number: "0602"\n'),
    ("folded.yaml", ISSUE.format(blocks="          - 正文一\n           - 正文二\n")),
    ("dash.yaml", "blocks:\n  - 正文一\n  正文二\n"),
    ("colon.yaml", "title: 通知: 关于开展活动\n"),
    ("quote.yaml", 'title: "关于通知\n'),
    ("bracket.yaml", "list: [甲, 乙\nnext: 1\n"),
    ("alias.yaml", "a: *missing\n"),
    ("duplicate.yaml", ISSUE.replace("  number:", "  year: 2019\n  number:").format(blocks=BLOCK.format("正文"))),
    ("unknown-key.yaml", ISSUE.replace("issue:", "isue:").format(blocks=BLOCK.format("正文"))),
    ("missing-title.yaml", ISSUE.replace("- title: 通知\n        blocks", "- blocks").format(blocks=BLOCK.format("x"))),
    ("empty-blocks.yaml", ISSUE.replace("blocks:\n", "blocks: []\n").format(blocks="")),
    ("list-title.yaml", ISSUE.replace("title: 通知", "title: [通, 知]").format(blocks=BLOCK.format("正文"))),
    ("merge.yaml", ISSUE.replace("  year: 2018", "  <<: {{year: 2018}}").format(blocks=BLOCK.format("正文"))),
    ("year.yaml", ISSUE.replace("year: 2018", 'year: "2018"').format(blocks=BLOCK.format("正文"))),
    ("number.yaml", ISSUE.replace('"0602"', "0602").format(blocks=BLOCK.format("正文"))),
    ("date.yaml", ISSUE.replace("sections:", "  date: 2018-02-30\nsections:").format(blocks=BLOCK.format("正文"))),
    ("date-form.yaml", ISSUE.replace("sections:", "  date: 2018/06/04\nsections:").format(blocks=BLOCK.format("x"))),
    ("blocks.yaml", ISSUE.format(blocks="".join(BLOCK.format(b) for b in (
        "paragraf: 正文", "plain: 甲\n            heading: 乙", "heading: 一\n            levle: 2",
        "heading: 一\n            level: 4", "links: [见附件]", "image: {path: /tmp/a.png}",
        "image: {path: ../../a.png}", "image: {path: missing.png}", "image: {path: a.png}",
        "image: {path: qr.png, width: 40px}", "!!python/object:os.system x", "{<<: {p: 甲}}")))),
    ("bidi.yaml", ISSUE.format(blocks=BLOCK.format("正文\u202e。"))),
    ("soft-hyphen.yaml", ISSUE.format(blocks=BLOCK.format('"正文\\u00ad。"'))),
    ("images.yaml", ISSUE.format(blocks=BLOCK.format("image: {path: big.png}") + BLOCK.format("image: {path: a.jpg}"))),
    ("rare.yaml", ISSUE.format(blocks=BLOCK.format("正文𠀀。"))),
    ("too-tall.yaml", ISSUE.format(blocks=BLOCK.format("table: {header: [a, b], rows: [[1, %s]]}" % ("长" * 3000)))),
    ("table.yaml", ISSUE.format(blocks=BLOCK.format(
        "table: {header: [a, b, c, d, e], rows: [[1, 2, 3, 4, 5], [1, 2, 3, 4, 5], [1, 2, 3, 4]]}")
        + BLOCK.format("table: {header: [a, b, c, d, e], rows: [[1, 2, 3, 4, 5]], widths: [1, 2, 3, 4]}")
        + BLOCK.format("table: {header: [a, b], rows: [[1, 2]], align: [centre, left]}"))),
]
PUBLICATIONS: list[str] = [
    PUBLICATION.replace("[页脚]", "['{contact.phon}', '}']"),
    PUBLICATION + "theme: fancy\n",
]


def real_messages(tmp_path: Path) -> list[Diagnostic]:
    folder = tmp_path / "issues"
    folder.mkdir()
    (folder / "bulletin.yaml").write_text(PUBLICATION, encoding="utf-8")
    (folder / "a.png").write_bytes(b"GIF89a" + bytes(32))
    (folder / "qr.png").write_bytes((REPO / "tests" / "cases" / "loader" / "qr.png").read_bytes())
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    size = struct.pack(">IIBBBBB", 12000, 12000, 8, 0, 0, 0, 0)  # check reads the header, never these pixels
    (folder / "big.png").write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", size) + chunk(b"IDAT", zlib.compress(b"\0"))
                                     + chunk(b"IEND", b""))  # fmt: skip
    photo = io.BytesIO()
    Image.effect_mandelbrot((200, 100), (-2.0, -1.5, 1.0, 1.5), 40).convert("RGB").save(photo, "JPEG")
    (folder / "a.jpg").write_bytes(photo.getvalue()[: len(photo.getvalue()) // 2])
    found: list[Diagnostic] = []
    for name, content in ISSUES:
        path = folder / name
        path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
        found += check_source(Path("issues") / name)
    inline = ISSUE.format(blocks=BLOCK.format("正文")) + "publication:\n" + "".join(
        f"  {line}\n" for line in PUBLICATION.splitlines())
    (folder / "inline.yaml").write_text(inline, encoding="utf-8")
    found += check_source(Path("issues/inline.yaml"))
    lonely = tmp_path / "lonely"
    lonely.mkdir()
    (lonely / "x.yaml").write_text(ISSUE.format(blocks=BLOCK.format("正文")), encoding="utf-8")
    found += check_source(Path("lonely/x.yaml"))
    for k, text in enumerate(PUBLICATIONS):
        (tmp_path / f"p{k}").mkdir()
        (tmp_path / f"p{k}" / "bulletin.yaml").write_text(text, encoding="utf-8")
        found += check_source(Path(f"p{k}/bulletin.yaml"))
    return found


def documented_messages() -> list[str]:
    text = (REPO / "docs" / "source-format.md").read_text(encoding="utf-8")
    table = text.partition("\n## Errors")[2].partition("\n## ")[0]
    rows = [line for line in table.splitlines() if line.startswith("| ") and not line.startswith("| problem")]
    return [m.group(1) for row in rows for m in TOKEN.finditer(row.partition(" | ")[2])]


def test_the_error_table_is_long() -> None:
    assert len(documented_messages()) > 30


def test_every_documented_message_is_a_real_one(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    real = real_messages(tmp_path)
    forms = {d.message for d in real} | {f"{d.message} ({d.hint})" for d in real if d.hint}
    unmatched = []
    for documented in documented_messages():
        pattern = re.compile(".*?".join(re.escape(part) for part in documented.split("…")))
        if not any(pattern.fullmatch(form) for form in forms):
            unmatched.append(documented)
    assert not unmatched, "documented messages bulletin check does not print:\n" + "\n".join(unmatched) + \
        "\n\nreal ones:\n" + "\n".join(sorted(forms))
