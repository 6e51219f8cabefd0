"""Text of an e-mail: bytes in any declared charset to str, HTML to plain text.

Installers write from every mail client there is, so the declared charset is a hint, not a
fact: "iso-8859-1" mail carries Windows smart quotes, "us-ascii" mail carries UTF-8, and
some clients declare charsets Python has never heard of. Nothing here raises.
"""

from __future__ import annotations

import base64
import binascii
import re
from html.parser import HTMLParser

# Declared Latin-1 mail is nearly always written by Windows software: cp1252 reads the same
# letters and also the curly quotes and dashes that Latin-1 leaves as control characters.
_READ_AS = {"iso-8859-1": "cp1252", "latin-1": "cp1252", "latin1": "cp1252", "l1": "cp1252"}
# Declared ASCII with 8-bit bytes is UTF-8 far more often than anything else.
_SKIP = {"us-ascii", "ascii", "ansi_x3.4-1968", "646", "unknown-8bit", "x-unknown", "default"}
_DECODE_ERRORS = (LookupError, UnicodeError, ValueError, TypeError)


def decode_bytes(data: bytes, declared: str | None) -> str:
    """Decode body or header bytes, trying the declared charset, then UTF-8, then cp1252.

    Why the order: a declared charset that decodes without error is trusted; a wrong or
    unknown one must not lose the message, so UTF-8 (strict, so it rarely reads wrongly) and
    cp1252 follow, and Latin-1 last because it never fails.
    """
    candidates: list[str] = []
    name = (declared or "").strip().strip('"').lower()
    if name and name not in _SKIP:
        candidates.append(_READ_AS.get(name, name))
    candidates += ["utf-8", "cp1252"]
    for charset in candidates:
        try:
            return data.decode(charset)
        except _DECODE_ERRORS:
            continue
    return data.decode("latin-1")


def unsurrogate(text: str) -> str:
    """Turn the stand-ins the `email` package leaves for undecodable 8-bit bytes into letters.

    Why: raw UTF-8 or cp1252 in a header arrives as lone surrogates, which cannot be stored
    or printed; they are re-read as bytes with the usual charset guesses.
    """
    if not any("\udc80" <= ch <= "\udcff" for ch in text):
        return text
    try:
        raw = text.encode("utf-8", "surrogateescape")
    except UnicodeError:
        return text.encode("utf-8", "replace").decode("utf-8")
    return decode_bytes(raw, None)


_ENCODED_WORD = re.compile(r"=\?([^?\s]+)\?([qQbB])\?([^?\s]*)\?=")


def decode_encoded_words(text: str) -> str:
    """Decode RFC 2047 encoded-words ("=?utf-8?q?Caf=C3=A9?=") in a header value or file name.

    Why our own: each word's bytes go through `decode_bytes`, so a word in an unknown or
    wrong charset still reads as letters; a word that is not valid base64 or quoted-printable
    stays as written. Whitespace between two decoded words is dropped, as RFC 2047 says.
    """
    pieces: list[str] = []
    position = 0
    after_word = False
    for word in _ENCODED_WORD.finditer(text):
        gap = text[position : word.start()]
        decoded = _decode_word(word)
        if not (after_word and decoded is not None and not gap.strip()):
            pieces.append(gap)
        pieces.append(word.group(0) if decoded is None else decoded)
        after_word = decoded is not None
        position = word.end()
    pieces.append(text[position:])
    return "".join(pieces)


def _decode_word(word: re.Match[str]) -> str | None:
    charset, encoding, payload = word.group(1).split("*")[0], word.group(2).lower(), word.group(3)
    try:
        if encoding == "b":
            raw = base64.b64decode(payload + "=" * (-len(payload) % 4), validate=True)
        else:
            raw = binascii.a2b_qp(payload.encode("ascii"), header=True)
    except (binascii.Error, ValueError, UnicodeError):
        return None
    return decode_bytes(raw, charset)


_BLOCK = frozenset({
    "address", "article", "aside", "blockquote", "dd", "div", "dl", "dt", "fieldset", "figure", "footer",
    "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "nav", "ol", "p", "pre",
    "section", "table", "tbody", "thead", "tfoot", "tr", "ul",
})
_HIDDEN = frozenset({"script", "style", "head", "title", "template", "noscript"})
_SPACES = re.compile(r"\s+")


class _TextCollector(HTMLParser):
    """Collects the visible text of an HTML body, one output line per block.

    Blockquotes become "> " lines, so a reply written in HTML loses its quoted history
    the same way a plain-text reply does.
    """

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = []
        self._words: list[str] = []
        self._quote_depth = 0
        self._hidden_depth = 0
        self._pre_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _HIDDEN:
            self._hidden_depth += 1
        elif tag == "br":
            self._flush(keep_empty=True)
        elif tag in _BLOCK:
            self._flush()
            self._quote_depth += tag == "blockquote"
            self._pre_depth += tag == "pre"
        elif tag in {"td", "th"} and self._words:
            self._words.append("  ")

    def handle_endtag(self, tag: str) -> None:
        if tag in _HIDDEN:
            self._hidden_depth = max(0, self._hidden_depth - 1)
        elif tag in _BLOCK:
            self._flush()
            if tag == "blockquote":
                self._quote_depth = max(0, self._quote_depth - 1)
            if tag == "pre":
                self._pre_depth = max(0, self._pre_depth - 1)
            if tag == "p":
                self.lines.append("")

    def handle_data(self, data: str) -> None:
        if self._hidden_depth:
            return
        if self._pre_depth:
            first, *rest = data.split("\n")
            self._words.append(first)
            for line in rest:
                self._flush(keep_empty=True, collapse=False)
                self._words.append(line)
            return
        self._words.append(data)

    def _flush(self, *, keep_empty: bool = False, collapse: bool = True) -> None:
        text = "".join(self._words)
        text = _SPACES.sub(" ", text).strip() if collapse else text.rstrip()
        self._words = []
        if text or keep_empty:
            self.lines.append(("> " * self._quote_depth + text).rstrip())

    def text(self) -> str:
        self._flush()
        joined = "\n".join(self.lines)
        return re.sub(r"\n{3,}", "\n\n", joined).strip("\n")


def html_to_text(html: str) -> str:
    """The readable text of an HTML body; the standard-library parser never raises on bad HTML."""
    collector = _TextCollector()
    collector.feed(html)
    collector.close()
    return collector.text()


def normalise_newlines(text: str) -> str:
    """Unix newlines, no trailing spaces, no blank lines at either end."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return "\n".join(line.rstrip() for line in lines).strip("\n")
