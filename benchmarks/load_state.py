"""The final state of a load run (benchmarks/load_run.py), read from the shared database, the
SMTP sink and the Slack stand-in, checked against what was sent, and compared with another
run's saved state.

What must be equal between a run with kills and one without, given the same 2,000 messages:
the number of cases, the set of Message-IDs logged and the outcome of each, and, for each
message, the case it opened (its stage, tier, program, what is missing, the fee due), the
acknowledgement sent for it, the outbox's delivered items by channel and kind, and the task
cards in each team channel. What may legitimately differ: which case number each message got
(intake takes the mailbox in UID order, so numbers match unless a kill changed the order of
commits), the timestamps, how many delivery attempts an item took, and the events' times.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Any

import psycopg

CASE_NUMBER = re.compile(r"IC-\d{4}-\d{5}")


@dataclass
class FinalState:
    cases: int
    stages: dict[str, int]
    inbound: int
    inbound_keys: int
    outcomes: dict[str, int]
    # Message-ID → (case number, stage, tier, program, missing, fee due) of the case it opened
    per_message: dict[str, list[Any]]
    cases_per_message: dict[str, int]
    outbox: dict[str, int]  # "<channel> <kind> delivered|waiting" → count
    retried: int  # outbox items that took more than one attempt
    cards: dict[str, int]  # channel → task cards recorded
    channel_posts: dict[str, int]  # channel → top-level messages posted at the stand-in
    channel_cases: dict[str, int]  # channel → distinct case numbers among them
    acknowledgements: dict[str, int]  # original Message-ID → e-mails at the sink answering it
    sink_total: int
    sink_distinct: int  # distinct Message-IDs of the mail at the sink
    problems: list[str] = field(default_factory=list)

    def comparable(self) -> dict[str, Any]:
        """What must be equal between two runs of the same messages."""
        return {
            "cases": self.cases, "stages": self.stages, "outcomes": self.outcomes,
            "messages": sorted(self.per_message),
            "per_message": {mid: value[1:] for mid, value in sorted(self.per_message.items())},
            "outbox delivered": {k: v for k, v in sorted(self.outbox.items()) if k.endswith("delivered")},
            "cards": self.cards, "acknowledged messages": sorted(self.acknowledgements),
        }

    def digest(self) -> str:
        text = json.dumps(self.comparable(), sort_keys=True, default=str)
        return hashlib.sha256(text.encode()).hexdigest()[:16]

    def to_json(self) -> dict[str, Any]:
        return {**self.__dict__, "digest": self.digest()}


def _kind(key: str, payload: Any) -> str:
    """`task_card`, `stage`, `reply:acknowledgement`, …: the payload's kind, else the key's."""
    if isinstance(payload, dict) and isinstance(payload.get("kind"), str):
        return str(payload["kind"])
    parts = key.split(":")
    return f"{parts[0]}:{parts[-1]}" if parts[0] == "reply" else parts[0]


def read_state(dsn: str, sent_ids: list[str], sink_mail: list[EmailMessage],  # noqa: PLR0912 - checks in a row
               posts: dict[str, list[str]]) -> FinalState:
    """Everything above, from the database at `dsn` (a libpq URL) and what the servers hold:
    the mail at the SMTP sink and `posts`, channel → the metadata (else the text) of each
    top-level message Slack accepted there."""
    with psycopg.connect(dsn, autocommit=True) as connection:
        rows = connection.execute("SELECT stage, count(*) FROM cases GROUP BY stage").fetchall()
        stages = {str(stage): int(n) for stage, n in rows}
        cases = sum(stages.values())
        inbound = connection.execute(
            "SELECT dedupe_key, outcome, case_number FROM inbound_messages").fetchall()
        per_message_rows = connection.execute(
            "SELECT m.message_id, c.number, c.stage, c.tier, c.program, c.missing, c.fee_due_usd "
            "FROM case_messages m JOIN cases c ON c.id = m.case_id WHERE m.direction = 'in'").fetchall()
        outbox_rows = connection.execute(
            "SELECT key, channel, payload, delivered_at IS NOT NULL, attempts FROM outbox").fetchall()
        cards_rows = connection.execute("SELECT channel, count(*) FROM slack_case_cards GROUP BY channel").fetchall()

    problems: list[str] = []
    outcomes = Counter(str(outcome) for _, outcome, _ in inbound)
    keys = Counter(str(key) for key, _, _ in inbound)
    if doubled := [key for key, n in keys.items() if n > 1]:
        problems.append(f"{len(doubled)} Message-IDs logged more than once, e.g. {doubled[0]}")
    sent = set(sent_ids)
    if lost := sorted(sent - set(keys)):
        problems.append(f"{len(lost)} messages sent but never logged, e.g. {lost[0]}")
    if strange := sorted(set(keys) - sent):
        problems.append(f"{len(strange)} logged messages that were not sent, e.g. {strange[0]}")

    cases_per_message = Counter(str(row[0]) for row in per_message_rows)
    per_message = {str(mid): [number, str(stage), tier, str(program), sorted(missing or []),
                              None if fee is None else str(fee)]
                   for mid, number, stage, tier, program, missing, fee in per_message_rows}
    if doubled_cases := [mid for mid, n in cases_per_message.items() if n > 1]:
        problems.append(f"{len(doubled_cases)} messages recorded on more than one case, e.g. {doubled_cases[0]}")
    if without := sorted(sent - set(cases_per_message)):
        problems.append(f"{len(without)} messages on no case, e.g. {without[0]}")
    if cases != len(sent):
        problems.append(f"{cases} cases for {len(sent)} messages")

    outbox: Counter[str] = Counter()
    retried = 0
    for key, channel, payload, delivered, attempts in outbox_rows:
        outbox[f"{channel} {_kind(str(key), payload)} {'delivered' if delivered else 'waiting'}"] += 1
        retried += int(attempts) > 1
    if waiting := sum(n for key, n in outbox.items() if key.endswith("waiting")):
        problems.append(f"{waiting} outbox items still waiting")

    acknowledgements: Counter[str] = Counter()
    ids_at_sink: Counter[str] = Counter()
    for mail in sink_mail:
        ids_at_sink[str(mail.get("Message-ID") or "")] += 1
        if answered := str(mail.get("In-Reply-To") or "").strip():
            acknowledgements[answered] += 1
    if twice := [mid for mid, n in acknowledgements.items() if n > 1]:
        problems.append(f"{len(twice)} messages acknowledged more than once at the SMTP sink, e.g. {twice[0]}")
    if unanswered := sorted(sent - set(acknowledgements)):
        problems.append(f"{len(unanswered)} messages with no acknowledgement at the SMTP sink, e.g. {unanswered[0]}")

    channel_posts = {channel: len(messages) for channel, messages in posts.items()}
    channel_cases: dict[str, int] = {}
    for channel, messages in posts.items():
        numbers = [found.group(0) for message in messages if (found := CASE_NUMBER.search(message))]
        channel_cases[channel] = len(set(numbers))
        if len(numbers) > len(set(numbers)):
            problems.append(f"{channel}: {len(numbers) - len(set(numbers))} task cards posted twice")
    cards = {str(channel): int(n) for channel, n in cards_rows}
    return FinalState(cases, stages, len(inbound), len(keys), dict(outcomes), per_message, dict(cases_per_message),
                      dict(outbox), retried, cards, channel_posts, channel_cases, dict(acknowledgements),
                      len(sink_mail), len(ids_at_sink), problems)


def compare(mine: dict[str, Any], other: dict[str, Any]) -> list[str]:
    """Lines saying what differs between two saved states (`FinalState.to_json`)."""
    lines: list[str] = []
    for key in ("cases", "stages", "outcomes", "cards"):
        same = mine[key] == other[key]
        lines.append(f"  {key}: {'equal' if same else 'DIFFERENT'}"
                     + ("" if same else f" ({mine[key]} here, {other[key]} there)"))
    here, there = mine["per_message"], other["per_message"]
    common = set(here) & set(there)
    lines.append(f"  Message-IDs: {len(here)} here, {len(there)} there, {len(common)} in both"
                 + (" (the same set)" if set(here) == set(there) else " (DIFFERENT sets)"))
    differing = [mid for mid in common if here[mid][1:] != there[mid][1:]]
    lines.append(f"  case of each message (stage, tier, program, missing, fee): "
                 f"{len(common) - len(differing)} equal, {len(differing)} different"
                 + (f", e.g. {differing[0]}: {here[differing[0]]} / {there[differing[0]]}" if differing else ""))
    renumbered = sum(here[mid][0] != there[mid][0] for mid in common)
    lines.append(f"  case numbers: {len(common) - renumbered} messages got the same number, {renumbered} another "
                 "(allowed: the order of commits)")
    delivered = {k: v for k, v in mine["outbox"].items() if k.endswith("delivered")}
    delivered_there = {k: v for k, v in other["outbox"].items() if k.endswith("delivered")}
    lines.append(f"  outbox delivered by channel and kind: {'equal' if delivered == delivered_there else 'DIFFERENT'}"
                 + ("" if delivered == delivered_there else f" ({delivered} here, {delivered_there} there)"))
    lines.append(f"  acknowledged messages: {'the same set' if set(mine['acknowledgements']) == set(other['acknowledgements']) else 'DIFFERENT sets'}; "  # noqa: E501
                 f"e-mails at the sink {mine['sink_total']} here, {other['sink_total']} there")
    lines.append(f"  digest: {mine['digest']} here, {other['digest']} there: "
                 + ("the same final state" if mine["digest"] == other["digest"] else "DIFFERENT"))
    return lines
