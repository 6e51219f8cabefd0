"""Benchmark of e-mail intake (Dovecot -> cases in SQLite) against its two limits.

Run: .venv/bin/python benchmarks/intake_benchmark.py [--messages N] [--profile] [--no-memory]

It starts a Dovecot of its own on loopback (tests/servers/dovecot.py) and an SMTP sink
(tests/servers/smtp_sink.py), puts N messages in a fresh mailbox, each from its own sender
with its own Message-ID and a 3-page fillable application PDF whose site address and account
number differ from every other (so each message opens a new case: no supplements), and then
measures, in this one process and run:

- bare fetch: imapclient alone, over IMAPS like intake, logging in and fetching the same N
  messages by UID with BODY.PEEK[] in batches of 50 (intake's batch size);
- bare parse: `parse_application` on each of the same N PDFs with the default settings,
  which is how intake calls it (forked worker with memory and time bounds); the in-process
  parse (`isolate=False`) is printed beside it for what isolation costs;
- intake: an embedded desk built by `build_desk` on an SQLite file in a temporary folder,
  `open_mailbox` on the benchmark Dovecot (IMAPS), `run_once` with delivery over SMTP to the
  sink, end to end (connect, fetch, parse e-mail and PDF, register the case, queue the
  acknowledgement, commit, move to Processed, and the pass's delivery run). The acknowledgements
  the pass's delivery run left (it sends at most 200) are then sent and timed apart.

It prints messages per second and intake / (bare fetch + bare parse), with where the intake
time went on the poller's thread (fetch, the batched moves to Processed, delivery, the rest:
e-mail parse, waiting for PDF parses, the database), and beside it how long the parse lane
was busy (the PDFs of the next message are parsed while this one is written). Then the
peak memory of processing one message with a 25 MB PDF attachment in a fresh process (VmHWM
reset right before `run_once`, and the parse worker's own peak), once under the default
25 MB message limit (the message, base64, is ~34 MB and is set aside as oversize) and once
with the limit at 40 MB so that it goes through the whole path.
`--profile` runs the intake pass under cProfile instead and prints the top functions.
Targets (2-core machine): >= 20 messages/s, intake <= 1.5 x (bare fetch + bare parse),
peak RSS <= 300 MB for the 25 MB attachment. Dovecot is stopped and its folder removed at
the end, also on errors and Ctrl-C.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import random
import ssl
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from email import policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests"), str(ROOT / "tests" / "parsers")]

from imapclient import IMAPClient  # noqa: E402 - needs the path above

from app.bootstrap import Desk, build_desk  # noqa: E402
from app.mail import build_intake, email_sender, open_mailbox, outbox_delivery  # noqa: E402
from cases.messaging import Channel, Outcome  # noqa: E402
from config.settings import Settings, load_settings  # noqa: E402
from intake.imap import ImapMailbox  # noqa: E402
from intake.poller import PassSummary, run_once  # noqa: E402
from parsers.pdf import ParserSettings, parse_application  # noqa: E402

# The parser's forkserver imports this module as well ("__main__" is preloaded), so the test
# factories (reportlab, the servers) are imported inside the functions that use them.

DESK_ADDRESS = "interconnection@utility.example"
USER = "intake@bench.test"
BATCH = 50  # intake's default FETCH batch (ImapSettings.batch_size, run_once's batch_size)
MEMORY_ATTACHMENT_BYTES = 25_000_000
# Names of the timed parts of the intake pass.
OVERLAPPING = "PDF parse (worker, in the lane)"
FETCH_AND_MOVES = "IMAP fetch (with the moves)"
MOVES = "IMAP moves (batched)"


# -- the documents and messages -----------------------------------------------------------


def application_pdf(number: int) -> bytes:
    """The 3-page fillable net metering form with a site address and account of its own."""
    import samples  # noqa: PLC0415 - see the note at the imports
    from pdf_factory import render  # noqa: PLC0415

    layout = samples.net_metering_form()
    values = {
        "SiteAddress": f"{1000 + number} N Williams Ave",
        "AccountNo": f"{8800 + number // 10_000:04d} {number % 10_000:04d} 22",
        "MeterNo": f"PGE-{550_000 + number}",
    }
    for page in layout.pages:
        for index, row in enumerate(page):
            if row.name in values:
                page[index] = replace(row, value=values[row.name])
    return render(layout, fillable=True)


def large_pdf(target_bytes: int) -> bytes:
    """The application followed by photo pages of incompressible JPEGs, `target_bytes` +- 1 %."""
    from pdf_documents import join  # noqa: PLC0415
    from PIL import Image  # noqa: PLC0415
    from reportlab.lib.pagesizes import letter  # noqa: PLC0415
    from reportlab.lib.utils import ImageReader  # noqa: PLC0415
    from reportlab.pdfgen.canvas import Canvas  # noqa: PLC0415

    application = application_pdf(99_999)
    pages, bytes_per_pixel = 5, 1.5  # noise at JPEG quality 95, ASCII85 in the PDF; corrected below
    noise = random.Random(25)
    document = b""
    for _ in range(5):
        side = int(((target_bytes - len(application)) / pages / bytes_per_pixel) ** 0.5)
        out = io.BytesIO()
        canvas = Canvas(out, pagesize=letter, invariant=1)
        for _ in range(pages):
            image = Image.frombytes("RGB", (side, side), noise.randbytes(side * side * 3))
            jpeg = io.BytesIO()
            image.save(jpeg, "JPEG", quality=95)
            jpeg.seek(0)
            canvas.drawImage(ImageReader(jpeg), 36, 126, 540, 540)
            canvas.showPage()
        canvas.save()
        document = join(application, out.getvalue())
        if abs(len(document) - target_bytes) <= target_bytes // 100:
            return document
        bytes_per_pixel = (len(document) - len(application)) / (pages * side * side)
    return document


def message(number: int, pdf: bytes, filename: str = "application.pdf") -> bytes:
    """An installer's e-mail: own sender (acknowledgements are capped per sender and hour)."""
    mail = EmailMessage()
    mail["From"] = f"Dana Whitfield <permits{number}@installer{number % 97}.example>"
    mail["To"] = DESK_ADDRESS
    mail["Subject"] = f"Net metering application, {1000 + number} N Williams Ave"
    mail["Date"] = "Tue, 03 Nov 2026 09:15:00 -0800"
    mail["Message-ID"] = f"<bench-{number}-{os.urandom(6).hex()}@installer{number % 97}.example>"
    mail.set_content("Hello,\n\nplease find the signed application attached.\n\nDana\n")
    mail.add_attachment(pdf, maintype="application", subtype="pdf", filename=filename)
    return mail.as_bytes(policy=policy.SMTP)


# -- the servers ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Account:
    host: str
    port: int  # IMAPS
    plain_port: int
    user: str
    password: str
    ca_file: str


def fill(account: Account, raws: list[bytes], folder: str = "INBOX") -> None:
    client = IMAPClient(account.host, port=account.plain_port, ssl=False, timeout=60)
    try:
        client.login(account.user, account.password)
        for raw in raws:
            client.append(folder, raw)
    finally:
        client.logout()


def folder_count(account: Account, folder: str) -> int:
    client = IMAPClient(account.host, port=account.plain_port, ssl=False, timeout=60)
    try:
        client.login(account.user, account.password)
        return int(client.folder_status(folder, ["MESSAGES"])[b"MESSAGES"])
    finally:
        client.logout()


def desk_settings(account: Account, work: Path, smtp_port: int | None, max_message_mb: float = 25.0) -> Settings:
    """Everything in `work`; given here, so neither an icdesk.toml nor ICDESK_* can interfere."""
    return load_settings(
        database_url=f"sqlite:///{work / 'icdesk.db'}", storage_dir=work / "storage", log_dir=work / "log",
        imap_host=account.host, imap_port=account.port, imap_user=account.user,
        imap_password=account.password, imap_security="ssl", imap_ca_file=Path(account.ca_file),
        smtp_host="127.0.0.1" if smtp_port else None, smtp_port=smtp_port, smtp_security="none",
        outgoing_mail_dir=work / "outgoing", maildrop=work / "maildrop", mail_from=DESK_ADDRESS,
        max_message_mb=max_message_mb,
    )


# -- the three measurements -------------------------------------------------------------------


@dataclass
class Timed:
    wall_s: float
    cpu_s: float  # this process only (not Dovecot, not the parse workers)


def timed(run: Callable[[], Any]) -> tuple[Timed, Any]:
    wall, cpu = time.perf_counter(), time.process_time()
    result = run()
    return Timed(time.perf_counter() - wall, time.process_time() - cpu), result


def bare_fetch(account: Account, batch: int = BATCH) -> tuple[int, int]:
    """(messages, bytes): log in over IMAPS and fetch every message by UID, `batch` at a time."""
    context = ssl.create_default_context(cafile=account.ca_file)
    client = IMAPClient(account.host, port=account.port, ssl=True, ssl_context=context, timeout=60)
    count = size = 0
    try:
        client.login(account.user, account.password)
        client.select_folder("INBOX", readonly=True)
        uids = sorted(client.search(["NOT", "DELETED"]))
        for start in range(0, len(uids), batch):
            for item in client.fetch(uids[start:start + batch], ["BODY.PEEK[]"]).values():
                count += 1
                size += len(item[b"BODY[]"])
    finally:
        client.logout()
    return count, size


def bare_parse(pdfs: list[bytes], settings: ParserSettings | None = None) -> int:
    """How many of `pdfs` parsed as applications."""
    return sum(parse_application(pdf, settings=settings).document_type == "application" for pdf in pdfs)


@dataclass
class Split:
    """Wall time spent inside the wrapped calls during one pass."""

    seconds: dict[str, float] = field(default_factory=dict)

    def wrap(self, name: str, function: Callable[..., Any]) -> Callable[..., Any]:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            start = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                self.seconds[name] = self.seconds.get(name, 0.0) + time.perf_counter() - start
        return wrapper

    def wrap_iterator(self, name: str, function: Callable[..., Iterator[Any]]) -> Callable[..., Iterator[Any]]:
        def wrapper(*args: Any, **kwargs: Any) -> Iterator[Any]:
            iterator = function(*args, **kwargs)
            while True:
                start = time.perf_counter()
                try:
                    item = next(iterator)
                except StopIteration:
                    return
                finally:
                    self.seconds[name] = self.seconds.get(name, 0.0) + time.perf_counter() - start
                yield item
        return wrapper


@dataclass
class IntakeRun:
    timing: Timed
    summary: PassSummary
    split: Split
    drain: Timed
    drained: int


def run_intake(account: Account, work: Path, smtp_port: int | None, profile: cProfile.Profile | None = None,
               ) -> IntakeRun:
    """One `run_once` pass over the mailbox, end to end, then the rest of the outbox."""
    desk: Desk = build_desk(desk_settings(account, work, smtp_port))
    desk.ensure_schema()
    split = Split()
    try:
        start_wall, start_cpu = time.perf_counter(), time.process_time()
        if profile is not None:
            profile.enable()
        mailbox = open_mailbox(desk)
        try:
            if not isinstance(mailbox, ImapMailbox):
                raise RuntimeError(f"the benchmark reads IMAP, not {mailbox.name}")
            intake = build_intake(desk, mailbox.name)
            # Parses run in the poller's lane thread, overlapping the rest: timed apart.
            intake.parse_pdf = split.wrap(OVERLAPPING, intake.parse_pdf)
            # The batched moves run inside fetch_new (before each FETCH) and at close.
            mailbox.fetch_new = split.wrap_iterator(FETCH_AND_MOVES, mailbox.fetch_new)  # type: ignore[method-assign]
            mailbox.move_marked = split.wrap(MOVES, mailbox.move_marked)  # type: ignore[method-assign]
            deliver = split.wrap("delivery (<= 200, SMTP)", outbox_delivery(
                desk, {Channel.EMAIL: email_sender(desk.settings)}))
            summary = run_once(intake, mailbox, deliver)
        finally:
            mailbox.close()
            if profile is not None:
                profile.disable()
        timing = Timed(time.perf_counter() - start_wall, time.process_time() - start_cpu)
        rest = outbox_delivery(desk, {Channel.EMAIL: email_sender(desk.settings)})
        drained = 0

        def drain() -> None:
            nonlocal drained
            while True:
                report = rest()
                if not report.delivered and not report.failed:
                    return
                drained += len(report.delivered)
                if report.failed:
                    raise RuntimeError(f"delivery failed: {report.failed[0][1]}")

        drain_timing, _ = timed(drain)
    finally:
        desk.close()
    return IntakeRun(timing, summary, split, drain_timing, drained)


# -- peak memory of one large message, in a fresh process ------------------------------------


def _status_kib(pid: int | str, key: str) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def _descendants(pid: int) -> list[int]:
    found, queue = [], [pid]
    while queue:
        children = _children(queue.pop())
        found += children
        queue += children
    return found


def memory_probe(account: Account, work: Path, max_message_mb: float) -> dict[str, Any]:
    """In this (fresh) process: one `run_once` over the one message waiting, with the peak RSS
    of this process (VmHWM reset just before) and of the parse workers it forks (sampled)."""
    desk = build_desk(desk_settings(account, work, None, max_message_mb))
    desk.ensure_schema()
    mailbox = open_mailbox(desk)
    intake = build_intake(desk, mailbox.name)
    deliver = outbox_delivery(desk, {Channel.EMAIL: email_sender(desk.settings)})
    worker_peak_kib, stop = 0, threading.Event()

    def sample_workers() -> None:
        nonlocal worker_peak_kib
        me = os.getpid()
        while not stop.is_set():
            # Our children are the forkserver and its resource tracker; their children the workers.
            for pid in _descendants(me):
                if pid not in _children(me):
                    worker_peak_kib = max(worker_peak_kib, _status_kib(pid, "VmHWM"))
            time.sleep(0.002)

    sampler = threading.Thread(target=sample_workers, daemon=True)
    sampler.start()
    Path("/proc/self/clear_refs").write_text("5")  # resets VmHWM to the current RSS
    before_kib = _status_kib("self", "VmRSS")
    start = time.perf_counter()
    summary = run_once(intake, mailbox, deliver)
    seconds = time.perf_counter() - start
    peak_kib = _status_kib("self", "VmHWM")
    stop.set()
    sampler.join()
    forkserver_kib = max((_status_kib(pid, "VmRSS") for pid in _children(os.getpid())), default=0)
    mailbox.close()
    desk.close()
    return {"before_mib": before_kib / 1024, "peak_mib": peak_kib / 1024, "worker_peak_mib": worker_peak_kib / 1024,
            "forkserver_mib": forkserver_kib / 1024, "seconds": seconds,
            "outcomes": {outcome.value: n for outcome, n in summary.outcomes.items()}}


def _children(pid: int) -> list[int]:
    """Children of every thread of `pid`: the parse lane's thread starts the forkserver."""
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found += [int(child) for child in (task / "children").read_text().split()]
        except OSError:
            continue
    return found


def measure_memory(server: Any, password: str, raw: bytes, max_message_mb: float) -> dict[str, Any]:
    """Put `raw` in a mailbox of its own and run `memory_probe` on it in a fresh interpreter."""
    user = f"memory-{os.urandom(4).hex()}@bench.test"
    server.add_user(user, password)
    account = Account(server.host, server.ssl_port, server.port, user, password, str(server.ca_file))
    fill(account, [raw])
    with tempfile.TemporaryDirectory(prefix="icdesk-intake-memory-") as work:
        arguments = json.dumps({"account": account.__dict__, "work": work, "max_message_mb": max_message_mb})
        done = subprocess.run([sys.executable, __file__, "--memory-probe", arguments], capture_output=True,
                              text=True, check=False, cwd=ROOT)
    if done.returncode != 0:
        raise RuntimeError(f"the memory probe failed:\n{done.stderr}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


# -- the report -------------------------------------------------------------------------------


def print_profile(profile: cProfile.Profile, top: int = 25) -> None:
    for order in ("tottime", "cumulative"):
        out = io.StringIO()
        stats = pstats.Stats(profile, stream=out).strip_dirs().sort_stats(order)
        stats.print_stats(top)
        lines = out.getvalue().splitlines()
        start = next(i for i, line in enumerate(lines) if "ncalls" in line)
        print(f"\nintake pass, top {top} by {order} (cProfile, this process only):")
        print("\n".join(lines[start:start + top + 1]))


def main() -> None:  # noqa: PLR0915 - one linear report
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--messages", type=int, default=1000, help="messages to ingest (default 1000)")
    options.add_argument("--profile", action="store_true", help="run the intake pass under cProfile")
    options.add_argument("--no-memory", action="store_true", help="skip the 25 MB attachment measurement")
    options.add_argument("--memory-probe", help=argparse.SUPPRESS)
    args = options.parse_args()
    if args.memory_probe:
        given = json.loads(args.memory_probe)
        print(json.dumps(memory_probe(Account(**given["account"]), Path(given["work"]), given["max_message_mb"])))
        return

    from servers.dovecot import DovecotServer  # noqa: PLC0415 - see the note at the imports
    from servers.smtp_sink import SmtpSink  # noqa: PLC0415

    n = args.messages
    print(f"Python {sys.version.split()[0]}, {os.cpu_count()} cores, "
          f"load average {os.getloadavg()[0]:.2f} at the start")
    print(f"preparing {n} messages (3-page fillable application, site and account differing per message)")
    pdfs = [application_pdf(number) for number in range(n)]
    raws = [message(number, pdf) for number, pdf in enumerate(pdfs)]
    print(f"  PDF {sum(map(len, pdfs)) / n / 1000:.1f} KB, message {sum(map(len, raws)) / n / 1000:.1f} KB on average")
    # The parser's forkserver starts on first use: start it before anything is timed.
    parse_application(pdfs[0])

    server = DovecotServer()
    sink = SmtpSink()
    password = os.urandom(12).hex()
    try:
        server.start()
        sink.start()
        server.add_user(USER, password)
        account = Account(server.host, server.ssl_port, server.port, USER, password, str(server.ca_file))
        fill(account, raws)
        print(f"  Dovecot {server.host}:{server.ssl_port} (IMAPS), INBOX holds {folder_count(account, 'INBOX')}")

        fetch_time, (fetched, fetched_bytes) = timed(lambda: bare_fetch(account))
        parse_time, parsed = timed(lambda: bare_parse(pdfs))
        inline_time, _ = timed(lambda: bare_parse(pdfs, ParserSettings(isolate=False)))
        if (fetched, parsed) != (n, n):
            raise RuntimeError(f"bare fetch read {fetched} and bare parse found {parsed} applications, not {n}")

        profile = cProfile.Profile() if args.profile else None
        with tempfile.TemporaryDirectory(prefix="icdesk-intake-bench-") as work:
            run = run_intake(account, Path(work), sink.port, profile)
        sink.wait_for(n, timeout_s=60)
        processed, waiting = folder_count(account, "Processed"), folder_count(account, "INBOX")
        if (run.summary.outcomes[Outcome.NEW_CASE], processed, waiting) != (n, n, 0):
            raise RuntimeError(f"intake did not open {n} cases: {run.summary.line()}; "
                               f"{processed} in Processed, {waiting} still in INBOX")

        limits = fetch_time.wall_s + parse_time.wall_s
        rate = n / run.timing.wall_s
        ratio = run.timing.wall_s / limits
        print(f"\n{n} messages, {fetched_bytes / 1e6:.1f} MB; {run.summary.line()}")
        if args.profile:
            print("(intake pass profiled with cProfile: its time is inflated, compare only without --profile)")
        print(f"{'':<34} {'wall':>8} {'per msg':>9} {'msg/s':>7} {'CPU here':>9}")
        rows = [
            ("intake, run_once end to end", run.timing),
            ("bare fetch (imapclient, IMAPS)", fetch_time),
            ("bare parse (default, worker)", parse_time),
            ("  (parse in-process, for reference)", inline_time),
        ]
        for name, timing in rows:
            print(f"{name:<34} {timing.wall_s:>7.2f}s {timing.wall_s / n * 1000:>7.1f}ms "
                  f"{n / timing.wall_s:>7.1f} {timing.cpu_s:>8.2f}s")
        print(f"\nintake: {rate:.1f} messages/s (target >= 20: {'met' if rate >= 20 else 'MISSED'})")
        print(f"intake / (bare fetch + bare parse) = {run.timing.wall_s:.2f} / {limits:.2f} = {ratio:.2f} "
              f"(target <= 1.5: {'met' if ratio <= 1.5 else 'MISSED'})")
        print(f"acknowledgements: {run.summary.delivered} sent by the pass (its delivery run stops at 200), "
              f"the other {run.drained} in {run.drain.wall_s:.2f}s afterwards; the sink holds {len(sink.messages)}")
        print("\nwhere the intake pass went (wall, the poller's thread):")
        parts = dict(run.split.seconds)
        lane = parts.pop(OVERLAPPING, 0.0)
        # The moves happen inside the fetch iterator (and once more at close): not twice.
        parts["IMAP fetch"] = parts.pop(FETCH_AND_MOVES, 0.0) - parts.get(MOVES, 0.0)
        parts["the rest (e-mail and PDF wait, database)"] = run.timing.wall_s - sum(parts.values())
        for name, seconds in sorted(parts.items(), key=lambda item: -item[1]):
            print(f"  {name:<40} {seconds:>7.2f}s {seconds / n * 1000:>7.1f}ms/msg {seconds / run.timing.wall_s:>5.0%}")
        print(f"  and beside them, {OVERLAPPING}: {lane:.2f}s, {lane / n * 1000:.1f}ms/msg "
              f"({lane / run.timing.wall_s:.0%} of the pass)")
        if profile is not None:
            print_profile(profile)

        if not args.no_memory:
            big = large_pdf(MEMORY_ATTACHMENT_BYTES)
            raw = message(123_456, big, "application-with-photos.pdf")
            print(f"\npeak memory of one message with a {len(big) / 1e6:.1f} MB PDF attachment "
                  f"({len(raw) / 1e6:.1f} MB as mail), fresh process each:")
            for label, limit in (("default 25 MB limit", 25.0), ("limit raised to 40 MB", 40.0)):
                found = measure_memory(server, password, raw, limit)
                peak = found["peak_mib"]
                print(f"  {label:<22} {'/'.join(found['outcomes']):<12} intake process peak {peak:>5.0f} MiB "
                      f"(before the pass {found['before_mib']:.0f} MiB), parse worker peak "
                      f"{found['worker_peak_mib']:.0f} MiB, {found['seconds']:.1f}s "
                      f"(target <= 300 MB: {'met' if peak * 1.048576 <= 300 else 'MISSED'})")
    finally:
        master = server._process.pid if server._process is not None else None
        sink.stop()
        server.cleanup()
    stray = _process_group(master) if master else []
    print(f"load average {os.getloadavg()[0]:.2f} at the end; "
          + (f"Dovecot processes STILL RUNNING: {stray}" if stray else "Dovecot stopped and its folder removed"))


def _process_group(group: int) -> list[int]:
    """Processes still in `group` (the Dovecot master runs in a session of its own)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rpartition(")")[2].split()
            except OSError:
                continue
            if int(fields[2]) == group:
                found.append(int(entry.name))
    return found


if __name__ == "__main__":
    main()
