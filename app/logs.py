"""Where log lines go and what they may say: one handler on stderr, JSON lines when stderr is
not a terminal (a journal or a log shipper reads them), plain text on a terminal, and the
customer's e-mail address, phone, street address and account or meter number masked in both.

Masking uses the bot's `mask` (all but the last four characters hidden), so a log line and a
case card posted in a shared channel hide the same things the same way: the last four are
enough to match a line to a case, not enough to act on.
"""

from __future__ import annotations

import json
import logging
import re
import sys
from datetime import UTC, datetime
from typing import Any, Literal, TextIO

from bot.masking import mask

LogFormat = Literal["auto", "json", "text"]

_EMAIL = r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}"
# North American numbers as people write them: 503-555-0100, (503) 555 0100, +1 503.555.0100.
_PHONE = r"(?<![\w.])(?:\+?1[\s.\-]?)?\(?\d{3}\)?[\s.\-]?\d{3}[\s.\-]\d{4}(?![\w])"
# Account and meter numbers: six or more digits standing alone (case numbers have at most five).
_LONG_NUMBER = r"(?<![A-Za-z0-9])[A-Za-z]?\d{6,}(?![A-Za-z0-9])"
_STREET_SUFFIXES = ("St|Street|Ave|Avenue|Rd|Road|Blvd|Boulevard|Dr|Drive|Ln|Lane|Way|Ct|Court|Pl|Place|Hwy|"
                    "Highway|Pkwy|Parkway|Ter|Terrace|Cir|Circle|Loop|Trl|Trail")
# "4417 N Williams Ave": a house number, up to four capitalised words, a street suffix.
_STREET = rf"\b\d{{1,6}}(?:\s+[A-Z0-9][\w'.\-]*){{0,4}}?\s+(?:{_STREET_SUFFIXES})\b\.?"
_PII = re.compile("|".join(f"(?:{pattern})" for pattern in (_EMAIL, _STREET, _PHONE, _LONG_NUMBER)))

# Extra fields whose whole value identifies a customer, whatever it looks like.
_SENSITIVE_KEYS = ("email", "phone", "account", "meter", "address")

# The attributes every LogRecord has; anything else on a record came from `extra=`.
_STANDARD_ATTRIBUTES = frozenset(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime"}

_HANDLER_NAME = "icdesk-stderr"


def mask_pii(text: str) -> str:
    """`text` with every e-mail address, phone number, street address and long number masked."""
    return _PII.sub(lambda found: mask(found.group(0)) or "", text)


def _masked_value(key: str, value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _masked_value(str(k), v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_masked_value(key, item) for item in value]
    if value is None or isinstance(value, bool):
        return value
    if any(word in key.lower() for word in _SENSITIVE_KEYS):
        return mask(str(value))
    if isinstance(value, int | float):
        return value
    return mask_pii(str(value))


class JsonLineFormatter(logging.Formatter):
    """One JSON object per line: time (UTC), level, logger, message, the extra fields, and the
    traceback as text when there is one; every string masked."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": mask_pii(record.getMessage()),
            "process": record.process,
        }
        for key, value in vars(record).items():
            if key not in _STANDARD_ATTRIBUTES and not key.startswith("_"):
                line[key] = _masked_value(key, value)
        if record.exc_info:
            line["exception"] = mask_pii(self.formatException(record.exc_info))
        if record.stack_info:
            line["stack"] = mask_pii(self.formatStack(record.stack_info))
        return json.dumps(line, ensure_ascii=False, default=str)


class MaskedTextFormatter(logging.Formatter):
    """The classic `time level logger: message` line for a person at a terminal, masked."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s: %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        return mask_pii(super().format(record))


def formatter_for(log_format: LogFormat, stream: TextIO) -> logging.Formatter:
    """JSON unless asked for text, or left to decide (auto) and writing to a terminal."""
    as_text = log_format == "text" or (log_format == "auto" and stream.isatty())
    return MaskedTextFormatter() if as_text else JsonLineFormatter()


def configure_logging(log_format: LogFormat = "auto", level: str = "WARNING", stream: TextIO | None = None) -> None:
    """Send the process's log records to `stream` (stderr), once: calling again replaces the
    handler this function installed and leaves any other handler alone."""
    target = stream if stream is not None else sys.stderr
    root = logging.getLogger()
    for handler in list(root.handlers):
        if handler.get_name() == _HANDLER_NAME:
            root.removeHandler(handler)
    handler = logging.StreamHandler(target)
    handler.set_name(_HANDLER_NAME)
    handler.setFormatter(formatter_for(log_format, target))
    root.addHandler(handler)
    root.setLevel(level)
    # APScheduler says "Running job ..." at INFO every 15 seconds, Alembic "Context impl ..."
    # at every schema check (each health probe); their warnings still show.
    for chatty in ("apscheduler", "alembic"):
        logging.getLogger(chatty).setLevel(logging.DEBUG if root.level <= logging.DEBUG else logging.WARNING)
