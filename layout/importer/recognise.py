"""The bulletin's conventions: from logical lines (any reader) to a draft issue (plain dicts, as the YAML has them).

The recogniser does not trust styles an author may not have used. It reads structure from what these
bulletins always show: a masthead with "(2018) 0602 期", a contents page listing "[section]" lines and
titles with page numbers, section lines in brackets, titles followed by a document number or an
addressee, headings numbered 一、（一）1、1．, signatures ending in a date, "附件：" and "相关链接：".
Layout hints (centred, bold, larger, indented) break ties where the format has them. Every guess that
could go either way is written down with the input position, for the import report.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from layout.importer.lines import Align, Line
from layout.yamlsrc import MAX_SCALAR_CHARS

Block = dict[str, Any] | str

SECTION = re.compile(r"^[\[【［]\s*([^\]】］]{1,30}?)\s*[\]】］]$")
ISSUE_LINE = re.compile(r"[（(]\s*(\d{4})\s*[)）]\s*(?:第\s*)?(\d{1,6})\s*期")
ISSUE_LINE_ALT = re.compile(r"(\d{4})\s*年\s*第\s*(\d{1,6})\s*期")
CONTENTS = re.compile(r"^目\s*录$")
# A contents entry: text, then leaders (dots, tabs, spaces) and a page number.
CONTENTS_ENTRY = re.compile(r"^(.*?\S)(?:[\s.·…‥⋯_]*[.·…‥⋯_][\s.·…‥⋯_]*|\t+|\s{2,}|\s+)(\d{1,4})$")
DOC_NUMBER = re.compile(r"^[\u4e00-\u9fff]{1,20}\s*[〔\[［(（]\s*\d{4}\s*[〕\]］)）]\s*第?\s*\d{1,5}\s*号$")
DATE = re.compile(r"^\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日$")
HEADING_1 = re.compile(r"^[一二三四五六七八九十百]+、")
HEADING_2 = re.compile(r"^[（(][一二三四五六七八九十百]+[）)]\s*")
HEADING_3 = re.compile(r"^(\d{1,2})\s*[、．.](?!\d)\s*")
LIST_NUMBER = re.compile(r"^(?:(\d{1,2})\s*[、．.](?!\d)|[（(](\d{1,2})[)）])\s*")
LIST_MARK = re.compile(r"^(?:[-•·●▪]\s+|-(?=\S))")
ATTACHMENT = re.compile(r"^附\s*件\s*(\d{1,2})?\s*[:：]\s*(.*)$")
ATTACHMENT_NUMBER = re.compile(r"^(\d{1,2})\s*[.．、]\s*")
LINKS_LABEL = re.compile(r"^(?:相关)?链接\s*[:：]\s*(.*)$")
URL = re.compile(r"^<?((?:https?://|www\.)[^\s<>]+)>?$")
EMAIL = re.compile(r"^[\w.+-]+@[\w-]+(?:\.[\w-]+)+$")
CONTACT_LABEL = re.compile(
    r"^[^：:。，]{0,8}(?:联系|电话|邮箱|热线|传真|手机|技术支持|邮编|QQ|微信)[^：:。，]{0,4}[:：]")
LONGEST_TEXT = MAX_SCALAR_CHARS  # the loader's limit on one text
TERMINAL = "。！？；：…”’）)》」』】〕"
SIGNATURE_PUNCT = re.compile(r"[，。：；、！？:;,（）()《》“”\"]")
ADDRESSEE = re.compile(r"^[^。！？]{2,120}[：:]$")


def squeeze(text: str) -> str:
    """The text as titles are compared: NFKC, no whitespace, no bold markup."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text.replace("**", "")))


def tidy(text: str) -> str:
    """Strip the ends, collapse runs of spaces, drop control characters the YAML could not carry."""
    text = "".join(" " if ch == "\t" else ch for ch in text if ch == "\t" or unicodedata.category(ch) != "Cc")
    return re.sub(r" {2,}", " ", text).strip()


@dataclass
class Note:
    where: str
    message: str


@dataclass
class Draft:
    """A recognised issue: plain data, ready to be written as YAML."""

    year: int | None = None
    number: str | None = None
    publisher: str | None = None
    masthead: str | None = None
    sections: list[dict[str, Any]] = field(default_factory=list)
    closing: list[str] = field(default_factory=list)
    footer: list[str] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)

    def unsure(self, where: str, message: str) -> None:
        self.notes.append(Note(where, message))


@dataclass
class Contents:
    sections: list[str] = field(default_factory=list)
    titles: list[str] = field(default_factory=list)  # in order, across sections


@dataclass
class Known:
    """What a publication file tells the recogniser: lines to drop wherever they appear."""

    footer: list[str] = field(default_factory=list)
    closing: list[str] = field(default_factory=list)
    publisher: str | None = None
    masthead: str | None = None


# --- front matter ---------------------------------------------------------------------------------------------
def read_front_matter(lines: list[Line], draft: Draft, known: Known) -> tuple[int, Contents]:
    """Find the masthead and the contents; return the index of the first body line and the contents."""
    contents = Contents()
    start_contents = next((i for i, line in enumerate(lines[:80]) if CONTENTS.match(squeeze(line.text))), None)
    first_section = next((i for i, line in enumerate(lines) if SECTION.match(line.text.strip())), None)
    front_end = start_contents if start_contents is not None else (first_section or 0)
    front = [line for line in lines[:front_end] if line.text.strip()]
    for line in front:
        match = ISSUE_LINE.search(line.text) or ISSUE_LINE_ALT.search(line.text)
        if match and draft.year is None:
            draft.year, draft.number = int(match.group(1)), match.group(2)
    masthead_lines = [tidy(line.text) for line in front
                      if not (ISSUE_LINE.search(line.text) or ISSUE_LINE_ALT.search(line.text))]
    if masthead_lines:
        # The masthead is the biggest line; the publisher is the line above it, as on the sample's page 1.
        biggest = max(range(len(masthead_lines)), key=lambda i: (front[i].size, -i)) if any(
            line.size != 1.0 for line in front) else min(range(len(masthead_lines)), key=lambda i: len(
                squeeze(masthead_lines[i])))
        draft.masthead = re.sub(r"(?<=[\u4e00-\u9fff]) (?=[\u4e00-\u9fff])", "", masthead_lines[biggest])
        others = [t for i, t in enumerate(masthead_lines) if i != biggest]
        if others:
            draft.publisher = others[0]
    if front and draft.year is None:
        draft.unsure(front[0].where, "no issue line such as (2018) 0602 期 on the masthead: year and number unknown")
    if start_contents is None:
        return front_end, contents
    i = start_contents + 1
    pending = ""
    while i < len(lines):
        line = lines[i]
        text = tidy(line.text)
        if not text:
            i += 1
            continue
        entry, page = split_contents_entry(line)
        if page is None:
            section = SECTION.match(text)
            if section and squeeze(section.group(1)) in {squeeze(s) for s in contents.sections}:
                break  # the body's first section line
            if pending or (i + 1 < len(lines) and split_contents_entry(lines[i + 1])[1] is not None
                           and not SECTION.match(text)):
                pending = (pending + text) if pending else text
                i += 1
                continue
            if section and not contents.sections:
                break
            break
        entry = (pending + entry) if pending else entry
        pending = ""
        section = SECTION.match(entry)
        if section:
            contents.sections.append(section.group(1).strip())
        else:
            contents.titles.append(entry)
        i += 1
    if not contents.titles:
        draft.unsure(lines[start_contents].where, "a contents heading without entries: titles found from the body only")
    return i, contents


def split_contents_entry(line: Line) -> tuple[str, str | None]:
    """(entry text, page number) of a contents line, or (text, None) when it has no page number."""
    text = tidy(line.text)
    if line.page_number is not None:
        return text, line.page_number
    match = CONTENTS_ENTRY.match(line.text.strip().replace("\t", "\t"))
    if not match:
        return text, None
    return tidy(match.group(1)).rstrip(".·…‥⋯ "), match.group(2)


# --- body -----------------------------------------------------------------------------------------------------
class Recogniser:
    def __init__(self, lines: list[Line], known: Known) -> None:
        self.known = known
        self.draft = Draft()
        self.lines = [line for line in lines if line.text.strip() or line.table or line.image]
        self.section: dict[str, Any] | None = None
        self.article: dict[str, Any] | None = None
        self.expect_titles: list[str] = []
        self.contents = Contents()
        self.title_style: tuple[float, bool] | None = None  # (size, bold) of the titles the contents matched

    # -- the whole issue --
    def run(self) -> Draft:
        lines = self.drop_known(self.lines)
        start, self.contents = read_front_matter(lines, self.draft, self.known)
        body = lines[start:]
        body = self.drop_closing(body)
        self.expect_titles = list(self.contents.titles)
        i = 0
        while i < len(body):
            i = self.step(body, i)
        self.finish_article()
        self.check_contents()
        self.draft.footer = list(self.known.footer)
        if self.known.publisher and not self.draft.publisher:
            self.draft.publisher = self.known.publisher
        return self.draft

    def drop_known(self, lines: list[Line]) -> list[Line]:
        footer = {squeeze(f) for f in self.known.footer if squeeze(f)}
        return [line for line in lines if line.table or line.image or squeeze(line.text) not in footer]

    def drop_closing(self, body: list[Line]) -> list[Line]:
        """Remove the closing lines after the last article: the publication's, or the lines after the last links."""
        closing = "".join(squeeze(c) for c in self.known.closing)
        if closing:
            tail = ""
            for k in range(len(body) - 1, max(len(body) - 12, -1), -1):
                if body[k].table or body[k].image:
                    break
                tail = squeeze(body[k].text) + tail
                if tail == closing:
                    self.draft.closing = list(self.known.closing)
                    return body[:k]
                if not closing.endswith(tail):
                    break
            return body
        # No publication: the closing is what follows the last article's "相关链接：" and its addresses.
        last_links = max((k for k, line in enumerate(body) if LINKS_LABEL.match(line.text.strip())), default=None)
        if last_links is None:
            return body
        k = last_links + 1
        while k < len(body) and URL.match(body[k].text.strip()):
            k += 1
        rest = body[k:]
        if rest and len(rest) <= 8 and not any(SECTION.match(r.text.strip()) or r.table or r.image for r in rest) \
                and not any(squeeze(r.text) in {squeeze(t) for t in self.contents.titles} for r in rest):
            self.draft.closing = join_closing([tidy(r.text) for r in rest])
            self.draft.unsure(rest[0].where, f"read {len(rest)} line(s) after the last article's links as the "
                                             "publication's closing")
            return body[:k]
        return body

    def check_contents(self) -> None:
        for title in self.expect_titles:
            self.draft.unsure("contents", f"the contents lists '{title}' but no such title was found in the body")

    # -- one line --
    def step(self, body: list[Line], i: int) -> int:
        line = body[i]
        text = tidy(line.text)
        section = SECTION.match(text) if not line.table and not line.image else None
        if section:
            self.start_section(section.group(1).strip(), line)
            return i + 1
        title_end = self.match_title(body, i)
        if title_end is not None:
            joined = "".join(tidy(body[k].text) for k in range(i, title_end))
            self.start_article(self.take_title(joined), line)
            if line.align == Align.CENTER and line.size > 1.05:
                self.title_style = (line.size, line.bold)
            return title_end
        if self.titled_by_style(line):
            end = self.title_extent(body, i)
            joined = "".join(tidy(body[k].text) for k in range(i, end))
            self.start_article(joined, line)
            if self.expect_titles:
                toc = self.expect_titles.pop(0)
                if squeeze(toc) != squeeze(joined) and self.article is not None:
                    self.article["toc_title"] = toc
                    self.draft.unsure(line.where, f"'{joined[:30]}' is set as a title but the contents calls it "
                                                  f"'{toc[:30]}': kept as its contents title (toc_title)")
            return end
        if self.article is None or self.looks_like_new_title(body, i):
            if self.article is None and not self.contents.titles and not self.looks_like_new_title(body, i):
                # Nothing marks a title: the first line is the title if it reads like one; no text is dropped.
                plain_text = text.replace("**", "")
                if line.table is None and line.image is None and len(plain_text) <= 60 \
                        and plain_text[-1] not in TERMINAL[:6]:
                    self.start_article(plain_text, line)
                    self.draft.unsure(line.where, f"no title recognised: the first line '{plain_text[:30]}' is taken "
                                                  "as the title")
                    return i + 1
                self.start_article("（无标题）", line)
                self.draft.unsure(line.where, "no title recognised: the article is titled （无标题）, name it by hand")
                self.add_line(body, i)
                return i + 1
            end = self.title_extent(body, i)
            joined = "".join(tidy(body[k].text) for k in range(i, end))
            self.start_article(joined, line)
            if self.contents.titles:
                self.draft.unsure(line.where, f"'{joined[:40]}' taken as a title though the contents does not list it")
            return end
        self.add_line(body, i)
        return i + 1

    def titled_by_style(self, line: Line) -> bool:
        """Set like the titles the contents matched (same size, bold, centred), though the contents spells it
        otherwise: the contents shows a shorter contents title."""
        if self.title_style is None or line.table or line.image or self.after_attachment_label():
            return False
        return line.align == Align.CENTER and line.bold == self.title_style[1] and line.bold \
            and abs(line.size - self.title_style[0]) < 0.03 and not DOC_NUMBER.match(tidy(line.text))

    def start_section(self, title: str, line: Line) -> None:
        self.finish_article()
        for known in self.contents.sections:
            if squeeze(known) == squeeze(title):
                title = known
        self.section = {"title": title, "articles": []}
        self.draft.sections.append(self.section)

    def start_article(self, title: str, line: Line) -> None:
        self.finish_article()
        if self.section is None:
            self.draft.unsure(line.where, "an article before any [section] line: put in a section named 正文")
            self.section = {"title": "正文", "articles": []}
            self.draft.sections.append(self.section)
        self.article = {"title": title, "blocks": [], "_where": line.where}
        self.section["articles"].append(self.article)

    def take_title(self, body_title: str) -> str:
        """The contents' spelling of a title found in the body (and cross it off the expected list)."""
        key = squeeze(body_title)
        for k, known in enumerate(self.expect_titles):
            if squeeze(known) == key:
                del self.expect_titles[k]
                return known
        return body_title

    def match_title(self, body: list[Line], i: int) -> int | None:
        """End index when lines i.. spell (after NFKC, without spaces) a title the contents lists; else None."""
        if not self.expect_titles or body[i].table or body[i].image:
            return None
        keys = [squeeze(t) for t in self.expect_titles]
        acc = ""
        for k in range(i, min(i + 4, len(body))):
            if body[k].table or body[k].image:
                return None
            acc += squeeze(body[k].text)
            if acc in keys:
                return k + 1
            if not any(key.startswith(acc) for key in keys):
                return None
        return None

    def looks_like_new_title(self, body: list[Line], i: int) -> bool:
        """Without the contents: a title is set off (centred and bold or larger), or followed by a document
        number or an addressee line, and is not itself a sentence."""
        line = body[i]
        text = tidy(line.text)
        if self.contents.titles or line.table or line.image or not text or text[-1] in "。；：:，":
            return False
        if HEADING_1.match(text) or HEADING_2.match(text) or HEADING_3.match(text) or DATE.match(text):
            return False
        if URL.match(text) or ATTACHMENT.match(text) or LINKS_LABEL.match(text) or len(text) > 120:
            return False
        styled = line.align == Align.CENTER and (line.bold or line.size > 1.15)
        if styled and not self.after_attachment_label():
            return True
        end = self.title_extent(body, i)
        nxt = tidy(body[end].text) if end < len(body) else ""
        if DOC_NUMBER.match(nxt):
            return True
        return bool(self.article is None or self.last_kind() in ("links", "signature")) and bool(ADDRESSEE.match(nxt))

    def title_extent(self, body: list[Line], i: int) -> int:
        """A title may run over two lines set alike (a PDF breaks long titles)."""
        end = i + 1
        first = body[i]
        while end < len(body) and end < i + 3:
            nxt = body[end]
            same = (nxt.align == first.align != Align.UNKNOWN and nxt.bold == first.bold
                    and abs(nxt.size - first.size) < 0.05 and first.size > 1.05)
            if not same or DOC_NUMBER.match(tidy(nxt.text)):
                break
            end += 1
        return end

    def after_attachment_label(self) -> bool:
        blocks = self.article["blocks"] if self.article else []
        return bool(blocks) and blocks[-1] == {"plain": "附件"}

    def last_kind(self) -> str | None:
        blocks = self.article["blocks"] if self.article else []
        return block_kind(blocks[-1]) if blocks else None

    # -- blocks --
    def add_line(self, body: list[Line], i: int) -> None:
        assert self.article is not None
        line = body[i]
        blocks: list[Block] = self.article["blocks"]
        if line.table is not None:
            table = make_table(line.table)
            if blocks and self.article.get("_caption_candidate") == len(blocks) - 1:
                table["caption"] = block_text(blocks.pop())
            blocks.append({"table": table})
            return
        if line.image is not None:
            image: dict[str, Any] = {"path": line.image}
            if line.image_width_mm:
                image["width"] = f"{line.image_width_mm:.0f}mm"
            blocks.append({"image": image})
            return
        text = tidy(line.text)
        plain_text = text.replace("**", "")
        if not blocks and "doc_number" not in self.article and DOC_NUMBER.match(plain_text):
            self.article["doc_number"] = plain_text
            return
        # 相关链接 and the addresses under it
        links = LINKS_LABEL.match(plain_text)
        if links:
            blocks.append({"links": []})
            rest = links.group(1).strip()
            if rest:
                self.add_url(blocks, rest, line)
            return
        if URL.match(plain_text) and blocks and block_kind(blocks[-1]) == "links":
            self.add_url(blocks, plain_text, line)
            return
        # 附件：…, 附件1：…, and numbered names under 附件：1．
        attachment = ATTACHMENT.match(plain_text)
        if attachment and attachment.group(2):
            name = ATTACHMENT_NUMBER.sub("", attachment.group(2).strip(), count=1) if not attachment.group(1) \
                else attachment.group(2).strip()
            if blocks and block_kind(blocks[-1]) == "attachments" and attachment.group(1):
                items(blocks[-1], "attachments").append(name)
            else:
                blocks.append({"attachments": [name]})
                self.article["_numbered_attachments"] = bool(attachment.group(1)) or bool(
                    ATTACHMENT_NUMBER.match(attachment.group(2).strip()))
            return
        next_name = ATTACHMENT_NUMBER.match(plain_text)
        if (blocks and block_kind(blocks[-1]) == "attachments" and self.article.get("_numbered_attachments")
                and next_name and int(next_name.group(1)) == len(items(blocks[-1], "attachments")) + 1):
            items(blocks[-1], "attachments").append(ATTACHMENT_NUMBER.sub("", plain_text, count=1))
            return
        if squeeze(plain_text) == "附件":
            blocks.append({"plain": "附件"})
            return
        if self.after_attachment_label() and len(plain_text) <= 60 and plain_text[-1] not in TERMINAL:
            blocks.append({"subtitle": text})
            return
        # a date ends a signature: gather the short lines above it
        if DATE.match(plain_text):
            self.add_signature(blocks, plain_text, line)
            return
        # lists: "- item", "-【…】…", and the next number after a list of numbered items
        if LIST_MARK.match(text) and len(text) > 2:
            item = re.sub(r"^[-•·●▪]\s+", "", text)
            if blocks and block_kind(blocks[-1]) == "list":
                items(blocks[-1], "list").append(item)
            else:
                blocks.append({"list": [item]})
            return
        if blocks and block_kind(blocks[-1]) == "list" and continues_numbering(items(blocks[-1], "list"), text) \
                and (line.x0 is None or list_like(line)):
            items(blocks[-1], "list").append(text)
            return
        if list_like(line) and numbered_run(body, i) >= 2:
            blocks.append({"list": [text]})
            return
        numbered = HEADING_1.match(plain_text) or HEADING_2.match(plain_text) or HEADING_3.match(plain_text)
        if line.align == Align.CENTER and not numbered and len(plain_text) <= 60 and plain_text[-1] not in "。；：":
            last = blocks[-1] if blocks else None
            if line.size < 0.97 and isinstance(last, dict) and "image" in last and "caption" not in last["image"]:
                last["image"]["caption"] = text  # a small centred line under a picture
                return
            if line.size < 0.97:
                self.article["_caption_candidate"] = len(blocks)  # above a table, it is the table's caption
            blocks.append({"subtitle": text})
            return
        heading = self.heading_level(line, plain_text, body, i)
        if heading:
            blocks.append({"heading": text} if heading == 1 else {"heading": text, "level": heading})
            return
        if line.align == Align.RIGHT and len(plain_text) <= 30 and not SIGNATURE_PUNCT.search(plain_text):
            # right-aligned names whose date has not come yet (or a signature without a date)
            if blocks and block_kind(blocks[-1]) == "signature" and not self.article.get("_signature_dated", True):
                items(blocks[-1], "signature").append(text)
            else:
                blocks.append({"signature": [text]})
            self.article["_signature_dated"] = False
            return
        if self.is_plain(line, plain_text, blocks):
            blocks.append({"plain": text})
            return
        blocks.append(text)

    def add_url(self, blocks: list[Block], text: str, line: Line) -> None:
        for part in text.split():
            match = URL.match(part)
            if match or EMAIL.match(part):
                items(blocks[-1], "links").append(match.group(1) if match else part)
            else:
                self.draft.unsure(line.where, f"'{part[:40]}' under 相关链接 is not an address: left out")

    def add_signature(self, blocks: list[Block], date: str, line: Line) -> None:
        names: list[str] = []
        if blocks and block_kind(blocks[-1]) == "signature" and self.article is not None \
                and not self.article.get("_signature_dated", True):
            names = items(blocks.pop(), "signature")
        else:
            while blocks and len(names) < 4 and is_signature_name(blocks[-1]):
                names.insert(0, block_text(blocks.pop()))
        blocks.append({"signature": [*names, date]})
        if self.article is not None:
            self.article["_signature_dated"] = True

    def heading_level(self, line: Line, text: str, body: list[Line], i: int) -> int:
        """1, 2 or 3 for a heading; 0 for body text. A numbered line is a heading when it is short and not a
        sentence; a bold line on its own is a heading whatever its number."""
        is_last = i + 1 >= len(body)
        levels = ((HEADING_1, 1, 30), (HEADING_2, 2, 40), (HEADING_3, 3, 30))
        for pattern, level, longest in levels:
            match = pattern.match(text)
            if not match:
                continue
            rest = text[match.end():]
            if line.bold and len(text) <= 60:
                return level
            if len(text) > longest or is_last or not rest:
                return 0
            inner = rest[:-1]
            if any(mark in inner for mark in "。；！？") or re.search(r"[：:]\S", rest):
                return 0
            if level == 3 and rest[-1] in "。；，":
                return 0
            if level == 1 and rest[-1] in "；，":
                return 0
            nxt = body[i + 1]
            if nxt.table is None and nxt.image is None and HEADING_3.match(tidy(nxt.text)) and level == 3 \
                    and rest[-1] not in "：:" and line.bold is False and line.align == Align.UNKNOWN:
                # "1. 项目申报" followed by "2. …": a heading only when something else comes between
                return 0
            if line.indent is True and not line.bold:
                return 0
            return level
        if line.bold and len(text) <= 40 and text[-1] not in "。；，" and "**" not in line.text.strip("*"):
            return 2
        return 0

    def is_plain(self, line: Line, text: str, blocks: list[Block]) -> bool:
        """A line without first-line indent: the addressee, contact lines, a lone label."""
        if line.indent is False:
            return True
        if not blocks and ADDRESSEE.match(text) and line.indent is not True:
            return True
        return bool(CONTACT_LABEL.match(text) and len(text) <= 50 and text[-1] not in "。；")

    def finish_article(self) -> None:
        article = self.article
        if article is None:
            return
        blocks = article["blocks"]
        for block in list(blocks):
            if isinstance(block, dict) and "links" in block and not block["links"]:
                self.draft.unsure(article["_where"], "'相关链接：' without an address: left out")
                blocks.remove(block)
        if not blocks:
            self.draft.unsure(article["_where"], f"article '{article['title'][:30]}' has no text: a placeholder "
                                                 "paragraph was written")
            blocks.append("（正文缺失）")
        article["blocks"] = [part for block in blocks for part in within_limit(block)]
        if len(article["blocks"]) != len(blocks):
            self.draft.unsure(article["_where"], f"a paragraph longer than {LONGEST_TEXT} characters (the source "
                                                 "format's limit) was split at a sentence end")
        for key in [k for k in article if k.startswith("_")]:
            del article[key]
        if "doc_number" in article:
            article["doc_number"] = article.pop("doc_number")
            article["blocks"] = article.pop("blocks")
        self.article = None


def within_limit(block: Block) -> list[Block]:
    """A paragraph over the source format's limit on one text, split after the last full stop that fits."""
    if not isinstance(block, str) or len(block) <= LONGEST_TEXT:
        return [block]
    parts: list[Block] = []
    rest = block
    while len(rest) > LONGEST_TEXT:
        cut = max(rest.rfind(mark, 0, LONGEST_TEXT) for mark in "。！？；")
        cut = cut + 1 if cut > 0 else LONGEST_TEXT
        parts.append(rest[:cut])
        rest = rest[cut:]
    return [*parts, rest] if rest else parts


def join_closing(lines: list[str]) -> list[str]:
    """Closing lines rejoined where a line ends mid-sentence (a text dump breaks them at the page width)."""
    out: list[str] = []
    for text in lines:
        if out and out[-1] and out[-1][-1] not in TERMINAL and not CONTACT_LABEL.match(text):
            out[-1] += text
        else:
            out.append(text)
    return out


def list_number(text: str) -> int | None:
    match = LIST_NUMBER.match(re.sub(r"^[-•·●▪]\s*", "", text.replace("**", "")))
    return int(match.group(1) or match.group(2)) if match else None


def continues_numbering(items: list[str], text: str) -> bool:
    last, nxt = list_number(items[-1]), list_number(text)
    return last is not None and nxt == last + 1


def list_like(line: Line) -> bool:
    """A numbered line set as a list item: a hanging indent (Word, PDF), or one line alone (PDF geometry)."""
    geometry = line.hanging is True or (line.x0 is not None and line.line_count == 1)
    return geometry and not line.bold and line.table is None and line.image is None \
        and list_number(line.text) is not None


def numbered_run(body: list[Line], i: int) -> int:
    """How many list-like lines numbered 1, 2, 3… start at body[i]."""
    if list_number(body[i].text) != 1:
        return 0
    n = 1
    while i + n < len(body) and list_like(body[i + n]) and list_number(body[i + n].text) == n + 1:
        n += 1
    return n


def is_signature_name(block: Block) -> bool:
    if isinstance(block, str):
        text = block
    elif set(block) == {"plain"}:
        text = block["plain"]
    else:
        return False
    return 2 <= len(text) <= 30 and not SIGNATURE_PUNCT.search(text) and not HEADING_3.match(text) \
        and not HEADING_1.match(text) and "**" not in text and text != "附件"


def items(block: Block, kind: str) -> list[Any]:
    """The list a list-like block (list, attachments, signature, links) holds."""
    assert isinstance(block, dict), block
    value: list[Any] = block[kind]
    return value


def block_kind(block: Block | None) -> str:
    if block is None or isinstance(block, str):
        return "p"
    return next(iter(block))


def block_text(block: Block) -> str:
    if isinstance(block, str):
        return block
    value = next(iter(block.values()))
    return value if isinstance(value, str) else " ".join(map(str, value))


def make_table(rows: list[list[str]]) -> dict[str, Any]:
    width = max(len(r) for r in rows)
    cells = [[tidy(c) for c in r] + [""] * (width - len(r)) for r in rows]
    return {"header": cells[0], "rows": cells[1:] or [[""] * width]}


def recognise(lines: list[Line], known: Known | None = None) -> Draft:
    """Logical lines → a draft issue, with every unsure place noted."""
    return Recogniser(lines, known or Known()).run()
