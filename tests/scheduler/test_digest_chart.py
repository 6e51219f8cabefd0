"""The manager digest carries a chart of the open cases by stage and age: queued with the digest
by the scheduler (its figures in the outbox item), drawn by the process that delivers it, and
uploaded to the managers' channel with the digest's text exactly once, also when Slack fails
the first attempts or its answer to the upload is lost.

The desk is wired as `icdesk scheduler run-due` wires it (`scheduler_deps`), against the Web API
stand-in. Every chart drawn is kept under pytest's base temporary folder (`charts/`) to be
looked at.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from servers.slack_api import DEFAULT_TOKEN
from servers.slack_api_files import SharedFile, SlackFilesApiServer
from support import contract, pacific

from app.bootstrap import Desk, build_desk
from app.cli_scheduler import scheduler_deps
from cases import services
from cases.applications import application_from_contract
from cases.entities import Document
from cases.persistence import tables
from cases.reports import charts
from cases.stages import Stage
from config.settings import load_settings
from scheduler.jobs import SchedulerDeps, run_due

MORNING = pacific(2026, 12, 1, 8, 5)  # a Tuesday, after the digest's 08:00
DOCS = ("one_line_diagram", "site_plan", "spec_sheet")
CHANNELS = {"coordinator": "C_COORD", "protection": "C_PROT", "metering": "C_METER", "billing": "C_BILL",
            "manager": "C_MGMT"}


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


@pytest.fixture
def keep(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.getbasetemp() / "charts"
    folder.mkdir(exist_ok=True)
    return folder


def _seed(desk: Desk) -> None:
    """Open cases of several stages and ages: one in review since November 2, two waiting for
    documents (received in October and on November 20), one complete since November 25."""
    def register(at: datetime, complete: bool, **changes: Any) -> str:
        docs = tuple(Document(k, f"{k}.pdf", f"{at.isoformat()}{k}".ljust(64, "0")[:64], 10, at)
                     for k in DOCS) if complete else ()
        return services.register_application(desk.unit_of_work(), desk.book,
                                             application_from_contract(contract(**changes), "residential"), at,
                                             "intake", documents=docs)
    reviewed = register(pacific(2026, 11, 2, 9), True)
    services.send_completeness_notice(desk.unit_of_work(), desk.book, reviewed, pacific(2026, 11, 3, 9), "jo")
    services.advance_stage(desk.unit_of_work(), desk.book, reviewed, Stage.IN_REVIEW, pacific(2026, 11, 4, 9), "jo")
    for at, account in ((pacific(2026, 10, 5, 9), "5550001111"), (pacific(2026, 11, 20, 11), "5550002222")):
        register(at, False, site__account_number=account, site__address=f"{account[-4:]} SE Foster Rd")
    register(pacific(2026, 11, 25, 16), True, site__account_number="5550003333", site__address="77 NE Alberta St")


@pytest.fixture
def desk(tmp_path: Path, slack_api: SlackFilesApiServer) -> Iterator[Desk]:
    settings = load_settings(database_url=f"sqlite:///{tmp_path / 'desk.db'}", slack_bot_token=DEFAULT_TOKEN,
                             slack_signing_secret="secret", slack_api_url=slack_api.base_url,
                             storage_dir=str(tmp_path / "storage"), log_dir=str(tmp_path / "log"),
                             **{f"slack_channel_{team}": channel for team, channel in CHANNELS.items()})
    built = build_desk(settings, now=lambda: MORNING)
    built.ensure_schema()
    _seed(built)
    yield built
    built.close()


@pytest.fixture
def deps(desk: Desk) -> SchedulerDeps:
    return scheduler_deps(desk)


def _manager_digest(desk: Desk) -> dict[str, Any]:
    outbox = tables.outbox.c
    with desk.engine.connect() as connection:
        row = connection.execute(sa.select(outbox.payload, outbox.delivered_at, outbox.attempts)
                                 .where(outbox.key == "digest:2026-12-01:manager")).one()
    return {"payload": row[0], "delivered_at": row[1], "attempts": row[2]}


def _open_cases_by_stage(desk: Desk) -> dict[str, int]:
    cases = tables.cases.c
    with desk.engine.connect() as connection:
        rows = connection.execute(sa.select(cases.stage, sa.func.count()).group_by(cases.stage)).all()
    return {str(stage.value if hasattr(stage, "value") else stage).replace("_", " "): n for stage, n in rows}


def _the_chart(api: SlackFilesApiServer, desk: Desk, keep: Path, name: str) -> SharedFile:
    (shared,) = api.shared_files("C_MGMT")
    assert shared.filename == "open-cases-by-stage-and-age-2026-12-01.png"
    assert shared.title == "Open cases by stage and age, December 1, 2026"
    assert png_size(shared.data) == (charts.WIDTH_PX, charts.HEIGHT_PX)
    assert shared.comment == _manager_digest(desk)["payload"]["text"]
    assert shared.comment.startswith("Interconnection desk · managers · Tuesday, December 1, 2026")
    (keep / f"digest-{name}.png").write_bytes(shared.data)
    return shared


def test_the_manager_digest_is_uploaded_with_its_chart(desk: Desk, deps: SchedulerDeps,
                                                       slack_api: SlackFilesApiServer, keep: Path) -> None:
    report = run_due(deps, MORNING)

    assert report.undelivered == 0
    _the_chart(slack_api, desk, keep, "seeded")
    chart = _manager_digest(desk)["payload"]["chart"]
    # The figures are the database's: each stage's bar counts its open cases.
    totals = dict(zip(chart["labels"], (sum(band) for band in zip(*chart["values"].values(), strict=True)),
                      strict=True))
    assert totals == _open_cases_by_stage(desk)
    assert chart["values"][">20"][chart["labels"].index("incomplete")] == 1, "received October 5"
    # The other teams' digests are plain posts, and none of them carries a file; the managers'
    # digest is not posted a second time as text.
    digests = {call.param("channel") for call in slack_api.calls_to("chat.postMessage")
               if str(call.param("text")).startswith("Interconnection desk ·")}
    assert digests == {"C_COORD", "C_PROT", "C_METER", "C_BILL"}
    for channel in ("C_COORD", "C_PROT", "C_METER", "C_BILL"):
        assert slack_api.shared_files(channel) == []

    run_due(deps, MORNING + timedelta(hours=2))
    assert len(slack_api.shared_files("C_MGMT")) == 1, "a second run uploads nothing"


@pytest.mark.parametrize(("method", "status"), [("files.getUploadURLExternal", 500), ("upload", 500),
                                                ("files.completeUploadExternal", 429)])
def test_a_failed_first_attempt_is_retried_and_the_chart_arrives_once(
        desk: Desk, deps: SchedulerDeps, slack_api: SlackFilesApiServer, keep: Path, method: str,
        status: int) -> None:
    slack_api.fault_next(method, status, retry_after=0)

    first = run_due(deps, MORNING)
    assert first.undelivered == 1
    assert slack_api.shared_files("C_MGMT") == []
    assert _manager_digest(desk)["delivered_at"] is None

    later = run_due(deps, MORNING + timedelta(minutes=2))
    assert later.delivered == 1
    _the_chart(slack_api, desk, keep, f"retried-{method}")
    assert _manager_digest(desk)["attempts"] == 2


def test_an_upload_whose_answer_was_lost_is_not_shared_again(desk: Desk, deps: SchedulerDeps,
                                                             slack_api: SlackFilesApiServer, keep: Path) -> None:
    # Slack shares the file but its answer never arrives: the outbox records a failure.
    slack_api.lose_answer_of_next("files.completeUploadExternal")

    assert run_due(deps, MORNING).undelivered == 1
    assert len(slack_api.shared_files("C_MGMT")) == 1

    assert run_due(deps, MORNING + timedelta(minutes=2)).delivered == 1
    _the_chart(slack_api, desk, keep, "answer-lost")
    assert len(slack_api.calls_to("files.getUploadURLExternal")) == 1, "the retry found the earlier upload"
    assert _manager_digest(desk)["delivered_at"] is not None


def test_a_crash_between_upload_and_record_does_not_upload_twice(desk: Desk, deps: SchedulerDeps,
                                                                 slack_api: SlackFilesApiServer, keep: Path) -> None:
    run_due(deps, MORNING)
    # What a crash right after the upload leaves: the item claimed, its delivery never recorded.
    with desk.engine.begin() as connection:
        connection.execute(sa.update(tables.outbox).where(tables.outbox.c.key == "digest:2026-12-01:manager")
                           .values(delivered_at=None, available_at=MORNING))

    assert run_due(deps, MORNING + timedelta(minutes=6)).delivered == 1
    _the_chart(slack_api, desk, keep, "after-crash")
    assert len(slack_api.calls_to("files.completeUploadExternal")) == 1
