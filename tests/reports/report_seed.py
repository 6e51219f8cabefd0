"""A desk with history, made through the real services: two years of net-metering and
small-generator cases registered, completed, decided, built, metered and closed, with lapses,
an extension, a payment and assigned tasks, so that every report has something to count."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy.engine import Engine
from support import contract, pacific

from cases import services
from cases.applications import application_from_contract
from cases.entities import Document
from cases.persistence.repository import SqlUnitOfWork
from cases.rulebook import RuleBook
from cases.stages import Stage

NM_DOCS = ("one_line_diagram", "site_plan", "spec_sheet")
SG_DOCS = ("one_line_diagram", "spec_sheet", "site_control")
TODAY = date(2026, 6, 30)


def small_generator(kw: float, **changes: Any) -> dict[str, Any]:
    """A non-residential small-generator application of `kw` kW AC (export the same)."""
    return {"program": "small_generator", "generator__nameplate_kw_ac": kw, "generator__nameplate_kw_dc": kw * 1.2,
            "generator__export_kw": kw, **changes}


@dataclass
class Seeder:
    engine: Engine
    book: RuleBook
    numbers: dict[str, str] = field(default_factory=dict)

    def uow(self) -> SqlUnitOfWork:
        return SqlUnitOfWork(self.engine)

    def register(self, key: str, at: datetime, docs: tuple[str, ...], customer_class: str = "residential",
                 **changes: Any) -> str:
        application = application_from_contract(contract(**changes), customer_class)
        documents = tuple(Document(k, f"{k}.pdf", f"{key}-{k}".ljust(64, "0")[:64], 10, at) for k in docs)
        number = services.register_application(self.uow(), self.book, application, at, "intake",
                                               documents=documents)
        self.numbers[key] = number
        return number

    def move(self, key: str, stage: Stage, at: datetime, note: str | None = None) -> None:
        services.advance_stage(self.uow(), self.book, self.numbers[key], stage, at, "coordinator", note)

    def notice(self, key: str, at: datetime) -> None:
        services.send_completeness_notice(self.uow(), self.book, self.numbers[key], at, "coordinator")

    def task(self, key: str, kind: str, at: datetime) -> None:
        services.complete_task(self.uow(), self.book, self.numbers[key], kind, at, "crew")

    def decide(self, key: str, notice: datetime, review: datetime, decided: datetime, outcome: Stage,
               reason: str) -> None:
        self.notice(key, notice)
        self.move(key, Stage.IN_REVIEW, review)
        self.move(key, outcome, decided, reason)

    def build(self, key: str, executed: datetime, inspected: datetime, metered: datetime) -> None:
        """Agreement to meter: construction, inspections and the meter, as the teams do it."""
        self.move(key, Stage.AGREEMENT_EXECUTED, executed)
        self.move(key, Stage.CONSTRUCTION, executed)
        self.move(key, Stage.LOCAL_INSPECTION_PASSED, inspected)
        self.task(key, "schedule_final_inspection", inspected)
        kind = "install_meter" if self.numbers[key] in self._small_generators() else "meter_exchange"
        self.task(key, kind, metered)

    def _small_generators(self) -> set[str]:
        return {self.numbers[k] for k in self.numbers if k.startswith("sg")}


def seed(engine: Engine, book: RuleBook) -> dict[str, str]:
    """The desk's history; returns case numbers by a short key (nm…: net metering, sg…: small generator)."""
    s = Seeder(engine, book)
    # 2025: a net-metering home system from receipt to billing and closure.
    s.register("nm_done", pacific(2025, 3, 3, 9), NM_DOCS, site__zip="97217")
    s.decide("nm_done", pacific(2025, 3, 4), pacific(2025, 3, 5), pacific(2025, 3, 12), Stage.APPROVED,
             "meets the Tier 1 screens")
    s.build("nm_done", pacific(2025, 3, 20), pacific(2025, 4, 10), pacific(2025, 4, 15))
    s.task("nm_done", "enrol_billing", pacific(2025, 4, 22))  # the last task: the case closes
    # 2025: an incomplete application whose cure period lapses: deemed withdrawn.
    s.register("nm_lapsed", pacific(2025, 5, 5, 9), (), generator__type="solar_storage", site__zip="97211",
               site__account_number="1234500001", site__address="12 SE Oak St")
    s.notice("nm_lapsed", pacific(2025, 5, 6))
    services.sweep_clocks(s.uow(), book, date(2025, 5, 28), pacific(2025, 5, 28, 6))
    # 2025: a 150 kW small generator (Tier 2, fee paid), approved with conditions, in service in 2025.
    s.register("sg_t2", pacific(2025, 6, 2, 9), SG_DOCS, "non_residential", **small_generator(
        150, site__zip="97203", site__address="800 N Lombard St", site__account_number="5550001111",
        applicant__name="Willamette Cold Storage"))
    services.record_payment(s.uow(), book, s.numbers["sg_t2"], Decimal("500"), "check 4471",
                            pacific(2025, 6, 3, 9), "billing")
    s.decide("sg_t2", pacific(2025, 6, 4), pacific(2025, 6, 5), pacific(2025, 6, 25), Stage.APPROVED_WITH_CONDITIONS,
             "approved with a recloser setting change")
    s.build("sg_t2", pacific(2025, 7, 10), pacific(2025, 9, 2), pacific(2025, 9, 9))
    # Metered, but its fee check was never ticked off: the coordinator closes it by hand.
    s.move("sg_t2", Stage.CLOSED, pacific(2025, 9, 10))
    # 2025: a 2.5 MW Tier 4 small generator: study deposit set and paid, approved, equipment ordered.
    s.register("sg_t4", pacific(2025, 8, 4, 9), SG_DOCS, "non_residential", **small_generator(
        2500, generator__type="hydro", site__zip="97030", site__city="Gresham", site__address="2 Mill Rd",
        site__account_number="5550003333", applicant__name="Sandy River Hydro"))
    services.set_fee(s.uow(), book, s.numbers["sg_t4"], "1500", "study deposit", pacific(2025, 8, 5), "coordinator")
    services.record_payment(s.uow(), book, s.numbers["sg_t4"], Decimal("1500"), "wire 88",
                            pacific(2025, 8, 6, 9), "billing")
    s.decide("sg_t4", pacific(2025, 8, 7), pacific(2025, 8, 8), pacific(2025, 10, 1), Stage.APPROVED,
             "impact study found no adverse system impact")
    services.add_purchase_order(s.uow(), s.numbers["sg_t4"], "recloser", "PO-7731", pacific(2025, 10, 2),
                                "coordinator")
    # 2026: a net-metering Tier 1 left undecided: deemed approved at the lapse of its 20 days.
    s.register("nm_deemed", pacific(2026, 1, 5, 9), NM_DOCS, site__zip="97217", site__address="5 N Going St",
               site__account_number="1234500002", applicant__name="Rosa Delgado")
    s.notice("nm_deemed", pacific(2026, 1, 6))
    services.sweep_clocks(s.uow(), book, date(2026, 2, 5), pacific(2026, 2, 5, 6))
    # 2026: open cases at different stages for the queue.
    s.register("nm_open_incomplete", pacific(2026, 6, 1, 9), ("one_line_diagram",), site__zip="97212",
               site__address="77 NE Knott St", site__account_number="1234500003", applicant__name="Linh Nguyen")
    s.notice("nm_open_incomplete", pacific(2026, 6, 2))
    services.extend_clock(s.uow(), s.numbers["nm_open_incomplete"], "nm_cure_missing_info", date(2026, 6, 30),
                          "Linh Nguyen", pacific(2026, 6, 10), "coordinator", "waiting for the roofer")
    s.register("nm_open_review", pacific(2026, 6, 15, 9), NM_DOCS, site__zip="97217", site__address="9 N Ivy St",
               site__account_number="1234500004", applicant__name="Marcus Bell")
    s.notice("nm_open_review", pacific(2026, 6, 16))
    s.move("nm_open_review", Stage.IN_REVIEW, pacific(2026, 6, 17))
    services.assign_task(s.uow(), s.numbers["nm_open_review"], "screening_review", "sam", pacific(2026, 6, 17),
                         "coordinator")
    s.register("sg_open", pacific(2026, 6, 22, 9), (), "non_residential", **small_generator(
        2500, site__zip="97030", site__city="Gresham", site__address="1 Industrial Way",
        site__account_number="5550002222", applicant__name="Gresham Foundry"))
    return s.numbers
