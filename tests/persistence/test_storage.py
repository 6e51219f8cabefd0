"""The database side, on SQLite and on a real PostgreSQL: round trips, gap-free numbers
under concurrent writers, the append-only event log, and migrations that match the tables."""

from __future__ import annotations

import threading
from datetime import UTC, date
from decimal import Decimal

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy.engine import Engine
from support import contract, pacific

from cases import services
from cases.applications import application_from_contract
from cases.entities import Document
from cases.errors import CaseNotFound
from cases.parties import Applicant
from cases.persistence.migrate import SchemaState, downgrade, head_revision, schema_state, upgrade
from cases.persistence.read_model import SqlCaseReader
from cases.persistence.repository import SqlUnitOfWork
from cases.persistence.tables import metadata
from cases.rulebook import RuleBook
from cases.stages import Stage


def register(engine: Engine, book: RuleBook, **changes: object) -> str:
    application = application_from_contract(contract(**changes), "residential")
    return services.register_application(SqlUnitOfWork(engine), book, application, pacific(2026, 11, 25, 16, 30),
                                         "tester", message_id="<m1@example.com>")


def test_a_case_survives_the_round_trip(engine: Engine, book: RuleBook) -> None:
    number = register(engine, book)
    with SqlUnitOfWork(engine) as uow:
        case = uow.cases.get(number)
        assert case.applicant == Applicant("Marcus Bell", "marcus.bell@example.com", "5035550100",
                                           "4417 N Williams Ave, Portland, OR 97217")
        assert case.facility.nameplate_kw_ac == 7.6
        assert case.fee_due_usd == Decimal("0.00")
        assert case.received_at == pacific(2026, 11, 25, 16, 30)
        assert case.received_at.tzinfo is not None
        assert case.stage == Stage.INCOMPLETE
        assert case.clocks[0].due_on == date(2026, 12, 1)
        assert [m.message_id for m in case.messages] == ["<m1@example.com>"]
        assert case.events[0].changes["tier"] == [None, 1]


def test_changes_and_new_parts_are_saved(engine: Engine, book: RuleBook) -> None:
    number = register(engine, book)
    at = pacific(2026, 11, 30, 9)
    for kind in ("one_line_diagram", "site_plan", "spec_sheet"):
        services.add_document(SqlUnitOfWork(engine), book, number,
                              Document(kind, f"{kind}.pdf", kind.ljust(64, "a"), 10, at), "installer")
    services.record_payment(SqlUnitOfWork(engine), book, number, Decimal("12.34"), "r-1", at, "billing")
    view = SqlCaseReader(engine, book.calendar, date(2026, 11, 30)).get(number)
    assert view.stage == "complete"
    assert view.fee_paid_usd == Decimal("12.34")
    assert [d.kind for d in view.documents] == ["one_line_diagram", "site_plan", "spec_sheet"]
    assert "payment discrepancy" in [e.action for e in view.events]


def test_unknown_case_is_a_clear_error(engine: Engine, book: RuleBook) -> None:
    with pytest.raises(CaseNotFound, match="no case numbered IC-2026-00999"), SqlUnitOfWork(engine) as uow:
        uow.cases.get("IC-2026-00999")


def test_case_numbers_are_gap_free_under_concurrent_writers(engine: Engine, book: RuleBook) -> None:
    numbers: list[str] = []
    errors: list[BaseException] = []

    def writer() -> None:
        try:
            for _ in range(5):
                numbers.append(register(engine, book))
        except BaseException as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)

    threads = [threading.Thread(target=writer) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(numbers) == [f"IC-2026-{n:05d}" for n in range(1, 31)]


def test_a_rolled_back_transaction_gives_its_number_back(engine: Engine, book: RuleBook) -> None:
    with SqlUnitOfWork(engine) as uow:
        assert uow.cases.next_number(2026) == "IC-2026-00001"
        # leaving without commit rolls back
    assert register(engine, book) == "IC-2026-00001"


def test_the_event_log_refuses_updates_and_deletes(engine: Engine, book: RuleBook) -> None:
    register(engine, book)
    for statement in ("UPDATE case_events SET actor = 'someone else'", "DELETE FROM case_events"):
        with pytest.raises(sa.exc.DatabaseError, match="append-only"), engine.begin() as connection:
            connection.execute(sa.text(statement))
    with engine.connect() as connection:
        assert connection.execute(sa.text("SELECT count(*) FROM case_events WHERE actor = 'tester'")).scalar() > 0


def test_migrations_produce_exactly_the_declared_tables(engine: Engine) -> None:
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), metadata)
    assert differences == []
    assert schema_state(engine) == SchemaState.CURRENT


def test_downgrade_and_upgrade_round_trip(engine: Engine) -> None:
    downgrade(engine, "base")
    assert schema_state(engine) == SchemaState.FRESH
    upgrade(engine)
    assert schema_state(engine) == SchemaState.CURRENT
    with engine.connect() as connection:
        assert connection.execute(sa.text("SELECT version_num FROM alembic_version")).scalar() == head_revision()


def test_list_filters_by_stage_tier_and_overdue(engine: Engine, book: RuleBook) -> None:
    small = register(engine, book)
    large = register(engine, book, generator__nameplate_kw_ac=20.0, generator__export_kw=20.0,
                     generator__inverter_ul1741=None)
    middle = register(engine, book, generator__nameplate_kw_ac=20.0, generator__inverter_ul1741=False)
    reader = SqlCaseReader(engine, book.calendar, date(2026, 12, 10))
    assert [v.number for v in reader.list_cases(stage="incomplete")] == [small, large, middle]
    assert [v.number for v in reader.list_cases(tier=1)] == [small, large]
    assert [v.number for v in reader.list_cases(tier=2)] == [middle]
    # The acknowledgement clocks were due 2026-12-01: all are overdue on the 10th, none on the 1st.
    assert len(reader.list_cases(overdue_on=date(2026, 12, 10))) == 3
    assert reader.list_cases(overdue_on=date(2026, 12, 1)) == []


def test_timestamps_come_back_aware_in_utc(engine: Engine, book: RuleBook) -> None:
    number = register(engine, book)
    view = SqlCaseReader(engine, book.calendar, date(2026, 11, 30)).get(number)
    assert view.received_at.utcoffset() is not None
    assert view.received_at.astimezone(UTC).hour == 0  # 16:30 PST is 00:30 UTC


def test_customer_issues_are_searchable_across_cases(engine: Engine, book: RuleBook) -> None:
    first, second = register(engine, book), register(engine, book)
    services.log_issue(SqlUnitOfWork(engine), first, "Meter socket is damaged", pacific(2026, 11, 30), "coord")
    services.log_issue(SqlUnitOfWork(engine), second, "asks about battery export", pacific(2026, 11, 30, 11), "coord")
    services.log_issue(SqlUnitOfWork(engine), second, "billing question", pacific(2026, 11, 30, 12), "coord")
    services.resolve_issue(SqlUnitOfWork(engine), second, 2, "explained the METER credit", pacific(2026, 12, 1), "b")
    reader = SqlCaseReader(engine, book.calendar, date(2026, 12, 1))
    found = reader.search_issues("meter")
    assert [(i.number, i.index, i.resolution) for i in found] == [
        (first, 1, None), (second, 2, "explained the METER credit")]
    assert len(reader.search_issues("")) == 3
    assert reader.search_issues("inverter") == []
