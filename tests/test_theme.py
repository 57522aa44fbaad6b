"""Themes: inheritance (deep merge), the schema's types and ranges, relations, positions, containment of
parent and font paths, `system:` fonts, unusable font files, the theme cache, the JSON Schema and the docs."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import jsonschema
import pytest
import yaml
from fontfactory import build_truetype_font, save_font

from layout.cli import main
from layout.errors import SourceError
from layout.fonts.registry import reset_reportlab
from layout.theme import Theme, clear_theme_cache, font_problems, load_theme
from layout.theme_schema import MAX_PARENTS, json_schema, markdown, walk
from layout.themeref import THEMES_DIR

REPO = Path(__file__).resolve().parent.parent
MM = 72 / 25.4


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("BULLETIN_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.chdir(tmp_path)  # messages name files relative to the working folder
    clear_theme_cache()
    reset_reportlab()
    yield
    clear_theme_cache()
    reset_reportlab()


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def problems(path: Path, root: Path | None = None) -> list[str]:
    with pytest.raises(SourceError) as info:
        load_theme(path, root=root)
    return info.value.report().splitlines()


def only_problem(text: str) -> str:
    (problem,) = problems(write(Path("t.yaml").resolve(), text))
    return problem


# --- inheritance ---------------------------------------------------------------------------------------


def test_inheritance_order_child_over_parent_over_grandparent(tmp_path: Path) -> None:
    write(tmp_path / "base.yaml", "parent: default\npage:\n  margin_top: 20mm\n  margin_bottom: 20mm\n"
                                  "styles:\n  body: {size: 11pt}\n")
    top = write(tmp_path / "top.yaml", "parent: base.yaml\npage:\n  margin_top: 30mm\n")
    theme = load_theme(top)
    default = load_theme("default")
    assert theme.page.margin_top == pytest.approx(30 * MM)  # the child wins
    assert theme.page.margin_bottom == pytest.approx(20 * MM)  # then its parent
    assert theme.page.margin_inner == default.page.margin_inner  # then the grandparent
    assert theme.styles["body"].size == 11
    assert theme.styles["plain"].size == 11  # a style inheriting body follows it
    assert theme.files == (top, tmp_path / "base.yaml", THEMES_DIR / "default.yaml")


def test_a_child_overrides_single_keys_of_a_style(tmp_path: Path) -> None:
    theme = load_theme(write(tmp_path / "t.yaml", "parent: default\nstyles:\n  masthead_title: {size: 50pt}\n"))
    title, default = theme.styles["masthead_title"], load_theme("default").styles["masthead_title"]
    assert title.size == 50
    assert (title.font, title.color, title.letter_spacing, title.leading) == (
        default.font, default.color, default.letter_spacing, default.leading)


def test_a_font_entry_is_replaced_whole(tmp_path: Path) -> None:
    save_font(build_truetype_font(), tmp_path / "f" / "Test.ttf")
    write(tmp_path / "base.yaml", "parent: default\nfonts:\n  song: {file: NotoSerifSC-Regular.ttf, index: 0, "
                                  "synthetic_bold: true}\n")
    theme = load_theme(write(tmp_path / "t.yaml", "parent: base.yaml\nfonts:\n  song: {file: f/Test.ttf}\n"))
    spec = theme.font_specs["song"]
    assert (spec.path, spec.index, spec.synthetic_bold) == (tmp_path / "f" / "Test.ttf", None, False)


def test_the_shipped_theme_is_unchanged_by_a_child_that_adds_nothing(tmp_path: Path) -> None:
    theme = load_theme(write(tmp_path / "t.yaml", "parent: default\n"))
    default = load_theme("default")
    for name in ("page", "colors", "rules", "spacing", "font_specs", "roles", "styles", "table", "toc"):
        assert getattr(theme, name) == getattr(default, name)


# --- parent chains -------------------------------------------------------------------------------------


def test_a_parent_cycle_is_refused_where_it_closes(tmp_path: Path) -> None:
    write(tmp_path / "a.yaml", "parent: b.yaml\n")
    write(tmp_path / "b.yaml", "page:\n  margin_top: 20mm\nparent: a.yaml\n")
    assert problems(tmp_path / "a.yaml") == [
        "b.yaml:3:9: theme `parent:` chain loops: a.yaml → b.yaml → a.yaml (a theme cannot inherit from itself)"]


def test_a_theme_that_is_its_own_parent_is_refused(tmp_path: Path) -> None:
    assert problems(write(tmp_path / "a.yaml", "parent: ./a.yaml\n")) == [
        "a.yaml:1:9: theme `parent:` chain loops: a.yaml → a.yaml (a theme cannot inherit from itself)"]


def test_a_parent_chain_deeper_than_the_limit_is_refused(tmp_path: Path) -> None:
    write(tmp_path / "t0.yaml", "parent: default\n")
    for i in range(1, MAX_PARENTS + 1):
        write(tmp_path / f"t{i}.yaml", f"parent: t{i - 1}.yaml\n")
    assert load_theme(tmp_path / f"t{MAX_PARENTS - 2}.yaml").name == f"t{MAX_PARENTS - 2}"  # 8 files: fine
    (problem,) = problems(tmp_path / f"t{MAX_PARENTS}.yaml")
    assert problem == f"t1.yaml:1:9: theme `parent:` chain is deeper than {MAX_PARENTS} themes"


def test_a_style_parent_cycle_is_refused(tmp_path: Path) -> None:
    text = "parent: default\nstyles:\n  body: {parent: plain}\n  plain: {parent: body}\n"
    found = problems(write(tmp_path / "t.yaml", text))
    assert "t.yaml:4:19: style `parent:` chain loops: body → plain → body" in found


def test_an_unknown_parent_theme_is_refused_with_a_suggestion(tmp_path: Path) -> None:
    assert only_problem("parent: defualt\n") == (
        "t.yaml:1:9: parent: unknown theme 'defualt'; shipped themes: default (did you mean 'default'?)")


# --- unknown options -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("parent: default\nstyles:\n  body: {colr: text}\n",
         "t.yaml:3:10: unknown key 'colr' in styles.body (did you mean 'color'?)"),
        ("parent: default\npage:\n  margin_left: 20mm\n",
         "t.yaml:3:3: unknown key 'margin_left' in page (did you mean 'margin_top'?)"),
        ("parent: default\nfonts:\n  song: {file: NotoSerifSC-Regular.ttf, wieght: 400}\n",
         "t.yaml:3:41: unknown key 'wieght' in fonts.song (did you mean 'weight'?)"),
        ("parent: default\nfont:\n  song: {file: x.ttf}\n",
         "t.yaml:2:1: unknown key 'font' in the theme (did you mean 'fonts'?)"),
        ("parent: default\nrules:\n  footer: 1pt\n",
         "t.yaml:3:3: unknown key 'footer' in rules (known keys: masthead, masthead_thin, header, table, closing)"),
        ("parent: default\nstyles:\n  heading_1: {size: 12pt}\n",
         "t.yaml:3:3: style `heading_1` is not used: the layout prints only the styles in docs/theme.md, and no "
         "style inherits from it (did you mean 'heading1'?)"),
    ],
)
def test_unknown_options_are_refused(text: str, expected: str) -> None:
    assert only_problem(text) == expected


def test_a_style_only_used_as_a_parent_is_allowed(tmp_path: Path) -> None:
    text = "parent: default\nstyles:\n  quiet: {parent: body, color: header}\n  caption: {parent: quiet}\n"
    caption = load_theme(write(tmp_path / "t.yaml", text)).styles["caption"]
    assert (caption.color, caption.size) == ("header", 10.5)  # from quiet, and caption's own size kept


# --- types and ranges ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("toc:\n  leader_gap: 0", "t.yaml:3:15: toc.leader_gap must be at least 0.1 (got 0)"),
        ("toc:\n  leader_gap: -1", "t.yaml:3:15: toc.leader_gap must be at least 0.1 (got -1)"),
        ("toc:\n  number_width: 0", "t.yaml:3:17: toc.number_width must be greater than 0 (got 0)"),
        ("page:\n  margin_top: .nan", "t.yaml:3:15: page.margin_top must be a finite number (got .nan)"),
        ("page:\n  margin_top: .inf", "t.yaml:3:15: page.margin_top must be a finite number (got .inf)"),
        ("page:\n  margin_inner: -5mm", "t.yaml:3:17: page.margin_inner must be at least 0 (got -5mm)"),
        ("page:\n  size: [100000mm, 297mm]", "t.yaml:3:10: page.size.0 must be at most 1200mm (got 100000mm)"),
        ("page:\n  size: [210mm, 10mm]", "t.yaml:3:17: page.size.1 must be at least 50mm (got 10mm)"),
        ("page:\n  size: 210mm", "t.yaml:3:9: page.size must be [width, height], e.g. [210mm, 297mm], not the "
                                 "text '210mm'"),
        ("page:\n  footer_leading: 0", "t.yaml:3:19: page.footer_leading must be greater than 0 (got 0)"),
        ("page:\n  page_number_inset: 1pt", "t.yaml:3:22: page.page_number_inset must be in em, such as 2 or 2em, "
                                            "not the text '1pt'"),
        ("styles:\n  body: {size: 0}", "t.yaml:3:16: styles.body.size must be at least 4pt (got 0)"),
        ("styles:\n  body: {size: -3pt}", "t.yaml:3:16: styles.body.size must be at least 4pt (got -3pt)"),
        ("styles:\n  body: {size: 2000pt}", "t.yaml:3:16: styles.body.size must be at most 300pt (got 2000pt)"),
        ("styles:\n  body: {size: twelve}", "t.yaml:3:16: styles.body.size is not a length: invalid length "
                                            "'twelve': write a number with a unit, such as 40mm, 1.5cm, 12pt or "
                                            "0.5in (a bare number is points)"),
        ("styles:\n  body: {size: yes}", "t.yaml:3:16: styles.body.size must be a length such as 12pt or 25mm, not "
                                         "the yes/no value yes"),
        ("styles:\n  body: {leading: 0}", "t.yaml:3:19: styles.body.leading must be at least 4pt (got 0)"),
        ("styles:\n  body: {first_indent: -1}", "t.yaml:3:24: styles.body.first_indent must be at least 0 (got -1)"),
        ("styles:\n  body: {align: middle}", "t.yaml:3:17: styles.body.align must be one of justify, left, center, "
                                             "right, not the text 'middle'"),
        ("table:\n  padding: -1pt", "t.yaml:3:12: table.padding must be at least 0 (got -1pt)"),
        ("spacing:\n  image: -6pt", "t.yaml:3:10: spacing.image must be at least 0 (got -6pt)"),
        ("rules:\n  table: 0", "t.yaml:3:10: rules.table must be greater than 0 (got 0)"),
        ("colors:\n  text: [0, 0, 0, 2]", "t.yaml:3:9: colors.text must be CMYK [c, m, y, k] with values 0-1 (got "
                                          "the number 2)"),
        ("colors:\n  text: [0, -0.5, 0, 1]", "t.yaml:3:9: colors.text must be CMYK [c, m, y, k] with values 0-1 "
                                             "(got the number -0.5)"),
        ("colors:\n  text: [0, 0, 1]", "t.yaml:3:9: colors.text must be CMYK [c, m, y, k] with values 0-1, not a "
                                       "list"),
        ("composition:\n  strictness: loose", "t.yaml:3:15: composition.strictness must be one of basic, gb, strict, "
                                              "not the text 'loose'"),
        ("composition:\n  min_last_line_han: 1.5", "t.yaml:3:22: composition.min_last_line_han must be a whole "
                                                   "number, not the number 1.5"),
        ("toc:\n  leader: '..'", "t.yaml:3:11: toc.leader must be one visible character, not the text '..'"),
        ("toc:\n  leader: ' '", "t.yaml:3:11: toc.leader is empty"),
        ("styles:\n  body: {color: grey}", "t.yaml:3:17: styles.body.color names unknown colour `grey` (colours: "
                                           "text, masthead, rule, header, link)"),
        ("styles:\n  body: {font: sans}", "t.yaml:3:16: styles.body.font names unknown font role `sans` (roles: "
                                          "body, body-bold, heading)"),
        ("fonts:\n  song: {file: NotoSerifSC-Regular.ttf, synthetic_bold: 1}",
         "t.yaml:3:57: fonts.song.synthetic_bold must be true or false, not the number 1"),
        ("fonts:\n  song: {file: NotoSerifSC-Regular.ttf, system: Noto Serif CJK SC}",
         "t.yaml:3:9: fonts.song needs exactly one of `file:` or `system:`"),
        ("fonts:\n  song: {index: 1}", "t.yaml:3:9: fonts.song needs exactly one of `file:` or `system:`"),
        ("roles:\n  body: []", "t.yaml:3:9: roles.body must name at least one font"),
    ],
)
def test_values_out_of_type_or_range_are_refused_where_written(text: str, expected: str) -> None:
    assert only_problem(f"parent: default\n{text}\n") == expected


def test_every_problem_is_reported_at_once() -> None:
    found = problems(write(Path("t.yaml").resolve(), "parent: default\npage:\n  margin_top: -1mm\n"
                                                     "toc:\n  leader_gap: 0\nstyles:\n  body: {size: 0}\n"))
    assert [line.split(": ", 1)[0] for line in found] == ["t.yaml:3:15", "t.yaml:5:15", "t.yaml:7:16"]


def test_a_problem_in_a_parent_file_points_into_that_file(tmp_path: Path) -> None:
    write(tmp_path / "base.yaml", "parent: default\ntoc:\n  leader_gap: 0\n")
    assert problems(write(tmp_path / "t.yaml", "parent: base.yaml\n")) == [
        "base.yaml:3:15: toc.leader_gap must be at least 0.1 (got 0)"]


def test_a_theme_without_a_parent_must_give_every_required_key(tmp_path: Path) -> None:
    default = (THEMES_DIR / "default.yaml").read_text(encoding="utf-8")
    found = problems(write(tmp_path / "t.yaml", default.replace("  margin_top: 28mm\n", "")))
    assert found == ["t.yaml:5:1: theme has no `page.margin_top` (from the top edge to the text block)"]
    found = problems(write(tmp_path / "t.yaml", default.replace("  masthead: [0, 1, 1, 0]", "")))
    assert any("theme has no colour `masthead` in colors" in line for line in found)


# --- relations -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("page:\n  size: [100mm, 100mm]\n  margin_inner: 40mm",
         "t.yaml:3:9: the margins leave a text block 38mm wide (page 100mm less margin_inner 40mm and margin_outer "
         "22mm); it must be at least 40mm (make the margins smaller or the page larger)"),
        ("page:\n  size: [60mm, 60mm]",
         "t.yaml:3:9: the margins leave a text block 12mm wide (page 60mm less margin_inner 26mm and margin_outer "
         "22mm); it must be at least 40mm (make the margins smaller or the page larger)"),
        ("page:\n  margin_bottom: 250mm",
         "t.yaml:3:18: the margins leave a text block 19mm tall (page 297mm less margin_top 28mm and margin_bottom "
         "250mm); it must be at least 40mm (make the margins smaller or the page larger)"),
        ("styles:\n  body: {size: 30pt}",
         "t.yaml:3:16: styles.body.leading 22pt is less than styles.body.size 30pt: the leading must be at least the "
         "size"),
        ("styles:\n  page_number: {leading: 10pt}",
         "t.yaml:3:26: styles.page_number.leading 10pt is less than styles.page_number.size 12pt: the leading must be "
         "at least the size"),
        ("page:\n  header_offset: 30mm",
         "t.yaml:3:18: the running header reaches 36.2mm above the text block (header_offset + header_rule_gap + the "
         "header's size), beyond margin_top 28mm: it would be cut off at the top of the page"),
        ("page:\n  footer_offset: 30mm",
         "t.yaml:3:18: page.footer_offset 30mm is more than page.margin_bottom 26mm: the footer would stand below "
         "the page"),
        ("styles:\n  masthead_title: {size: 250pt, leading: 260pt}",
         "t.yaml:3:26: style `masthead_title` leaves no room for text: 0em of indents and 2em of text at 250pt are "
         "wider than the text block (459.2pt)"),
        ("styles:\n  body: {leading: 900pt}",
         "t.yaml:3:19: styles.body.leading 900pt is taller than the text block (688.8pt)"),
        ("spacing:\n  image: 299pt\npage:\n  size: [210mm, 150mm]",
         "t.yaml:3:10: spacing.image 299pt is taller than the text block (272.1pt)"),
        ("toc:\n  min_leader: 20\n  number_width: 10\n  number_gap: 10",
         "t.yaml:3:15: contents entries need 484pt (indent, min_leader, number_width, number_gap and 2em of text at "
         "the toc_article size), more than the text block's width (459.2pt)"),
    ],
)
def test_relations_between_values(text: str, expected: str) -> None:
    assert expected in problems(write(Path("t.yaml").resolve(), f"parent: default\n{text}\n"))


def test_a_relation_points_at_the_value_the_child_theme_wrote(tmp_path: Path) -> None:
    # the parent's page is fine; the child's margin makes it too small, so the child's margin is the position
    write(tmp_path / "base.yaml", "parent: default\npage:\n  size: [100mm, 150mm]\n  margin_inner: 10mm\n")
    assert problems(write(tmp_path / "t.yaml", "parent: base.yaml\npage:\n  margin_outer: 55mm\n")) == [
        "t.yaml:3:17: the margins leave a text block 35mm wide (page 100mm less margin_inner 10mm and margin_outer "
        "55mm); it must be at least 40mm (make the margins smaller or the page larger)"]


# --- paths ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("parent", "expected"),
    [
        ("../outside.yaml", "t.yaml:1:9: parent theme '../outside.yaml' is outside the folders a theme may use"),
        ("/etc/passwd.yaml", "t.yaml:1:9: parent theme '/etc/passwd.yaml' is an absolute path"),
        ("~/x.yaml", "t.yaml:1:9: parent theme '~/x.yaml' is an absolute path"),
        ("missing.yaml", "t.yaml:1:9: parent theme 'missing.yaml' not found"),
    ],
)
def test_parent_paths_are_contained(tmp_path: Path, parent: str, expected: str) -> None:
    write(tmp_path / "outside.yaml", "parent: default\n")
    (problem,) = problems(write(tmp_path / "pub" / "t.yaml", f"parent: {parent}\n"), root=tmp_path / "pub")
    assert problem.replace("pub/", "").startswith(expected)


@pytest.mark.parametrize(
    ("file", "expected"),
    [
        ("../../../../../../usr/share/fonts/x.ttf", "is outside the folders a theme may use"),
        ("../outside.ttf", "is outside the folders a theme may use"),
        ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", "is an absolute path"),
        ("link/Test.ttf", "is outside the folders a theme may use"),  # a symlink out of the folder
        ("Missing.ttf", "is not one of the bundled fonts"),
        ("./missing.ttf", "not found"),
    ],
)
def test_font_paths_are_contained(tmp_path: Path, file: str, expected: str) -> None:
    save_font(build_truetype_font(), tmp_path / "outside.ttf")
    save_font(build_truetype_font(), tmp_path / "elsewhere" / "Test.ttf")
    (tmp_path / "pub").mkdir()
    (tmp_path / "pub" / "link").symlink_to(tmp_path / "elsewhere")
    theme = write(tmp_path / "pub" / "t.yaml", f"parent: default\nfonts:\n  song: {{file: '{file}'}}\n")
    (problem,) = problems(theme, root=tmp_path / "pub")
    assert problem.startswith("pub/t.yaml:3:16: font file ")
    assert expected in problem


def test_fonts_inside_the_publication_folder_and_bundled_fonts_are_allowed(tmp_path: Path) -> None:
    save_font(build_truetype_font(), tmp_path / "pub" / "fonts" / "Test.ttf")
    write(tmp_path / "pub" / "themes" / "base.yaml", "parent: default\nfonts:\n  song: {file: ../fonts/Test.ttf}\n")
    theme = load_theme(write(tmp_path / "pub" / "themes" / "t.yaml", "parent: base.yaml\n"), root=tmp_path / "pub")
    assert theme.font_specs["song"].path == tmp_path / "pub" / "fonts" / "Test.ttf"
    assert theme.font_specs["hei-bold"].path == REPO / "fonts" / "NotoSansSC-Bold.ttf"  # from the shipped parent


def test_font_paths_are_relative_to_the_theme_that_names_them(tmp_path: Path) -> None:
    save_font(build_truetype_font(), tmp_path / "pub" / "base" / "Test.ttf")
    write(tmp_path / "pub" / "base" / "base.yaml", "parent: default\nfonts:\n  song: {file: ./Test.ttf}\n")
    theme = load_theme(write(tmp_path / "pub" / "t.yaml", "parent: base/base.yaml\n"), root=tmp_path / "pub")
    assert theme.font_specs["song"].path == tmp_path / "pub" / "base" / "Test.ttf"


# --- system fonts by name ------------------------------------------------------------------------------


def stub_fc_match(folder: Path, family: str, file: Path) -> None:
    """An fc-match on PATH that answers every query with one font, as fontconfig would."""
    script = folder / "fc-match"
    script.write_text(f"#!/bin/sh\nprintf '%s\\n%s\\n%s\\n' '{family}' '{file}' 0\n", encoding="utf-8")
    script.chmod(0o755)


def test_a_system_font_is_found_by_name_with_fontconfig(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    font = save_font(build_truetype_font(family="Test Serif"), tmp_path / "system" / "TestSerif.ttf")
    stub_fc_match(tmp_path, "Test Serif,Test Serif Regular", font)
    monkeypatch.setenv("PATH", str(tmp_path))
    theme = load_theme(write(tmp_path / "pub" / "t.yaml", "parent: default\nfonts:\n  song: {system: test serif}\n"))
    assert theme.font_specs["song"].path == font  # outside every contained folder, reached by name only
    assert theme.chain("body").primary.family == "Test Serif"


def test_a_system_font_of_another_family_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    stub_fc_match(tmp_path, "DejaVu Sans", tmp_path / "DejaVuSans.ttf")
    monkeypatch.setenv("PATH", str(tmp_path))
    assert only_problem("parent: default\nfonts:\n  song: {system: Noto Serif CJK SC}\n") == (
        "t.yaml:3:18: font `song`: no installed font of the family 'Noto Serif CJK SC' (fontconfig's closest is "
        "'DejaVu Sans') (list installed fonts with fc-list : family)")


def test_a_system_font_without_fontconfig_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "empty").mkdir()
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    problem = only_problem("parent: default\nfonts:\n  song: {system: Noto Serif CJK SC}\n")
    assert problem.startswith("t.yaml:3:18: font `song`: system font 'Noto Serif CJK SC' needs fontconfig's fc-match, "
                              "which is not installed (install fontconfig")


# --- unusable font files -------------------------------------------------------------------------------


def truncated_font(path: Path) -> Path:
    data = save_font(build_truetype_font(), path).read_bytes()
    path.write_bytes(data[: len(data) // 2])
    return path


@pytest.mark.parametrize(
    "make",
    [
        lambda p: p.write_bytes(b"not a font at all, just text"),
        lambda p: p.write_bytes(b""),
        truncated_font,
        lambda p: p.write_bytes(b"\x00\x01\x00\x00" + b"\xff" * 200),  # a TrueType signature, then garbage
    ],
    ids=["garbage", "empty", "truncated", "bad-tables"],
)
def test_an_unusable_font_file_is_a_positioned_problem(tmp_path: Path, make: object) -> None:
    path = tmp_path / "f" / "Bad.ttf"
    path.parent.mkdir()
    make(path)  # type: ignore[operator]
    theme = load_theme(write(tmp_path / "t.yaml", "parent: default\nfonts:\n  song: {file: f/Bad.ttf}\n"))
    (problem,) = font_problems(theme)
    assert problem.format().startswith("t.yaml:3:16: font `song` cannot be used: ")


ISSUE = """\
issue:
  year: 2018
  number: "0001"
sections:
  - title: 政策文件
    articles:
      - title: 中文标题
        blocks:
          - 中文正文。
"""


@pytest.fixture
def publication(tmp_path: Path) -> Path:
    text = (REPO / "issues" / "bulletin.yaml").read_text(encoding="utf-8").replace("theme: default", "theme: t.yaml")
    write(tmp_path / "bulletin.yaml", text)
    return write(tmp_path / "i.yaml", ISSUE)


@pytest.mark.parametrize(
    ("theme", "expected"),
    [
        ("parent: default\ntoc:\n  leader_gap: 0\n", "t.yaml:3:15: toc.leader_gap must be at least 0.1 (got 0)"),
        ("parent: default\nfonts:\n  song: {file: f/Bad.ttf}\n", "t.yaml:3:16: font `song` cannot be used: "),
        ("parent: default\nfonts:\n  song: {file: ../../x.ttf}\n", "t.yaml:3:16: font file '../../x.ttf' is outside"),
    ],
)
def test_check_and_render_refuse_a_bad_theme_with_positions(
    tmp_path: Path, publication: Path, capsys: pytest.CaptureFixture[str], theme: str, expected: str
) -> None:
    write(tmp_path / "f" / "Bad.ttf", "garbage")
    write(tmp_path / "t.yaml", theme)
    assert main(["check", "i.yaml"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(expected)
    assert "Traceback" not in err
    assert main(["render", "i.yaml", "-o", "out.pdf"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(expected)
    assert "Traceback" not in err
    assert not (tmp_path / "out.pdf").exists()


# --- the cache -----------------------------------------------------------------------------------------


def test_a_changed_font_file_is_not_served_from_the_cache(tmp_path: Path) -> None:
    font = save_font(build_truetype_font(family="First"), tmp_path / "f" / "Test.ttf")
    path = write(tmp_path / "t.yaml", "parent: default\nfonts:\n  song: {file: f/Test.ttf}\n")
    first = load_theme(path)
    assert first.chain("body").primary.family == "First"
    assert load_theme(path) is first
    save_font(build_truetype_font(family="Second Family"), font)
    stat = font.stat()
    os.utime(font, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    second = load_theme(path)
    assert second is not first
    assert second.chain("body").primary.family == "Second Family"


def test_chains_belong_to_their_theme(tmp_path: Path) -> None:
    save_font(build_truetype_font(family="Mine"), tmp_path / "f" / "Test.ttf")
    mine = load_theme(write(tmp_path / "t.yaml", "parent: default\nfonts:\n  song: {file: f/Test.ttf}\n"))
    assert mine.chain("body").primary.family == "Mine"
    assert load_theme("default").chain("body").primary.family != "Mine"
    assert isinstance(mine, Theme)


# --- the schema as JSON Schema and as docs -------------------------------------------------------------


def test_the_json_schema_is_valid_and_accepts_the_shipped_themes() -> None:
    schema = json_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    json.dumps(schema)  # plain data
    for path in THEMES_DIR.glob("*.yaml"):
        jsonschema.validate(yaml.safe_load(path.read_text(encoding="utf-8")), schema)


@pytest.mark.parametrize(
    "change",
    [
        lambda t: t["styles"]["body"].update(colr="text"),
        lambda t: t["colors"].update(text=[0, 0, 0, 2]),
        lambda t: t["toc"].update(leader_gap=0),
        lambda t: t["page"].pop("margin_top"),
        lambda t: t["fonts"]["song"].update(system="Noto Serif CJK SC"),
    ],
)
def test_the_json_schema_refuses_what_check_refuses(change: object) -> None:
    theme = yaml.safe_load((THEMES_DIR / "default.yaml").read_text(encoding="utf-8"))
    change(theme)  # type: ignore[operator]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(theme, json_schema())


def test_a_child_theme_needs_only_what_it_changes_in_the_json_schema() -> None:
    jsonschema.validate({"parent": "default", "toc": {"leader_gap": 0.5}}, json_schema())


def test_docs_theme_md_is_generated_from_the_schema() -> None:
    committed = (REPO / "docs" / "theme.md").read_text(encoding="utf-8")
    assert committed == markdown(), "docs/theme.md is stale: run `python docs/make_theme_doc.py`"


def test_the_docs_name_every_key() -> None:
    doc = markdown()
    for dotted, _ in walk():
        assert f"`{dotted}`" in doc, dotted


def test_check_takes_a_yml_theme_file_as_load_theme_does(tmp_path: Path, publication: Path,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    # the loader and the theme reader share one rule for what names a file (they used to disagree on .yml)
    write(tmp_path / "t.yml", "parent: default\nstyles:\n  body: {size: 11pt}\n")
    write(tmp_path / "t.yaml", "parent: default\n")
    assert main(["check", "i.yaml", "--theme", "t.yml"]) == 0
    write(tmp_path / "bulletin.yaml", (tmp_path / "bulletin.yaml").read_text(encoding="utf-8").replace(
        "theme: t.yaml", "theme: t.yml"))
    assert main(["check", "i.yaml"]) == 0
    assert capsys.readouterr().out.splitlines() == ["ok: i.yaml", "ok: i.yaml"]


def test_checking_the_publication_file_checks_its_theme(tmp_path: Path, publication: Path,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    write(tmp_path / "t.yaml", "parent: default\ntoc:\n  leader_gap: 0\n")
    assert main(["check", "bulletin.yaml"]) == 2
    assert capsys.readouterr().err == "t.yaml:3:15: toc.leader_gap must be at least 0.1 (got 0)\n"
    write(tmp_path / "t.yaml", "parent: default\n")
    assert main(["check", "bulletin.yaml"]) == 0


def test_an_empty_theme_file_points_at_the_theme_docs() -> None:
    assert only_problem("") == "t.yaml:1:1: file is empty (see docs/theme.md)"
