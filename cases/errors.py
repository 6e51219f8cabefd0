"""The errors the core raises. Each carries a message a coordinator can read as it is."""

from __future__ import annotations


class DeskError(Exception):
    """Base of every error icdesk raises on purpose; the edges show `str(error)` to the user."""


class CaseNotFound(DeskError):
    """No case has this number."""

    def __init__(self, number: str) -> None:
        super().__init__(f"no case numbered {number}")
        self.number = number


class IllegalTransition(DeskError):
    """The process does not allow this stage change; the message lists what it allows."""

    def __init__(self, number: str, current: str, target: str, allowed: list[str]) -> None:
        nexts = ", ".join(allowed) if allowed else "none: the case is finished"
        super().__init__(
            f"{number} is {current}; it cannot move to {target} (allowed next: {nexts})"
        )


class InvalidInput(DeskError):
    """A value supplied by a user or a parser that the core cannot accept."""


class RuleFileError(DeskError):
    """A rule file that is missing, malformed or inconsistent."""
