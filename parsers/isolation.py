"""The hard bounds: parse in a forked worker with a memory limit and a wall-clock timeout.

Why a worker: a hostile PDF can make a library loop or allocate without end inside one
call, where no cooperative check can reach. The worker is forked from a forkserver that has
already imported the parser, so a parse costs a fork (milliseconds), not a fresh interpreter;
forking from the forkserver rather than from the caller is also safe when the caller runs
threads (the Slack bot, the scheduler). The worker sets RLIMIT_AS before touching the bytes;
the parent kills it when the timeout passes.

As with any multiprocessing use, the caller's main module is imported once by the
forkserver, so a script that parses must keep its work under `if __name__ == "__main__":`.
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.connection
import resource
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from multiprocessing.context import ForkServerContext

from parsers.errors import UnreadablePdf
from parsers.pipeline import parse_in_process
from parsers.result import ParsedApplication
from parsers.settings import ParserSettings

_context: ForkServerContext | None = None


def _get_context() -> ForkServerContext:
    global _context  # noqa: PLW0603 - one forkserver per process, started on first use
    if _context is None:
        context = multiprocessing.get_context("forkserver")
        # "__main__" too: otherwise every worker re-imports the caller's main module
        # (multiprocessing's spawn preparation), which costs more than the parse itself.
        context.set_forkserver_preload(
            ["__main__", "parsers.pipeline", "parsers.isolation", "parsers.warmup"]
        )
        _context = context
    return _context


def _worker(data: bytes, settings: ParserSettings,
            sender: multiprocessing.connection.Connection) -> None:
    limit = settings.memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    try:
        sender.send(("ok", parse_in_process(data, settings)))
    except UnreadablePdf as exc:
        sender.send(("unreadable", (exc.reason, exc.kind)))
    except MemoryError:
        sender.send(("memory", None))
    except Exception as exc:  # noqa: BLE001 - reported to the parent as a parser failure
        sender.send(("crash", f"{type(exc).__name__}: {exc}"))
    finally:
        sender.close()


def _too_big(settings: ParserSettings) -> UnreadablePdf:
    return UnreadablePdf(
        f"The PDF needs more than {settings.memory_mb} MB of memory to read; please send the "
        "application form as a separate, simpler PDF.",
        kind="memory",
    )


@contextmanager
def _main_not_reimported() -> Iterator[None]:
    """Start a worker without it importing the caller's main script first.

    multiprocessing re-runs the parent's `__main__` file in each new worker when that module
    has a `__file__`; for the `icdesk` command that imports the whole desk (SQLAlchemy,
    Slack, …) in every worker, about a second per PDF. The worker only needs this module, so
    the main module's file is hidden while the worker is prepared.
    """
    main = sys.modules.get("__main__")
    hidden = main.__dict__.pop("__file__", None) if main is not None else None
    try:
        yield
    finally:
        if main is not None and hidden is not None:
            main.__file__ = hidden


def parse_isolated(data: bytes, settings: ParserSettings) -> ParsedApplication:
    """Parse in a worker bounded by `settings.memory_mb` (MiB) and `settings.timeout_s` (s).

    Raises UnreadablePdf for the file's own faults and for exceeding either bound.
    """
    context = _get_context()
    receiver, sender = context.Pipe(duplex=False)
    worker = context.Process(target=_worker, args=(data, settings, sender), daemon=True)
    with _main_not_reimported():
        worker.start()
    sender.close()
    try:
        # A little grace over the cooperative deadline, which reports a cleaner reason.
        if not receiver.poll(settings.timeout_s + 2.0):
            raise UnreadablePdf(
                f"The PDF took longer than {settings.timeout_s:g} s to read; please send the "
                "application form as a separate, smaller PDF.",
                kind="timeout",
            )
        status, payload = receiver.recv()
    except EOFError:
        status, payload = "memory", None
    finally:
        receiver.close()
        if worker.is_alive():
            worker.kill()
        worker.join()
    if status == "ok":
        assert isinstance(payload, ParsedApplication)
        return payload
    if status == "unreadable":
        reason, kind = payload
        raise UnreadablePdf(reason, kind=kind)
    if status == "memory":
        raise _too_big(settings)
    raise UnreadablePdf(
        "The PDF could not be read (the parser failed on it); please export it again and "
        "resend it.",
        kind="crash",
    )
