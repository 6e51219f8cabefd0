"""The `case` group with all its commands: those that read and move cases, and those that
record things on them."""

from __future__ import annotations

from app.cli_case import case
from app.cli_case_records import RECORD_COMMANDS

for _command in RECORD_COMMANDS:
    case.add_command(_command)

__all__ = ["case"]
