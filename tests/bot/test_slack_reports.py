"""`/ic report …` end to end: the bolt app behind waitress on loopback, requests signed as Slack
signs them, the Web API stand-in as Slack. The uploaded workbooks are opened with openpyxl and
their cells compared with what the database holds."""

from __future__ import annotations

import io
import json
import threading
import time
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import sqlalchemy as sa
import yaml
from servers.slack_api import DEFAULT_TOKEN, SlackApiServer
from support import contract, pacific
from test_slack_http import SECRET, Served

from app.bootstrap import Desk, build_desk
from app.bot_wiring import bound_port, build_bot, http_server, stop_http_server
from cases import services
from cases.applications import application_from_contract
from cases.entities import ClockStatus, Document
from cases.persistence import tables
from cases.stages import Stage
from config.settings import load_settings

MANAGER, COORDINATOR = "U_MGR", "U_COORD"
NOW = pacific(2026, 11, 30, 10)
DOCS = ("one_line_diagram", "site_plan", "spec_sheet")


def _register(desk: Desk, at: datetime, complete: bool, **changes: Any) -> str:
    docs = tuple(Document(k, f"{k}.pdf", f"{at.isoformat()}{k}".ljust(64, "0")[:64], 10, at)
                 for k in DOCS) if complete else ()
    return services.register_application(desk.unit_of_work(), desk.book,
                                         application_from_contract(contract(**changes), "residential"), at,
                                         "intake", documents=docs)


def _seed(desk: Desk) -> list[str]:
    """Three open cases: one in review after its completeness notice, one waiting for documents,
    one complete and not yet noticed."""
    reviewed = _register(desk, pacific(2026, 11, 2, 9), complete=True)
    services.send_completeness_notice(desk.unit_of_work(), desk.book, reviewed, pacific(2026, 11, 3, 9), "jo")
    services.advance_stage(desk.unit_of_work(), desk.book, reviewed, Stage.IN_REVIEW, pacific(2026, 11, 4, 9), "jo")
    waiting = _register(desk, pacific(2026, 11, 20, 11), complete=False,
                        applicant__name="Linh Nguyen", site__address="1900 NW Lovejoy St", site__zip="97209",
                        site__account_number="5550001111")
    fresh = _register(desk, pacific(2026, 11, 25, 16), complete=True, applicant__name="Rosa Delgado",
                      site__address="5120 SE Foster Rd", site__zip="97206", site__account_number="5550002222")
    return [reviewed, waiting, fresh]


@pytest.fixture
def served(tmp_path: Path, slack_api: SlackApiServer) -> Iterator[Served]:
    settings = load_settings(database_url=f"sqlite:///{tmp_path / 'desk.db'}", slack_bot_token=DEFAULT_TOKEN,
                             slack_signing_secret=SECRET, slack_api_url=slack_api.base_url,
                             role_coordinator=COORDINATOR, role_manager=MANAGER,
                             storage_dir=str(tmp_path / "storage"), log_dir=str(tmp_path / "log"))
    desk = build_desk(settings, now=lambda: NOW)
    desk.ensure_schema()
    numbers = _seed(desk)
    server = http_server(build_bot(desk), "127.0.0.1", 0, threads=4)
    runner = threading.Thread(target=server.run, daemon=True)
    runner.start()
    try:
        yield Served(bound_port(server), desk, slack_api, ",".join(numbers))
    finally:
        stop_http_server(server)
        runner.join(timeout=5)
        desk.close()


def _ack_text(body: bytes) -> str:
    answer = json.loads(body)
    return str(answer.get("text")) + json.dumps(answer.get("blocks"), ensure_ascii=False)


def _final_answer(served: Served) -> str:
    (answer,) = served.api.wait_for("hooks/command", timeout=20)
    assert answer.param("response_type") == "ephemeral"
    return str(answer.param("text"))


def _cases_with_a_clock_past_due(served: Served) -> int:
    clocks = tables.clocks.c
    with served.desk.engine.connect() as connection:
        return int(connection.execute(
            sa.select(sa.func.count(sa.distinct(clocks.case_id)))
            .where(clocks.status.in_([ClockStatus.RUNNING, ClockStatus.EXTENDED]), clocks.due_on < NOW.date())
        ).scalar_one())


def _workbook(data: bytes) -> Any:
    return openpyxl.load_workbook(io.BytesIO(data))


def test_the_queue_report_is_acked_at_once_then_uploaded_to_the_managers_dm(served: Served) -> None:
    started = time.monotonic()
    status, body = served.command("report queue", user=MANAGER)
    acked = time.monotonic() - started

    assert status == 200
    assert acked < 3.0
    assert "Building the queue report (open cases as of today)…" in _ack_text(body)
    final = _final_answer(served)
    (shared,) = served.api.shared_files("D" + MANAGER)
    assert shared.filename == "queue-2026-11-30.xlsx"
    late = _cases_with_a_clock_past_due(served)
    assert late >= 1, "the case waiting for documents since November 20 was never acknowledged"
    assert shared.comment == f"The queue on November 30, 2026: 3 open cases, {late} cases with a clock past due."
    assert f"Sent {shared.filename} to our direct messages." in final
    assert served.api.shared_files("C_COORD") == [], "customers' names stay out of the channel"

    sheet = _workbook(shared.data)["Queue"]
    values = list(sheet.iter_rows(values_only=True))
    header = list(values[0])
    rows = {str(row[0]): dict(zip(header, row, strict=True)) for row in values[1:]}
    numbers = served.number.split(",")
    assert sorted(rows) == sorted(numbers)
    reader = served.desk.desk_reader()
    for number in numbers:
        case, row = reader.get(number), rows[number]
        assert row["customer"] == case.applicant["name"]
        assert row["site address"] == case.site["address"]
        assert row["zip"] == case.site["zip"]
        assert row["stage"] == case.stage.replace("_", " ")
        assert row["received"].date() == served.desk.book.calendar.local_date(case.received_at)
        running = sorted((c for c in case.clocks if c.status in ("running", "extended")), key=lambda c: c.due_on)
        assert row["next clock"] == running[0].title
        assert row["next clock due"].date() == running[0].due_on
    assert rows[numbers[0]]["stage"] == "in review"
    assert rows[numbers[1]]["customer"] == "Linh Nguyen"


def _clock_counts(served: Served, start: date, end: date) -> tuple[int, int]:
    clocks = tables.clocks.c
    with served.desk.engine.connect() as connection:
        counts = dict(connection.execute(
            sa.select(clocks.status, sa.func.count()).where(clocks.stopped_on.between(start, end))
            .group_by(clocks.status)).all())
    return counts.get(ClockStatus.MET, 0), counts.get(ClockStatus.LAPSED, 0)


def test_clock_compliance_for_a_named_period(served: Served) -> None:
    status, body = served.command("report compliance this month", user=MANAGER)
    assert status == 200
    assert "Building the clock compliance report for November 2026…" in _ack_text(body)
    _final_answer(served)
    (shared,) = served.api.shared_files("D" + MANAGER)
    assert shared.filename == "clock-compliance-2026-11-01-to-2026-11-30.xlsx"
    met, lapsed = _clock_counts(served, date(2026, 11, 1), date(2026, 11, 30))
    assert met >= 1, "the seeded completeness notice met the acknowledgement clock"
    assert shared.comment == (f"Clock compliance, November 2026 (2026-11-01 to 2026-11-30): {met} met, "
                              f"{lapsed} lapsed, 0 extended.")
    cover = {row[0]: row[1] for row in _workbook(shared.data)["Cover"].iter_rows(values_only=True) if row[0]}
    assert (cover["period from"], cover["period to"]) == (datetime(2026, 11, 1), datetime(2026, 11, 30))
    assert (cover["met"], cover["lapsed"]) == (met, lapsed)


def test_the_annual_report_defaults_to_last_year(served: Served) -> None:
    _, body = served.command("report annual-net-metering", user=MANAGER)
    assert "Building the net metering annual report for 2025…" in _ack_text(body)
    _final_answer(served)
    (shared,) = served.api.shared_files("D" + MANAGER)
    assert shared.filename == "annual-net-metering-2025.xlsx"
    assert shared.comment == ("Net metering annual report 2025 (OAR 860-039-0070, due April 1, 2026): "
                              "0 facilities at year end, 0.0 kW rated capacity.")
    assert "Net metering annual report 2025" in str(_workbook(shared.data)["Cover"]["A1"].value)


@pytest.mark.parametrize(("text", "user", "says"), [
    ("report queue", COORDINATOR, "`report` is for manager"),
    ("report queue last month", MANAGER, "The queue report is always as of today"),
    ("report compliance someday", MANAGER, "I can't read “someday” as a period. Try one of: 2026, 2026-11"),
    ("report compliance 2027", MANAGER, "2027 has not begun yet"),
    ("report annual-net-metering 2026-11", MANAGER, "covers a calendar year: say `report annual-net-metering 2025`"),
    ("report bogus", MANAGER, "I don't know the report `bogus`. The reports are `queue`, `compliance`"),
])
def test_a_refused_report_says_why_in_the_ack_and_uploads_nothing(served: Served, text: str, user: str,
                                                                   says: str) -> None:
    status, body = served.command(text, user=user)
    assert status == 200
    assert says in _ack_text(body)
    time.sleep(0.3)
    assert served.api.calls_to("files.getUploadURLExternal") == []
    assert served.api.calls_to("hooks/command") == []


def test_help_offers_report_to_managers_only(served: Served) -> None:
    served.command("help", user=MANAGER)
    (answer,) = served.api.wait_for("hooks/command")
    assert "`report compliance last month`" in json.dumps(answer.param("blocks"), ensure_ascii=False)
    served.command("help", user=COORDINATOR)
    answers = served.api.wait_for("hooks/command", count=2)
    assert "*report*" not in json.dumps(answers[1].param("blocks"), ensure_ascii=False)


def test_an_upload_slack_keeps_failing_is_reported_to_the_manager(served: Served) -> None:
    # One more 500 than the bot's client retries.
    served.api.fault_next("files.completeUploadExternal", 500, count=3)
    served.command("report queue", user=MANAGER)
    final = _final_answer(served)
    assert final.startswith(":warning: The queue report is ready but I could not send it: "
                            "Slack had a problem of its own (500).")
    assert served.api.shared_files("D" + MANAGER) == []


def test_a_report_asked_in_a_dm_arrives_in_that_dm(served: Served) -> None:
    event = {"type": "message", "channel_type": "im", "user": MANAGER, "text": "report queue all",
             "ts": "1767225600.000300", "channel": "D" + MANAGER, "event_ts": "1767225600.000300"}
    served.event(event, "Ev_REPORT_DM")
    posted = served.api.wait_for("chat.postMessage", count=2, timeout=20)
    assert "Building the queue report (including closed and withdrawn cases)…" in str(posted[0].param("text"))
    assert str(posted[1].param("text")).startswith("Sent queue-2026-11-30.xlsx to our direct messages.")
    (shared,) = served.api.shared_files("D" + MANAGER)
    late = _cases_with_a_clock_past_due(served)
    assert shared.comment == f"The queue on November 30, 2026: 3 cases, {late} cases with a clock past due."


def test_the_app_manifest_grants_what_uploads_need() -> None:
    # files upload v2 needs files:read beside files:write; the digest's retry reads files.list.
    manifest = yaml.safe_load((Path(__file__).parents[2] / "slack" / "manifest.yaml").read_text(encoding="utf-8"))
    assert {"files:write", "files:read", "im:write"} <= set(manifest["oauth_config"]["scopes"]["bot"])
