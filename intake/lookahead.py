"""The next message's PDFs parsed while this one's case is written.

Why: a PDF is parsed in a worker process (`parsers/isolation.py`) while the poller waits, and
a case is then written while the worker has nothing to do; on two cores the two can overlap.
So all parses of a pass go through one thread of their own, the lane: while the poller
writes message n, the lane parses the PDFs of message n + 1, and message n + 1 takes their
outcomes when its turn comes. An outcome is what the parse returned or the exception it
raised, raised again at the very call that would have parsed the file in turn, so a bad file
is quarantined and a parser failure of ours retried exactly as before.

Bounded: one message ahead, one parse at a time (the lane is one thread), and a message
larger than `AHEAD_MAX_BYTES` is parsed only in its turn, with nothing read ahead beside it.
A duplicate, which `process_message` answers from the message log without parsing, may have
been parsed for nothing (the look-ahead cannot ask the database); that costs time, never
correctness.
"""

from __future__ import annotations

import functools
import hashlib
import logging
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from types import TracebackType

from intake.attachments import read_attachments
from intake.context import Intake
from intake.mailbox import FetchedMessage
from intake.process import ignore_reason
from intake.storage import FileStore
from parsers.email_message import UnreadableEmail, parse_email
from parsers.pdf import ParsedApplication

log = logging.getLogger(__name__)

# Above this a message waits for its turn: its own parse dwarfs what overlapping saves, and
# holding it beside the message being written would double what a large message costs.
AHEAD_MAX_BYTES = 5_000_000

# What each PDF of one message gave, by the sha256 of the PDF's bytes.
Outcomes = dict[str, ParsedApplication | Exception]


class ParseLane:
    """One pass's PDF parses, on one thread, up to one message ahead of the poller."""

    def __init__(self, intake: Intake) -> None:
        self._intake = intake
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="pdf-lane")
        self._ahead: tuple[FetchedMessage, Future[Outcomes]] | None = None

    def __enter__(self) -> ParseLane:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        # A parse under way is bounded by the parser's own timeout; one not started is dropped.
        self._thread.shutdown(wait=True, cancel_futures=True)

    def parser_for(self, fetched: FetchedMessage, following: FetchedMessage | None
                   ) -> Callable[[bytes], ParsedApplication]:
        """The `parse_pdf` for processing `fetched` now, and the PDFs of `following` (the
        message after it) set to be parsed meanwhile.

        `fetched` takes the outcomes read ahead for it; the first message of a pass has its
        parses started here, before those of the message after it. A large message has its
        PDFs parsed in the lane as they are asked for, and no other message is read meanwhile.
        """
        ahead = self._ahead if self._ahead is not None and self._ahead[0] is fetched else self._start(fetched)
        self._ahead = self._start(following) if ahead is not None and following is not None else None
        return functools.partial(self._parse, ahead[1] if ahead is not None else None)

    def _start(self, fetched: FetchedMessage) -> tuple[FetchedMessage, Future[Outcomes]] | None:
        if fetched.size > min(AHEAD_MAX_BYTES, self._intake.settings.max_message_bytes):
            return None
        return fetched, self._thread.submit(_parse_pdfs_of, self._intake, fetched)

    def _parse(self, outcomes: Future[Outcomes] | None, pdf: bytes) -> ParsedApplication:
        found = outcomes.result().get(hashlib.sha256(pdf).hexdigest()) if outcomes is not None else None
        if found is None:
            # Not read ahead (a large message, or a file the look-ahead did not reach).
            return self._thread.submit(self._intake.parse_pdf, pdf).result()
        if isinstance(found, Exception):
            raise found
        return found


class _NotStored(FileStore):
    """Names the bytes without writing them: `process_message` stores the files in its turn.
    (Writing them here too would only load the lane, which is the slower of the two.)"""

    def __init__(self) -> None:
        super().__init__(Path("/nonexistent"))

    def put(self, data: bytes) -> str:
        return hashlib.sha256(data).hexdigest()


_NOT_STORED = _NotStored()


def _parse_pdfs_of(intake: Intake, fetched: FetchedMessage) -> Outcomes:
    """Parse the PDFs of `fetched` as `process_message` will, noting what each gave; whatever
    else fails here is met again, in turn, by `process_message`."""
    outcomes: Outcomes = {}

    def parse(pdf: bytes) -> ParsedApplication:
        key = hashlib.sha256(pdf).hexdigest()
        try:
            parsed = intake.parse_pdf(pdf)
        except Exception as error:
            outcomes[key] = error
            raise
        outcomes[key] = parsed
        return parsed

    try:
        message = parse_email(fetched.raw)
        if ignore_reason(intake, message) is None:
            read_attachments(message, parse, _NOT_STORED, intake.now())
    except UnreadableEmail:
        pass  # quarantined in its turn, without a parse
    except Exception as error:  # noqa: BLE001 - process_message meets it again and decides
        log.debug("reading ahead message %s stopped: %s", fetched.key, error)
    return outcomes
