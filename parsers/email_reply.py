"""The reply's own words: a body without the quoted history and the signature.

Installers answer "see attached" on top of a five-message thread; coordinators need the new
sentence, not the thread again. Every mail client marks the quote differently, so the cut
takes the first of several markers, and text that matches none is kept whole.
"""

from __future__ import annotations

import re

from parsers.email_text import normalise_newlines

# Outlook and Gmail separators, in the languages our installers' clients are set to.
_SEPARATOR = re.compile(
    r"^\s*-{2,}\s*(original message|forwarded message|ursprüngliche nachricht|message d'origine"
    r"|mensaje original|message transféré)\s*-{2,}\s*$",
    re.IGNORECASE,
)
# Gmail and Apple Mail: "On Tue, 3 Mar 2026 at 09:12, Jane <jane@example.com> wrote:".
_WROTE = re.compile(
    r"^\s*(on|le|am|el|il|op)\s.*\b(wrote|a écrit|schrieb|escribió|ha scritto|schreef)\s*:\s*$",
    re.IGNORECASE,
)
_WROTE_START = re.compile(r"^\s*(on|le|am|el|il|op)\s", re.IGNORECASE)
# Outlook's header block: "From: ..." followed within a few lines by "Sent: ..." or "Date: ...".
_FROM = re.compile(r"^\s*\*?(from|de|von|van)\s*:\*?\s*\S", re.IGNORECASE)
_SENT = re.compile(r"^\s*\*?(sent|date|envoyé|gesendet|verzonden|enviado)\s*:\*?\s*\S", re.IGNORECASE)
_RULE = re.compile(r"^\s*_{8,}\s*$")
_MOBILE_FOOTER = re.compile(r"^\s*(sent from my \S.*|get outlook for \S.*|sent from outlook for \S.*)$", re.IGNORECASE)


def reply_text(body: str) -> str:
    """The text the sender wrote in this message, from the whole plain-text body.

    Why in this order: the history is cut at its first marker (everything below belongs to
    earlier messages), then quoted "> " lines left in between (inline answers) are dropped,
    then the "-- " signature, whose contact details are not part of the answer.
    """
    lines = normalise_newlines(body).split("\n")
    lines = lines[: _history_start(lines)]
    lines = [line for line in lines if not line.lstrip().startswith(">")]
    lines = _without_signature(lines)
    return normalise_newlines("\n".join(lines))


def _history_start(lines: list[str]) -> int:
    """Index of the first line of quoted history, or len(lines) when there is none."""
    for index, line in enumerate(lines):
        if _SEPARATOR.match(line) or _WROTE.match(line):
            return index
        following = lines[index + 1] if index + 1 < len(lines) else ""
        # Gmail wraps a long attribution line before "wrote:".
        if _WROTE_START.match(line) and _WROTE.match(f"{line} {following.strip()}"):
            return index
        if _FROM.match(line) and any(_SENT.match(nxt) for nxt in lines[index + 1 : index + 4]):
            return _back_over_rule(lines, index)
    return len(lines)


def _back_over_rule(lines: list[str], index: int) -> int:
    """Outlook on the web puts a line of underscores above its header block; cut there too."""
    previous = index - 1
    while previous >= 0 and not lines[previous].strip():
        previous -= 1
    return previous if previous >= 0 and _RULE.match(lines[previous]) else index


def _without_signature(lines: list[str]) -> list[str]:
    """Drop everything from the "-- " delimiter, and trailing "Sent from my phone" lines."""
    for index, line in enumerate(lines):
        # Many clients (and every HTML conversion) drop the delimiter's trailing space.
        if line.rstrip() == "--":
            lines = lines[:index]
            break
    while lines and (not lines[-1].strip() or _MOBILE_FOOTER.match(lines[-1])):
        lines = lines[:-1]
    return lines
