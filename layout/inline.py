"""Inline text: `**bold**` and clickable addresses (http(s)://, www., e-mail) become runs; nothing else is markup."""

from __future__ import annotations

import re
import unicodedata

from layout.model import Run

# A link starts at http://, https://, www. or an e-mail local part that does not continue an ASCII word.
LINK_START = re.compile(
    r"(?<![A-Za-z0-9._%+@/-])(?:(?P<url>https?://|www\.)"
    r"|(?P<mail>[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}(?![A-Za-z0-9-])))",
    re.IGNORECASE,
)
URL_TRAILING = ".,;:!?"


def is_url_char(ch: str) -> bool:
    """Whether a URL may continue with `ch`: it stops at spaces, <, >, quotes, CJK and full-width forms."""
    if ch.isascii():
        return " " < ch < "\x7f" and ch not in "<>\"'"
    if unicodedata.east_asian_width(ch) in "WF":
        return False
    return unicodedata.category(ch)[0] in "LNM"  # accented Latin etc. (IRIs); punctuation and quotes end it


def trim_url(url: str) -> str:
    """Drop trailing sentence punctuation and an unbalanced closing parenthesis."""
    while url:
        if url[-1] in URL_TRAILING or (url[-1] == ")" and url.count(")") > url.count("(")):
            url = url[:-1]
        else:
            break
    return url


def parse_links(text: str, bold: bool) -> list[Run]:
    """Split `text` into plain runs and linked runs (http(s)://, www., e-mail); the printed text is unchanged."""
    runs: list[Run] = []
    i = done = 0
    while (m := LINK_START.search(text, i)) is not None:
        if m.group("mail"):
            end, target = m.end(), "mailto:" + m.group()
        else:
            end = m.end()
            while end < len(text) and is_url_char(text[end]):
                end += 1
            url = trim_url(text[m.start() : end])
            if len(url) <= len(m.group("url")):  # a bare "http://" or "www." is not an address
                i = m.start() + 1
                continue
            end = m.start() + len(url)
            target = url if m.group("url").lower().startswith("http") else "http://" + url
        if m.start() > done:
            runs.append(Run(text[done : m.start()], bold))
        runs.append(Run(text[m.start() : end], bold, target))
        i = done = end
    if done < len(text):
        runs.append(Run(text[done:], bold))
    return runs


def parse_inline(text: str) -> tuple[Run, ...]:
    """Runs of `text`: **pairs** become bold, addresses become links; nothing else is markup."""
    runs: list[Run] = []
    i = 0
    while (start := text.find("**", i)) >= 0:
        end = text.find("**", start + 2)
        if end < 0:
            break  # a lone ** prints as it is
        if end == start + 2:  # "****" encloses nothing: literal
            runs += parse_links(text[i : start + 4], False)
            i = start + 4
            continue
        runs += parse_links(text[i:start], False)
        runs += parse_links(text[start + 2 : end], True)
        i = end + 2
    runs += parse_links(text[i:], False)
    merged: list[Run] = []
    for run in runs:
        if merged and merged[-1].bold == run.bold and merged[-1].link is None and run.link is None:
            merged[-1] = Run(merged[-1].text + run.text, run.bold)
        elif run.text:
            merged.append(run)
    return tuple(merged)
