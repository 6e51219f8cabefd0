"""The whole command grammar: importing this module registers every command, so the
slash command, mentions, DMs and the terminal all answer with the same commands."""

from __future__ import annotations

from bot import actions as _actions
from bot.commands import REGISTRY

# The write commands register themselves on import; the name keeps the import explicit.
WRITE_COMMANDS = _actions

__all__ = ["REGISTRY"]
