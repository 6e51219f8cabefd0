"""Load and faults (issue 8): a burst of e-mail while simulated users talk to the bot, the desk
running as deployed, optionally with one of its processes SIGKILLed every 20 seconds.

Run: .venv/bin/python benchmarks/load_run.py [--messages 2000] [--seconds 120] [--users 20]
     [--rate 10] [--kill] [--save-state FILE] [--compare FILE]

It starts PostgreSQL (tests/servers/postgres.py), Dovecot with one mailbox, the SMTP sink and
the Slack Web API stand-in, and runs the desk as three processes sharing the database, each
with its environment (`ICDESK_*`, `SLACK_*`), exactly as deployed: `icdesk serve --only bot`
(HTTP on a free port), `icdesk serve --only intake` (IMAPS) and `icdesk serve --only
scheduler`. Then, at once:

- it APPENDs `--messages` application e-mails to the mailbox as fast as Dovecot takes them,
  each from its own sender with its own site and account (so each opens a new case), built as
  the intake benchmark builds them (a 3-page fillable PDF), with fixed Message-IDs so that two
  runs receive the same mail;
- `--users` simulated users send signed `/ic` commands for `--seconds`, `--rate` commands a
  second between them (default 10: the issue's "20 simulated users send 10 commands per
  second" read as the users' total; `--rate 200` is 10 each): `status <number>` and `status
  <address words>` of cases opened so far, `queue protection`, `overdue`, `summary week`
  (coordinators and managers; the others ask for the queue), `help`; each request's status and
  time to the ack are recorded, and the answer the bot posts to its `response_url` (a small
  receiver here) is checked not to be an error;
- with `--kill`, every 20 s one of the three processes, chosen at random (`--seed`), is
  SIGKILLed with everything it forked and started again a second later, for as long as the
  commands run or the mailbox still holds mail.

Then it waits (at most `--drain-timeout` seconds) until intake has emptied the mailbox and the
outbox holds nothing undelivered, and checks: each message became exactly one case (cases,
the message log, the Message-IDs on cases), each acknowledgement reached the SMTP sink once,
every message is in Processed once, no task card was posted twice, no user got a 5xx or an
error answer. It prints the ack and answer percentiles, the intake throughput, the kills, and
the final state with a digest of what must be equal between a run with kills and one without;
`--save-state` writes it as JSON and `--compare` compares this run with a saved one.

The code run is the tree this script is in (its folder's parent is put first on PYTHONPATH of
the desk's processes), so a clean export of a commit runs that commit's code.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests"), str(ROOT / "tests" / "parsers"), str(ROOT / "benchmarks")]

import psycopg  # noqa: E402 - needs the path above
from bench_tools import percentile  # noqa: E402
from imapclient import IMAPClient  # noqa: E402
from load_desk import PARTS, DeskProcesses, Kill  # noqa: E402
from load_state import compare, read_state  # noqa: E402
from load_users import Catalog, Hooks, Users, latency_line, summarise  # noqa: E402

DESK_ADDRESS = "interconnection@utility.example"
MAILBOX_USER = "interconnection@load.test"
SECRET = "load-run-signing-secret-0123456789"  # noqa: S105 - signs requests to our own loopback bot
CHANNELS = {"coordinator": "C_COORD", "protection": "C_PROT", "metering": "C_METER", "billing": "C_BILL",
            "manager": "C_MGMT"}
KILL_EVERY_S = 20.0
ANSWER_GRACE_S = 20.0
ACK_TARGET_MS = 200.0


# -- the mail ---------------------------------------------------------------------------------


def message_id(number: int) -> str:
    return f"<load-{number:05d}@installer{number % 97}.example>"


def application_mail(number: int) -> bytes:
    """The intake benchmark's application PDF (its own site, account and meter) in an e-mail
    from a sender of its own, with a Message-ID that is the same in every run."""
    from intake_benchmark import application_pdf  # noqa: PLC0415 - imports the test factories

    mail = EmailMessage()
    mail["From"] = f"Dana Whitfield <permits{number}@installer{number % 97}.example>"
    mail["To"] = DESK_ADDRESS
    mail["Subject"] = f"Net metering application, {1000 + number} N Williams Ave"
    mail["Date"] = "Thu, 26 Nov 2026 09:15:00 -0800"
    mail["Message-ID"] = message_id(number)
    mail.set_content("Hello,\n\nplease find the signed application attached.\n\nDana\n")
    mail.add_attachment(application_pdf(number), maintype="application", subtype="pdf", filename="application.pdf")
    return mail.as_bytes(policy=policy.SMTP)


@dataclass
class Appender:
    """APPENDs the messages over one plain IMAP connection, as fast as Dovecot takes them."""

    host: str
    port: int
    password: str
    raws: list[bytes]
    appended: int = 0
    seconds: float = 0.0
    error: str = ""
    done: threading.Event = field(default_factory=threading.Event)

    def run(self) -> None:
        start = time.monotonic()
        client: IMAPClient | None = None
        try:
            while self.appended < len(self.raws):
                try:
                    if client is None:
                        client = IMAPClient(self.host, port=self.port, ssl=False, timeout=60)
                        client.login(MAILBOX_USER, self.password)
                    client.append("INBOX", self.raws[self.appended])
                    self.appended += 1
                except OSError as error:  # reconnect once and go on; a second failure ends it
                    if self.error:
                        raise
                    self.error = str(error)
                    client = None
        except Exception as error:  # noqa: BLE001 - reported at the end
            self.error = f"{type(error).__name__}: {error}"
        finally:
            self.seconds = time.monotonic() - start
            if client is not None:
                client.logout()
            self.done.set()


def folder_count(host: str, port: int, password: str, folder: str) -> int:
    client = IMAPClient(host, port=port, ssl=False, timeout=30)
    try:
        client.login(MAILBOX_USER, password)
        return int(client.folder_status(folder, ["MESSAGES"])[b"MESSAGES"])
    finally:
        client.logout()


def folder_message_ids(host: str, port: int, password: str, folder: str) -> list[str]:
    client = IMAPClient(host, port=port, ssl=False, timeout=60)
    try:
        client.login(MAILBOX_USER, password)
        client.select_folder(folder, readonly=True)
        uids = client.search("ALL")
        fetched = client.fetch(uids, ["BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)]"]) if uids else {}
    finally:
        client.logout()
    ids = []
    for item in fetched.values():
        header = next(value for key, value in item.items() if key.startswith(b"BODY["))
        ids.append(header.decode().partition(":")[2].strip())
    return ids


# -- the database, read while the run goes on -----------------------------------------------------


class Watcher:
    """Refreshes the users' catalog of cases every second and keeps the intake's progress."""

    def __init__(self, dsn: str, catalog: Catalog) -> None:
        self.dsn, self.catalog = dsn, catalog
        self.stop = threading.Event()
        self.progress: list[tuple[float, int]] = []  # (monotonic, messages logged)
        self.thread = threading.Thread(target=self._run, name="watcher", daemon=True)

    def _run(self) -> None:
        connection: psycopg.Connection[Any] | None = None
        while not self.stop.wait(1.0):
            try:
                if connection is None:
                    connection = psycopg.connect(self.dsn, autocommit=True, connect_timeout=5)
                rows = connection.execute("SELECT number, site_address FROM cases").fetchall()
                logged = connection.execute("SELECT count(*) FROM inbound_messages").fetchone()
            except psycopg.Error:
                connection = None
                continue
            self.catalog.replace([(str(number), str(address)) for number, address in rows])
            self.progress.append((time.monotonic(), int(logged[0]) if logged else 0))
        if connection is not None:
            connection.close()

    def logged_by(self, count: int) -> float | None:
        """When the message log first held `count` messages."""
        return next((at for at, logged in self.progress if logged >= count), None)


def waiting_outbox(dsn: str) -> int:
    with psycopg.connect(dsn, autocommit=True, connect_timeout=5) as connection:
        row = connection.execute("SELECT count(*) FROM outbox WHERE delivered_at IS NULL").fetchone()
    return int(row[0]) if row else -1


# -- the run ----------------------------------------------------------------------------------


def environment(work: Path, database_url: str, imap: dict[str, str], smtp_port: int, slack_url: str,
                users: dict[str, list[str]]) -> dict[str, str]:
    """The process environment less any ICDESK_/SLACK_/proxy variable, plus the desk's own."""
    proxies = {"HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy", "ALL_PROXY", "all_proxy"}
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("ICDESK_", "SLACK_")) and key not in proxies}
    env.update({
        "ICDESK_DATABASE_URL": database_url, "ICDESK_STORAGE_DIR": str(work / "storage"),
        "ICDESK_LOG_DIR": str(work / "log"), "ICDESK_OUTGOING_MAIL_DIR": str(work / "outgoing"),
        "ICDESK_MAILDROP": str(work / "maildrop"), "ICDESK_LOG_FORMAT": "json",
        "ICDESK_IMAP_HOST": imap["host"], "ICDESK_IMAP_PORT": imap["port"], "ICDESK_IMAP_USER": MAILBOX_USER,
        "ICDESK_IMAP_PASSWORD": imap["password"], "ICDESK_IMAP_SECURITY": "ssl", "ICDESK_IMAP_CA_FILE": imap["ca"],
        "ICDESK_SMTP_HOST": "127.0.0.1", "ICDESK_SMTP_PORT": str(smtp_port), "ICDESK_SMTP_SECURITY": "none",
        "ICDESK_MAIL_FROM": DESK_ADDRESS,
        "SLACK_BOT_TOKEN": "xoxb-icdesk-test", "SLACK_SIGNING_SECRET": SECRET, "ICDESK_SLACK_API_URL": slack_url,
        **{f"ICDESK_ROLE_{role.upper()}": ",".join(ids) for role, ids in users.items()},
        **{f"ICDESK_SLACK_CHANNEL_{team.upper()}": channel for team, channel in CHANNELS.items()},
    })
    return env


def user_roles(count: int) -> dict[str, list[str]]:
    """Three in five coordinators, one in ten managers, the rest protection and metering engineers."""
    ids = [f"U0LOAD{index:03d}" for index in range(count)]
    roles: dict[str, list[str]] = {"coordinator": [], "manager": [], "protection": [], "metering": []}
    for index, user in enumerate(ids):
        share = index / count
        role = ("coordinator" if share < 0.6 else "manager" if share < 0.7
                else "protection" if share < 0.85 else "metering")
        roles[role].append(user)
    return roles


def load_average() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} {five:.2f} {fifteen:.2f}"


@dataclass
class Killer:
    desk: DeskProcesses
    seed: int
    started: float
    keep_going: threading.Event  # cleared when the run needs no more kills
    kills: list[Kill] = field(default_factory=list)
    failure: str = ""
    stop: threading.Event = field(default_factory=threading.Event)

    def run(self) -> None:
        rng = random.Random(self.seed)
        next_at = self.started + KILL_EVERY_S
        while not self.stop.wait(max(0.0, next_at - time.monotonic())):
            if not self.keep_going.is_set():
                return
            part = rng.choice(PARTS)
            at = time.monotonic() - self.started
            try:
                pid, down = self.desk.kill_and_restart(part)
            except RuntimeError as error:
                self.failure = f"{part} did not come back after a kill: {error}"
                print(f"  {at:6.1f}s  {self.failure}", flush=True)
                return
            self.kills.append(Kill(at, part, pid, down))
            print(f"  {at:6.1f}s  SIGKILL {part} (pid {pid}); back after {down:.1f}s", flush=True)
            next_at += KILL_EVERY_S


def main() -> None:  # noqa: PLR0912, PLR0915 - one linear run and report
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--messages", type=int, default=2000, help="application e-mails to append (2000)")
    options.add_argument("--seconds", type=float, default=120.0, help="how long the users send commands (120)")
    options.add_argument("--users", type=int, default=20, help="simulated Slack users (20)")
    options.add_argument("--rate", type=float, default=10.0,
                         help="commands per second, all users together (10; 200 is 10 each)")
    options.add_argument("--kill", action="store_true", help="SIGKILL one desk process at random every 20 s")
    options.add_argument("--seed", type=int, default=8, help="seed of the users' choices and the kills")
    options.add_argument("--drain-timeout", type=float, default=600.0,
                         help="longest wait for the mailbox and the outbox to empty (600 s)")
    options.add_argument("--save-state", type=Path, help="write the final state here (JSON)")
    options.add_argument("--compare", type=Path, help="compare the final state with one saved by --save-state")
    options.add_argument("--keep", action="store_true", help="keep the work folder (the processes' logs)")
    args = options.parse_args()

    from servers.dovecot import DovecotServer  # noqa: PLC0415 - test servers, imported when used
    from servers.postgres import PostgresServer  # noqa: PLC0415
    from servers.slack_api_files import SlackFilesApiServer  # noqa: PLC0415
    from servers.smtp_sink import SmtpSink  # noqa: PLC0415

    head = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True, text=True,
                          check=False).stdout.strip() or "(not a git tree)"
    print(f"Python {sys.version.split()[0]}, {os.cpu_count()} cores, code from {ROOT} ({head}); "
          f"load average {load_average()} at the start", flush=True)
    start = time.monotonic()
    raws = [application_mail(number) for number in range(args.messages)]
    sent_ids = [message_id(number) for number in range(args.messages)]
    print(f"built {len(raws)} application e-mails ({sum(map(len, raws)) / len(raws) / 1000:.1f} KB each) "
          f"in {time.monotonic() - start:.1f}s", flush=True)

    work = Path(tempfile.mkdtemp(prefix="icdesk-load-"))
    postgres, dovecot, sink, hooks = PostgresServer(), DovecotServer(), SmtpSink(), Hooks()
    slack = SlackFilesApiServer()
    desk: DeskProcesses | None = None
    watcher: Watcher | None = None
    password = os.urandom(12).hex()
    try:
        postgres.start()
        database_url = postgres.create_database("icdesk_load")
        dsn = database_url.replace("postgresql+psycopg://", "postgresql://")
        dovecot.start()
        dovecot.add_user(MAILBOX_USER, password)
        sink.start()
        slack.start()
        hooks.start()
        roles = user_roles(args.users)
        imap = {"host": dovecot.host, "port": str(dovecot.ssl_port), "password": password, "ca": str(dovecot.ca_file)}
        desk = DeskProcesses(environment(work, database_url, imap, sink.port, slack.base_url, roles), work, ROOT)
        desk.run(["db", "upgrade"])
        desk.start_all()
        print(f"desk: PostgreSQL {postgres.port}, Dovecot IMAPS {dovecot.ssl_port}, SMTP sink {sink.port}, "
              f"Slack stand-in {slack.base_url}, bot http://127.0.0.1:{desk.bot_port}/slack/events; "
              f"processes {', '.join(f'{n} {p.process.pid}' for n, p in desk.parts.items() if p.process)}",
              flush=True)

        supervising = threading.Event()
        threading.Thread(target=desk.supervise, args=(supervising,), name="supervisor", daemon=True).start()
        catalog = Catalog()
        watcher = Watcher(dsn, catalog)
        watcher.thread.start()
        appender = Appender(dovecot.host, dovecot.port, password, raws)
        summarisers = set(roles["coordinator"] + roles["manager"])
        users = Users([u for ids in roles.values() for u in ids], summarisers, args.rate, lambda: desk.bot_port
                      if desk else 0, SECRET, hooks, catalog, args.seed)
        load_start = time.monotonic()
        threading.Thread(target=appender.run, name="appender", daemon=True).start()
        users.start()
        keep_killing = threading.Event()
        keep_killing.set()
        killer = Killer(desk, args.seed, load_start, keep_killing)
        if args.kill:
            threading.Thread(target=killer.run, name="killer", daemon=True).start()
        print(f"load: {args.messages} e-mails appended as fast as Dovecot takes them; {args.users} users, "
              f"{args.rate:g} commands/s in all, for {args.seconds:g}s" + ("; a kill every 20 s" if args.kill else ""),
              flush=True)

        time.sleep(max(0.0, load_start + args.seconds - time.monotonic()))
        users.join()
        commands_s = time.monotonic() - load_start
        appender.done.wait()
        print(f"  {commands_s:6.1f}s  commands stopped ({len(users.snapshot())} sent); appended {appender.appended} "
              f"in {appender.seconds:.1f}s" + (f" (error: {appender.error})" if appender.error else ""), flush=True)

        # Kills go on while intake still has mail to read; then the desk is left to converge.
        deadline = time.monotonic() + args.drain_timeout
        inbox = folder_count(dovecot.host, dovecot.port, password, "INBOX")
        while inbox and time.monotonic() < deadline:
            time.sleep(2.0)
            inbox = folder_count(dovecot.host, dovecot.port, password, "INBOX")
        keep_killing.clear()
        killer.stop.set()
        drained_at = time.monotonic() - load_start
        print(f"  {drained_at:6.1f}s  INBOX holds {inbox}; kills stopped", flush=True)
        waiting = waiting_outbox(dsn)
        while waiting and time.monotonic() < deadline:
            time.sleep(2.0)
            waiting = waiting_outbox(dsn)
        time.sleep(3.0)  # what was sent just now reaches the sink and the stand-in
        settled_at = time.monotonic() - load_start
        print(f"  {settled_at:6.1f}s  outbox holds {waiting} undelivered", flush=True)
        time.sleep(max(0.0, ANSWER_GRACE_S - (time.monotonic() - load_start - commands_s)))

        report = summarise(users.snapshot(), hooks, commands_s)
        supervising.set()
        crashed = [*desk.crashes, *desk.exited()]
        watcher.stop.set()
        logged_all = watcher.logged_by(args.messages)
        processed_ids = folder_message_ids(dovecot.host, dovecot.port, password, "Processed")
        quarantined = folder_count(dovecot.host, dovecot.port, password, "Quarantine")
        calls = slack.calls
        posts: dict[str, list[str]] = {channel: [] for channel in CHANNELS.values()}
        for call in calls:
            if call.method == "chat.postMessage" and call.response.get("ok") and not call.params.get("thread_ts"):
                posts.setdefault(str(call.params.get("channel")), []).append(
                    str(call.params.get("metadata") or call.params.get("text") or ""))
        refused = Counter(f"{call.method} {call.status} {call.response.get('error')}" for call in calls
                          if call.status != 200 or not call.response.get("ok"))
        state = read_state(dsn, sent_ids, [mail.message for mail in sink.messages], posts)
        if len(processed_ids) != len(set(processed_ids)) or set(processed_ids) != set(sent_ids):
            state.problems.append(f"Processed holds {len(processed_ids)} messages, {len(set(processed_ids))} "
                                  f"distinct, for {len(sent_ids)} sent")
        if quarantined:
            state.problems.append(f"{quarantined} messages in Quarantine")
        if killer.failure:
            state.problems.append(killer.failure)
        if crashed:
            state.problems.append(f"processes that exited by themselves (restarted as systemd would): "
                                  f"{'; '.join(crashed)}")

        print(f"\n== commands ({args.users} users, {report.sent} sent in {report.seconds:.0f}s = "
              f"{report.sent / report.seconds:.1f}/s)")
        print(f"HTTP status: {report.statuses}; 5xx {report.server_errors}; no HTTP answer {report.refused}; "
              f"acks over Slack's 3 s {report.slow_acks}")
        print(latency_line("ack (HTTP 200 and the request read)", report.ack_ms))
        p99 = percentile(report.ack_ms, 99)
        print(f"ack p99 {p99:.1f} ms: target < {ACK_TARGET_MS:.0f} ms {'met' if p99 < ACK_TARGET_MS else 'MISSED'}")
        print(latency_line("answer at the response_url", report.answer_ms))
        print(f"answers: {report.answers} of {report.acked_200} acked; missing {report.answers_missing}; "
              f"error texts {len(report.answers_error)}; posted twice {report.answers_doubled}")
        for text, answer in report.answers_error[:5]:
            print(f"  `{text}` → {answer}")

        print("\n== intake")
        if logged_all is not None:
            seconds = logged_all - load_start
            print(f"{args.messages} messages logged {seconds:.1f}s after the first APPEND: "
                  f"{args.messages / seconds:.1f} messages/s (appending took {appender.seconds:.1f}s)")
        else:
            print(f"the message log never held {args.messages} messages during the wait")
        print(f"mailbox: INBOX {inbox}, Processed {len(processed_ids)} ({len(set(processed_ids))} distinct), "
              f"Quarantine {quarantined}")
        if args.kill:
            print(f"\n== kills: {len(killer.kills)}, by part "
                  + ", ".join(f"{part} {sum(k.part == part for k in killer.kills)}" for part in PARTS))
            for kill in killer.kills:
                print(f"  {kill.at_s:6.1f}s {kill.part:<9} pid {kill.pid}, back after {kill.down_s:.1f}s")
        print(f"process starts: {', '.join(f'{n} {p.starts}' for n, p in desk.parts.items())}; "
              f"ERROR lines in the logs: {desk.log_errors()}")

        print("\n== final state")
        print(f"cases {state.cases}; by stage {dict(sorted(state.stages.items()))}")
        print(f"message log {state.inbound} ({state.inbound_keys} distinct Message-IDs); outcomes {state.outcomes}")
        print(f"outbox: {dict(sorted(state.outbox.items()))}; items retried {state.retried}")
        print(f"acknowledgements at the sink: {sum(state.acknowledgements.values())} answering "
              f"{len(state.acknowledgements)} messages; the sink holds {state.sink_total} e-mails "
              f"({state.sink_distinct} distinct Message-IDs)")
        print(f"Slack stand-in: {len(calls)} calls; refused or failed: {dict(refused) or 'none'}")
        print(f"task cards recorded {state.cards}; top-level posts at the stand-in {state.channel_posts} "
              f"(distinct cases {state.channel_cases})")
        print(f"digest of what must be equal between runs: {state.digest()}")
        failed = list(state.problems)
        down_effects = report.refused or report.answers_missing  # what a killed bot causes, see the doc
        if report.server_errors or report.answers_error or (not args.kill and down_effects):
            failed.append("users saw errors (see above)")
        print("checks: " + ("all passed" if not failed else "FAILED:\n  " + "\n  ".join(failed)))
        saved = state.to_json()
        if args.save_state:
            args.save_state.write_text(json.dumps(saved, indent=1, sort_keys=True, default=str))
            print(f"state written to {args.save_state}")
        if args.compare:
            print(f"\n== compared with {args.compare}")
            print("\n".join(compare(json.loads(json.dumps(saved, default=str)), json.loads(args.compare.read_text()))))
        print(f"\nload average {load_average()} at the end; {time.monotonic() - start:.0f}s in all")
    finally:
        if watcher is not None:
            watcher.stop.set()
        if desk is not None:
            desk.stop_all()
        hooks.stop()
        slack.stop()
        sink.stop()
        dovecot.cleanup()
        postgres.stop()
        if args.keep:
            print(f"work folder kept: {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
