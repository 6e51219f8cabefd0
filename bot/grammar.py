"""The whole command grammar: importing this module registers every command, so the
slash command, mentions, DMs and the terminal all answer with the same commands."""

from __future__ import annotations

from bot import actions as _actions
from bot import reports as _reports
from bot.commands import REGISTRY

# The write commands and `report` register themselves on import; the names keep the imports explicit.
WRITE_COMMANDS = _actions
REPORT_COMMAND = _reports

__all__ = ["REGISTRY"]
