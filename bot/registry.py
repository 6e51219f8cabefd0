"""The command grammar: one registry of commands, each declared next to its handler with
who may run it and an example, parsed the same way from `/ic`, mentions, DMs and the
terminal."""

from __future__ import annotations

import shlex
from collections.abc import Callable
from dataclasses import dataclass
from difflib import get_close_matches

from bot.content import CommandHelp, Content, Help, Notice
from bot.core import BotDeps, Caller, Role
from cases.errors import DeskError

Handler = Callable[[list[str], Caller, BotDeps], Content]


@dataclass(frozen=True)
class Command:
    name: str
    usage: str
    summary: str
    example: str
    roles: frozenset[Role]
    handler: Handler


class Registry:
    def __init__(self) -> None:
        self._commands: dict[str, Command] = {}

    def command(self, name: str, *, usage: str, summary: str, example: str,
                roles: frozenset[Role]) -> Callable[[Handler], Handler]:
        """Declare a command next to its handler."""
        def register(handler: Handler) -> Handler:
            self._commands[name] = Command(name, usage, summary, example, roles, handler)
            return handler
        return register

    def help_for(self, caller: Caller) -> Help:
        """Only the commands the caller may run, each with an example."""
        return Help(tuple(CommandHelp(c.name, c.usage, c.summary, c.example)
                          for c in self._commands.values() if caller.may(c.roles)))

    def dispatch(self, text: str, caller: Caller, deps: BotDeps) -> Content:
        """Parse `text` and run its command for `caller`; every refusal says why."""
        try:
            words = shlex.split(text.strip())
        except ValueError:
            words = text.strip().split()
        if not words or words[0].lower() == "help":
            return self.help_for(caller)
        name, args = words[0].lower(), words[1:]
        command = self._commands.get(name)
        if command is None:
            close = get_close_matches(name, list(self._commands), n=1)
            hint = f" Did you mean `{close[0]}`?" if close else ""
            return Notice(f"I don't know `{name}`.{hint} Try `help` for what you can ask.", ok=False)
        if not caller.may(command.roles):
            allowed = ", ".join(sorted(role.value for role in command.roles))
            return Notice(f"`{name}` is for {allowed}; ask a coordinator to give you that role.", ok=False)
        try:
            return command.handler(args, caller, deps)
        except DeskError as error:
            return Notice(str(error), ok=False)
