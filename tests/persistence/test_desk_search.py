"""The database side of `status <words>`: which cases are worth ranking, on SQLite and
PostgreSQL alike, whatever the case of the words typed."""

from __future__ import annotations

from datetime import date

from sqlalchemy.engine import Engine
from support import contract, pacific

from cases import services
from cases.applications import application_from_contract
from cases.persistence.desk_read_model import SqlDeskReader
from cases.persistence.repository import SqlUnitOfWork
from cases.rulebook import RuleBook


def _register(engine: Engine, book: RuleBook, day: int, **changes: str) -> str:
    return services.register_application(SqlUnitOfWork(engine), book, application_from_contract(contract(**changes)),
                                         pacific(2026, 11, day, 9), "intake")


def test_matching_ignores_case_and_searches_name_address_city_and_account(engine: Engine, book: RuleBook) -> None:
    ankeny = _register(engine, book, 2, applicant__name="Linh Nguyen", site__address="2280 SE Ankeny St",
                       site__account_number="7712003361")
    williams = _register(engine, book, 3, applicant__name="Marcus Bell", site__address="4417 N Williams Ave")
    reader = SqlDeskReader(engine, book.calendar, date(2026, 11, 4))

    def found(*words: str) -> list[str]:
        return [entry.number for entry in reader.index_matching(list(words))]

    assert found("ANKENY") == [ankeny]
    assert found("nguyen") == [ankeny]
    assert found("03361") == [ankeny]
    assert found("williams", "ankeny") == [williams, ankeny]  # newest first
    assert found("portland") == [williams, ankeny]
    assert found("zzqx") == []
    assert found() == []
