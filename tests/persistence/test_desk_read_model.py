"""The desk's SQL read model on SQLite and PostgreSQL alike: the candidates of `status
<words>` whatever the case of the words typed, and the date filters of `overdue` and `due`."""

from __future__ import annotations

from datetime import date

from sqlalchemy.engine import Engine
from support import contract, pacific

from cases import services
from cases.applications import application_from_contract
from cases.desk_queries import TaskDue
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


def test_open_tasks_filtered_by_due_date(engine: Engine, book: RuleBook) -> None:
    first = _register(engine, book, 2)
    second = _register(engine, book, 3, site__address="2280 SE Ankeny St")
    reader = SqlDeskReader(engine, book.calendar, date(2026, 11, 30))
    everything = reader.open_tasks()
    due_days = sorted({task.due_on for task in everything if task.due_on is not None})
    assert {task.number for task in everything} == {first, second}
    assert len(due_days) >= 2, "the two cases' tasks fall due on different days"
    cut = due_days[-1]

    def spans(tasks: list[TaskDue]) -> list[tuple[str, date | None]]:
        return [(task.number, task.due_on) for task in tasks]

    assert spans(reader.open_tasks(due_before=cut)) == \
        [(t.number, t.due_on) for t in everything if t.due_on is not None and t.due_on < cut]
    assert spans(reader.open_tasks(due_from=cut)) == \
        [(t.number, t.due_on) for t in everything if t.due_on is not None and t.due_on >= cut]
    assert reader.open_tasks(due_from=cut, due_before=cut) == []
