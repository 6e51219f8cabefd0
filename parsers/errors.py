"""The parser's own error type.

Intake turns every failure to read a document into one reply to the sender, so each error
carries a single human line (`reason`) that says what is wrong and what the sender can do.
"""

from __future__ import annotations


class UnreadablePdf(Exception):
    """The bytes cannot be parsed as an application document.

    Raised for password-protected files, truncated or corrupt PDFs, files that are not PDFs
    at all (JPEG, HTML, empty), and files that exceed the parser's time or memory bound.
    `reason` is one sentence fit to show the sender; `kind` is a short machine tag that
    intake can count or route on.
    """

    def __init__(self, reason: str, *, kind: str = "corrupt") -> None:
        super().__init__(reason)
        self.reason = reason
        self.kind = kind


def check_deadline(deadline: float, now: float) -> None:
    """Raise the timeout error once `now` (monotonic seconds) is past `deadline`.

    Why cooperative: between pages is the only safe place to stop an in-process parse; the
    hard stop for a single runaway page is the worker process's kill (see `isolation`).
    """
    if now > deadline:
        raise UnreadablePdf(
            "The PDF took too long to read; please send the application form as a separate, "
            "smaller PDF.",
            kind="timeout",
        )
